from django.http import JsonResponse
from django.views.generic import DetailView, ListView

from . import services
from .models import Product


class ProductListView(ListView):
    template_name = "catalog/product_list.html"
    paginate_by = 24

    def get_queryset(self):
        return services.active_products(self.kwargs.get("category"))


class ProductDetailView(DetailView):
    template_name = "catalog/product_detail.html"
    queryset = Product.objects.filter(is_active=True).select_related("brand")


def best_sellers(request):
    products = services.best_sellers(limit=int(request.GET.get("limit", 10)))
    return JsonResponse({"products": [
        {"sku": p.sku, "name": p.name, "price": services.price_label(p)} for p in products
    ]})
