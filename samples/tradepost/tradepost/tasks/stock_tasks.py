"""Nightly stock housekeeping."""

from __future__ import annotations

from tradepost.repositories.stock_repo import record_movements
from tradepost.services.inventory_service import low_stock_skus
from tradepost.tasks import celery_app
from tradepost.utils.log import get_logger

log = get_logger(__name__)


@celery_app.task
def report_low_stock() -> list[str]:
    skus = low_stock_skus()
    if skus:
        log.warning("low stock: %s", ", ".join(skus))
    return skus


@celery_app.task
def import_stock_counts(counts: list[tuple[str, int, int]]) -> None:
    record_movements((sku, warehouse, quantity, "count") for sku, warehouse, quantity in counts)
