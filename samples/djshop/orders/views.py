import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views import View
from django.views.generic import ListView

from catalog.services import InsufficientStock

from . import services
from .models import Order


class CheckoutView(LoginRequiredMixin, View):
    def post(self, request):
        try:
            cart = {sku: int(qty) for sku, qty in json.loads(request.body)["items"].items()}
            order = services.place_order(request.user, cart)
        except (KeyError, ValueError, services.EmptyCart):
            return HttpResponseBadRequest("bad cart")
        except InsufficientStock as exc:
            return JsonResponse({"error": f"not enough stock for {exc}"}, status=409)
        return JsonResponse({"number": order.number, "total": str(order.total)}, status=201)


class OrderListView(LoginRequiredMixin, ListView):
    template_name = "orders/order_list.html"
    context_object_name = "orders"

    def get_queryset(self):
        return services.open_orders_for(self.request.user)


def order_detail(request, number):
    order = get_object_or_404(Order.objects.select_related("customer", "shipping_address"),
                              number=number, customer=request.user)
    return render(request, "orders/order_detail.html", {"order": order})
