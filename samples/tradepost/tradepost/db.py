"""Database access: DB-API connections for hand-written SQL, SQLAlchemy for the models."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

from tradepost.config import get_settings

Base = declarative_base()
engine = create_engine(get_settings().database_url, future=True)
SessionLocal = sessionmaker(bind=engine, future=True, expire_on_commit=False)


def get_connection() -> sqlite3.Connection:
    """A new DB-API connection; callers commit and close it."""
    connection = sqlite3.connect(get_settings().sqlite_path)
    connection.row_factory = sqlite3.Row
    return connection


@contextmanager
def transaction() -> Iterator[sqlite3.Connection]:
    """Commit on success, roll back on error."""
    connection = get_connection()
    try:
        yield connection
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    finally:
        connection.close()
