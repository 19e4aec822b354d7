"""Periodic order jobs (Celery beat)."""

from celery import shared_task

from . import services


@shared_task
def expire_abandoned_drafts() -> int:
    return services.delete_abandoned_drafts(days=7)


@shared_task
def sync_paid_orders() -> int:
    return services.sync_paid_orders()
