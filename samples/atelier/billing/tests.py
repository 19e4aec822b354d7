from django.test import TestCase


class InvoiceTest(TestCase):
    def test_nothing_yet(self):
        self.assertTrue(True)
