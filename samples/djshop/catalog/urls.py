from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.ProductListView.as_view(), name="product-list"),
    path("c/<slug:category>/", views.ProductListView.as_view(), name="category"),
    path("p/<slug:slug>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("best-sellers.json", views.best_sellers, name="best-sellers"),
]
