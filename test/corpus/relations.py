"""Every relation in a DuckDB file with its type, columns, row count and an order-independent content hash.

usage: python relations.py <warehouse.duckdb> '<{"schema.table": ["column", ...]}>'
The JSON names columns left out of the hash (columns dbt fills from the run's clock); prints JSON.
The hash is the sum, as a HUGEINT, of DuckDB's hash() of each row (as a struct), so row order does not
matter and duplicate rows count.
"""

import json
import sys

import duckdb


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main(database: str, excluded_json: str) -> None:
    excluded: dict[str, list[str]] = json.loads(excluded_json)
    con = duckdb.connect(database, read_only=True)
    relations = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables"
        " where table_catalog = current_database() order by 1, 2"
    ).fetchall()
    out = {}
    for schema, name, kind in relations:
        key = f"{schema}.{name}"
        columns = con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_catalog = current_database() and table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
        left_out = excluded.get(key, [])
        missing = [c for c in left_out if c not in {n for n, _ in columns}]
        if missing:
            raise SystemExit(f"{key}: excluded columns {missing} do not exist")
        kept = [n for n, _ in columns if n not in left_out]
        if kept:
            rows, digest = con.execute(
                f"select count(*), coalesce(sum(hash(r)::hugeint), 0)::varchar"
                f" from (select {', '.join(quote(c) for c in kept)} from {quote(schema)}.{quote(name)}) r"
            ).fetchone()
        else:  # every column comes from the clock: only the row count is compared
            rows, digest = con.execute(f"select count(*), '' from {quote(schema)}.{quote(name)}").fetchone()
        out[key] = {
            "type": kind,
            "columns": [f"{n} {t}" for n, t in columns],
            "rows": rows,
            "hash": digest,
            "excluded": left_out,
        }
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
