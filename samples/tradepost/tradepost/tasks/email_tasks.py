"""Outgoing e-mail, sent off the request path."""

from __future__ import annotations

from tradepost.services import notification_service
from tradepost.tasks import celery_app


@celery_app.task(bind=True, max_retries=5)
def send_order_confirmation(self, email: str, order_id: int) -> None:
    try:
        notification_service.notify_order_placed(email, order_id)
    except OSError as error:
        raise self.retry(exc=error, countdown=60)


@celery_app.task
def send_shipping_update(email: str, tracking_number: str) -> None:
    notification_service.notify_shipped(email, tracking_number)
