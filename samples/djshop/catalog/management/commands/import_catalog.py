"""``manage.py import_catalog products.csv``: create categories and products from a supplier file."""

import csv
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from catalog.models import Category, Product


class Command(BaseCommand):
    help = "Import products from a semicolon-separated supplier CSV"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        try:
            with open(options["path"], newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle, delimiter=";"))
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        known = set(Product.objects.filter(sku__in=[r["sku"] for r in rows])
                    .values_list("sku", flat=True))
        new = []
        for row in rows:
            if row["sku"] in known:
                continue
            category, _ = Category.objects.get_or_create(
                slug=slugify(row["category"]), defaults={"name": row["category"]})
            new.append(Product(sku=row["sku"].upper(), name=row["name"], slug=slugify(row["name"]),
                               category=category, price=Decimal(row["price"]),
                               stock_quantity=int(row.get("stock") or 0)))
        if options["dry_run"]:
            self.stdout.write(f"would create {len(new)} products")
            return
        Product.objects.bulk_create(new, batch_size=500)
        self.stdout.write(self.style.SUCCESS(f"created {len(new)} products"))
