"""Catalogue services: listings, stock, tagging, best sellers."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.money import format_price
from orders.models import OrderLine

from .models import DiscontinuedProduct, Product, Tag


class InsufficientStock(Exception):
    pass


def active_products(category_slug: str | None = None):
    products = Product.objects.filter(is_active=True).select_related("category", "brand")
    if category_slug:
        products = products.filter(category__slug=category_slug)
    return products


def product_by_sku(sku: str) -> Product:
    return Product.objects.get(sku=sku.upper())


def price_label(product: Product) -> str:
    return format_price(product.price)


@transaction.atomic
def take_stock(product: Product, quantity: int) -> None:
    """Take units off the shelf for an order."""
    updated = Product.objects.filter(pk=product.pk, stock_quantity__gte=quantity).update(
        stock_quantity=F("stock_quantity") - quantity)
    if not updated:
        raise InsufficientStock(product.sku)


def restock(product: Product, quantity: int) -> None:
    product.stock_quantity = F("stock_quantity") + quantity
    product.save(update_fields=["stock_quantity", "updated_at"])


def tag_product(product: Product, names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name.strip().lower())[0] for name in names]
    product.tags.add(*tags)


def discontinue(product_ids: list[int]) -> int:
    return Product.objects.filter(pk__in=product_ids).update(is_active=False)


def purge_discontinued(older_than_days: int = 365) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = DiscontinuedProduct.objects.filter(updated_at__lt=cutoff,
                                                    stock_quantity=0).delete()
    return deleted


def best_sellers(limit: int = 10) -> list[Product]:
    """The most sold products, counted from the order lines of the orders app."""
    sold = (OrderLine.objects.values("product_id").annotate(units=Sum("quantity"))
            .order_by("-units")[:limit])
    ids = [row["product_id"] for row in sold]
    products = Product.objects.in_bulk(ids)
    return [products[pk] for pk in ids if pk in products]
