from django.contrib.auth.models import AbstractUser
from django.db import models


class Member(AbstractUser):
    """The shop's user model (settings.AUTH_USER_MODEL)."""

    newsletter = models.BooleanField(default=False)
    referred_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)


class ShippingAddress(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE)
    line1 = models.CharField(max_length=200)
    city = models.CharField(max_length=80)
    country = models.CharField(max_length=2)
