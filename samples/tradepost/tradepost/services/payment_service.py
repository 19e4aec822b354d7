"""Charging cards through the gateway and recording refunds."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib import request

from tradepost.config import get_settings
from tradepost.db import SessionLocal
from tradepost.models import Payment, Refund
from tradepost.repositories import payment_repo
from tradepost.services import order_service
from tradepost.utils.log import get_logger

try:
    import ujson as fastjson
except ImportError:
    fastjson = json

log = get_logger(__name__)


class PaymentDeclined(Exception):
    pass


class PaymentGateway:
    """A thin client of the card gateway's REST API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def capture(self, order_id: int, amount: Decimal) -> str:
        body = fastjson.dumps({"order": order_id, "amount": str(amount)}).encode()
        req = request.Request(f"{self.base_url}/captures", data=body, method="POST")
        with request.urlopen(req, timeout=10) as response:
            payload = json.loads(response.read())
        if payload.get("status") != "captured":
            raise PaymentDeclined(payload.get("reason", "declined"))
        return str(payload["reference"])


def gateway() -> PaymentGateway:
    return PaymentGateway(get_settings().payment_gateway_url)


def charge_order(order_id: int, total_cents: int) -> None:
    amount = Decimal(total_cents) / 100
    reference = gateway().capture(order_id, amount)
    payment_repo.record_payment(order_id, amount, reference)
    order_service.mark_paid(order_id)
    log.info("order %s paid (%s)", order_id, reference)


def refund_payment(payment_id: int, amount: Decimal, reason: str) -> Refund:
    with SessionLocal() as session:
        payment = session.get(Payment, payment_id)
        if payment is None or amount > payment.amount:
            raise ValueError("refund exceeds payment")
        refund = Refund(payment_id=payment_id, amount=amount, reason=reason)
        session.add(refund)
        payment.status = "refunded"
        session.commit()
        return refund
