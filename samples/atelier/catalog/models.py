from django.db import models

from core.models import TimeStamped


class Maker(TimeStamped):
    name = models.CharField(max_length=120)
    workshop_city = models.CharField(max_length=80)


class Piece(TimeStamped):
    """A handmade item for sale."""

    maker = models.ForeignKey(Maker, on_delete=models.CASCADE, related_name="pieces")
    title = models.CharField(max_length=200)
    price_cents = models.PositiveIntegerField()
    stock = models.PositiveIntegerField(default=1)
    tags = models.ManyToManyField("catalog.Tag", blank=True)

    class Meta:
        db_table = "atelier_piece"


class Tag(models.Model):
    label = models.SlugField(unique=True)


class FeaturedPiece(Piece):
    """Pieces on the home page: a proxy with its own manager ordering."""

    class Meta:
        proxy = True
        ordering = ["-created"]
