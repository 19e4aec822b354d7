"""Templates and the notification outbox."""

from __future__ import annotations

from datetime import datetime

from shopfront.db import get_connection

from .base import Row, cursor, fetch_one_dict

TEMPLATE_SQL = """
    SELECT code, locale, subject, body_html, body_text
    FROM email_templates
    WHERE code = %s AND locale IN (%s, 'en')
    ORDER BY CASE WHEN locale = %s THEN 0 ELSE 1 END
    LIMIT 1
"""


def get_template(code: str, locale: str) -> Row | None:
    """The template in the customer's language, falling back to English."""
    with cursor() as cur:
        cur.execute(TEMPLATE_SQL, (code, locale, locale))
        return fetch_one_dict(cur)


def log_notification(template_code: str, recipient: str, subject: str, body_html: str,
                     body_text: str, customer_id: int | None = None) -> int:
    conn = get_connection()
    try:
        cur = conn.cursor()
        cur.execute(
            "INSERT INTO notification_log (customer_id, channel, template_code, recipient, subject, "
            "body_html, body_text, status, created_at) "
            "VALUES (%s, 'email', %s, %s, %s, %s, %s, 'queued', CURRENT_TIMESTAMP) RETURNING id",
            (customer_id, template_code, recipient, subject, body_html, body_text),
        )
        log_id = int(cur.fetchone()[0])
        conn.commit()
        return log_id
    finally:
        conn.close()


def get_notification(log_id: int) -> Row | None:
    with cursor() as cur:
        cur.execute("SELECT * FROM notification_log WHERE id = %s", (log_id,))
        return fetch_one_dict(cur)


def mark_sent(log_id: int, error: str | None = None) -> None:
    status = "failed" if error else "sent"
    with cursor(commit=True) as cur:
        cur.execute(
            "UPDATE notification_log SET status = %s, error = %s, sent_at = CURRENT_TIMESTAMP "
            "WHERE id = %s",
            (status, error, log_id),
        )


def queued_ids(limit: int = 500) -> list[int]:
    with cursor() as cur:
        cur.execute("SELECT id FROM notification_log WHERE status = 'queued' ORDER BY id LIMIT %s",
                    (limit,))
        return [row[0] for row in cur.fetchall()]


def purge_before(cutoff: datetime) -> int:
    with cursor(commit=True) as cur:
        cur.execute("DELETE FROM notification_log WHERE created_at < %s AND status = 'sent'",
                    (cutoff,))
        return cur.rowcount
