"""Stock reservation and replenishment across warehouses."""

from __future__ import annotations

from sqlalchemy import insert

from tradepost.config import get_settings
from tradepost.db import SessionLocal
from tradepost.models import StockLevel, StockMovement, Warehouse
from tradepost.repositories import stock_repo
from tradepost.utils.dates import utcnow
from tradepost.utils.log import get_logger

log = get_logger(__name__)


class OutOfStock(Exception):
    def __init__(self, sku: str, wanted: int, available: int) -> None:
        super().__init__(f"{sku}: wanted {wanted}, {available} available")
        self.sku = sku


def available(sku: str) -> int:
    with SessionLocal() as session:
        levels = session.query(StockLevel).filter(StockLevel.sku == sku).all()
        return sum(level.on_hand - level.reserved for level in levels)


def reserve_stock(sku: str, quantity: int) -> None:
    """Reserve ``quantity`` units in the first warehouse that has them."""
    with SessionLocal() as session:
        levels = session.query(StockLevel).filter(StockLevel.sku == sku).all()
        for level in levels:
            if level.on_hand - level.reserved >= quantity:
                level.reserved += quantity
                session.commit()
                return
        raise OutOfStock(sku, quantity, sum(lv.on_hand - lv.reserved for lv in levels))


def release_stock(sku: str, quantity: int) -> None:
    with SessionLocal() as session:
        level = session.query(StockLevel).filter(StockLevel.sku == sku).first()
        if level is not None:
            level.reserved = max(0, level.reserved - quantity)
            session.commit()


def restock(sku: str, warehouse_code: str, quantity: int) -> None:
    with SessionLocal() as session:
        warehouse = session.query(Warehouse).filter(Warehouse.code == warehouse_code).one()
        session.execute(insert(StockMovement).values(
            sku=sku, warehouse_id=warehouse.id, quantity=quantity, reason="restock",
            created_at=utcnow()))
        session.commit()
    stock_repo.adjust_level(sku, warehouse.id, quantity)
    log.info("restocked %s x%d at %s", sku, quantity, warehouse_code)


def low_stock_skus() -> list[str]:
    threshold = get_settings().low_stock_threshold
    with SessionLocal() as session:
        levels = session.query(StockLevel).all()
        return sorted({lv.sku for lv in levels if lv.on_hand - lv.reserved < threshold})
