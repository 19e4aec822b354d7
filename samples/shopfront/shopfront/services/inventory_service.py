"""Stock: availability, reservations for open orders, goods receipt and low-stock alerts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from shopfront.config import get_settings
from shopfront.repositories import stock_repo
from shopfront.services import catalog_service
from shopfront.services import notification_service as notify
from shopfront.utils.dates import utcnow
from shopfront.utils.logs import get_logger

from ..models import StockLevel, StockMovement, StockReservation, Warehouse

log = get_logger(__name__)


class OutOfStock(Exception):
    """Not enough sellable units for a reservation."""

    def __init__(self, product_id: int, requested: int, available: int) -> None:
        super().__init__(f"product {product_id}: requested {requested}, available {available}")
        self.product_id = product_id
        self.requested = requested
        self.available = available


def available(product_id: int) -> int:
    return stock_repo.available_quantity(product_id)


def active_warehouses(session: Session) -> list[Warehouse]:
    return session.query(Warehouse).filter(Warehouse.is_active.is_(True)).order_by(Warehouse.code).all()


def reserve_stock(session: Session, order_id: int, items: Mapping[int, int]) -> list[StockReservation]:
    """Hold ``product_id -> quantity`` for an order, from the fullest warehouse first."""
    expires_at = utcnow() + timedelta(minutes=get_settings().reservation_ttl_minutes)
    reservations = []
    for product_id, quantity in items.items():
        levels = (
            session.query(StockLevel)
            .filter(StockLevel.product_id == product_id)
            .order_by((StockLevel.quantity_on_hand - StockLevel.quantity_reserved).desc())
            .with_for_update()
            .all()
        )
        free = sum(level.quantity_on_hand - level.quantity_reserved for level in levels)
        if free < quantity:
            raise OutOfStock(product_id, quantity, free)
        remaining = quantity
        for level in levels:
            take = min(remaining, level.quantity_on_hand - level.quantity_reserved)
            if take <= 0:
                continue
            level.quantity_reserved += take
            session.add(level)
            reservation = StockReservation(order_id=order_id, product_id=product_id,
                                           warehouse_id=level.warehouse_id, quantity=take,
                                           expires_at=expires_at)
            session.add(reservation)
            reservations.append(reservation)
            remaining -= take
            if remaining == 0:
                break
    return reservations


def release_reservations(session: Session, order_id: int) -> int:
    """Give back everything held for a cancelled order."""
    open_reservations = session.execute(
        select(StockReservation).where(StockReservation.order_id == order_id,
                                       StockReservation.released_at.is_(None))
    ).scalars().all()
    now = utcnow()
    for reservation in open_reservations:
        session.execute(
            update(StockLevel)
            .where(StockLevel.product_id == reservation.product_id,
                   StockLevel.warehouse_id == reservation.warehouse_id)
            .values(quantity_reserved=StockLevel.quantity_reserved - reservation.quantity)
        )
        reservation.released_at = now
        session.add(reservation)
    return len(open_reservations)


def receive_goods(session: Session, warehouse_code: str, sku: str, quantity: int,
                  delivery_note: str) -> None:
    """Book a supplier delivery into a warehouse."""
    warehouse = session.query(Warehouse).filter_by(code=warehouse_code).one()
    product = catalog_service.get_product_by_sku(session, sku)
    stock_repo.adjust_stock(product.id, warehouse.id, quantity, "goods_receipt", delivery_note)
    log.info("received %d x %s into %s", quantity, sku, warehouse_code)


def record_correction(session: Session, product_id: int, warehouse_id: int, delta: int,
                      reason: str) -> None:
    """A stock count correction made in the ORM transaction of the caller."""
    session.execute(
        update(StockLevel)
        .where(StockLevel.product_id == product_id, StockLevel.warehouse_id == warehouse_id)
        .values(quantity_on_hand=StockLevel.quantity_on_hand + delta)
    )
    session.execute(insert(StockMovement).values(product_id=product_id, warehouse_id=warehouse_id,
                                                 delta=delta, reason=reason, created_at=utcnow()))


def check_low_stock() -> int:
    """Mail the purchasing team the SKUs at or below their reorder point."""
    items = stock_repo.low_stock_items()
    if items:
        lines = [f"{i['warehouse_code']} {i['sku']} {i['name']}: {i['quantity_on_hand']} "
                 f"(reorder at {i['reorder_point']})" for i in items]
        notify.send_internal_alert(f"{len(items)} SKUs are low on stock", lines)
    return len(items)
