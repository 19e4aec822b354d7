"""Abstract base models."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds created/updated timestamps; every concrete model of the shop inherits it."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
