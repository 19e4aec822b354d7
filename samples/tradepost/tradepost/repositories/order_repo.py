"""Order persistence in SQL. The stock update here was meant to be temporary (2017)."""

from __future__ import annotations

from tradepost.db import transaction

ORDER_SUMMARY_SQL = """
    SELECT o.id, o.status, o.total_cents, COUNT(l.id) AS line_count
    FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id
    WHERE o.id = ?
    GROUP BY o.id, o.status, o.total_cents
"""


def load_order_summary(order_id: int) -> dict | None:
    with transaction() as connection:
        cur = connection.cursor()
        cur.execute(ORDER_SUMMARY_SQL, (order_id,))
        row = cur.fetchone()
        return dict(row) if row else None


def insert_order_lines(order_id: int, lines: list[tuple[str, int, int]]) -> None:
    with transaction() as connection:
        connection.executemany(
            "INSERT INTO order_lines (order_id, sku, quantity, unit_price_cents) "
            "VALUES (?, ?, ?, ?)",
            [(order_id, sku, quantity, price) for sku, quantity, price in lines],
        )


def decrement_stock_for_order(order_id: int) -> None:
    """Take the ordered quantities off the shelf, straight in inventory's table."""
    with transaction() as connection:
        connection.execute(
            "UPDATE stock_levels SET on_hand = on_hand - "
            "(SELECT SUM(l.quantity) FROM order_lines l "
            " WHERE l.order_id = ? AND l.sku = stock_levels.sku) "
            "WHERE sku IN (SELECT sku FROM order_lines WHERE order_id = ?)",
            (order_id, order_id),
        )


def set_status(order_id: int, status: str) -> None:
    with transaction() as connection:
        connection.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order_id))
