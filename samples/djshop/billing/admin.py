from django.contrib import admin

from .models import BankTransfer, CardPayment, Invoice


class CardPaymentInline(admin.TabularInline):
    model = CardPayment
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "amount", "due_date", "status"]
    list_filter = ["status"]
    inlines = [CardPaymentInline]


admin.site.register(BankTransfer)
