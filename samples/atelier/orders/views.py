import json

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .services import place_order


@require_POST
def checkout(request):
    cart = {int(k): int(v) for k, v in json.loads(request.body)["cart"].items()}
    order = place_order(request.user, cart)
    return JsonResponse({"order": order.pk}, status=201)
