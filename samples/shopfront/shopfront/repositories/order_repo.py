"""Order reads for the back office, status updates and the post-payment stock booking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shopfront.config import get_settings
from shopfront.db import get_connection, transaction

from .base import Row, cursor, fetch_one_dict, rows_to_dicts

FIND_ORDER_SQL = """
    SELECT o.id, o.number, o.status, o.currency, o.subtotal_cents, o.discount_cents,
           o.shipping_cents, o.tax_cents, o.total_cents, o.placed_at, o.paid_at,
           c.id AS customer_id, c.email, c.full_name
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    WHERE o.id = %s
"""

ORDER_LINES_SQL = """
    SELECT product_id, sku, name, quantity, unit_price_cents, line_total_cents
    FROM order_lines
    WHERE order_id = %s
    ORDER BY id
"""

INSERT_LINE_SQL = (
    "INSERT INTO order_lines (order_id, product_id, sku, name, quantity, unit_price_cents, "
    "tax_rate, line_total_cents) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


def find_order(order_id: int) -> Row | None:
    """The order with its customer and lines, as one dictionary."""
    with cursor() as cur:
        cur.execute(FIND_ORDER_SQL, (order_id,))
        order = fetch_one_dict(cur)
        if order is None:
            return None
        cur.execute(ORDER_LINES_SQL, (order_id,))
        order["lines"] = rows_to_dicts(cur, cur.fetchall())
        return order


def insert_lines(order_id: int, lines: Sequence[dict[str, Any]]) -> None:
    with cursor(commit=True) as cur:
        cur.executemany(INSERT_LINE_SQL, [
            (order_id, line["product_id"], line["sku"], line["name"], line["quantity"],
             line["unit_price_cents"], line["tax_rate"], line["line_total_cents"])
            for line in lines
        ])


def update_status(order_id: int, from_status: str, to_status: str, note: str | None = None) -> bool:
    """Compare-and-set the status; returns False when someone else changed it first."""
    with transaction() as conn:
        cur = conn.cursor()
        cur.execute("UPDATE orders SET status = %s WHERE id = %s AND status = %s",
                    (to_status, order_id, from_status))
        if cur.rowcount == 0:
            return False
        cur.execute(
            "INSERT INTO order_status_history (order_id, from_status, to_status, note, changed_at) "
            "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)",
            (order_id, from_status, to_status, note),
        )
        return True


def decrement_stock_for_order(order_id: int) -> None:
    """Take the sold units off the shelf once the order is paid.

    Written in 2019 "to save a round trip" to the stock service; it books everything from the
    default warehouse and writes no stock movement.
    """
    warehouse_id = get_settings().default_warehouse_id
    conn = get_connection()
    try:
        cur = conn.cursor()
        cur.execute("SELECT product_id, quantity FROM order_lines WHERE order_id = %s", (order_id,))
        lines = cur.fetchall()
        cur.executemany(
            "UPDATE stock_levels "
            "SET quantity_on_hand = quantity_on_hand - %s, "
            "    quantity_reserved = GREATEST(quantity_reserved - %s, 0) "
            "WHERE product_id = %s AND warehouse_id = %s",
            [(quantity, quantity, product_id, warehouse_id) for product_id, quantity in lines],
        )
        conn.commit()
    finally:
        conn.close()


def orders_for_customer(customer_id: int, limit: int, offset: int) -> list[Row]:
    with cursor() as cur:
        cur.execute(
            "SELECT id, number, status, total_cents, currency, placed_at FROM orders "
            "WHERE customer_id = %s ORDER BY placed_at DESC LIMIT %s OFFSET %s",
            (customer_id, limit, offset),
        )
        return rows_to_dicts(cur, cur.fetchall())


def stale_unpaid_order_ids(placed_before: datetime) -> list[int]:
    with cursor() as cur:
        cur.execute("SELECT id FROM orders WHERE status = 'pending' AND placed_at < %s",
                    (placed_before,))
        return [row[0] for row in cur.fetchall()]
