#!/usr/bin/env python3
"""Writes corpus.json: bad inputs for every floe CLI command. Each case: argv (with $TMP for the case's
temp dir), files to create in $TMP, and `field`, a string the one-line error must contain (the field or
flag at fault). Regenerate with: python3 test/hardening/bad-input/make-corpus.py"""
import copy
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
BASE = {
    "version": "0.10.0",
    "metadata": {"compiled_at": "2026-01-01T00:00:00Z", "floe_version": "0.1.0", "source_hash": "x", "product_name": "shop", "product_version": "1.0.0"},
    "identity": {"product_id": "shop", "domain": "d", "repository": ""},
    "observability": {"lineage": True, "lineage_namespace": "shop"},
    "transforms": {"default_compute": "duckdb", "models": [
        {"name": "a", "compute": "duckdb", "tags": ["daily"], "depends_on": []},
        {"name": "b", "compute": "duckdb", "tags": ["daily"], "depends_on": ["a"]},
    ]},
    "orchestration": {
        "jobs": [{"name": "daily", "select": {"tags": ["daily"]}}],
        "schedules": [{"name": "morning", "job": "daily", "cron": "0 6 * * *", "timezone": "Europe/London"}],
    },
}
DELETE = object()

def mutate(path, value):
    a = copy.deepcopy(BASE)
    cur = a
    for k in path[:-1]:
        cur = cur[k]
    if value is DELETE:
        del cur[path[-1]]
    else:
        cur[path[-1]] = value
    return a

cases = []
def case(name, argv, field, files=None):
    c = {"name": name, "argv": argv, "field": field, "files": files or {}}
    cases.append(c)

