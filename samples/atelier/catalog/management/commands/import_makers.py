import csv

from django.core.management.base import BaseCommand

from catalog.models import Maker


class Command(BaseCommand):
    help = "Import makers from a CSV file"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        with open(options["path"], newline="") as handle:
            Maker.objects.bulk_create(
                Maker(name=row["name"], workshop_city=row["city"]) for row in csv.DictReader(handle)
            )
