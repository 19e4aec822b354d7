"""URL root of the shop."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("catalog.urls")),
    path("account/", include("customers.urls")),
    path("orders/", include("orders.urls")),
    path("billing/", include("billing.urls")),
]
