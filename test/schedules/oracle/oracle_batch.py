"""The oracles' shared loop: cases as JSON on stdin, one result per case (its times or its error) as JSON on stdout."""
import json
import sys


def serve(run):
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(run(case))
        except Exception as error:  # reported per case, compared by the test
            results.append({"id": case["id"], "error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)
