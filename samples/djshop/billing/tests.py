from decimal import Decimal

from django.test import TestCase

from billing import services
from billing.models import Invoice
from catalog.models import Category, Product
from customers.services import register
from orders.services import place_order


class SettlementTests(TestCase):
    def setUp(self):
        self.customer = register("ada@example.com", "correct horse battery")
        category = Category.objects.create(name="Tents", slug="tents")
        Product.objects.create(sku="TENT-2P", name="Two-person tent", slug="tent-2p",
                               category=category, price=Decimal("199.00"), stock_quantity=5)

    def test_full_card_payment_settles_the_invoice(self):
        order = place_order(self.customer, {"TENT-2P": 1})
        invoice = Invoice.objects.get(order=order)
        services.record_card_payment(invoice, Decimal("199.00"), "visa", "4242", "psp_1")
        invoice.refresh_from_db()
        self.assertEqual(invoice.status, Invoice.Status.PAID)
        self.assertTrue(services.is_settled(order.pk))
