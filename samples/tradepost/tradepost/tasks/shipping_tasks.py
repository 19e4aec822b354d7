"""Booking parcels once orders are paid."""

from __future__ import annotations

from tradepost.services.shipping_service import create_shipment
from tradepost.tasks import celery_app


@celery_app.task
def book_parcel(order_id: int) -> str:
    return create_shipment(order_id).tracking_number
