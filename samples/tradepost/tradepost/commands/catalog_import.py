"""Bulk price updates from the buying team's CSV export."""

from __future__ import annotations

import csv

import click

from tradepost.commands import cli
from tradepost.repositories.product_repo import update_price
from tradepost.utils.money import to_cents


@cli.command("import-prices")
@click.argument("path", type=click.Path(exists=True))
def import_prices(path: str) -> None:
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            update_price(row["sku"], to_cents(row["price"]))
