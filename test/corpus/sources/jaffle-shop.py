"""Loads dbt-labs/jaffle-shop's `ecom` sources (schema `raw`) into a DuckDB file, the same bytes every run.

The project reads its raw tables as sources loaded outside dbt. Four of them are the project's own CSVs
(seeds/jaffle-data, disabled seeds there); raw_orders and raw_items are several MB upstream and were not
vendored, so they are generated here from a fixed seed, consistent with the project's tests (an order's
subtotal is the sum of its items' prices; order_total = subtotal + tax_paid). No customer orders twice
on one day: the orders mart numbers a customer's orders with row_number() over ordered_at truncated to
the day, so a tie would number them in whatever order DuckDB reads them, and even two plain
`dbt build`s could disagree.

usage: python jaffle-shop.py <project dir> <warehouse.duckdb>
"""

import random
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

ORDERS = 1500


def main(project: str, database: str) -> None:
    data = Path(project) / "seeds" / "jaffle-data"
    con = duckdb.connect(database)
    con.execute("create schema if not exists raw")
    for table in ("raw_customers", "raw_products", "raw_stores", "raw_supplies"):
        con.execute(f"create or replace table raw.{table} as select * from read_csv(?, header = true)", [str(data / f"{table}.csv")])

    rng = random.Random(14)
    customers = [r[0] for r in con.execute("select id from raw.raw_customers order by id").fetchall()]
    stores = con.execute("select id, opened_at, tax_rate from raw.raw_stores order by id").fetchall()
    products = con.execute("select sku, price from raw.raw_products order by sku").fetchall()
    start = datetime(2016, 9, 1)

    orders, items, customer_days = [], [], set()
    while len(orders) < ORDERS:
        order_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        store_id, opened_at, tax_rate = rng.choice(stores)
        ordered_at = max(start, opened_at) + timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        customer = rng.choice(customers)
        if (customer, ordered_at.date()) in customer_days:
            continue
        customer_days.add((customer, ordered_at.date()))
        chosen = [rng.choice(products) for _ in range(rng.randint(1, 4))]
        for sku, _price in chosen:
            items.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), order_id, sku))
        subtotal = sum(price for _sku, price in chosen)
        tax_paid = round(subtotal * tax_rate)
        orders.append((order_id, customer, ordered_at, store_id, subtotal, tax_paid, subtotal + tax_paid))

    con.execute(
        "create or replace table raw.raw_orders (id varchar, customer varchar, ordered_at timestamp, store_id varchar,"
        " subtotal integer, tax_paid integer, order_total integer)"
    )
    con.executemany("insert into raw.raw_orders values (?, ?, ?, ?, ?, ?, ?)", orders)
    con.execute("create or replace table raw.raw_items (id varchar, order_id varchar, sku varchar)")
    con.executemany("insert into raw.raw_items values (?, ?, ?)", items)
    con.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
