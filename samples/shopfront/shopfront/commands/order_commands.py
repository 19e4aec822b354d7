"""Order maintenance and finance exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from shopfront.db import get_connection, session_scope
from shopfront.repositories import reporting
from shopfront.services import order_service

from . import cli

ORDER_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_orders_status_placed_at ON orders (status, placed_at)",
    "CREATE INDEX IF NOT EXISTS ix_order_lines_product_id ON order_lines (product_id)",
)


@cli.command("create-order-indexes")
def create_order_indexes() -> None:
    """Indexes the ORM models do not declare (added during the 2021 Black Friday outage)."""
    conn = get_connection()
    try:
        cur = conn.cursor()
        cur.execute(ORDER_INDEXES[0])
        cur.execute(ORDER_INDEXES[1])
        conn.commit()
    finally:
        conn.close()
    click.echo("indexes in place")


@cli.command("expire-orders")
def expire_orders() -> None:
    with session_scope() as session:
        expired = order_service.expire_unpaid_orders(session)
    click.echo(f"cancelled {expired} unpaid orders")


@cli.command("finance-export")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def finance_export(start: date, end: date, out: Path) -> None:
    """Write revenue, category and top-customer CSVs for the accountants."""
    out.mkdir(parents=True, exist_ok=True)
    reports = {
        "daily_revenue.csv": reporting.daily_revenue(start, end),
        "sales_by_category.csv": reporting.sales_by_category(start, end),
        "top_customers.csv": reporting.top_customers(),
    }
    for name, rows in reports.items():
        (out / name).write_text(reporting.rows_as_csv(rows), encoding="utf-8")
        click.echo(f"wrote {out / name} ({len(rows)} rows)")
