"""Discount rules for catalog prices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..utils.money import Money

COUPON_RATES = {"WELCOME10": Decimal(10), "VIP20": Decimal(20)}
BULK_RATE = Decimal(5)


@dataclass(frozen=True)
class PriceQuote:
    unit: Money
    quantity: int
    discount: Money
    total: Money


def apply_discount(amount: Money, coupon: str | None) -> Money:
    rate = COUPON_RATES.get(coupon or "", Decimal(0))
    return amount.percent(rate)


def quote(unit: Money, quantity: int, coupon: str | None = None) -> PriceQuote:
    gross = unit.times(quantity)
    discount = apply_discount(gross, coupon)
    if quantity >= 10:
        discount = discount + gross.percent(BULK_RATE)
    return PriceQuote(unit, quantity, discount, Money(gross.cents - discount.cents))
