"""Money helpers: prices are Decimals with two places, in the shop currency."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def format_price(amount: Decimal, currency: str | None = None) -> str:
    currency = currency or settings.DJSHOP_CURRENCY
    symbol = {"EUR": "€", "GBP": "£"}.get(currency, currency + " ")
    return f"{symbol}{to_money(amount):,.2f}"


def percent_of(amount: Decimal, percent: int) -> Decimal:
    return to_money(amount * Decimal(percent) / Decimal(100))
