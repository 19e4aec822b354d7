"""Payments: capture at checkout, provider webhooks, refunds and invoices."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopfront.services import notification_service as notify
from shopfront.services.payment_gateway import PROVIDER, GatewayClient, GatewayError
from shopfront.utils.dates import utcnow
from shopfront.utils.logs import get_logger
from shopfront.utils.money import tax_of

from ..models import Invoice, Order, Payment, Refund
from ..repositories import payment_repo

log = get_logger(__name__)


class PaymentFailed(Exception):
    pass


def capture_payment(session: Session, order: Order, card_token: str,
                    client: GatewayClient | None = None) -> Payment:
    """Authorise and capture the order total in one go."""
    client = client or GatewayClient()
    payment = Payment(order_id=order.id, provider=PROVIDER, amount_cents=order.total_cents,
                      currency=order.currency, status="pending", attempts=1)
    session.add(payment)
    session.flush()
    try:
        authorised = client.authorize(card_token, order.total_cents, order.currency, order.number)
        captured = client.capture(authorised.provider_ref)
    except GatewayError as exc:
        payment.status = "failed"
        payment.failure_reason = str(exc)[:255]
        session.add(payment)
        raise PaymentFailed(str(exc)) from exc
    payment.provider_ref = captured.provider_ref
    payment.status = "captured" if captured.status == "succeeded" else "authorized"
    payment.authorized_at = utcnow()
    session.add(payment)
    return payment


def handle_capture_succeeded(session: Session, provider_ref: str) -> None:
    """Webhook ``charge.captured``: mark the payment and the order as paid."""
    row = payment_repo.find_by_provider_ref(PROVIDER, provider_ref)
    if row is None or row["status"] == "captured":
        return
    session.execute(update(Payment).where(Payment.id == row["id"])
                    .values(status="captured", captured_at=utcnow()))
    # imported here because order_service imports this module at load time
    from shopfront.services import order_service

    order_service.mark_paid(session, row["order_id"])


def handle_capture_failed(session: Session, provider_ref: str, reason: str) -> None:
    row = payment_repo.find_by_provider_ref(PROVIDER, provider_ref)
    if row is not None:
        payment_repo.record_attempt(row["id"], "failed", reason[:255])
        log.warning("capture failed for payment %s: %s", row["id"], reason)


def payments_for_order(session: Session, order_id: int) -> list[Payment]:
    return list(session.execute(
        select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)
    ).scalars())


def refund_order(session: Session, order: Order, amount_cents: int | None = None,
                 reason: str = "customer request", client: GatewayClient | None = None) -> Refund:
    """Refund (part of) the captured payment of an order and tell the customer."""
    payment = session.query(Payment).filter(Payment.order_id == order.id,
                                            Payment.status == "captured").one()
    already = payment_repo.refunded_total(payment.id)
    amount = amount_cents if amount_cents is not None else payment.amount_cents - already
    if amount <= 0 or already + amount > payment.amount_cents:
        raise ValueError(f"cannot refund {amount} cents on payment {payment.id}")
    refund = Refund(payment_id=payment.id, amount_cents=amount, reason=reason)
    try:
        refund.provider_ref = (client or GatewayClient()).refund(payment.provider_ref, amount, reason)
        refund.status = "succeeded"
    except GatewayError as exc:
        refund.status = "failed"
        log.error("refund of order %s failed: %s", order.number, exc)
    session.add(refund)
    if refund.status == "succeeded" and already + amount == payment.amount_cents:
        payment_repo.mark_order_refunded(order.id)
    notify.queue_email("refund_issued", order.customer.email,
                       {"order_number": order.number, "amount_cents": amount,
                        "currency": order.currency}, customer_id=order.customer_id)
    return refund


def issue_invoice(session: Session, order: Order) -> Invoice:
    number = payment_repo.next_invoice_number(utcnow().year)
    tax_cents = sum(tax_of(line.line_total_cents, line.tax_rate) for line in order.lines)
    invoice = Invoice(order_id=order.id, number=number, total_cents=order.total_cents,
                      tax_cents=tax_cents)
    session.add(invoice)
    return invoice


def retry_failed_payments(client: GatewayClient | None = None) -> int:
    """Re-capture authorisations that failed for a temporary reason."""
    client = client or GatewayClient()
    retried = 0
    for row in payment_repo.failed_payments_to_retry():
        if not row["provider_ref"]:
            continue
        try:
            client.capture(row["provider_ref"])
        except GatewayError as exc:
            payment_repo.record_attempt(row["id"], "failed", str(exc)[:255])
            continue
        payment_repo.record_attempt(row["id"], "captured")
        retried += 1
    return retried
