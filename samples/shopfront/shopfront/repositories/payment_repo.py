"""Payment look-ups for webhooks and retries; invoice numbering."""

from __future__ import annotations

from .base import Row, cursor, fetch_one_dict, rows_to_dicts

FIND_BY_PROVIDER_REF_SQL = """
    SELECT id, order_id, status, amount_cents, currency, attempts
    FROM payments
    WHERE provider = %s AND provider_ref = %s
"""

RETRYABLE_SQL = """
    SELECT p.id, p.order_id, p.provider_ref, p.amount_cents, p.attempts, o.number AS order_number
    FROM payments p
    JOIN orders o ON o.id = p.order_id
    WHERE p.status = 'failed' AND p.attempts < %s AND o.status = 'pending'
    ORDER BY p.id
"""


def find_by_provider_ref(provider: str, provider_ref: str) -> Row | None:
    with cursor() as cur:
        cur.execute(FIND_BY_PROVIDER_REF_SQL, (provider, provider_ref))
        return fetch_one_dict(cur)


def failed_payments_to_retry(max_attempts: int = 3) -> list[Row]:
    with cursor() as cur:
        cur.execute(RETRYABLE_SQL, (max_attempts,))
        return rows_to_dicts(cur, cur.fetchall())


def record_attempt(payment_id: int, status: str, failure_reason: str | None = None) -> None:
    with cursor(commit=True) as cur:
        cur.execute(
            "UPDATE payments SET attempts = attempts + 1, status = %s, failure_reason = %s "
            "WHERE id = %s",
            (status, failure_reason, payment_id),
        )


def refunded_total(payment_id: int) -> int:
    with cursor() as cur:
        cur.execute("SELECT COALESCE(SUM(amount_cents), 0) FROM refunds "
                    "WHERE payment_id = %s AND status <> 'failed'", (payment_id,))
        return int(cur.fetchone()[0])


def mark_order_refunded(order_id: int) -> None:
    """Flag the order as refunded for the back office.

    A shortcut from the refunds project: payments sets the order status itself.
    """
    with cursor(commit=True) as cur:
        cur.execute("UPDATE orders SET status = 'refunded' WHERE id = %s", (order_id,))


def next_invoice_number(year: int) -> str:
    """``INV-2024-000123``: invoice numbers must be gapless per year."""
    with cursor() as cur:
        cur.execute("SELECT MAX(number) FROM invoices WHERE number LIKE %s", (f"INV-{year}-%",))
        last = cur.fetchone()[0]
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"INV-{year}-{sequence:06d}"
