"""Invoicing, payment intake and dunning."""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from core.money import format_price

from .models import BankTransfer, CardPayment, Invoice, Payment


def next_invoice_number() -> str:
    year = timezone.now().year
    count = Invoice.objects.filter(created_at__year=year).count()
    return f"R{year}-{count + 1:05d}"


def open_invoice(order) -> Invoice:
    """Invoice a placed order (called by the orders app)."""
    due = timezone.now().date() + timedelta(days=settings.DJSHOP_INVOICE_DUE_DAYS)
    return Invoice.objects.create(order=order, customer_id=order.customer_id,
                                  number=next_invoice_number(), amount=order.total, due_date=due)


def paid_amount(invoice: Invoice) -> Decimal:
    total = Payment.objects.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def settle_if_paid(invoice: Invoice) -> bool:
    if paid_amount(invoice) < invoice.amount:
        return False
    invoice.status = Invoice.Status.PAID
    invoice.save(update_fields=["status", "updated_at"])
    return True


@transaction.atomic
def record_card_payment(invoice: Invoice, amount: Decimal, brand: str, last4: str,
                        psp_reference: str) -> CardPayment:
    payment = CardPayment.objects.create(invoice=invoice, amount=amount, card_brand=brand,
                                         last4=last4, psp_reference=psp_reference)
    settle_if_paid(invoice)
    return payment


@transaction.atomic
def record_bank_transfer(invoice_number: str, amount: Decimal, iban: str,
                         reference: str) -> BankTransfer:
    invoice = Invoice.objects.select_for_update().get(number=invoice_number)
    transfer = BankTransfer.objects.create(invoice=invoice, amount=amount, iban=iban,
                                           bank_reference=reference)
    settle_if_paid(invoice)
    return transfer


def is_settled(order_id: int) -> bool:
    return Invoice.objects.filter(order_id=order_id, status=Invoice.Status.PAID).exists()


def overdue_invoices():
    today = timezone.now().date()
    return Invoice.objects.filter(status=Invoice.Status.OPEN, due_date__lt=today).select_related(
        "order", "customer")


def send_payment_reminders() -> int:
    """Mail every customer with an overdue invoice; the order number comes from the orders app."""
    Order = apps.get_model("orders", "Order")
    overdue = list(overdue_invoices())
    numbers = dict(Order.objects.filter(pk__in=[i.order_id for i in overdue])
                   .values_list("pk", "number"))
    messages = [
        (f"Reminder: invoice {invoice.number}",
         f"Your order {numbers.get(invoice.order_id, '')} is still unpaid: "
         f"{format_price(invoice.amount)} was due on {invoice.due_date:%d.%m.%Y}.",
         None, [invoice.customer.email])
        for invoice in overdue
    ]
    return send_mass_mail(messages, fail_silently=True)


def revenue_by_month(year: int) -> list[tuple[int, Decimal]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXTRACT(MONTH FROM p.received_at)::int AS month, SUM(p.amount) "
            "FROM billing_payment p JOIN billing_invoice i ON i.id = p.invoice_id "
            "WHERE EXTRACT(YEAR FROM p.received_at) = %s AND i.status <> 'void' "
            "GROUP BY 1 ORDER BY 1",
            [year],
        )
        return [(int(month), amount) for month, amount in cursor.fetchall()]
