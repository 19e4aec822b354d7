from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customer accounts. The label is "crm" for historical reasons (tables crm_*)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "customers"
    label = "crm"
    verbose_name = "Customers"
