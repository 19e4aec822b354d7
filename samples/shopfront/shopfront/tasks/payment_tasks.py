"""Payment jobs: retries and asynchronous webhook processing."""

from __future__ import annotations

from typing import Any

from shopfront.db import session_scope
from shopfront.extensions import celery_app
from shopfront.services import payment_service
from shopfront.utils.logs import get_logger

log = get_logger(__name__)


@celery_app.task
def retry_failed_payments() -> int:
    return payment_service.retry_failed_payments()


@celery_app.task(bind=True, max_retries=3)
def process_gateway_event(self: Any, event: dict[str, Any]) -> None:
    """Webhook events are acknowledged at once and handled here."""
    kind = event.get("type")
    data = event.get("data", {})
    try:
        with session_scope() as session:
            if kind == "charge.captured":
                payment_service.handle_capture_succeeded(session, data["id"])
            elif kind == "charge.failed":
                payment_service.handle_capture_failed(session, data["id"],
                                                      data.get("failure_message", "unknown"))
            else:
                log.info("ignoring gateway event %s", kind)
    except Exception as exc:  # noqa: BLE001 - anything goes back to the queue
        raise self.retry(exc=exc, countdown=30)
