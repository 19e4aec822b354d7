"""Customer look-ups and the GDPR erase."""

from __future__ import annotations

from datetime import datetime

from shopfront.db import transaction

from .base import Row, cursor, fetch_one_dict, rows_to_dicts

FIND_BY_EMAIL_SQL = (
    "SELECT id, email, full_name, password_hash, locale, marketing_opt_in "
    "FROM customers WHERE LOWER(email) = LOWER(%s)"
)


def find_by_email(email: str) -> Row | None:
    with cursor() as cur:
        cur.execute(FIND_BY_EMAIL_SQL, (email,))
        return fetch_one_dict(cur)


def addresses_of(customer_id: int) -> list[Row]:
    with cursor() as cur:
        cur.execute(
            "SELECT id, kind, recipient, line1, line2, postal_code, city, country_code, is_default "
            "FROM addresses WHERE customer_id = %s ORDER BY is_default DESC, id",
            (customer_id,),
        )
        return rows_to_dicts(cur, cur.fetchall())


def customers_created_between(start: datetime, end: datetime) -> list[Row]:
    with cursor() as cur:
        cur.execute(
            "SELECT id, email, full_name, created_at FROM customers "
            "WHERE created_at >= %s AND created_at < %s ORDER BY created_at",
            (start, end),
        )
        return rows_to_dicts(cur, cur.fetchall())


def wishlist_of(customer_id: int) -> list[Row]:
    with cursor() as cur:
        cur.execute(
            """
            SELECT p.id, p.sku, p.name, p.price_cents, w.added_at
            FROM wishlist_items w
            JOIN products p ON p.id = w.product_id
            WHERE w.customer_id = %s AND p.is_active = TRUE
            ORDER BY w.added_at DESC
            """,
            (customer_id,),
        )
        return rows_to_dicts(cur, cur.fetchall())


def anonymize_customer(customer_id: int) -> None:
    """Right to be forgotten: scrub personal data, keep the row for order history."""
    with transaction() as conn:
        cur = conn.cursor()
        cur.execute(
            "UPDATE customers SET email = %s, full_name = 'erased', phone = NULL, "
            "password_hash = '!', marketing_opt_in = FALSE WHERE id = %s",
            (f"erased-{customer_id}@invalid", customer_id),
        )
        # orders keep pointing at their shipping address, so scrub rather than delete
        cur.execute("UPDATE addresses SET recipient = 'erased', line1 = 'erased', line2 = NULL "
                    "WHERE customer_id = %s", (customer_id,))
        cur.execute("DELETE FROM wishlist_items WHERE customer_id = %s", (customer_id,))
