"""For each generated definitions.py (JSON on stdin): ast.parse it and check that its literals evaluate
back to the exact inputs. Prints one JSON line: the problems found (empty when all is well)."""

import ast
import json
import sys

problems = []
for i, sample in enumerate(json.load(sys.stdin)):
    try:
        tree = ast.parse(sample["source"])
    except SyntaxError as error:
        problems.append(f"sample {i}: SyntaxError {error}")
        continue
    assigned = {}
    keywords = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned[node.targets[0].id] = node.value
        # Keyword arguments of the asset declarations, in source order.
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("AssetSpec", "dbt_build_asset"):
            for keyword in node.keywords:
                keywords.setdefault(keyword.arg, []).append(keyword.value)

    def check(what, got, want, i=i):
        if got != want:
            problems.append(f"sample {i}: {what}: {got!r} != {want!r}")

    check("docstring", ast.get_docstring(tree, clean=False), sample["docstring"])
    default_dir = assigned["DBT_PROJECT_DIR"].args[0].values[1]
    # A relative project dir is resolved against the output directory, the package's parent:
    # OUTPUT_DIR = Path(__file__).parent.parent, then (OUTPUT_DIR / "<dir>").resolve()
    if isinstance(default_dir, ast.Call) and isinstance(default_dir.func, ast.Attribute) and default_dir.func.attr == "resolve":
        joined = default_dir.func.value
        output_dir = assigned.get("OUTPUT_DIR")
        if output_dir is None or ast.unparse(output_dir) != "Path(__file__).parent.parent":
            problems.append(f"sample {i}: OUTPUT_DIR: unexpected {output_dir and ast.unparse(output_dir)}")
            continue
        if not (isinstance(joined, ast.BinOp) and isinstance(joined.op, ast.Div) and ast.unparse(joined.left) == "OUTPUT_DIR"):
            problems.append(f"sample {i}: dbt project dir: unexpected expression {ast.unparse(default_dir)}")
            continue
        default_dir = joined.right
    check("dbt project dir", ast.literal_eval(default_dir), sample["dbtProjectDir"])
    if "ASSET_KEYS" in assigned:
        check("unique ids", list(ast.literal_eval(assigned["ASSET_KEYS"]).keys()), sample["uniqueIds"])
    else:
        check("models", [ast.literal_eval(v) for v in keywords.get("model", [])], sample["models"])
        check("descriptions", [ast.literal_eval(v) for v in keywords.get("description", [])], sample["descriptions"])
        metadata = [ast.literal_eval(v) for v in keywords.get("metadata", [])]
        check("metadata", [m["floe/model"] for m in metadata], sample["models"])
print(json.dumps(problems))
