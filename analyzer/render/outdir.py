"""Write a command's output folder as one unit, and remove only what seamline wrote there.

Every file of a run is first written into a staging folder inside the output folder
(``.seamline-new-<pid>-<random>``: on the same file system, so moving a file out of it is one
atomic rename). Only when all of them are written does the swap begin, under a lock on the
folder: each file seamline wrote last time is renamed aside (into ``.seamline-old-<pid>-…``),
each new file is renamed in, and the manifest ``.seamline-manifest.json``, which lists the files
of each command that writes here (``analyze``, ``cluster``, ``contracts``), is replaced last. The
aside folder is then deleted. If any rename fails, every rename done so far is undone, so the
previous output stays as it was. A kill during the writing (nearly all of the time) leaves the
previous output untouched; a kill during the swap (a few milliseconds of renames) leaves files
that the next run still recognises as seamline's, because it reads the staging folder's own
manifest too.

The output folder itself is never renamed, so it may be the current folder, a mount point or a
folder whose parent is read-only, and the user's own files in it are never moved or deleted:
seamline removes only files listed in its previous manifest (and its own leftovers: staging and
aside folders of runs that are no longer running, and ``.NAME.XXXXXXXX.tmp`` files that earlier
versions left behind when killed).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from analyzer.errors import UsageError

MANIFEST = ".seamline-manifest.json"
_STAGING = ".seamline-new-"
_ASIDE = ".seamline-old-"
_LEFTOVER = re.compile(r"^\.seamline-(?:new|old)-(?P<pid>\d+)-")
# What earlier versions' single-file writer left behind when killed: ".index.html.k2j_9x0a.tmp".
_OLD_TEMPORARY = re.compile(r"^\.[^/]+\.(?:json|html|yaml|yml)\.[a-z0-9_]{8}\.tmp$")
_OLD_TEMPORARY_AGE = 60.0  # seconds: older than any write still in progress
_MANIFEST_VERSION = 1

Manifest = dict[str, list[str]]  # command -> the files it wrote, relative, sorted


def write_unit(out_dir: Path, unit: str, files: Mapping[str, bytes]) -> list[Path]:
    """Replace the files ``unit`` (a command's name) wrote into ``out_dir`` last time with
    ``files`` (relative POSIX path -> content), as one unit. Returns their paths, in order."""
    for name in files:
        _check_relative(name)
    with staged(out_dir, unit) as staging:
        for name, content in files.items():
            staging.add(name, content)
        return staging.commit()


class Staging:
    """A unit's files on their way into the output folder: each is written (and synced) into
    the staging ``folder`` by a thread while the caller makes the next (``add``), or by another
    process (``write_staged``, then ``adopt``); ``commit`` swaps them all in at once."""

    def __init__(self, out_dir: Path, unit: str, folder: Path) -> None:
        self.out_dir, self.unit, self.folder = out_dir, unit, folder
        self.names: list[str] = []  # in the order they were added
        self._writes: list[Future[None]] = []
        self._writer: ThreadPoolExecutor | None = None  # started by the first add

    def _claim(self, name: str) -> Path:
        _check_relative(name)
        if name in self.names:
            raise ValueError(f"written twice: {name!r}")
        self.names.append(name)
        return self.folder / name

    def add(self, name: str, content: bytes) -> None:
        """Write ``content`` as ``name`` (in the background: ``commit`` waits for it)."""
        path = self._claim(name)
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seamline-write")
        self._writes.append(self._writer.submit(write_synced, path, content))

    def adopt(self, names: list[str]) -> None:
        """Take ``names`` as the unit's too: files another process wrote into ``folder`` (with
        ``write_staged``)."""
        for name in names:
            self._claim(name)

    def commit(self) -> list[Path]:
        """Wait for every write (the first failure is raised), then swap the files in."""
        self._wait()
        names = sorted(self.names)
        # Written last: a staging folder with its manifest is complete (see _recover).
        write_synced(self.folder / MANIFEST, _dump({self.unit: names}))
        with _locked(self.out_dir):
            previous = _recover(self.out_dir, self.folder)
            _swap(self.out_dir, self.folder, self.unit, names, previous)
        return [self.out_dir / name for name in self.names]

    def _wait(self) -> None:
        writes, self._writes = self._writes, []
        for write in writes:
            write.result()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def staged(out_dir: Path, unit: str) -> Iterator[Staging]:
    """A staging folder in ``out_dir`` for ``unit``'s files, removed when the block ends
    (after ``commit`` its files are in the output folder; without it, the previous output
    stays as it was)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a folder; choose another --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Staging(out_dir, unit, Path(tempfile.mkdtemp(
        prefix=f"{_STAGING}{os.getpid()}-", dir=out_dir)))
    try:
        yield staging
    finally:
        staging.close()


def write_staged(folder: Path, name: str, content: bytes) -> None:
    """Write the file ``name`` of a unit into its staging ``folder`` (``Staging.folder``), from
    any process."""
    _check_relative(name)
    write_synced(folder / name, content)


def _check_relative(name: str) -> None:
    path = PurePosixPath(name)
    if (not name or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts)
            or path.as_posix() != name or name == MANIFEST or name.startswith(".seamline-")):
        raise ValueError(f"not a plain relative output path: {name!r}")


