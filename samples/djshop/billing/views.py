import hmac
import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from . import services
from .models import Invoice

PSP_SECRET = b"change-me"


class InvoiceDetailView(LoginRequiredMixin, DetailView):
    template_name = "billing/invoice_detail.html"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Invoice.objects.filter(customer=self.request.user)


@csrf_exempt
@require_POST
def psp_webhook(request):
    """The payment provider posts captured card payments here."""
    signature = request.headers.get("X-Signature", "")
    expected = hmac.new(PSP_SECRET, request.body, "sha256").hexdigest()
    if not hmac.compare_digest(signature, expected):
        return HttpResponseForbidden()
    event = json.loads(request.body)
    invoice = Invoice.objects.get(number=event["invoice"])
    services.record_card_payment(invoice, Decimal(event["amount"]), event["brand"],
                                 event["last4"], event["reference"])
    return JsonResponse({"ok": True})


def customer_statement(request, customer_id):
    """Back-office: all invoices of one customer."""
    customer = get_user_model().objects.get(pk=customer_id)
    invoices = Invoice.objects.filter(customer=customer).order_by("-created_at")
    return JsonResponse({"customer": customer.email, "invoices": [
        {"number": i.number, "amount": str(i.amount), "status": i.status} for i in invoices
    ]})
