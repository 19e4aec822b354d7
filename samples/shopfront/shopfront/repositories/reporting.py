"""Sales reports for the finance team.

The queries join straight across the catalogue, order, customer and payment tables: finance
wanted one number per row and nobody wanted to build an API for it.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from .base import Row, cursor, rows_to_dicts

SALES_BY_CATEGORY_SQL = """
    SELECT c.name AS category, SUM(ol.quantity) AS units, SUM(ol.line_total_cents) AS revenue_cents
    FROM order_lines ol
    JOIN orders o ON o.id = ol.order_id
    JOIN products p ON p.id = ol.product_id
    JOIN product_categories pc ON pc.product_id = p.id
    JOIN categories c ON c.id = pc.category_id
    WHERE o.status IN ('paid', 'shipped', 'delivered')
      AND o.placed_at >= %s AND o.placed_at < %s
    GROUP BY c.name
    ORDER BY revenue_cents DESC
"""


def sales_by_category(start: date, end: date) -> list[Row]:
    with cursor() as cur:
        cur.execute(SALES_BY_CATEGORY_SQL, (start, end))
        return rows_to_dicts(cur, cur.fetchall())


def daily_revenue(start: date, end: date) -> list[Row]:
    """Captured money per day, net of refunds."""
    with cursor() as cur:
        cur.execute(
            """
            SELECT DATE(pay.captured_at) AS day,
                   SUM(pay.amount_cents) AS captured_cents,
                   COALESCE(SUM(r.amount_cents), 0) AS refunded_cents,
                   COUNT(DISTINCT o.id) AS orders
            FROM payments pay
            JOIN orders o ON o.id = pay.order_id
            LEFT JOIN refunds r ON r.payment_id = pay.id AND r.status = 'succeeded'
            WHERE pay.status = 'captured' AND pay.captured_at >= %s AND pay.captured_at < %s
            GROUP BY DATE(pay.captured_at)
            ORDER BY day
            """,
            (start, end),
        )
        return rows_to_dicts(cur, cur.fetchall())


def top_customers(limit: int = 20) -> list[Row]:
    with cursor() as cur:
        cur.execute(
            "SELECT cu.id, cu.email, cu.full_name, COUNT(o.id) AS orders, "
            "SUM(o.total_cents) AS spent_cents "
            "FROM customers cu JOIN orders o ON o.customer_id = cu.id "
            "WHERE o.status NOT IN ('cancelled', 'refunded') "
            "GROUP BY cu.id, cu.email, cu.full_name ORDER BY spent_cents DESC LIMIT %s",
            (limit,),
        )
        return rows_to_dicts(cur, cur.fetchall())


def rows_as_csv(rows: list[Row]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
