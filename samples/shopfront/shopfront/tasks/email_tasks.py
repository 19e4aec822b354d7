"""Outbox delivery and other e-mail jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shopfront.extensions import celery_app
from shopfront.repositories import notification_repo
from shopfront.services import notification_service
from shopfront.utils.dates import utcnow


@celery_app.task(bind=True, max_retries=5, default_retry_delay=60)
def deliver_email(self: Any, log_id: int) -> bool:
    """Send one queued message; SMTP hiccups are retried with back-off."""
    delivered = notification_service.deliver(log_id)
    if not delivered:
        entry = notification_repo.get_notification(log_id)
        if entry is not None and entry["status"] == "failed":
            raise self.retry(countdown=60 * 2 ** self.request.retries)
    return delivered


@celery_app.task
def send_welcome_email(customer_id: int, email: str, full_name: str, locale: str = "en") -> int:
    first_name = full_name.split(" ", 1)[0]
    return notification_service.queue_email("welcome", email, {"first_name": first_name},
                                            customer_id=customer_id, locale=locale)


@celery_app.task
def flush_outbox(limit: int = 500) -> int:
    """Re-enqueue whatever is still queued (after a broker outage)."""
    ids = notification_repo.queued_ids(limit)
    for log_id in ids:
        deliver_email.delay(log_id)
    return len(ids)


@celery_app.task
def purge_sent_notifications(keep_days: int = 180) -> int:
    return notification_repo.purge_before(utcnow() - timedelta(days=keep_days))
