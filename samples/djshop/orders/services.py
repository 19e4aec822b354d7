"""Placing, paying and cancelling orders."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string

from billing.services import is_settled, open_invoice
from catalog import services as catalog_services
from catalog.models import Product
from customers.services import default_address

from .models import Order, OrderLine


class EmptyCart(ValueError):
    pass


def new_order_number() -> str:
    return f"DJ{timezone.now():%y%m}{get_random_string(6, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ')}"


@transaction.atomic
def place_order(customer, cart: dict[str, int]) -> Order:
    """Turn a ``sku -> quantity`` cart into a placed, invoiced order."""
    if not cart:
        raise EmptyCart()
    products = {p.sku: p for p in Product.objects.filter(sku__in=cart, is_active=True)}
    order = Order.objects.create(number=new_order_number(), customer=customer,
                                 shipping_address=default_address(customer),
                                 status=Order.Status.PLACED)
    lines = []
    for sku, quantity in cart.items():
        product = products[sku]
        catalog_services.take_stock(product, quantity)
        lines.append(OrderLine(order=order, product=product, quantity=quantity,
                               unit_price=product.price))
    OrderLine.objects.bulk_create(lines)
    order.total = sum((line.line_total for line in lines), Decimal("0"))
    order.save(update_fields=["total", "updated_at"])
    award_loyalty_points(customer.pk, order.total)
    open_invoice(order)
    return order


def award_loyalty_points(customer_id: int, amount: Decimal) -> None:
    """Loyalty points are kept on the customer row, and orders writes them directly."""
    points = int(amount) * settings.DJSHOP_LOYALTY_POINTS_PER_EURO
    get_user_model().objects.filter(pk=customer_id).update(
        loyalty_points=F("loyalty_points") + points)


@transaction.atomic
def cancel(order: Order) -> None:
    for line in order.lines.all():
        catalog_services.restock(line.product, line.quantity)
    order.status = Order.Status.CANCELLED
    order.save()


def open_orders_for(customer):
    return (Order.objects.filter(customer=customer)
            .exclude(status=Order.Status.CANCELLED)
            .prefetch_related("lines"))


def big_spenders_orders(min_total: Decimal):
    return list(Order.objects.raw(
        "SELECT o.* FROM orders_order o WHERE o.total >= %s AND o.status IN ('paid', 'shipped') "
        "ORDER BY o.total DESC",
        [min_total],
    ))


def sync_paid_orders() -> int:
    """Orders whose invoice billing has settled become paid."""
    changed = 0
    for order in Order.objects.filter(status=Order.Status.PLACED):
        if is_settled(order.pk):
            order.status = Order.Status.PAID
            order.save(update_fields=["status", "updated_at"])
            changed += 1
    return changed


def delete_abandoned_drafts(days: int = 7) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Order.objects.filter(status=Order.Status.DRAFT, created_at__lt=cutoff).delete()
    return deleted
