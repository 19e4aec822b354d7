from django.http import JsonResponse
from django.views import View

from . import services
from .models import FeaturedPiece, Piece


class PieceDetail(View):
    def get(self, request, pk: int):
        piece = Piece.objects.get(pk=pk)
        return JsonResponse({"title": piece.title, "price": services.price_label(piece)})


def featured(request):
    pieces = FeaturedPiece.objects.all()[:12]
    return JsonResponse({"pieces": [p.title for p in pieces]})
