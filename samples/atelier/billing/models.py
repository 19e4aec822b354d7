from django.db import models

from core.models import TimeStamped


class Invoice(TimeStamped):
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT)
    total_cents = models.PositiveIntegerField()
    paid = models.BooleanField(default=False)
