"""Retrying payments the gateway rejected for transient reasons."""

from __future__ import annotations

from tradepost.repositories.payment_repo import failed_payments
from tradepost.tasks import celery_app


@celery_app.task
def retry_failed_payments() -> int:
    from tradepost.services import payment_service  # late: the services import tasks too

    retried = 0
    for row in failed_payments():
        payment_service.charge_order(row["order_id"], int(float(row["amount"]) * 100))
        retried += 1
    return retried
