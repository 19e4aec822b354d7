"""The ``shopfront`` command line (entry point ``shopfront.commands:cli``)."""

from __future__ import annotations

import click

from shopfront.utils.logs import configure_logging


@click.group()
@click.option("--verbose", "-v", is_flag=True, help="Log at DEBUG level.")
def cli(verbose: bool) -> None:
    """Shopfront maintenance commands."""
    configure_logging("DEBUG" if verbose else "INFO")


# the command modules register themselves on ``cli``
from . import catalog_commands, order_commands  # noqa: E402,F401
