"""Customer lookups used by support tools."""

from __future__ import annotations

from tradepost.db import get_connection
from tradepost.utils.text import normalize_email


def find_customer_by_email(email: str) -> dict | None:
    connection = get_connection()
    cur = connection.cursor()
    cur.execute("SELECT id, email, full_name FROM customers WHERE email = ?",
                (normalize_email(email),))
    row = cur.fetchone()
    connection.close()
    return dict(row) if row else None


def insert_address(customer_id: int, street: str, postcode: str, city: str,
                   country: str) -> int:
    connection = get_connection()
    cur = connection.cursor()
    cur.execute(
        "INSERT INTO addresses (customer_id, street, postcode, city, country) "
        "VALUES (?, ?, ?, ?, ?)",
        (customer_id, street, postcode, city, country),
    )
    connection.commit()
    new_id = cur.lastrowid
    connection.close()
    return int(new_id or 0)
