"""Customer accounts (the project's user model), addresses and favourites."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from core.models import TimeStampedModel


class Customer(AbstractUser):
    """The user model (``AUTH_USER_MODEL = "crm.Customer"``)."""

    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=32, blank=True)
    loyalty_points = models.PositiveIntegerField(default=0)
    marketing_opt_in = models.BooleanField(default=False)
    favourite_products = models.ManyToManyField("catalog.Product", through="Favourite",
                                                related_name="fans", blank=True)

    def __str__(self) -> str:
        return self.email


class Address(TimeStampedModel):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="addresses",
                                 on_delete=models.CASCADE)
    recipient = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=16)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, default="DE")
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "addresses"

    def one_line(self) -> str:
        return f"{self.recipient}, {self.street}, {self.postal_code} {self.city}, {self.country}"


class Favourite(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("customer", "product")]
