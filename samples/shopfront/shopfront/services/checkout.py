"""Checkout: from cart to paid order, shipment and confirmation e-mail.

Started in 2017 as "the function behind the Pay button" and grew from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shopfront.config import get_settings
from shopfront.repositories import notification_repo
from shopfront.services import (
    customer_service,
    inventory_service,
    order_service,
    pricing,
    promotion_service,
)
from shopfront.services.carriers import ParcelAddress, cheapest_quote, get_carrier
from shopfront.services.email_renderer import render, render_lines_table
from shopfront.services.payment_gateway import PROVIDER, GatewayClient, GatewayError
from shopfront.tasks.email_tasks import deliver_email
from shopfront.utils.dates import utcnow

from ..models import Address, Carrier, Order, OrderLine, Parcel, Payment, Product, Shipment


class CheckoutError(Exception):
    """The checkout cannot go on; the message is shown to the shopper."""


@dataclass(frozen=True)
class CheckoutResult:
    order_id: int
    order_number: str
    total_cents: int
    payment_status: str
    tracking_number: str | None


def build_order_from_cart(session: Session, customer_id: int, cart: Mapping[int, int],
                          coupon_code: str | None = None) -> Order:
    """Price the cart, apply the coupon, reserve the stock and store a pending order."""
    address = customer_service.default_address(session, customer_id)
    if address is None:
        raise CheckoutError("Please add a shipping address first.")
    quotes = pricing.quote_cart(session, cart)
    subtotal = sum(q.line_total_cents for q in quotes)
    coupon, discount = None, 0
    if coupon_code:
        coupon = promotion_service.find_coupon(session, coupon_code)
        if coupon is None:
            raise CheckoutError("Unknown coupon code.")
        promotion_service.validate_coupon(session, coupon, customer_id, subtotal, cart)
        discount = promotion_service.discount_for(coupon, subtotal)
    order = Order(number=order_service.generate_order_number(), customer_id=customer_id,
                  shipping_address_id=address.id, status="pending",
                  currency=get_settings().default_currency, subtotal_cents=subtotal,
                  discount_cents=discount, tax_cents=sum(q.tax_cents for q in quotes),
                  total_cents=subtotal - discount, coupon_code=coupon_code)
    session.add(order)
    session.flush()
    session.add_all([
        OrderLine(order_id=order.id, product_id=q.product_id, sku=q.sku, name=q.name,
                  quantity=q.quantity, unit_price_cents=q.unit_price_cents, tax_rate=q.tax_rate,
                  line_total_cents=q.line_total_cents)
        for q in quotes
    ])
    inventory_service.reserve_stock(session, order.id, cart)
    if coupon is not None:
        promotion_service.redeem(session, coupon, order.id, customer_id, discount)
    return order


def cart_weight_grams(session: Session, cart: Mapping[int, int]) -> int:
    weights = dict(session.query(Product.id, Product.weight_grams).filter(Product.id.in_(list(cart))))
    return sum(weights.get(product_id, 0) * quantity for product_id, quantity in cart.items())


def shipping_cost(session: Session, weight_grams: int, country_code: str,
                  subtotal_cents: int) -> tuple[str, int]:
    """The carrier to use and what the customer pays for shipping."""
    codes = [row.code for row in session.query(Carrier.code).filter(Carrier.is_active.is_(True))]
    quote = cheapest_quote(codes, weight_grams, country_code)
    if quote is None:
        raise LookupError(f"no carrier ships {weight_grams} g to {country_code}")
    if subtotal_cents >= get_settings().free_shipping_threshold_cents:
        return quote.carrier_code, 0
    return quote.carrier_code, quote.price_cents


def charge_order(session: Session, order: Order, card_token: str) -> Payment:
    """Authorise and capture the card (a copy of payment_service.capture_payment, kept in sync by hand)."""
    client = GatewayClient()
    payment = Payment(order_id=order.id, provider=PROVIDER, amount_cents=order.total_cents,
                      currency=order.currency, attempts=1, status="pending")
    try:
        authorised = client.authorize(card_token, order.total_cents, order.currency, order.number)
        captured = client.capture(authorised.provider_ref)
    except GatewayError as exc:
        payment.status = "failed"
        payment.failure_reason = str(exc)[:255]
        session.add(payment)
        return payment
    payment.provider_ref = captured.provider_ref
    payment.status = "captured"
    payment.authorized_at = payment.captured_at = utcnow()
    session.add(payment)
    return payment


def book_shipment(session: Session, order_id: int, order_number: str, address: Address,
                  weight_grams: int, carrier_code: str) -> Parcel:
    """Book the parcel right away so the warehouse can print the label."""
    booked = get_carrier(carrier_code).book(
        order_number,
        ParcelAddress(address.recipient, address.line1, address.line2, address.postal_code,
                      address.city, address.country_code),
        weight_grams, "standard")
    carrier = session.query(Carrier).filter_by(code=carrier_code).one()
    shipment = Shipment(order_id=order_id, carrier_id=carrier.id, status="booked")
    session.add(shipment)
    session.flush()
    parcel = Parcel(shipment_id=shipment.id, tracking_number=booked.tracking_number,
                    weight_grams=weight_grams, label_url=booked.label_url)
    session.add(parcel)
    return parcel


def send_order_confirmation(recipient: str, order_number: str, lines: list[Mapping[str, Any]],
                            total_cents: int, currency: str, tracking_number: str | None = None,
                            customer_id: int | None = None, locale: str = "en") -> int:
    template = notification_repo.get_template("order_confirmation", locale)
    if template is None:
        return 0
    rendered = render(template, {"order_number": order_number, "total_cents": total_cents,
                                 "currency": currency, "tracking_number": tracking_number},
                      locale)
    body_html = rendered.body_html + render_lines_table(lines, currency)
    log_id = notification_repo.log_notification("order_confirmation", recipient, rendered.subject,
                                                body_html, rendered.body_text, customer_id)
    deliver_email.delay(log_id)
    return log_id


def complete_checkout(session: Session, customer_id: int, cart: Mapping[int, int],
                      card_token: str, coupon_code: str | None = None) -> CheckoutResult:
    """The Pay button."""
    if not cart:
        raise CheckoutError("Your cart is empty.")
    order = build_order_from_cart(session, customer_id, cart, coupon_code)
    address = session.get(Address, order.shipping_address_id)
    weight = cart_weight_grams(session, cart)
    carrier_code, shipping_cents = shipping_cost(session, weight, address.country_code,
                                                 order.subtotal_cents)
    order.shipping_cents = shipping_cents
    order.total_cents = order.subtotal_cents - order.discount_cents + shipping_cents
    session.add(order)

    payment = charge_order(session, order, card_token)
    if payment.status != "captured":
        return CheckoutResult(order.id, order.number, order.total_cents, payment.status, None)

    order_service.mark_paid(session, order.id, notify_customer=False)
    parcel = book_shipment(session, order.id, order.number, address, weight, carrier_code)
    customer = customer_service.get_customer(session, customer_id)
    send_order_confirmation(
        customer.email, order.number,
        [{"name": line.name, "quantity": line.quantity, "line_total_cents": line.line_total_cents}
         for line in order.lines],
        order.total_cents, order.currency, parcel.tracking_number, customer.id, customer.locale)
    return CheckoutResult(order.id, order.number, order.total_cents, payment.status,
                          parcel.tracking_number)
