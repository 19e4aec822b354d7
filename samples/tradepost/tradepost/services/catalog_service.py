"""Products, categories and the prices shown in the shop."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tradepost.db import SessionLocal
from tradepost.models import Category, Product
from tradepost.repositories import product_repo
from tradepost.utils.money import *  # Money, to_cents, format_price
from tradepost.utils.text import slugify

from . import inventory_service, pricing


@dataclass(frozen=True)
class ProductView:
    sku: str
    title: str
    price: Money
    display_price: str


def get_product(sku: str) -> ProductView | None:
    row = product_repo.find_by_sku(sku)
    if row is None:
        return None
    price = Money(row["price_cents"])
    return ProductView(row["sku"], row["title"], price, format_price(price))


def price_for(sku: str, quantity: int, coupon: str | None = None) -> Money:
    """The price a customer pays for ``quantity`` units, after discounts."""
    view = get_product(sku)
    if view is None or inventory_service.available(sku) < quantity:
        raise LookupError(f"unknown or sold-out sku {sku}")
    quote = pricing.quote(view.price, quantity, coupon)
    return quote.total


def create_category(title: str) -> Category:
    with SessionLocal() as session:
        category = Category(slug=slugify(title), title=title)
        session.add(category)
        session.commit()
        return category


def list_category(slug: str) -> list[Product]:
    with SessionLocal() as session:
        statement = select(Product).join(Product.categories).where(Category.slug == slug)
        return list(session.execute(statement).scalars())


def retire_product(sku: str) -> None:
    with SessionLocal() as session:
        product = session.query(Product).filter(Product.sku == sku).one()
        product.active = False
        session.commit()
