"""Per-file facts cached by content hash, so a second run re-parses only changed files.

Keys are SHA-256 of (extractor version, extraction options, file bytes): not mtimes, which every
CI checkout resets. Values are JSON, never pickle: a cache handed over by someone else must not be
able to run code. The store is one SQLite file; a cache that cannot be opened or written costs
speed, never correctness, and is reported as a diagnostic.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from analyzer.model import Diagnostic, FileFacts, Severity, facts_from_data, facts_to_data

_BATCH = 500
_FILE = "facts-v1.sqlite3"


def content_key(salt: bytes, data: bytes) -> str:
    digest = hashlib.sha256(salt)
    digest.update(data)
    return digest.hexdigest()


class FactCache:
    """A store of ``FileFacts`` by content key. ``FactCache(None)`` stores nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.problem: Diagnostic | None = None
        self._db: sqlite3.Connection | None = None
        if directory is None:
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(directory / _FILE, timeout=30)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, data TEXT NOT NULL)"
            )
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            self._fail(directory, exc)

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def _fail(self, where: Path | str, exc: Exception) -> None:
        self.problem = Diagnostic(
            str(where), 0, "cache-unavailable",
            f"cache not used ({exc}); every file is parsed afresh", Severity.INFO,
        )
        if self._db is not None:
            self._db.close()
        self._db = None

    def get_many(self, keys: Iterable[str]) -> dict[str, FileFacts]:
        found: dict[str, FileFacts] = {}
        if self._db is None:
            return found
        wanted = sorted(set(keys))
        try:
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start:start + _BATCH]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, data FROM facts WHERE key IN ({marks})", batch
                ).fetchall()
                for key, data in rows:
                    try:
                        found[key] = facts_from_data(json.loads(data))
                    except (ValueError, TypeError, KeyError):
                        continue  # a damaged entry is a miss, and is overwritten below
        except sqlite3.Error as exc:
            self._fail("cache", exc)
        return found

    def put_many(self, entries: Mapping[str, FileFacts]) -> None:
        if self._db is None or not entries:
            return
        rows = [(key, json.dumps(facts_to_data(facts), separators=(",", ":")))
                for key, facts in entries.items()]
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO facts (key, data) VALUES (?, ?)", rows
                )
        except sqlite3.Error as exc:
            self._fail("cache", exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
