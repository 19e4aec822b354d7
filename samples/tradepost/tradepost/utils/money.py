"""Money in integer cents, so rounding never loses a cent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["Money", "to_cents", "format_price"]


@dataclass(frozen=True)
class Money:
    cents: int
    currency: str = "EUR"

    def __add__(self, other: "Money") -> "Money":
        if other.currency != self.currency:
            raise ValueError("currency mismatch")
        return Money(self.cents + other.cents, self.currency)

    def times(self, quantity: int) -> "Money":
        return Money(self.cents * quantity, self.currency)

    def percent(self, rate: Decimal) -> "Money":
        value = (Decimal(self.cents) * rate / 100).quantize(Decimal(1), ROUND_HALF_UP)
        return Money(int(value), self.currency)


def to_cents(amount: Decimal | float | str) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def format_price(money: Money) -> str:
    return f"{money.cents / 100:.2f} {money.currency}"