# Artifacts mutations: (name, path, value, field named in the error)
M = [
    ("version missing", ["version"], DELETE, "version"),
    ("version number", ["version"], 10, "version"),
    ("version unsupported major", ["version"], "9.0.0", "version"),
    ("version garbage", ["version"], "latest", "version"),
    ("metadata missing", ["metadata"], DELETE, "metadata"),
    ("metadata array", ["metadata"], [], "metadata"),
    ("product_name empty", ["metadata", "product_name"], "", "product_name"),
    ("product_name number", ["metadata", "product_name"], 5, "product_name"),
    ("product_name null", ["metadata", "product_name"], None, "product_name"),
    ("compiled_at missing", ["metadata", "compiled_at"], DELETE, "compiled_at"),
    ("product_version number", ["metadata", "product_version"], 1, "product_version"),
    ("identity string", ["identity"], "x", "identity"),
    ("transforms array", ["transforms"], [], "transforms"),
    ("models not array", ["transforms", "models"], {}, "models"),
    ("model not object", ["transforms", "models"], ["a"], "models[0]"),
    ("model name empty", ["transforms", "models"], [{"name": "", "compute": "duckdb", "tags": [], "depends_on": []}], "models[0].name"),
    ("model name number", ["transforms", "models"], [{"name": 3, "compute": "duckdb", "tags": [], "depends_on": []}], "models[0].name"),
    ("model tags string", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": "daily", "depends_on": []}], "models[0].tags"),
    ("model tag number", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [1], "depends_on": []}], "models[0].tags[0]"),
    ("model depends_on string", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [], "depends_on": "b"}], "models[0].depends_on"),
    ("model meta array", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [], "depends_on": [], "meta": []}], "models[0].meta"),
    ("model description number", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [], "depends_on": [], "description": 7}], "models[0].description"),
    ("dangling dependency", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [], "depends_on": ["zz"]}], "models[0].depends_on"),
    ("self dependency", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [], "depends_on": ["a"]}], "models[0].depends_on"),
    ("duplicate model", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [], "depends_on": []}, {"name": "a", "compute": "duckdb", "tags": [], "depends_on": []}], "models[1]"),
    ("cycle", ["transforms", "models"], [{"name": "a", "compute": "duckdb", "tags": [], "depends_on": ["b"]}, {"name": "b", "compute": "duckdb", "tags": [], "depends_on": ["a"]}], "depends_on"),
    ("orchestration array", ["orchestration"], [], "orchestration"),
    ("jobs not array", ["orchestration", "jobs"], {}, "jobs"),
    ("job name empty", ["orchestration", "jobs"], [{"name": "", "select": {"tags": ["daily"]}}], "jobs[0].name"),
    ("job select unknown model", ["orchestration", "jobs"], [{"name": "daily", "select": {"models": ["nope"]}}], "jobs[0]"),
    ("job select tags string", ["orchestration", "jobs"], [{"name": "daily", "select": {"tags": "daily"}}], "jobs[0].select"),
    ("duplicate job", ["orchestration", "jobs"], [{"name": "daily", "select": {"tags": ["daily"]}}, {"name": "daily", "select": {"tags": ["daily"]}}], "jobs[1]"),
    ("schedule unknown job", ["orchestration", "schedules"], [{"name": "m", "job": "nope", "cron": "0 6 * * *", "timezone": "UTC"}], "schedules[0].job"),
    ("schedule cron minute 61", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "61 6 * * *", "timezone": "UTC"}], "schedules[0].cron"),
    ("schedule cron too few fields", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "0 6 *", "timezone": "UTC"}], "schedules[0].cron"),
    ("schedule cron words", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "every day", "timezone": "UTC"}], "schedules[0].cron"),
    ("schedule cron empty", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "", "timezone": "UTC"}], "schedules[0].cron"),
    ("schedule cron number", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": 5, "timezone": "UTC"}], "schedules[0].cron"),
    ("schedule timezone unknown", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "0 6 * * *", "timezone": "Mars/Olympus"}], "schedules[0].timezone"),
    ("schedule timezone offset", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "0 6 * * *", "timezone": "+02:00"}], "schedules[0].timezone"),
    ("schedule timezone empty", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "0 6 * * *", "timezone": ""}], "schedules[0].timezone"),
    ("schedule enabled string", ["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "0 6 * * *", "timezone": "UTC", "enabled": "yes"}], "schedules[0].enabled"),
]
RAW = [
    ("empty file", ""),
    ("not json", "{"),
    ("json array", "[]"),
    ("json null", "null"),
    ("json string", "\"x\""),
    ("yaml not json", "version: 0.10.0\n"),
    ("binary", "\u0000\u0001\u0002"),
]

for n, p, v, f in M:
    doc = json.dumps(mutate(p, v))
    case(f"artifacts validate: {n}", ["artifacts", "validate", "$TMP/a.json"], f, {"a.json": doc})
    case(f"generate dagster: {n}", ["generate", "$TMP/a.json", "--orchestrator", "dagster", "--out", "$TMP/out"], f, {"a.json": doc, "out/keep.txt": "previous output\n"})
    case(f"generate airflow: {n}", ["generate", "$TMP/a.json", "--orchestrator", "airflow", "--out", "$TMP/out"], f, {"a.json": doc, "out/keep.txt": "previous output\n"})
# Model names dbt's --select would not match alone: generation refuses them (validation of the
# artifacts' shape accepts them, so only `generate` cases).
SELECTOR = [
    ("model name with space", "a b"),
    ("model name is a tag selector", "tag:x"),
    ("model name with graph operator", "x+"),
    ("model name is a glob", "*"),
    ("model name with a dot", "x.y"),
    ("model name starts with dash", "-x"),
    ("model name is the package", "shop"),
]
for n, name in SELECTOR:
    model = {"name": name, "compute": "duckdb", "tags": [], "depends_on": [], "unique_id": f"model.shop.{name}"}
    doc = json.dumps(mutate(["transforms", "models"], [BASE["transforms"]["models"][0], model]))
    for orchestrator in ("dagster", "airflow"):
        case(f"generate {orchestrator}: {n}", ["generate", "$TMP/a.json", "--orchestrator", orchestrator, "--out", "$TMP/out"], "transforms.models[1].name", {"a.json": doc, "out/keep.txt": "previous output\n"})
for n, content in RAW:
    case(f"artifacts validate: {n}", ["artifacts", "validate", "$TMP/a.json"], "(document)", {"a.json": content})
    case(f"generate: {n}", ["generate", "$TMP/a.json", "--orchestrator", "airflow", "--out", "$TMP/out"], "(document)", {"a.json": content})
    case(f"helm-values --artifacts: {n}", ["helm-values", "--orchestrator", "dagster", "--artifacts", "$TMP/a.json"], "(document)", {"a.json": content})
good = json.dumps(BASE)
for n, p, v, f in M[:12]:
    case(f"helm-values --artifacts: {n}", ["helm-values", "--orchestrator", "airflow", "--artifacts", "$TMP/a.json"], f, {"a.json": json.dumps(mutate(p, v))})

# Paths and flags
case("validate: missing file", ["artifacts", "validate", "$TMP/nope.json"], "<artifacts.json>")
case("validate: directory", ["artifacts", "validate", "$TMP"], "<artifacts.json>")
case("validate: no argument", ["artifacts", "validate"], "<artifacts.json>")
case("validate: extra argument", ["artifacts", "validate", "$TMP/a.json", "more"], "more", {"a.json": good})
case("validate: unknown flag", ["artifacts", "validate", "$TMP/a.json", "--jsn"], "--jsn", {"a.json": good})
case("schema: extra argument", ["artifacts", "schema", "x"], "\"x\"")
case("schema: unknown flag", ["artifacts", "schema", "--out", "x"], "--out")
case("plugins: extra argument", ["plugins", "all"], "\"all\"")
case("plugins: unknown flag", ["plugins", "--all"], "--all")
case("unknown command", ["deploy"], "deploy")
case("unknown subcommand", ["artifacts", "publish"], "publish")
case("generate: missing --out", ["generate", "$TMP/a.json", "--orchestrator", "dagster"], "--out", {"a.json": good})
case("generate: missing --orchestrator", ["generate", "$TMP/a.json", "--out", "$TMP/out"], "--orchestrator", {"a.json": good})
case("generate: unknown orchestrator", ["generate", "$TMP/a.json", "--orchestrator", "prefect", "--out", "$TMP/out"], "prefect", {"a.json": good, "out/keep.txt": "x"})
case("generate: orchestrator empty", ["generate", "$TMP/a.json", "--orchestrator", "", "--out", "$TMP/out"], "--orchestrator", {"a.json": good})
case("generate: missing file", ["generate", "$TMP/nope.json", "--orchestrator", "dagster", "--out", "$TMP/out"], "<artifacts.json>")
case("generate: no positional", ["generate", "--orchestrator", "dagster", "--out", "$TMP/out"], "<artifacts.json>")
case("generate: unknown flag", ["generate", "$TMP/a.json", "--orchestrator", "dagster", "--out", "$TMP/out", "--force"], "--force", {"a.json": good})
case("generate: --out flag without value", ["generate", "$TMP/a.json", "--orchestrator", "dagster", "--out"], "--out", {"a.json": good})
case("generate: extra positional", ["generate", "$TMP/a.json", "b.json", "--orchestrator", "dagster", "--out", "$TMP/out"], "b.json", {"a.json": good})
for size in ["huge", "", "SMALL", "1", "medium,large", "xl"]:
    case(f"helm-values: --size {size!r}", ["helm-values", "--orchestrator", "dagster", "--size", size], "--size")
case("helm-values: missing orchestrator", ["helm-values"], "--orchestrator")
case("helm-values: unknown orchestrator", ["helm-values", "--orchestrator", "luigi"], "luigi")
case("helm-values: missing artifacts file", ["helm-values", "--orchestrator", "dagster", "--artifacts", "$TMP/none.json"], "--artifacts")
case("helm-values: unknown flag", ["helm-values", "--orchestrator", "dagster", "--replicas", "3"], "--replicas")
# Schedules
CRONS = ["61 * * * *", "* 24 * * *", "* * 32 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "a b c d e", "* * * *", "* * * * * * *",
         "5-1 * * * *", "@hourly2", "", "0 6 * * MON-FOO", "1,,2 * * * *", "-1 * * * *", "0 6 ? * *"]
for c in CRONS:
    case(f"schedule preview: cron {c!r}", ["schedule", "preview", c, "--timezone", "UTC"], "cron")
for z in ["Mars/Base", "", "utc+1", "Europe/Londn", "../etc/passwd", "America/New York", "GMT+25"]:
    case(f"schedule preview: timezone {z!r}", ["schedule", "preview", "0 6 * * *", "--timezone", z], "timezone")
for cnt in ["0", "-1", "1001", "ten", "1.5", ""]:
    case(f"schedule preview: --count {cnt!r}", ["schedule", "preview", "0 6 * * *", "--timezone", "UTC", "--count", cnt], "--count")
for fr in ["yesterday", "2025-13-01T00:00:00Z", "2025-03-08T12:00:00", "", "1700000000"]:
    case(f"schedule preview: --from {fr!r}", ["schedule", "preview", "0 6 * * *", "--timezone", "UTC", "--from", fr], "--from")
case("schedule preview: unknown orchestrator", ["schedule", "preview", "0 6 * * *", "--timezone", "UTC", "--orchestrator", "cron"], "--orchestrator")
case("schedule preview: missing cron", ["schedule", "preview", "--timezone", "UTC"], "cron")
case("schedule preview: missing timezone", ["schedule", "preview", "0 6 * * *"], "timezone")
# Lineage
L = ["lineage", "emit", "--type", "START", "--job", "j"]
for t in ["BAD", "", "start2", "DONE"]:
    case(f"lineage emit: --type {t!r}", ["lineage", "emit", "--type", t, "--job", "j"], "--type")
case("lineage emit: missing --type", ["lineage", "emit", "--job", "j"], "--type")
case("lineage emit: missing --job", ["lineage", "emit", "--type", "START"], "--job")
case("lineage emit: empty --job", ["lineage", "emit", "--type", "START", "--job", ""], "--job")
for rid in ["abc", "", "12345678-1234-1234-1234-12345678901", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"]:
    case(f"lineage emit: --run-id {rid!r}", L + ["--run-id", rid], "--run-id")
for ref in ["foo", "::name", "ns::", ""]:
    case(f"lineage emit: --input {ref!r}", L + ["--input", ref], "--input")
    case(f"lineage emit: --output {ref!r}", L + ["--output", ref], "--output")
URLS = ["notaurl", "ftp://x", "file:///etc/passwd", "http://", "javascript:alert(1)", "http://[::1", "", "data:text/plain,x"]
for u in URLS:
    case(f"lineage emit: --url {u!r}", L + ["--url", u], "--url")
    case(f"lineage flush: --url {u!r}", ["lineage", "flush", "--url", u], "--url")
for ms in ["-5", "0", "abc", "1.5", "", "99999999999999999999"]:
    case(f"lineage emit: --timeout-ms {ms!r}", L + [f"--timeout-ms={ms}"], "--timeout-ms")
    case(f"lineage flush: --retry-budget-ms {ms!r}", ["lineage", "flush", "--url", "http://127.0.0.1:9", f"--retry-budget-ms={ms}"], "--retry-budget-ms")
case("lineage emit: missing artifacts", L + ["--artifacts", "$TMP/none.json"], "--artifacts")
case("lineage emit: bad artifacts", L + ["--artifacts", "$TMP/a.json"], "(document)", {"a.json": "{"})
case("lineage emit: unknown flag", L + ["--verbose"], "--verbose")
case("lineage flush: unknown flag", ["lineage", "flush", "--all"], "--all")
case("lineage flush: extra argument", ["lineage", "flush", "now"], "\"now\"")
# dbt manifests
for n, content, field in [("empty", "", "(document)"), ("not json", "{", "(document)"), ("array", "[]", "(document)"), ("nodes array", json.dumps({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}, "nodes": []}), "nodes"), ("no metadata", json.dumps({"nodes": {}}), "metadata")]:
    case(f"artifacts from-dbt: manifest {n}", ["artifacts", "from-dbt", "$TMP/manifest.json", "--product", "shop", "--out", "$TMP/out.json"], field, {"manifest.json": content})
MAN = json.dumps({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "project_name": "shop"}, "nodes": {}, "sources": {}})
for flag, value in [("--product-version", "one"), ("--product-version", ""), ("--compiled-at", "soon"), ("--compiled-at", "2026-01-01"), ("--product", "")]:
    argv = ["artifacts", "from-dbt", "$TMP/manifest.json", "--out", "$TMP/out.json"] + ([] if flag == "--product" else ["--product", "shop"]) + [flag, value]
    case(f"artifacts from-dbt: {flag} {value!r}", argv, flag, {"manifest.json": MAN})
