"""Django settings for djshop."""

from pathlib import Path
import os

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJSHOP_SECRET_KEY", "dev-only-not-secret")
DEBUG = os.environ.get("DJSHOP_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJSHOP_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "core",
    "catalog.apps.CatalogConfig",
    "customers.apps.CustomersConfig",
    "orders.apps.OrdersConfig",
    "billing.apps.BillingConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "djshop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DJSHOP_DB_NAME", "djshop"),
        "USER": os.environ.get("DJSHOP_DB_USER", "djshop"),
        "PASSWORD": os.environ.get("DJSHOP_DB_PASSWORD", ""),
        "HOST": os.environ.get("DJSHOP_DB_HOST", "localhost"),
    }
}

# the customers app has the label "crm"
AUTH_USER_MODEL = "crm.Customer"
LOGIN_URL = "/account/login/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/Berlin"
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CELERY_BROKER_URL = os.environ.get("DJSHOP_BROKER_URL", "redis://localhost:6379/1")
DJSHOP_CURRENCY = "EUR"
DJSHOP_LOYALTY_POINTS_PER_EURO = 1
DJSHOP_INVOICE_DUE_DAYS = 14
