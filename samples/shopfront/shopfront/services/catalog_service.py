"""The product catalogue: products, the category tree, product pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from shopfront.utils.text import slugify, truncate

from ..models import Category, Product, product_categories
from ..repositories import product_repo
from . import pricing


class ProductNotFound(LookupError):
    pass


def get_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None or not product.is_active:
        raise ProductNotFound(product_id)
    return product


def get_product_by_sku(session: Session, sku: str) -> Product:
    product = session.query(Product).filter(Product.sku == sku.upper()).one_or_none()
    if product is None:
        raise ProductNotFound(sku)
    return product


def category_tree(session: Session) -> list[dict[str, Any]]:
    """Nested categories for the navigation menu."""
    categories = session.execute(
        select(Category).order_by(Category.parent_id, Category.position, Category.name)
    ).scalars().all()
    nodes = {c.id: {"id": c.id, "name": c.name, "slug": c.slug, "children": []} for c in categories}
    roots = []
    for category in categories:
        node = nodes[category.id]
        if category.parent_id is None:
            roots.append(node)
        else:
            nodes[category.parent_id]["children"].append(node)
    return roots


def create_product(session: Session, sku: str, name: str, price_cents: int,
                   category_ids: Sequence[int] = (), weight_grams: int = 0,
                   description: str = "") -> Product:
    product = Product(sku=sku.upper(), name=name, slug=slugify(name), price_cents=price_cents,
                      weight_grams=weight_grams, description=description)
    session.add(product)
    session.flush()
    if category_ids:
        session.execute(insert(product_categories),
                        [{"product_id": product.id, "category_id": cid} for cid in category_ids])
    return product


def update_product(session: Session, product_id: int, changes: dict[str, Any]) -> Product:
    product = get_product(session, product_id)
    for field in ("name", "description", "price_cents", "weight_grams"):
        if field in changes:
            setattr(product, field, changes[field])
    if "name" in changes:
        product.slug = slugify(changes["name"])
    session.add(product)
    return product


def archive_products(session: Session, product_ids: Sequence[int]) -> int:
    return session.query(Product).filter(Product.id.in_(product_ids)).update(
        {"is_active": False}, synchronize_session=False)


def delete_category(session: Session, category_id: int) -> None:
    """Remove an empty or obsolete category; its products simply lose it."""
    category = session.get(Category, category_id)
    if category is None:
        return
    session.execute(delete(product_categories).where(product_categories.c.category_id == category_id))
    session.delete(category)


def product_card(product: Product) -> dict[str, Any]:
    """What the storefront shows in a product tile."""
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "teaser": truncate(product.description, 140),
        "price": pricing.display_price(product.price_cents, product.currency),
    }


def search(term: str) -> list[dict[str, Any]]:
    rows = product_repo.search_products(term)
    return [{**row, "price": pricing.display_price(row["price_cents"])} for row in rows]
