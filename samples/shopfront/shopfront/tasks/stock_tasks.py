"""Stock jobs: reservation expiry, the nightly count from the warehouse system, alerts."""

from __future__ import annotations

import csv
from pathlib import Path

from shopfront.db import session_scope
from shopfront.extensions import celery_app
from shopfront.models import Product, Warehouse
from shopfront.repositories import stock_repo
from shopfront.services import inventory_service
from shopfront.utils.dates import utcnow
from shopfront.utils.logs import get_logger

log = get_logger(__name__)


@celery_app.task
def release_expired_reservations() -> int:
    released = stock_repo.release_expired_reservations(utcnow())
    if released:
        log.info("released %d expired reservations", released)
    return released


@celery_app.task
def sync_stock_from_wms(export_path: str) -> int:
    """Overwrite on-hand quantities with the warehouse system's nightly CSV export."""
    with session_scope() as session:
        product_ids = dict(session.query(Product.sku, Product.id).all())
        warehouse_ids = dict(session.query(Warehouse.code, Warehouse.id).all())
    levels: list[tuple[int, int, int]] = []
    with Path(export_path).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            product_id = product_ids.get(row["ARTICLE"].strip().upper())
            warehouse_id = warehouse_ids.get(row["LOCATION"].strip())
            if product_id is None or warehouse_id is None:
                log.warning("skipping unknown %s/%s", row["ARTICLE"], row["LOCATION"])
                continue
            levels.append((product_id, warehouse_id, int(row["ON_HAND"])))
    stock_repo.bulk_set_levels(levels)
    return len(levels)


@celery_app.task
def low_stock_report() -> int:
    return inventory_service.check_low_stock()
