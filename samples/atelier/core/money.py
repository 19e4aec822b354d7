"""Prices in cents."""

from decimal import Decimal


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def euros(value: int) -> str:
    return f"{value / 100:.2f} EUR"
