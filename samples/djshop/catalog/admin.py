from django.contrib import admin

from .models import Brand, Category, Product, Tag

admin.site.register(Brand)
admin.site.register(Tag)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category", "price", "stock_quantity", "is_active"]
    list_filter = ["is_active", "category", "brand"]
    search_fields = ["sku", "name"]
    filter_horizontal = ["tags"]
