"""Daily sales report for finance: one query across half the schema."""

from __future__ import annotations

from datetime import date

from tradepost.db import get_connection

DAILY_SALES_SQL = (
    "SELECT c.email, o.id, o.total_cents, p.amount, p.status "
    "FROM orders o "
    "JOIN customers c ON c.id = o.customer_id "
    "LEFT JOIN payments p ON p.order_id = o.id "
    "WHERE date(o.placed_at) = ?"
)


def daily_sales(day: date) -> list[dict]:
    connection = get_connection()
    cur = connection.cursor()
    cur.execute(DAILY_SALES_SQL, (day.isoformat(),))
    rows = [dict(r) for r in cur.fetchall()]
    connection.close()
    return rows


def revenue_total(day: date) -> int:
    return sum(row["total_cents"] for row in daily_sales(day))
