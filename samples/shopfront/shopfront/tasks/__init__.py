"""Celery tasks. The worker runs ``celery -A shopfront.tasks worker``; beat uses the schedule below."""

from __future__ import annotations

from celery.schedules import crontab

from shopfront.extensions import celery_app

celery_app.conf.imports = (
    "shopfront.tasks.email_tasks",
    "shopfront.tasks.order_tasks",
    "shopfront.tasks.payment_tasks",
    "shopfront.tasks.shipping_tasks",
    "shopfront.tasks.stock_tasks",
)

celery_app.conf.beat_schedule = {
    "release-expired-reservations": {
        "task": "shopfront.tasks.stock_tasks.release_expired_reservations",
        "schedule": 300.0,
    },
    "expire-unpaid-orders": {
        "task": "shopfront.tasks.order_tasks.expire_unpaid_orders",
        "schedule": crontab(minute=15),
    },
    "retry-failed-payments": {
        "task": "shopfront.tasks.payment_tasks.retry_failed_payments",
        "schedule": crontab(minute="*/30"),
    },
    "create-pending-shipments": {
        "task": "shopfront.tasks.shipping_tasks.create_pending_shipments",
        "schedule": crontab(minute="*/10", hour="6-22"),
    },
    "poll-tracking": {
        "task": "shopfront.tasks.shipping_tasks.poll_tracking",
        "schedule": crontab(minute=0),
    },
    "sync-delivered-orders": {
        "task": "shopfront.tasks.order_tasks.sync_delivered_orders",
        "schedule": crontab(minute=5),
    },
    "low-stock-report": {
        "task": "shopfront.tasks.stock_tasks.low_stock_report",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    "purge-sent-notifications": {
        "task": "shopfront.tasks.email_tasks.purge_sent_notifications",
        "schedule": crontab(hour=3, minute=30),
    },
}
