"""Compare warehouse counts with the books."""

from __future__ import annotations

import click

import tradepost.services.inventory_service as inventory
from tradepost.commands import cli
from tradepost.repositories import stock_repo


@cli.command("audit-stock")
@click.argument("sku")
def audit_stock(sku: str) -> None:
    for warehouse, on_hand, reserved in stock_repo.levels_for_sku(sku):
        click.echo(f"{warehouse}: {on_hand} on hand, {reserved} reserved")
    click.echo(f"available: {inventory.available(sku)}")
