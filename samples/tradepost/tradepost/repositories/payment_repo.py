"""Payment ledger writes; the accountants insisted on SQL they can read."""

from __future__ import annotations

from decimal import Decimal

from tradepost.db import transaction


def record_payment(order_id: int, amount: Decimal, reference: str) -> None:
    with transaction() as connection:
        connection.execute(
            "INSERT INTO payments (order_id, amount, status, gateway_reference) "
            "VALUES (?, ?, 'captured', ?)",
            (order_id, str(amount), reference),
        )


def payments_for_order(order_id: int) -> list[dict]:
    with transaction() as connection:
        cur = connection.cursor()
        cur.execute("SELECT id, amount, status FROM payments WHERE order_id = ?", (order_id,))
        return [dict(row) for row in cur.fetchall()]


def failed_payments() -> list[dict]:
    with transaction() as connection:
        cur = connection.cursor()
        cur.execute("SELECT id, order_id, amount FROM payments WHERE status = 'failed'")
        return [dict(row) for row in cur.fetchall()]
