"""Catalogue maintenance: CSV import, repricing, delisting."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import click

from shopfront.repositories import product_repo
from shopfront.services import pricing
from shopfront.utils.money import to_cents
from shopfront.utils.text import slugify

from . import cli


def parse_category_ids(raw: str) -> list[int]:
    return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]


@cli.command("import-products")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True)
def import_products(csv_path: Path, dry_run: bool) -> None:
    """Create products from the buying team's spreadsheet export."""
    created = skipped = 0
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            sku = row["sku"].strip().upper()
            if product_repo.find_by_sku(sku) is not None:
                skipped += 1
                continue
            if dry_run:
                click.echo(f"would create {sku} {row['name']}")
                continue
            product_id = product_repo.insert_product(
                sku, row["name"].strip(), slugify(row["name"]), to_cents(row["price"]),
                int(row.get("weight_grams") or 0), row.get("description", ""))
            product_repo.attach_categories(product_id, parse_category_ids(row.get("categories", "")))
            created += 1
    click.echo(f"created {created}, skipped {skipped} existing")


@cli.command("reprice")
@click.argument("percent", type=Decimal)
@click.argument("skus", nargs=-1, required=True)
def reprice(percent: Decimal, skus: tuple[str, ...]) -> None:
    """Change the price of SKUS by PERCENT (negative to lower)."""
    changed = pricing.reprice_by_percent(skus, percent)
    click.echo(f"repriced {changed} products")


@cli.command("delist")
@click.argument("skus", nargs=-1, required=True)
def delist(skus: tuple[str, ...]) -> None:
    """Take products off the shop without deleting them."""
    product_repo.deactivate_products([sku.upper() for sku in skus])
    click.echo(f"delisted {len(skus)} products")
