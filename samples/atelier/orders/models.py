from django.conf import settings
from django.db import models

from core.models import TimeStamped


class Order(TimeStamped):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    status = models.CharField(max_length=20, default="open")
    pieces = models.ManyToManyField("catalog.Piece", through="OrderItem")


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    piece = models.ForeignKey("catalog.Piece", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    unit_price_cents = models.PositiveIntegerField()


class GiftOrder(Order):
    """Multi-table inheritance: a gift order keeps its message in its own table."""

    message = models.TextField()
