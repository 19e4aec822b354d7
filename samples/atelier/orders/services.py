from django.apps import apps
from django.db import transaction

from billing.services import open_invoice

from .models import Order, OrderItem


@transaction.atomic
def place_order(member, cart: dict[int, int]) -> Order:
    """Create the order, take the pieces out of stock and invoice it."""
    Piece = apps.get_model("catalog", "Piece")
    order = Order.objects.create(member=member, status="placed")
    items = []
    for piece in Piece.objects.filter(pk__in=cart).select_for_update():
        items.append(OrderItem(order=order, piece=piece, quantity=cart[piece.pk],
                               unit_price_cents=piece.price_cents))
        piece.stock -= cart[piece.pk]
        piece.save(update_fields=["stock"])
    OrderItem.objects.bulk_create(items)
    open_invoice(order)
    return order


def mark_settled(order_id: int) -> None:
    Order.objects.filter(pk=order_id).update(status="settled")


def open_orders_of(member) -> list[Order]:
    return list(Order.objects.raw("SELECT * FROM orders_order WHERE member_id = %s "
                                  "AND status = 'placed'", [member.pk]))
