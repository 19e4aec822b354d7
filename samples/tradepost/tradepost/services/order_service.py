"""Placing, paying and cancelling orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tradepost.db import SessionLocal
from tradepost.repositories import order_repo
from tradepost.services import catalog_service, inventory_service
from tradepost.services import payment_service as payments
from tradepost.utils.dates import utcnow
from tradepost.utils.validation import validate_quantity

from ..models import Order, OrderLine

if TYPE_CHECKING:
    from tradepost.models import Customer


@dataclass
class OrderDraft:
    customer_id: int
    lines: list[tuple[str, int]] = field(default_factory=list)
    coupon: str | None = None

    def add(self, sku: str, quantity: int) -> None:
        self.lines.append((sku, validate_quantity(quantity)))


def place_order(draft: OrderDraft) -> Order:
    """Price the draft, reserve stock, store the order and charge the customer."""
    priced = []
    for sku, quantity in draft.lines:
        price = catalog_service.price_for(sku, quantity, draft.coupon)
        inventory_service.reserve_stock(sku, quantity)
        priced.append((sku, quantity, price.cents // quantity))
    with SessionLocal() as session:
        order = Order(customer_id=draft.customer_id, status="placed", placed_at=utcnow(),
                      total_cents=sum(q * p for _, q, p in priced))
        session.add(order)
        session.commit()
    order_repo.insert_order_lines(order.id, priced)
    payments.charge_order(order.id, order.total_cents)
    return order


def mark_paid(order_id: int) -> None:
    """Called back by payments once the money is captured."""
    order_repo.set_status(order_id, "paid")
    order_repo.decrement_stock_for_order(order_id)


def cancel_order(order_id: int) -> None:
    with SessionLocal() as session:
        order = session.get(Order, order_id)
        for line in session.query(OrderLine).filter(OrderLine.order_id == order_id):
            inventory_service.release_stock(line.sku, line.quantity)
        order.status = "cancelled"
        session.commit()


def orders_of(customer: "Customer") -> list[Order]:
    with SessionLocal() as session:
        return session.query(Order).filter(Order.customer_id == customer.id).all()
