"""Settings of the atelier shop (handmade goods)."""

SECRET_KEY = "dev-only"
DEBUG = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "core",
    "catalog",
    "accounts.apps.AccountsConfig",
    "orders",
    "billing",
]
AUTH_USER_MODEL = "members.Member"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "atelier.db"}}
ROOT_URLCONF = "atelier.urls"
