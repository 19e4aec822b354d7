"""Find the Python files of a project and name each module as Python would import it.

Layouts: flat (packages at the root), ``src/``, several top-level packages, namespace packages
(folders without ``__init__.py``), Django projects (the folder holding ``manage.py`` is a source
root), and a root that is itself a package. Symbolic links are followed only while they stay
inside the root, and never round a loop.

A file or folder name that is not UTF-8 (``pkg/m\\xff.py``) names no module Python could import
from source (an import statement is text), and no output could hold it: its files are skipped,
with one diagnostic per name that shows the undecodable bytes as ``\\xNN``.
"""

from __future__ import annotations

import fnmatch
import keyword
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from analyzer.model import Diagnostic, Severity, SourceFile
from analyzer.text import count, printable_path


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[SourceFile, ...]
    source_roots: tuple[str, ...]  # relative to the analysed root ("." for the root itself)
    diagnostics: tuple[Diagnostic, ...]


class _Excluder:
    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._names = tuple(p for p in patterns if "/" not in p.rstrip("/"))
        self._paths = tuple(p.strip("/") for p in patterns if "/" in p.rstrip("/"))

    def excluded(self, rel: PurePosixPath) -> bool:
        return self.pattern(rel) is not None

    def pattern(self, rel: PurePosixPath) -> str | None:
        """The first pattern that excludes ``rel``, if any."""
        name = rel.name
        for pattern in self._names:
            if fnmatch.fnmatchcase(name, pattern.rstrip("/")):
                return pattern
        text = str(rel)
        return next((p for p in self._paths if fnmatch.fnmatchcase(text, p)), None)


def excluded_python(root: Path, exclude: Sequence[str]) -> dict[str, int]:
    """How many ``.py`` files each exclude pattern hides (none counted twice): to say why a
    run found nothing. Walks what the patterns cut off, so only for that message."""
    excluder = _Excluder(tuple(exclude))
    hidden: dict[str, int] = {}
    for folder, folders, files in os.walk(root):
        rel_folder = PurePosixPath(Path(folder).relative_to(root).as_posix())
        kept: list[str] = []
        for name in folders:
            pattern = excluder.pattern(rel_folder / name)
            if pattern is None:
                kept.append(name)
                continue
            found = sum(f.endswith(".py") for _, _, inner in os.walk(Path(folder, name))
                        for f in inner)
            if found:
                hidden[pattern] = hidden.get(pattern, 0) + found
        folders[:] = kept
        for name in files:
            pattern = excluder.pattern(rel_folder / name) if name.endswith(".py") else None
            if pattern is not None:
                hidden[pattern] = hidden.get(pattern, 0) + 1
    return hidden


def _is_module_name(name: str) -> bool:
    """A name Python can load as a module: an identifier, or one that only starts with a digit.

    ``0001_initial`` cannot be named in an import statement, but importlib loads it (Django's
    migrations) and its own imports are real dependencies.
    """
    return (name.isidentifier() or ("_" + name).isidentifier()) and not keyword.iskeyword(name)


def _is_django_manage(root: Path, rel: PurePosixPath) -> bool:
    """A Django ``manage.py``: outside any package, and it names Django's settings."""
    if (root / rel.parent / "__init__.py").exists():
        return False
    try:
        with (root / rel).open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    return b"DJANGO_SETTINGS_MODULE" in head or b"django" in head


def _walk(root: Path, exclude: Sequence[str]) -> tuple[list[PurePosixPath], list[Diagnostic]]:
    """Relative paths of candidate .py files, sorted; links followed only inside the root."""
    root_real = Path(os.path.realpath(root))
    excluder = _Excluder(tuple(exclude))
    found: list[PurePosixPath] = []
    notes: list[Diagnostic] = []
    visited: set[str] = {str(root_real)}
    stack: list[PurePosixPath] = [PurePosixPath(".")]

    def inside_root(real: str) -> bool:
        return real == str(root_real) or real.startswith(str(root_real) + os.sep)

    while stack:
        rel_dir = stack.pop()
        directory = root / rel_dir
        try:
            with os.scandir(directory) as entries:
                listing = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            notes.append(Diagnostic(printable_path(str(rel_dir)), 0, "unreadable-folder",
                                    f"cannot list folder: {exc.strerror}"))
            continue
        if rel_dir != PurePosixPath(".") and any(e.name == "pyvenv.cfg" for e in listing):
            continue  # a virtual environment, whatever its name
        for entry in listing:
            top = rel_dir == PurePosixPath(".")
            rel = PurePosixPath(entry.name) if top else rel_dir / entry.name
            if excluder.excluded(rel):
                continue
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = not is_dir and entry.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_link:
                real = os.path.realpath(entry.path)
                if not inside_root(real):
                    notes.append(Diagnostic(printable_path(str(rel)), 0, "symlink-outside-root",
                                            "symbolic link leads outside the analysed root; "
                                            "not followed", Severity.INFO))
                    continue
            if is_dir:
                real = os.path.realpath(entry.path)
                if real in visited:
                    if is_link:
                        notes.append(Diagnostic(printable_path(str(rel)), 0, "symlink-loop",
                                                "symbolic link leads back into a folder already "
                                                "read; not followed", Severity.INFO))
                    continue
                visited.add(real)
                stack.append(rel)
            elif is_file and entry.name.endswith(".py"):
                found.append(rel)
    found.sort()
    readable, undecodable = _set_aside_undecodable(found)
    return readable, notes + undecodable


