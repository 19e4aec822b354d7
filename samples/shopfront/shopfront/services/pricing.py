"""Shelf prices: net, tax and gross, for one product or a whole cart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

import shopfront.utils.money as money
from shopfront.config import get_settings

from ..models import Product
from ..repositories import product_repo


@dataclass(frozen=True)
class PriceQuote:
    """The price of ``quantity`` units of one product."""

    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price_cents: int
    tax_rate: Decimal
    line_total_cents: int

    @property
    def tax_cents(self) -> int:
        return money.tax_of(self.line_total_cents, self.tax_rate)


def unit_prices(session: Session, product_ids: Iterable[int]) -> dict[int, Product]:
    """Current products by id, for pricing a cart in one query."""
    ids = sorted(set(product_ids))
    products = session.query(Product).filter(Product.id.in_(ids), Product.is_active.is_(True)).all()
    return {product.id: product for product in products}


def quote_cart(session: Session, cart: Mapping[int, int]) -> list[PriceQuote]:
    """Price every ``product_id -> quantity`` of a cart; unknown products raise KeyError."""
    products = unit_prices(session, cart)
    quotes = []
    for product_id, quantity in cart.items():
        product = products[product_id]
        quotes.append(PriceQuote(
            product_id=product.id,
            sku=product.sku,
            name=product.name,
            quantity=quantity,
            unit_price_cents=product.price_cents,
            tax_rate=Decimal(product.tax_rate or get_settings().vat_rate),
            line_total_cents=product.price_cents * quantity,
        ))
    return quotes


def display_price(price_cents: int, currency: str | None = None) -> str:
    return money.format_money(price_cents, currency or get_settings().default_currency)


def reprice_by_percent(skus: Iterable[str], percent: Decimal) -> int:
    """Raise (or with a negative percent, lower) the price of the given SKUs."""
    changes = []
    for sku in skus:
        row = product_repo.find_by_sku(sku)
        if row is None:
            continue
        new_price = row["price_cents"] + money.Money(row["price_cents"]).percent(percent).cents
        changes.append((sku, max(new_price, 0)))
    return product_repo.update_prices(changes)
