"""The checkout flow. Everybody added "just one function" here; it now spans five teams."""

from __future__ import annotations

from decimal import Decimal

from tradepost.db import SessionLocal
from tradepost.models import Order, Payment, StockLevel
from tradepost.services import inventory_service, notification_service, shipping_service
from tradepost.services.order_service import OrderDraft, place_order


def start_checkout(customer_id: int, cart: dict[str, int], coupon: str | None = None) -> Order:
    draft = OrderDraft(customer_id=customer_id, coupon=coupon)
    for sku, quantity in sorted(cart.items()):
        draft.add(sku, quantity)
    return place_order(draft)


def hold_inventory(cart: dict[str, int]) -> list[str]:
    """Check every line can be served before taking any money."""
    with SessionLocal() as session:
        short = []
        for sku, quantity in cart.items():
            levels = session.query(StockLevel).filter(StockLevel.sku == sku).all()
            if sum(lv.on_hand - lv.reserved for lv in levels) < quantity:
                short.append(sku)
    short.extend(s for s in inventory_service.low_stock_skus() if s in cart and s not in short)
    return short


def authorize_card(order_id: int, amount: Decimal) -> Payment:
    with SessionLocal() as session:
        payment = Payment(order_id=order_id, amount=amount, status="authorized")
        session.add(payment)
        session.commit()
        return payment


def book_courier(order_id: int) -> str:
    shipment = shipping_service.create_shipment(order_id)
    return shipment.tracking_number


def send_receipt(email: str, order: Order) -> None:
    notification_service.send_email(email, "receipt", {"order": str(order.id),
                                                       "total": str(order.total_cents)})
