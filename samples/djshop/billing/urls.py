from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("invoices/<str:number>/", views.InvoiceDetailView.as_view(), name="invoice"),
    path("psp/webhook/", views.psp_webhook, name="psp-webhook"),
    path("customers/<int:customer_id>/statement/", views.customer_statement, name="statement"),
]