case("artifacts from-dbt: --orchestration missing file", ["artifacts", "from-dbt", "$TMP/manifest.json", "--product", "shop", "--orchestration", "$TMP/none.yml"], "--orchestration", {"manifest.json": MAN})
case("artifacts from-dbt: missing manifest", ["artifacts", "from-dbt", "$TMP/none.json", "--product", "shop"], "<manifest.json>")
case("artifacts from-dbt: missing --product", ["artifacts", "from-dbt", "$TMP/none.json"], "--product")
# Issue 15 (hostile probe): impossible dates, strict YAML, long inputs, non-file --out targets
for when in ["2026-02-30T00:00:00Z", "2025-02-29T12:00:00Z", "2026-04-31T00:00:00+02:00", "2026-01-01T24:30:00Z"]:
    case(f"artifacts from-dbt: --compiled-at {when!r}", ["artifacts", "from-dbt", "$TMP/manifest.json", "--product", "shop", "--out", "$TMP/out.json", "--compiled-at", when], "--compiled-at", {"manifest.json": MAN})
case("schedule preview: --from on 30 February", ["schedule", "preview", "0 6 * * *", "--timezone", "UTC", "--from", "2026-02-30T00:00:00Z"], "--from")
for n, text in [("unknown tag", "jobs: !weird []\n"), ("unknown tag on a schedule", "schedules:\n  - !cron {name: m}\n"), ("duplicate key", "jobs: []\njobs: []\n"), ("unclosed flow", "jobs: [\n"), ("deep flow nesting", "jobs: " + "[" * 5000 + "]" * 5000 + "\n")]:
    case(f"artifacts from-dbt: --orchestration {n}", ["artifacts", "from-dbt", "$TMP/manifest.json", "--product", "shop", "--out", "$TMP/out.json", "--orchestration", "$TMP/jobs.yml"], "--orchestration", {"manifest.json": MAN, "jobs.yml": text})
