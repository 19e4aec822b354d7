from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Address, Customer


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


@admin.register(Customer)
class CustomerAdmin(UserAdmin):
    list_display = ["email", "first_name", "last_name", "loyalty_points", "is_active"]
    inlines = [AddressInline]
    fieldsets = UserAdmin.fieldsets + (("Shop", {"fields": ["phone", "loyalty_points",
                                                            "marketing_opt_in"]}),)
