"""Operator commands (click)."""

from __future__ import annotations

import click


@click.group()
def cli() -> None:
    """Tradepost operations."""
