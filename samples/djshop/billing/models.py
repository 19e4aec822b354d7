"""Invoices and the payments received against them."""

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class Invoice(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open"
        PAID = "paid"
        VOID = "void"

    order = models.OneToOneField("orders.Order", related_name="invoice", on_delete=models.PROTECT)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="invoices",
                                 on_delete=models.PROTECT)
    number = models.CharField(max_length=20, unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """Money received; the concrete kinds below add their own table (multi-table inheritance)."""

    invoice = models.ForeignKey(Invoice, related_name="payments", on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    received_at = models.DateTimeField(auto_now_add=True)


class CardPayment(Payment):
    card_brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    psp_reference = models.CharField(max_length=64, unique=True)


class BankTransfer(Payment):
    iban = models.CharField(max_length=34)
    bank_reference = models.CharField(max_length=64)