case("artifacts from-dbt: --out is a directory", ["artifacts", "from-dbt", "$TMP/manifest.json", "--product", "shop", "--out", "$TMP/dir"], "--out", {"manifest.json": MAN, "dir/keep.txt": "x"})
case("generate: --out is a file", ["generate", "$TMP/a.json", "--orchestrator", "dagster", "--out", "$TMP/out.txt"], "--out", {"a.json": good, "out.txt": "keep"})
case("schedule preview: 5,000-character time zone", ["schedule", "preview", "0 6 * * *", "--timezone", "Europe/" + "L" * 5000], "--timezone")
case("schedule preview: 5,000-character cron", ["schedule", "preview", "0 " * 2500, "--timezone", "UTC"], "argument 1")
case("lineage emit: 5,000-character job", L + ["--job", "j" * 5000], "--job")
case("generate: 100,000-character time zone in the artifacts", ["generate", "$TMP/a.json", "--orchestrator", "dagster", "--out", "$TMP/out"], "schedules[0].timezone",
     {"a.json": json.dumps(mutate(["orchestration", "schedules"], [{"name": "m", "job": "daily", "cron": "0 6 * * *", "timezone": "Europe/" + "x" * 100000}]))})
# validate-connection
for u in ["notaurl", "ftp://x", ""]:
    case(f"validate-connection: --url {u!r}", ["validate-connection", "--orchestrator", "dagster", "--url", u], "--url")
