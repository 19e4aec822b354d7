"""Database plumbing shared by every part of the shop.

Two ways in, for historical reasons: the repositories use a plain DB-API connection from
:func:`get_connection` (psycopg2 in production, sqlite3 on laptops); the services use
SQLAlchemy sessions from :data:`SessionLocal`. Both talk to the same database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from .config import get_settings

try:
    import psycopg2
except ImportError:  # pragma: no cover - laptops run on SQLite
    psycopg2 = None

_settings = get_settings()

engine = create_engine(_settings.database_url, pool_pre_ping=True, future=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False, future=True)
Base = declarative_base()


def get_connection() -> Any:
    """A new DB-API connection; the caller closes it."""
    if psycopg2 is not None and _settings.database_dsn.startswith("postgres"):
        return psycopg2.connect(_settings.database_dsn)
    connection = sqlite3.connect(_settings.database_dsn, detect_types=sqlite3.PARSE_DECLTYPES)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = SessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def transaction() -> Iterator[Any]:
    """A DB-API connection inside one transaction."""
    connection = get_connection()
    try:
        yield connection
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    finally:
        connection.close()
