"""Stock levels and movements, in SQL for the nightly batch jobs."""

from __future__ import annotations

from typing import Iterable

from tradepost.db import transaction


def levels_for_sku(sku: str) -> list[tuple[str, int, int]]:
    with transaction() as connection:
        cur = connection.cursor()
        cur.execute(
            "SELECT w.code, s.on_hand, s.reserved FROM stock_levels s "
            "JOIN warehouses w ON w.id = s.warehouse_id WHERE s.sku = ?",
            (sku,),
        )
        return [tuple(row) for row in cur.fetchall()]


def adjust_level(sku: str, warehouse_id: int, delta: int) -> None:
    with transaction() as connection:
        connection.execute(
            "UPDATE stock_levels SET on_hand = on_hand + ? WHERE sku = ? AND warehouse_id = ?",
            (delta, sku, warehouse_id),
        )


def record_movements(movements: Iterable[tuple[str, int, int, str]]) -> None:
    with transaction() as connection:
        cur = connection.cursor()
        cur.executemany(
            "INSERT INTO stock_movements (sku, warehouse_id, quantity, reason) "
            "VALUES (?, ?, ?, ?)",
            list(movements),
        )
