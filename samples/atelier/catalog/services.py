from django.db import connection

from core.money import euros

from .models import Maker, Piece, Tag


def pieces_by_maker(maker_id: int) -> list[Piece]:
    return list(Piece.objects.filter(maker_id=maker_id).select_related("maker"))


def tag_piece(piece: Piece, label: str) -> None:
    tag, _ = Tag.objects.get_or_create(label=label)
    piece.tags.add(tag)


def price_label(piece: Piece) -> str:
    return euros(piece.price_cents)


def makers_with_stock() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.name, SUM(p.stock) FROM catalog_maker m "
            "JOIN atelier_piece p ON p.maker_id = m.id GROUP BY m.name"
        )
        return list(cursor.fetchall())


def register_maker(name: str, city: str) -> Maker:
    return Maker.objects.create(name=name, workshop_city=city)
