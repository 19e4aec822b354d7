"""Money as integer cents plus a currency; never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF "}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


@dataclass(frozen=True, order=True)
class Money:
    """An amount in the smallest unit of its currency."""

    cents: int
    currency: str = "EUR"

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def times(self, quantity: int) -> Money:
        return Money(self.cents * quantity, self.currency)

    def percent(self, rate: Decimal | int) -> Money:
        """``rate`` percent of this amount, rounded half up to the cent."""
        value = (Decimal(self.cents) * Decimal(rate) / Decimal(100)).quantize(
            Decimal("1"), rounding=ROUND_HALF_UP)
        return Money(int(value), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} != {other.currency}")


def to_cents(amount: Decimal | str | int) -> int:
    """``Decimal("12.50")`` -> ``1250``."""
    value = Decimal(str(amount)) * 100
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def tax_of(net_cents: int, rate: Decimal) -> int:
    """The tax on a net amount, rounded half up."""
    return int((Decimal(net_cents) * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_money(cents: int, currency: str = "EUR") -> str:
    """``format_money(123456, "EUR")`` -> ``"€1,234.56"``."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if cents < 0 else ""
    return f"{sign}{symbol}{abs(cents) / 100:,.2f}"


def allocate(total_cents: int, weights: list[int]) -> list[int]:
    """Split an amount over weights without losing a cent (largest remainder first)."""
    if not weights or sum(weights) == 0:
        raise ValueError("weights must not be empty or all zero")
    total_weight = sum(weights)
    shares = [total_cents * w // total_weight for w in weights]
    remainders = sorted(range(len(weights)),
                        key=lambda i: (total_cents * weights[i]) % total_weight, reverse=True)
    for index in remainders[: total_cents - sum(shares)]:
        shares[index] += 1
    return shares