case("validate-connection: unknown orchestrator", ["validate-connection", "--orchestrator", "nifi"], "nifi")

# run, run status (the closed port 9 is never contacted: each case fails before any request)
R = ["run", "$TMP/a.json", "--orchestrator", "dagster", "--url", "http://127.0.0.1:9"]
case("run: missing --orchestrator", ["run", "$TMP/a.json"], "--orchestrator", {"a.json": good})
case("run: missing artifacts", ["run", "--orchestrator", "dagster"], "<artifacts.json>")
case("run: job the artifacts do not define", R + ["--job", "nope"], "--job", {"a.json": good})
case("run: airflow, job the artifacts do not define", ["run", "$TMP/a.json", "--orchestrator", "airflow", "--url", "http://127.0.0.1:9", "--job", "nope"], "--job", {"a.json": good})
for t in ["0", "-1", "1.5", "soon", "604801"]:
    case(f"run: --timeout {t!r}", R + ["--wait", "--timeout", t], "--timeout", {"a.json": good})
for u in ["notaurl", "ftp://x"]:
    case(f"run: --url {u!r}", ["run", "$TMP/a.json", "--orchestrator", "airflow", "--url", u], "--url", {"a.json": good})
case("run: artifacts without a version", R, "version", {"a.json": json.dumps(mutate(["version"], DELETE))})
case("run status: missing --job", ["run", "status", "r1", "--orchestrator", "dagster", "--url", "http://127.0.0.1:9"], "--job")
case("run status: missing run id", ["run", "status", "--job", "j", "--orchestrator", "dagster"], "<run-id>")
# schedule diff
for c in ["61 2 * * *", "* * * *", ""]:
    case(f"schedule diff: cron {c!r}", ["schedule", "diff", c, "--timezone", "UTC"], "cron")
case("schedule diff: unknown time zone", ["schedule", "diff", "0 6 * * *", "--timezone", "Mars/Olympus"], "timezone")
case("schedule diff: missing timezone", ["schedule", "diff", "0 6 * * *"], "--timezone")
for cnt in ["0", "101", "x"]:
    case(f"schedule diff: --count {cnt!r}", ["schedule", "diff", "0 6 * * *", "--timezone", "UTC", "--count", cnt], "--count")
for d in ["0", "36601", "1e3"]:
    case(f"schedule diff: --days {d!r}", ["schedule", "diff", "0 6 * * *", "--timezone", "UTC", "--days", d], "--days")
case("schedule diff: --from without offset", ["schedule", "diff", "0 6 * * *", "--timezone", "UTC", "--from", "2026-01-01T00:00:00"], "--from")
# generate --plan
case("generate: --json without --plan", ["generate", "$TMP/a.json", "--orchestrator", "dagster", "--out", "$TMP/out", "--dbt-project", "$TMP", "--json"], "--json", {"a.json": good, "dbt_project.yml": "name: shop\n"})

json.dump(cases, open(os.path.join(here, "corpus.json"), "w"), indent=1, ensure_ascii=False)
print(len(cases), "cases")
