"""Per-file facts cached by content hash, so a second run re-parses only changed files, and
results of deterministic steps remembered by a digest of their inputs (``recall``).

Keys are SHA-256 of (extractor version, extraction options, file bytes): not mtimes, which every
CI checkout resets. Values are JSON, never pickle: a cache handed over by someone else must not be
able to run code. The store is one SQLite file; a cache that cannot be opened or written costs
speed, never correctness, and is reported as a diagnostic. A damaged one (not a database, or a
malformed one) is moved aside as ``facts-v1.sqlite3.corrupt-<UTC time>`` (only the newest such
copy is kept) and a new one is started in its place, so that the next run is fast again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from analyzer.model import Diagnostic, FileFacts, Severity, facts_from_data, facts_to_data

_BATCH = 500
# results remembered between runs (``recall``), by the kind their key starts with, so that
# one kind cannot push out another: the most recently used batches of Leiden runs (a run of
# nova cuts its graph in about 10; 0.3 MB each with its tests), report drawings (a run of
# nova draws about 55; tens of kB each) and a project's vocabulary vectors (one per run; 0.6 MB
# for nova with its tests). A key of no kind is never kept.
_MEMO_KEPT = {"leiden:": 64, "drawing:": 256, "vocabulary:": 8}
_FILE = "facts-v1.sqlite3"
_CORRUPT = ".corrupt-"  # the damaged file is kept as facts-v1.sqlite3.corrupt-<UTC time>
_SIDECARS = ("-journal", "-wal", "-shm")  # SQLite's files beside the database
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


def content_key(salt: bytes, data: bytes) -> str:
    digest = hashlib.sha256(salt)
    digest.update(data)
    return digest.hexdigest()


def _damaged(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is broken (not merely locked, read-only or gone)."""
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    return type(error) is sqlite3.DatabaseError


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


class FactCache:
    """A store of ``FileFacts`` by content key. ``FactCache(None)`` stores nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.problems: list[Diagnostic] = []
        self._remembered: dict[str, bytes] = {}  # kept by ``close``
        self._used: list[str] = []  # recalled, marked as used by ``close``
        self._db: sqlite3.Connection | None = None
        self._path: Path | None = None
        self._opened: tuple[int, int] | None = None  # the file this connection is to
        if directory is None:
            return
        self._path = directory / _FILE
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._open()
        except sqlite3.Error as exc:
            if _damaged(exc):
                self._rebuild(exc)
            else:
                self._fail(directory, exc)
        except OSError as exc:
            self._fail(directory, exc)

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def _open(self) -> None:
        assert self._path is not None
        self._db = sqlite3.connect(self._path, timeout=30)
        self._opened = _identity(self._path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, data TEXT NOT NULL)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, data BLOB NOT NULL, "
            "used INTEGER NOT NULL)"
        )
        self._db.commit()

    def _fail(self, where: Path | str, exc: Exception) -> None:
        self.problems.append(Diagnostic(
            str(where), 0, "cache-unavailable",
            f"cache not used ({exc}); every file is parsed afresh", Severity.INFO,
        ))
        self.close()

    def _rebuild(self, exc: sqlite3.Error) -> None:
        """Move the damaged database aside (keeping only the newest damaged copy) and start
        an empty one; when that fails too, go on without a cache."""
        assert self._path is not None
        path, opened = self._path, self._opened
        self.close()
        aside = path.with_name(
            f"{path.name}{_CORRUPT}{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
        kept = None
        try:
            # Another run may have replaced the damaged file already: never move its new one.
            if opened is not None and _identity(path) == opened:
                for older in path.parent.glob(f"{path.name}{_CORRUPT}*"):
                    older.unlink()
                path.replace(aside)
                kept = aside.name
                for sidecar in _SIDECARS:
                    path.with_name(path.name + sidecar).unlink(missing_ok=True)
            self._open()
        except (OSError, sqlite3.Error) as again:
            self._fail(path.parent, again)
            return
        self.problems.append(Diagnostic(
            str(path), 0, "cache-rebuilt",
            f"the cache was damaged ({exc}); " + (
                f"it is kept as {kept} and a new one was started, so this run parses every "
                "file afresh" if kept else
                "another run had already replaced it, and this run goes on with that one"),
            Severity.WARNING,
        ))

    def _broken(self, exc: sqlite3.Error) -> None:
        if _damaged(exc) and not any(p.code == "cache-rebuilt" for p in self.problems):
            self._rebuild(exc)
        else:
            self._fail("cache", exc)

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
                    except (ValueError, TypeError, KeyError, RecursionError):
                        continue  # a damaged entry is a miss, and is overwritten below
        except sqlite3.Error as exc:
            self._broken(exc)  # the entries not read yet are misses
        return found

    def put_many(self, entries: Mapping[str, FileFacts]) -> None:
        if self._db is None or not entries:
            return
        rows = [(key, json.dumps(facts_to_data(facts), separators=(",", ":")))
                for key, facts in entries.items()]
        for _attempt in range(2):  # once more into a rebuilt database
            if self._db is None:
                return
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO facts (key, data) VALUES (?, ?)", rows
                    )
            except sqlite3.Error as exc:
                self._broken(exc)
            else:
                return

    def recall(self, key: str) -> bytes | None:
        """What ``remember`` stored under ``key``, or None (the caller checks its shape)."""
        if key in self._remembered:
            return self._remembered[key]
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data FROM memo WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._broken(exc)
            return None
        if row is None or not isinstance(row[0], bytes):
            return None
        self._used.append(key)
        return row[0]

    def remember(self, key: str, value: bytes) -> None:
        """Keep ``value`` under ``key`` (written when the cache is closed, in one transaction:
        a commit is a wait for the disk); of each kind, only the ``_MEMO_KEPT`` most recently
        used stay."""
        self._remembered[key] = value

    def _keep_memo(self) -> None:
        """Store what was remembered, mark what was recalled as used now, forget the oldest."""
        remembered, used = self._remembered, self._used
        self._remembered, self._used = {}, []
        if self._db is None or not (remembered or used):
            return
        now = time.time_ns()
        try:
            with self._db:
                self._db.executemany("UPDATE memo SET used = ? WHERE key = ?",
                                     [(now, key) for key in used])
                self._db.executemany(
                    "INSERT OR REPLACE INTO memo (key, data, used) VALUES (?, ?, ?)",
                    [(key, value, now) for key, value in remembered.items()
                     if key.startswith(tuple(_MEMO_KEPT))])
                for kind, kept in _MEMO_KEPT.items():  # each kind its own room
                    self._db.execute(
                        "DELETE FROM memo WHERE substr(key, 1, ?) = ? AND key NOT IN "
                        "(SELECT key FROM memo WHERE substr(key, 1, ?) = ? "
                        "ORDER BY used DESC, key LIMIT ?)",
                        (len(kind), kind, len(kind), kind, kept))
        except sqlite3.Error as exc:
            self._broken(exc)  # what was remembered is lost: time, never a result

    def close(self) -> None:
        self._keep_memo()
        if self._db is not None:
            self._db.close()
            self._db = None
