"""Writes to OUT, as JSON, what `dbt ls --select <selector>` picks (unique_ids of models, seeds and snapshots)
for each selector, in one process with dbt's programmatic runner.
Usage: python dbt_select_each.py PROJECT_DIR OUT SELECTOR..."""
import json
import sys

from dbt.cli.main import dbtRunner

project, out, selectors = sys.argv[1], sys.argv[2], sys.argv[3:]
runner = dbtRunner()
picked = {}
for selector in selectors:
    args = ["--quiet", "ls", "--project-dir", project, "--profiles-dir", project, "--output", "json", "--output-keys", "unique_id",
            "--resource-type", "model", "--resource-type", "seed", "--resource-type", "snapshot", "--select", selector]
    result = runner.invoke(args)
    if not result.success:
        raise SystemExit(f"dbt ls --select {selector} failed: {result.exception!r}")
    picked[selector] = sorted(json.loads(line)["unique_id"] for line in result.result)
with open(out, "w", encoding="utf-8") as f:
    json.dump(picked, f)
