from .models import Invoice


def open_invoice(order) -> Invoice:
    total = sum(item.quantity * item.unit_price_cents for item in order.items.all())
    return Invoice.objects.create(order=order, total_cents=total)


def settle(invoice_id: int) -> None:
    """Mark paid, and tell orders (a call back into the orders app)."""
    from orders.services import mark_settled

    invoice = Invoice.objects.get(pk=invoice_id)
    invoice.paid = True
    invoice.save()
    mark_settled(invoice.order_id)


def restock_returned(piece_id: int, quantity: int) -> None:
    """Returned goods go back on the shelf: billing writes catalog's table."""
    from catalog.models import Piece

    Piece.objects.filter(pk=piece_id).update(stock=quantity)