def _undecodable(name: str) -> bool:
    """A name whose bytes are not UTF-8 (Python keeps such bytes as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _set_aside_undecodable(paths: list[PurePosixPath]
                           ) -> tuple[list[PurePosixPath], list[Diagnostic]]:
    """The paths whose every part is UTF-8, and a diagnostic for each file, or folder, whose
    own name is not (a folder's diagnostic counts the Python files under it)."""
    kept: list[PurePosixPath] = []
    skipped: dict[PurePosixPath, int] = {}  # the first undecodable part -> files under it
    for path in paths:
        bad = next((i for i, part in enumerate(path.parts) if _undecodable(part)), None)
        if bad is None:
            kept.append(path)
            continue
        first = PurePosixPath(*path.parts[:bad + 1])
        skipped[first] = skipped.get(first, 0) + 1
    files = set(paths)
    notes: list[Diagnostic] = []
    for first, files_under in sorted(skipped.items()):
        shown = printable_path(str(first))
        if first in files:
            message = "file name is not UTF-8 (shown with \\x escapes): no module can be " \
                      "imported from it; skipped"
        else:
            message = (f"folder name is not UTF-8 (shown with \\x escapes): its "
                       f"{count(files_under, 'Python file')} cannot be imported; skipped")
        notes.append(Diagnostic(shown, 0, "undecodable-name", message))
    return kept, notes


def _source_roots(root: Path, given: Sequence[str],
                  files: list[PurePosixPath]) -> list[PurePosixPath]:
    if given:
        return sorted({PurePosixPath(PurePosixPath(r).as_posix().strip("/") or ".")
                       for r in given})
    roots = {PurePosixPath(".")}
    if (root / "src").is_dir() and not (root / "src" / "__init__.py").exists():
        roots.add(PurePosixPath("src"))
    for rel in files:
        if rel.name == "manage.py" and _is_django_manage(root, rel):
            roots.add(rel.parent)  # a Django project imports its apps from here
    return sorted(roots)


def _root_prefix(root: Path) -> tuple[str, ...]:
    """When the analysed folder is itself a package, its modules keep their full names."""
    parts: list[str] = []
    current = root
    while (current / "__init__.py").is_file() and current.parent != current:
        parts.append(current.name)
        current = current.parent
    return tuple(reversed(parts))


def discover(root: Path, exclude: Sequence[str], source_roots: Sequence[str] = ()) -> Discovery:
    """The Python files under ``root`` less those ``exclude`` matches (shell-style patterns of
    paths), each with the module name Python would import it by; ``source_roots`` are the
    folders modules are named from (default: found, ``src/`` or a Django project's folder)."""
    paths, notes = _walk(root, exclude)
    roots = _source_roots(root, source_roots, paths)
    prefix = _root_prefix(root)
    files: list[SourceFile] = []
    owner: dict[str, str] = {}
    bad_folders: set[str] = set()
    for rel in paths:
        base = max((r for r in roots if r == PurePosixPath(".") or rel.is_relative_to(r)),
                   key=lambda r: len(r.parts))
        inner = rel if base == PurePosixPath(".") else rel.relative_to(base)
        parts = list(inner.parts)
        is_package = parts[-1] == "__init__.py"
        parts[-1] = parts[-1][:-3]
        if is_package:
            parts.pop()
        parts = list(prefix if base == PurePosixPath(".") else ()) + parts
        if not parts:
            continue  # an __init__.py directly in a source root names no module
        invalid = [p for p in parts if not _is_module_name(p)]
        if invalid:
            folder = str(rel.parent)
            if rel.parent.name in invalid and folder not in bad_folders:
                bad_folders.add(folder)
                notes.append(Diagnostic(folder, 0, "not-importable",
                                        f"folder name {rel.parent.name!r} is not a Python "
                                        "identifier; its files cannot be imported and are "
                                        "skipped", Severity.INFO))
            elif rel.parent.name not in invalid:
                notes.append(Diagnostic(str(rel), 0, "not-importable",
                                        f"file name {rel.name!r} is not a Python module name; "
                                        "skipped", Severity.INFO))
            continue
        module = ".".join(parts)
        if module in owner:
            notes.append(Diagnostic(str(rel), 0, "duplicate-module",
                                    f"module {module} is also defined by {owner[module]}; "
                                    "this copy is skipped"))
            continue
        owner[module] = str(rel)
        files.append(SourceFile(path=str(rel), module=module, is_package=is_package))
    files.sort(key=lambda f: f.module)
    return Discovery(
        files=tuple(files),
        source_roots=tuple(str(r) for r in roots),
        diagnostics=tuple(sorted(notes)),
    )
