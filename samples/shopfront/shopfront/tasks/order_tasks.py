"""Order jobs: expire unpaid orders, pick up deliveries."""

from __future__ import annotations

from datetime import timedelta

from shopfront.db import session_scope
from shopfront.extensions import celery_app
from shopfront.services import order_service
from shopfront.utils.dates import utcnow
from shopfront.utils.logs import get_logger

log = get_logger(__name__)


@celery_app.task
def expire_unpaid_orders() -> int:
    with session_scope() as session:
        expired = order_service.expire_unpaid_orders(session)
    log.info("expired %d unpaid orders", expired)
    return expired


@celery_app.task
def sync_delivered_orders(lookback_hours: int = 2) -> int:
    with session_scope() as session:
        return order_service.mark_delivered(session, utcnow() - timedelta(hours=lookback_hours))
