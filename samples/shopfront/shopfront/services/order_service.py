"""Orders after checkout: look-ups, the status machine, cancellation, payment follow-up."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from shopfront.config import get_settings
from shopfront.services import inventory_service
from shopfront.services import notification_service as notify
from shopfront.services import payment_service
from shopfront.utils.dates import utcnow
from shopfront.utils.pagination import Page, paginate_query

from ..models import Order, OrderLine, OrderStatusChange
from ..repositories import order_repo
from . import shipping_service

TRANSITIONS: dict[str, set[str]] = {
    "pending": {"paid", "cancelled"},
    "paid": {"shipped", "cancelled", "refunded"},
    "shipped": {"delivered", "refunded"},
    "delivered": {"refunded"},
}


class OrderError(Exception):
    pass


class InvalidTransition(OrderError):
    def __init__(self, order: Order, new_status: str) -> None:
        super().__init__(f"order {order.number}: {order.status} -> {new_status} is not allowed")


def generate_order_number(now: datetime | None = None) -> str:
    """``SF-240517-8F3K2``: date plus a random suffix, unique enough with the DB constraint."""
    now = now or utcnow()
    return f"SF-{now:%y%m%d}-{secrets.token_hex(3).upper()[:5]}"


def get_order(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise OrderError(f"order {order_id} does not exist")
    return order


def find_by_number(session: Session, number: str) -> Order | None:
    return session.query(Order).filter(Order.number == number.strip().upper()).one_or_none()


def orders_of_customer(session: Session, customer_id: int, page: int, per_page: int) -> Page[Order]:
    query = session.query(Order).filter(Order.customer_id == customer_id).order_by(Order.placed_at.desc())
    return paginate_query(query, page, per_page)


def transition(session: Session, order: Order, new_status: str, note: str | None = None) -> None:
    if new_status not in TRANSITIONS.get(order.status, set()):
        raise InvalidTransition(order, new_status)
    session.add(OrderStatusChange(order_id=order.id, from_status=order.status,
                                  to_status=new_status, note=note))
    order.status = new_status
    session.add(order)


def mark_paid(session: Session, order_id: int, notify_customer: bool = True) -> Order:
    """The money is in: book the stock out, invoice, and tell the customer."""
    order = get_order(session, order_id)
    if order.status == "paid":
        return order
    order.paid_at = utcnow()
    transition(session, order, "paid")
    order_repo.decrement_stock_for_order(order.id)
    payment_service.issue_invoice(session, order)
    if notify_customer:
        notify.queue_email("payment_received", order.customer.email,
                           {"order_number": order.number, "total_cents": order.total_cents,
                            "currency": order.currency},
                           customer_id=order.customer_id, locale=order.customer.locale)
    return order


def cancel_order(session: Session, order_id: int, reason: str) -> Order:
    order = get_order(session, order_id)
    was_paid = order.status == "paid"
    order.cancelled_at = utcnow()
    transition(session, order, "cancelled", reason)
    inventory_service.release_reservations(session, order.id)
    if was_paid:
        payment_service.refund_order(session, order, reason=f"order cancelled: {reason}")
    return order


def retry_payment(session: Session, order_id: int, card_token: str) -> str:
    order = get_order(session, order_id)
    if order.status != "pending":
        raise OrderError(f"order {order.number} is {order.status}, nothing to pay")
    payment = payment_service.capture_payment(session, order, card_token)
    if payment.status == "captured":
        mark_paid(session, order.id)
    return payment.status


def expire_unpaid_orders(session: Session, now: datetime | None = None) -> int:
    """Cancel orders nobody paid for and give their stock back."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=get_settings().unpaid_order_ttl_hours)
    expired = 0
    for order_id in order_repo.stale_unpaid_order_ids(cutoff):
        if order_repo.update_status(order_id, "pending", "cancelled", "payment not received"):
            inventory_service.release_reservations(session, order_id)
            expired += 1
    return expired


def mark_delivered(session: Session, since: datetime) -> int:
    order_ids = shipping_service.delivered_order_ids(since)
    if not order_ids:
        return 0
    result = session.execute(
        update(Order).where(Order.id.in_(order_ids), Order.status == "shipped")
        .values(status="delivered")
    )
    return result.rowcount


def order_summary(session: Session, order_id: int) -> dict[str, Any]:
    """Everything customer service wants to see about one order."""
    summary = order_repo.find_order(order_id)
    if summary is None:
        raise OrderError(f"order {order_id} does not exist")
    summary["tracking"] = shipping_service.tracking_for_order(session, order_id)
    summary["payments"] = [
        {"status": p.status, "amount_cents": p.amount_cents, "captured_at": p.captured_at}
        for p in payment_service.payments_for_order(session, order_id)
    ]
    return summary


def discard_draft(session: Session, order_id: int) -> None:
    """Drop an order that never left the pending state (used by support)."""
    order = get_order(session, order_id)
    if order.status != "pending":
        raise InvalidTransition(order, "discarded")
    session.query(OrderLine).filter(OrderLine.order_id == order_id).delete()
    session.delete(order)
