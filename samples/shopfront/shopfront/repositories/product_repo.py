"""Catalogue queries: product lookups, listings with availability, price updates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from shopfront.db import get_connection

from .base import Row, cursor, fetch_one_dict, placeholders, rows_to_dicts

FIND_BY_SKU_SQL = """
    SELECT id, sku, name, slug, description, price_cents, currency, tax_rate, weight_grams
    FROM products
    WHERE sku = %s AND is_active = TRUE
"""

SORT_COLUMNS = {"name": "p.name", "price": "p.price_cents", "newest": "p.created_at DESC"}


def find_by_sku(sku: str) -> Row | None:
    with cursor() as cur:
        cur.execute(FIND_BY_SKU_SQL, (sku,))
        return fetch_one_dict(cur)


def list_products(category_slug: str | None, limit: int, offset: int,
                  sort: str = "name") -> list[Row]:
    """Active products with what can be sold right now (summed over all warehouses)."""
    order_by = SORT_COLUMNS.get(sort, "p.name")
    where = "p.is_active = TRUE"
    params: list[Any] = []
    if category_slug:
        where += " AND c.slug = %s"
        params.append(category_slug)
    with cursor() as cur:
        cur.execute(
            f"""
            SELECT p.id, p.sku, p.name, p.price_cents, p.currency,
                   COALESCE(SUM(s.quantity_on_hand - s.quantity_reserved), 0) AS available
            FROM products p
            LEFT JOIN product_categories pc ON pc.product_id = p.id
            LEFT JOIN categories c ON c.id = pc.category_id
            LEFT JOIN stock_levels s ON s.product_id = p.id
            WHERE {where}
            GROUP BY p.id, p.sku, p.name, p.price_cents, p.currency
            ORDER BY {order_by}
            LIMIT %s OFFSET %s
            """,
            (*params, limit, offset),
        )
        return rows_to_dicts(cur, cur.fetchall())


def search_products(term: str, limit: int = 20) -> list[Row]:
    pattern = f"%{term.strip().lower()}%"
    with cursor() as cur:
        cur.execute(
            "SELECT id, sku, name, price_cents FROM products "
            "WHERE is_active = TRUE AND (LOWER(name) LIKE %s OR LOWER(sku) LIKE %s) "
            "ORDER BY name LIMIT %s",
            (pattern, pattern, limit),
        )
        return rows_to_dicts(cur, cur.fetchall())


def insert_product(sku: str, name: str, slug: str, price_cents: int,
                   weight_grams: int, description: str = "") -> int:
    conn = get_connection()
    try:
        cur = conn.cursor()
        cur.execute(
            "INSERT INTO products (sku, name, slug, description, price_cents, weight_grams, is_active) "
            "VALUES (%s, %s, %s, %s, %s, %s, TRUE) RETURNING id",
            (sku, name, slug, description, price_cents, weight_grams),
        )
        product_id = cur.fetchone()[0]
        conn.commit()
        return int(product_id)
    finally:
        conn.close()


def attach_categories(product_id: int, category_ids: Iterable[int]) -> None:
    """Replace a product's categories."""
    with cursor(commit=True) as cur:
        cur.execute("DELETE FROM product_categories WHERE product_id = %s", (product_id,))
        cur.executemany(
            "INSERT INTO product_categories (product_id, category_id) VALUES (%s, %s)",
            [(product_id, category_id) for category_id in category_ids],
        )


def update_prices(changes: Sequence[tuple[str, int]]) -> int:
    """Apply ``(sku, new_price_cents)`` pairs; returns how many rows changed."""
    with cursor(commit=True) as cur:
        cur.executemany("UPDATE products SET price_cents = %s WHERE sku = %s",
                        [(price, sku) for sku, price in changes])
        return cur.rowcount


def deactivate_products(skus: Sequence[str]) -> None:
    if not skus:
        return
    with cursor(commit=True) as cur:
        cur.execute(f"UPDATE products SET is_active = FALSE WHERE sku IN ({placeholders(len(skus))})",
                    tuple(skus))