def write_synced(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` and wait until it is on the disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())


def _dump(units: Manifest) -> bytes:
    document = {"seamline": _MANIFEST_VERSION,
                "units": {unit: sorted(names) for unit, names in sorted(units.items())}}
    return (json.dumps(document, indent=1) + "\n").encode("utf-8")


def _load(path: Path) -> Manifest:
    """The manifest at ``path``; an absent or unreadable one lists nothing (so nothing there
    is ever taken for seamline's)."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    units = document.get("units") if isinstance(document, dict) else None
    if not isinstance(units, dict):
        return {}
    found: Manifest = {}
    for unit, names in units.items():
        if isinstance(unit, str) and isinstance(names, list):
            found[unit] = sorted({n for n in names if isinstance(n, str) and _plain(n)})
    return found


def _plain(name: str) -> bool:
    try:
        _check_relative(name)
    except ValueError:
        return False
    return True


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (POSIX), so that two runs never swap at once."""
    if sys.platform == "win32":
        yield
        return
    import fcntl
    handle = os.open(folder, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # a file system without locks: swap unlocked
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _alive(pid: int, leftover: Path) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # no safe liveness check there: trust a day's age
        try:
            return time.time() - leftover.stat().st_mtime < 86400
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _recover(out_dir: Path, staging: Path) -> Manifest:
    """Every file seamline may have written into ``out_dir``, by command: the manifest's, and
    those of a complete staging folder whose run was killed during its swap. Removes the
    leftovers of runs that are no longer running."""
    units = _load(out_dir / MANIFEST)
    for entry in sorted(out_dir.iterdir()):
        match = _LEFTOVER.match(entry.name)
        if (match is None or entry == staging or not entry.is_dir() or entry.is_symlink()
                or _alive(int(match["pid"]), entry)):
            continue
        if entry.name.startswith(_STAGING):
            for unit, names in _load(entry / MANIFEST).items():
                units[unit] = sorted(set(units.get(unit, ())) | set(names))
        shutil.rmtree(entry, ignore_errors=True)
    folders = {out_dir} | {(out_dir / name).parent for names in units.values() for name in names}
    for folder in sorted(folders):
        _remove_old_temporaries(out_dir, folder)
    return units


def _remove_old_temporaries(out_dir: Path, folder: Path) -> None:
    if not _real_folder(out_dir, folder):
        return
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if (_OLD_TEMPORARY.match(entry.name) and entry.is_file() and not entry.is_symlink()
                    and time.time() - entry.stat().st_mtime > _OLD_TEMPORARY_AGE):
                entry.unlink(missing_ok=True)


def _real_folder(out_dir: Path, folder: Path) -> bool:
    """Whether ``folder`` is ``out_dir`` or a folder under it reached without symlinks."""
    current = out_dir
    for part in folder.relative_to(out_dir).parts:
        current = current / part
        if current.is_symlink() or not current.is_dir():
            return False
    return out_dir.is_dir()


def _movable(out_dir: Path, name: str) -> bool:
    """Whether ``out_dir/name`` is a file (or a symlink, which is moved, not followed) inside
    ``out_dir``, reached without symlinks: something a rename can set aside and put back."""
    path = out_dir / name
    return (_real_folder(out_dir, path.parent)
            and (path.is_symlink() or path.is_file()))


def _swap(out_dir: Path, staging: Path, unit: str, names: list[str],
          previous: Manifest) -> None:
    """Rename the old files aside and the new ones in; on any failure, undo every rename."""
    claimed = set(names)
    manifest = {other: [n for n in listed if n not in claimed]
                for other, listed in previous.items() if other != unit}
    manifest[unit] = names
    kept = {n for listed in manifest.values() for n in listed}
    stale = sorted(set(previous.get(unit, ())) - kept)
    aside = Path(tempfile.mkdtemp(prefix=f"{_ASIDE}{os.getpid()}-", dir=out_dir))
    done: list[tuple[Path, Path]] = []  # (from, to), to undo in reverse

    def move(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
        done.append((source, target))

    try:
        for name in names:
            if _movable(out_dir, name):  # the old version, or a file in the way
                move(out_dir / name, aside / name)
            move(staging / name, out_dir / name)
        for name in stale:
            if _movable(out_dir, name):
                move(out_dir / name, aside / name)
        write_synced(staging / f"{MANIFEST}.next", _dump({u: n for u, n in manifest.items() if n}))
        (staging / f"{MANIFEST}.next").replace(out_dir / MANIFEST)
    except BaseException:
        undone = True
        for source, target in reversed(done):
            try:
                target.rename(source)
            except OSError:
                undone = False
        if undone:  # else the old files left in the aside folder are all that is left of them
            shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    _remove_empty_folders(out_dir, stale)


def _remove_empty_folders(out_dir: Path, removed: list[str]) -> None:
    """The folders that held only the stale files (``contracts/`` with no contract left)."""
    folders = {p for name in removed for p in PurePosixPath(name).parents if str(p) != "."}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: someone's files are in it
            (out_dir / folder).rmdir()
