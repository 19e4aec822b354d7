"""Shipping jobs: book parcels for paid orders, poll the carriers for tracking."""

from __future__ import annotations

from shopfront.db import session_scope
from shopfront.extensions import celery_app
from shopfront.services import shipping_service


@celery_app.task
def create_pending_shipments() -> int:
    with session_scope() as session:
        return shipping_service.create_pending_shipments(session)


@celery_app.task
def poll_tracking() -> int:
    return shipping_service.poll_tracking()
