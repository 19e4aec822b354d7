from celery import shared_task

from .models import Order


@shared_task
def expire_stale_orders() -> int:
    deleted, _ = Order.objects.filter(status="open").delete()
    return deleted
