"""Catalog queries in plain SQL (the product search predates the ORM)."""

from __future__ import annotations

from tradepost.db import get_connection

FIND_BY_CATEGORY_SQL = """
    SELECT p.sku, p.title, p.price_cents
    FROM products p
    JOIN product_categories pc ON pc.product_id = p.id
    JOIN categories c ON c.id = pc.category_id
    WHERE c.slug = ? AND p.active = 1
    ORDER BY p.title
"""


def find_by_sku(sku: str) -> dict | None:
    connection = get_connection()
    cur = connection.cursor()
    cur.execute("SELECT id, sku, title, price_cents FROM products WHERE sku = ?", (sku,))
    row = cur.fetchone()
    connection.close()
    return dict(row) if row else None


def find_by_category(slug: str) -> list[dict]:
    connection = get_connection()
    cur = connection.cursor()
    cur.execute(FIND_BY_CATEGORY_SQL, (slug,))
    rows = [dict(r) for r in cur.fetchall()]
    connection.close()
    return rows


def search_products(term: str, order_by: str = "title") -> list[dict]:
    connection = get_connection()
    cur = connection.cursor()
    cur.execute(
        f"SELECT sku, title, price_cents FROM products WHERE title LIKE ? ORDER BY {order_by}",
        (f"%{term}%",),
    )
    rows = [dict(r) for r in cur.fetchall()]
    connection.close()
    return rows


def update_price(sku: str, price_cents: int) -> None:
    connection = get_connection()
    connection.execute("UPDATE products SET price_cents = ? "
                       "WHERE sku = ?", (price_cents, sku))
    connection.commit()
    connection.close()
