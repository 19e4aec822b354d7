"""Shipping reads the paid orders and their addresses straight from the order tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .base import Row, cursor, rows_to_dicts

SHIPPABLE_ORDERS_SQL = """
    SELECT o.id AS order_id, o.number, cu.email, cu.locale, cu.id AS customer_id,
           a.recipient, a.line1, a.line2, a.postal_code, a.city, a.country_code
    FROM orders o
    JOIN customers cu ON cu.id = o.customer_id
    JOIN addresses a ON a.id = o.shipping_address_id
    LEFT JOIN shipments s ON s.order_id = o.id
    WHERE o.status = 'paid' AND s.id IS NULL
    ORDER BY o.paid_at
    LIMIT %s
"""

INSERT_EVENT_SQL = (
    "INSERT INTO tracking_events (parcel_id, status, location, occurred_at) "
    "VALUES (%s, %s, %s, %s)"
)


def shippable_orders(limit: int = 200) -> list[Row]:
    with cursor() as cur:
        cur.execute(SHIPPABLE_ORDERS_SQL, (limit,))
        return rows_to_dicts(cur, cur.fetchall())


def order_weight_grams(order_id: int) -> int:
    with cursor() as cur:
        cur.execute(
            "SELECT COALESCE(SUM(ol.quantity * p.weight_grams), 0) "
            "FROM order_lines ol JOIN products p ON p.id = ol.product_id "
            "WHERE ol.order_id = %s",
            (order_id,),
        )
        return int(cur.fetchone()[0])


def parcels_in_transit() -> list[Row]:
    with cursor() as cur:
        cur.execute(
            """
            SELECT pa.id AS parcel_id, pa.tracking_number, c.code AS carrier_code, s.id AS shipment_id
            FROM parcels pa
            JOIN shipments s ON s.id = pa.shipment_id
            JOIN carriers c ON c.id = s.carrier_id
            WHERE s.status IN ('booked', 'in_transit')
            """
        )
        return rows_to_dicts(cur, cur.fetchall())


def insert_tracking_events(parcel_id: int,
                           events: Sequence[tuple[str, str | None, datetime]]) -> None:
    with cursor(commit=True) as cur:
        cur.executemany(INSERT_EVENT_SQL, [(parcel_id, *event) for event in events])


def set_shipment_status(shipment_id: int, status: str, at: datetime | None = None) -> None:
    column = "delivered_at" if status == "delivered" else "shipped_at"
    with cursor(commit=True) as cur:
        cur.execute(f"UPDATE shipments SET status = %s, {column} = COALESCE({column}, %s) "
                    "WHERE id = %s", (status, at, shipment_id))


def delivered_order_ids(since: datetime) -> list[int]:
    with cursor() as cur:
        cur.execute("SELECT order_id FROM shipments WHERE status = 'delivered' AND delivered_at >= %s",
                    (since,))
        return [row[0] for row in cur.fetchall()]
