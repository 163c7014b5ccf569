"""Reads a JSON list of {id, source, expect} from the file in argv[1]; prints a JSON list of failures.

Each source must parse (ast.parse) and every expected string must appear, exactly, as the value of a
string literal (ast.literal_eval of each str constant node's source segment gives it back)."""
import ast
import json
import sys

cases = json.load(open(sys.argv[1], encoding="utf-8"))
failures = []
for case in cases:
    src = case["source"]
    try:
        tree = ast.parse(src)
    except SyntaxError as e:
        failures.append({"id": case["id"], "error": f"SyntaxError: {e}"})
        continue
    literals = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            seg = ast.get_source_segment(src, node)
            if seg is not None:
                try:
                    value = ast.literal_eval(seg)
                except Exception:
                    # Implicit concatenation pieces of a larger literal: keep the node value.
                    value = node.value
                literals.add(value)
            literals.add(node.value)
    missing = [s for s in case["expect"] if s not in literals]
    if missing:
        failures.append({"id": case["id"], "error": "expected literals missing", "missing": missing[:3]})
print(json.dumps(failures))
