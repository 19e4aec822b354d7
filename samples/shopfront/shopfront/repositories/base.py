"""Cursor helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from shopfront.db import get_connection

Row = dict[str, Any]


@contextmanager
def cursor(commit: bool = False) -> Iterator[Any]:
    """A cursor on a fresh connection; commits when asked, always closes."""
    conn = get_connection()
    cur = conn.cursor()
    try:
        yield cur
        if commit:
            conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        cur.close()
        conn.close()


def rows_to_dicts(cur: Any, rows: Sequence[Sequence[Any]]) -> list[Row]:
    columns = [column[0] for column in cur.description]
    return [dict(zip(columns, row)) for row in rows]


def fetch_one_dict(cur: Any) -> Row | None:
    row = cur.fetchone()
    if row is None:
        return None
    return rows_to_dicts(cur, [row])[0]


def placeholders(count: int) -> str:
    """``placeholders(3)`` -> ``"%s, %s, %s"`` for an ``IN (...)`` list."""
    if count < 1:
        raise ValueError("an IN list needs at least one value")
    return ", ".join(["%s"] * count)
