"""Stock levels per warehouse, stock movements and reservation clean-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shopfront.db import transaction

from .base import Row, cursor, rows_to_dicts

STOCK_FOR_PRODUCT_SQL = """
    SELECT s.warehouse_id, w.code AS warehouse_code, s.quantity_on_hand, s.quantity_reserved,
           s.reorder_point
    FROM stock_levels s
    JOIN warehouses w ON w.id = s.warehouse_id
    WHERE s.product_id = %s AND w.is_active = TRUE
    ORDER BY w.code
"""

UPSERT_LEVEL_SQL = """
    INSERT INTO stock_levels (product_id, warehouse_id, quantity_on_hand, quantity_reserved)
    VALUES (%s, %s, %s, 0)
    ON CONFLICT (product_id, warehouse_id) DO UPDATE SET quantity_on_hand = EXCLUDED.quantity_on_hand
"""


def stock_for_product(product_id: int) -> list[Row]:
    with cursor() as cur:
        cur.execute(STOCK_FOR_PRODUCT_SQL, (product_id,))
        return rows_to_dicts(cur, cur.fetchall())


def available_quantity(product_id: int) -> int:
    """Units that can still be promised to a new order."""
    with cursor() as cur:
        cur.execute(
            "SELECT COALESCE(SUM(quantity_on_hand - quantity_reserved), 0) "
            "FROM stock_levels WHERE product_id = %s",
            (product_id,),
        )
        return int(cur.fetchone()[0])


def adjust_stock(product_id: int, warehouse_id: int, delta: int, reason: str,
                 reference: str | None = None) -> None:
    """Change the quantity on hand and write the matching ledger line, atomically."""
    with transaction() as conn:
        cur = conn.cursor()
        cur.execute(
            "UPDATE stock_levels SET quantity_on_hand = quantity_on_hand + %s "
            "WHERE product_id = %s AND warehouse_id = %s",
            (delta, product_id, warehouse_id),
        )
        if cur.rowcount == 0:
            raise LookupError(f"no stock level for product {product_id} in {warehouse_id}")
        cur.execute(
            "INSERT INTO stock_movements (product_id, warehouse_id, delta, reason, reference, created_at) "
            "VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
            (product_id, warehouse_id, delta, reason, reference),
        )


def bulk_set_levels(levels: Sequence[tuple[int, int, int]]) -> None:
    """Overwrite ``(product_id, warehouse_id, on_hand)`` from the warehouse system's count."""
    with cursor(commit=True) as cur:
        cur.executemany(UPSERT_LEVEL_SQL, levels)


def low_stock_items() -> list[Row]:
    with cursor() as cur:
        cur.execute(
            """
            SELECT p.sku, p.name, w.code AS warehouse_code, s.quantity_on_hand, s.reorder_point
            FROM stock_levels s
            JOIN products p ON p.id = s.product_id
            JOIN warehouses w ON w.id = s.warehouse_id
            WHERE s.quantity_on_hand - s.quantity_reserved <= s.reorder_point
              AND p.is_active = TRUE
            ORDER BY w.code, p.sku
            """
        )
        return rows_to_dicts(cur, cur.fetchall())


def release_expired_reservations(now: datetime) -> int:
    """Give back stock held by reservations that ran out; returns how many were released."""
    with transaction() as conn:
        cur = conn.cursor()
        cur.execute(
            "UPDATE stock_levels SET quantity_reserved = quantity_reserved - r.quantity "
            "FROM stock_reservations r "
            "WHERE r.product_id = stock_levels.product_id "
            "AND r.warehouse_id = stock_levels.warehouse_id "
            "AND r.released_at IS NULL AND r.expires_at < %s",
            (now,),
        )
        cur.execute(
            "UPDATE stock_reservations SET released_at = %s "
            "WHERE released_at IS NULL AND expires_at < %s",
            (now, now),
        )
        return cur.rowcount
