"""seamline's static Django model-to-table map against Django's own, on django-oscar 4.2.1.

Run (from the repository root, with the project's virtualenv)::

    .venv/bin/python benchmarks/bench_django_tables.py            # builds the truth once
    .venv/bin/python benchmarks/bench_django_tables.py --refresh   # rebuild it

The truth comes from Django itself, in a throwaway virtualenv under ``.corpus/_venvs/`` (never
in seamline's process): django-oscar 4.2.1 is installed with Django, a minimal settings module
installs every oscar app, ``django.setup()`` runs, and for every model of
``apps.get_models(include_auto_created=True)`` the script records ``_meta.db_table``; for an
auto-created many-to-many table, the owning model and field. seamline's side is its static
analysis of the unpacked oscar package. Pairs compared: ``module:Class -> table`` for every
concrete (and proxy) model, ``module:Class.field -> table`` for auto-created tables.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from _common import print_table
from corpus import CORPUS_DIR, ensure

from analyzer import api
from analyzer.config import Overrides, load_settings

VENV = CORPUS_DIR / "_venvs" / "django-oscar-4.2.1"
TRUTH = CORPUS_DIR / "_reports" / "oscar-django-tables.json"
PACKAGES = ["django-oscar==4.2.1", "sorl-thumbnail", "django-haystack", "django-tables2",
            "django-widget-tweaks"]
CONFIGS = [  # oscar's own app configs, as its documentation lists them
    "analytics.apps.AnalyticsConfig", "checkout.apps.CheckoutConfig",
    "address.apps.AddressConfig", "shipping.apps.ShippingConfig",
    "catalogue.apps.CatalogueConfig", "catalogue.reviews.apps.CatalogueReviewsConfig",
    "communication.apps.CommunicationConfig", "partner.apps.PartnerConfig",
    "basket.apps.BasketConfig", "payment.apps.PaymentConfig", "offer.apps.OfferConfig",
    "order.apps.OrderConfig", "customer.apps.CustomerConfig", "search.apps.SearchConfig",
    "voucher.apps.VoucherConfig", "wishlists.apps.WishlistsConfig",
    "dashboard.apps.DashboardConfig", "dashboard.reports.apps.ReportsDashboardConfig",
    "dashboard.users.apps.UsersDashboardConfig", "dashboard.orders.apps.OrdersDashboardConfig",
    "dashboard.catalogue.apps.CatalogueDashboardConfig",
    "dashboard.offers.apps.OffersDashboardConfig",
    "dashboard.partners.apps.PartnersDashboardConfig",
    "dashboard.pages.apps.PagesDashboardConfig", "dashboard.ranges.apps.RangesDashboardConfig",
    "dashboard.reviews.apps.ReviewsDashboardConfig",
    "dashboard.vouchers.apps.VouchersDashboardConfig",
    "dashboard.communications.apps.CommunicationsDashboardConfig",
    "dashboard.shipping.apps.ShippingDashboardConfig",
]

SETTINGS = """
from oscar.defaults import *  # noqa: F403
SECRET_KEY = "benchmark-only"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}}
SITE_ID = 1
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.flatpages", "oscar.config.Shop",
    {apps}
    "widget_tweaks", "haystack", "treebeard", "sorl.thumbnail", "django_tables2",
]
HAYSTACK_CONNECTIONS = {{"default": {{"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}}}
"""

DUMP = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "truth_settings"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import django
django.setup()
from django.apps import apps
rows = []
for model in apps.get_models(include_auto_created=True):
    meta = model._meta
    row = {"label": meta.label, "module": model.__module__, "class": model.__qualname__,
           "db_table": meta.db_table, "auto_created": bool(meta.auto_created),
           "proxy": meta.proxy}
    if meta.auto_created:
        owner = meta.auto_created
        for field in owner._meta.many_to_many:
            if field.remote_field.through is model:
                row["owner"] = owner.__module__ + ":" + owner.__qualname__
                row["field"] = field.name
    rows.append(row)
json.dump(rows, open(sys.argv[1], "w"), indent=1, sort_keys=True)
"""


def build_truth() -> None:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    apps = "\n    ".join(f'"oscar.apps.{config}",' for config in CONFIGS)
    (VENV / "truth_settings.py").write_text(textwrap.dedent(SETTINGS).format(apps=apps))
    (VENV / "dump_tables.py").write_text(DUMP)
    TRUTH.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(python), str(VENV / "dump_tables.py"), str(TRUTH)], check=True)


def truth_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for row in json.loads(TRUTH.read_text()):
        if row["auto_created"]:
            if row.get("owner", "").startswith("oscar."):
                pairs[f"{row['owner']}.{row['field']}"] = row["db_table"]
        elif row["module"].startswith("oscar."):
            pairs[f"{row['module']}:{row['class']}"] = row["db_table"]
    return pairs


def static_pairs(root: Path) -> dict[str, str]:
    analysis = api.analyze(load_settings(root, Overrides(no_cache=True)))
    pairs: dict[str, str] = {}
    for table in analysis.data.tables:
        for declaration in table.declarations:
            if declaration.via != "django":
                continue
            key = declaration.atom if declaration.kind == "model" \
                else f"{declaration.atom}.{declaration.field}"
            pairs[key] = table.name
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh", action="store_true", help="rebuild Django's truth")
    args = parser.parse_args()
    if args.refresh or not TRUTH.exists():
        build_truth()
    truth = truth_pairs()
    static = static_pairs(ensure("oscar"))
    agree = sum(1 for key, table in static.items() if truth.get(key) == table)
    models = sum(1 for key in truth if "." not in key.split(":", 1)[1])
    print_table(("project", "models", "auto m2m tables", "static pairs", "agree",
                 "precision", "recall"),
                [("django-oscar 4.2.1", str(models), str(len(truth) - models), str(len(static)),
                  str(agree), f"{agree / len(static):.3f}" if static else "-",
                  f"{agree / len(truth):.3f}" if truth else "-")])
    misses = sorted(set(truth) | set(static))
    for key in misses:
        if truth.get(key) != static.get(key):
            print(f"  {key}: Django {truth.get(key)}, seamline {static.get(key)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
