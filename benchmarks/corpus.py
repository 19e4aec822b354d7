"""Fetch the pinned corpus of real Python monoliths used by the benchmarks.

Run (from the repository root, with the project's virtualenv)::

    .venv/bin/python benchmarks/corpus.py            # every project (oscar, saleor, nova,
                                                      # trac, roundup, indico)
    .venv/bin/python benchmarks/corpus.py nova trac  # some of them
    .venv/bin/python benchmarks/corpus.py flaskbb    # a held-out project (HELD_OUT or
                                                      # HELD_OUT_2), only when named

Each project is downloaded from PyPI with ``pip download --no-deps`` into
``.corpus/_dl/`` (a wheel when PyPI has one, else the sdist) and unpacked to
``.corpus/<name>-<version>/``.  Both steps are skipped when already done, so
running it again is cheap.  The CLI prints, per project, the archive size, the
unpacked size and the number of ``.py`` files and lines.

Other scripts use :func:`ensure`, which returns the folder that holds the
project's top-level package (the folder to put on ``sys.path`` or to pass to
``seamline analyze``).  ``.corpus/`` is git-ignored: never commit its content.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from _common import REPO_ROOT, print_table

CORPUS_DIR = REPO_ROOT / ".corpus"
DOWNLOAD_DIR = CORPUS_DIR / "_dl"
MARKER = ".seamline-corpus.json"


@dataclass(frozen=True)
class Project:
    """One pinned project: its PyPI name and version and its top-level packages."""

    dist: str
    version: str
    packages: tuple[str, ...]

    @property
    def key(self) -> str:
        """Short name used on the command lines: the main package's name."""
        return self.packages[0]

    @property
    def folder(self) -> Path:
        return CORPUS_DIR / f"{self.dist.lower()}-{self.version}"


PROJECTS: tuple[Project, ...] = (
    Project("django-oscar", "4.2.1", ("oscar",)),
    Project("saleor", "2.10.1", ("saleor",)),
    Project("nova", "34.0.0", ("nova",)),
    Project("Trac", "1.6", ("trac", "tracopt")),
    Project("roundup", "2.6.0", ("roundup",)),
    Project("indico", "3.3.14", ("indico",)),
)

# Held-out checks (benchmarks/ground_truth.py, ``cluster_accuracy.py --projects held-out``):
# Django and Flask monoliths no default was tuned on. Fetched only when named.
HELD_OUT: tuple[Project, ...] = (
    Project("flaskbb", "2.2.0", ("flaskbb",)),
    Project("kiwitcms", "12.4", ("tcms",)),
    Project("pretalx", "2026.2.1", ("pretalx",)),
    Project("wger", "2.1", ("wger",)),
    Project("weblate", "2026.10.1", ("weblate",)),
    Project("mayan-edms", "4.12.2", ("mayan",)),
)

# A second held-out set (``cluster_accuracy.py --projects held-out-2``), chosen on 2026-12-06:
# Django monoliths no run of seamline had seen, their truth decided from their layout before
# the first run, as the six above had been measured so often that they had become part of
# the benchmark. Three defaults set later that day were measured on it too (the registration
# weight, the blueprint link, the test.py excludes): it is no longer untouched.
HELD_OUT_2: tuple[Project, ...] = (
    Project("mezzanine", "6.1.1", ("mezzanine",)),
    Project("misago", "0.39.6", ("misago",)),
    Project("label-studio", "1.23.2", ("label_studio",)),
    Project("tendenci", "16.30", ("tendenci",)),
)


def get_project(name: str) -> Project:
    """Find a project by package name (``oscar``) or PyPI name (``django-oscar``)."""
    wanted = name.lower()
    for project in PROJECTS + HELD_OUT + HELD_OUT_2:
        if wanted in (project.key, project.dist.lower()):
            return project
    known = ", ".join(p.key for p in PROJECTS + HELD_OUT + HELD_OUT_2)
    raise KeyError(f"unknown corpus project {name!r} (known: {known})")


def _normalise(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


def _find_archive(project: Project) -> Path | None:
    """The archive of ``project`` already in the download folder, wheel first."""
    if not DOWNLOAD_DIR.is_dir():
        return None
    prefix = f"{_normalise(project.dist)}-{project.version}"
    found: list[Path] = []
    for path in DOWNLOAD_DIR.iterdir():
        stem = path.name
        for suffix in (".whl", ".tar.gz", ".zip"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        else:
            continue
        parts = stem.split("-")
        if len(parts) >= 2 and f"{_normalise(parts[0])}-{parts[1]}" == prefix:
            found.append(path)
    found.sort(key=lambda p: (not p.name.endswith(".whl"), p.name))
    return found[0] if found else None


def _download(project: Project) -> Path:
    archive = _find_archive(project)
    if archive is not None:
        return archive
    DOWNLOAD_DIR.mkdir(parents=True, exist_ok=True)
    spec = f"{project.dist}=={project.version}"
    base = [sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python"]
    base += ["--disable-pip-version-check", "-q", "-d", str(DOWNLOAD_DIR), spec]
    # Prefer the wheel; fall back to the sdist only when PyPI has no wheel.
    for extra in (["--only-binary", ":all:"], ["--no-binary", ":all:"]):
        result = subprocess.run(base + extra, capture_output=True, text=True, check=False)
        archive = _find_archive(project)
        if result.returncode == 0 and archive is not None:
            kind = "wheel" if archive.name.endswith(".whl") else "sdist"
            print(f"{project.key}: downloaded {kind} {archive.name}")
            return archive
    raise RuntimeError(f"pip could not download {spec}:\n{result.stderr.strip()}")


def _package_parent(tree: Path, package: str) -> Path:
    """The shallowest folder under ``tree`` that holds ``package/__init__.py``."""
    candidates = sorted(tree.rglob(f"{package}/__init__.py"), key=lambda p: len(p.parts))
    if not candidates:
        raise RuntimeError(f"no {package}/__init__.py under {tree}")
    return candidates[0].parent.parent


def _unpack(project: Project, archive: Path) -> None:
    tmp = project.folder.with_name(project.folder.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if archive.name.endswith(".whl") or archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(tmp)
    else:
        with tarfile.open(archive) as tf:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
                tf.extractall(tmp, filter="data")
            else:  # pragma: no cover - older interpreters
                tf.extractall(tmp)
    # An sdist has one top folder (name-version/): lift its content up one level.
    entries = list(tmp.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not archive.name.endswith(".whl"):
        inner = entries[0]
        for child in inner.iterdir():
            child.rename(tmp / child.name)
        inner.rmdir()
    root = _package_parent(tmp, project.key)
    marker = {
        "dist": project.dist,
        "version": project.version,
        "archive": archive.name,
        "root": root.relative_to(tmp).as_posix(),
    }
    (tmp / MARKER).write_text(json.dumps(marker, indent=2) + "\n")
    shutil.rmtree(project.folder, ignore_errors=True)
    tmp.rename(project.folder)


def ensure(name: str) -> Path:
    """Download and unpack ``name`` if needed; return the folder holding its package."""
    project = get_project(name)
    marker_path = project.folder / MARKER
    if not marker_path.is_file():
        archive = _download(project)
        _unpack(project, archive)
        print(f"{project.key}: unpacked {archive.name} to {project.folder}")
    marker = json.loads(marker_path.read_text())
    return (project.folder / str(marker["root"])).resolve()


@dataclass(frozen=True)
class Stats:
    archive_bytes: int
    unpacked_bytes: int
    py_files: int
    py_lines: int
    package_py_files: int
    package_py_lines: int


def _count_py(folder: Path) -> tuple[int, int]:
    files = lines = 0
    for path in folder.rglob("*.py"):
        if path.is_file():
            files += 1
            lines += len(path.read_bytes().splitlines())
    return files, lines


def stats(name: str) -> Stats:
    """Sizes and ``.py`` counts of an unpacked project (whole folder and packages)."""
    project = get_project(name)
    root = ensure(name)
    archive = _find_archive(project)
    unpacked = sum(p.stat().st_size for p in project.folder.rglob("*") if p.is_file())
    files, lines = _count_py(project.folder)
    pkg_files = pkg_lines = 0
    for package in project.packages:
        f, n = _count_py(root / package)
        pkg_files += f
        pkg_lines += n
    return Stats(
        archive.stat().st_size if archive else 0, unpacked, files, lines, pkg_files, pkg_lines
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="projects (default: all)")
    args = parser.parse_args(argv)
    names: list[str] = args.names or [p.key for p in PROJECTS]
    try:
        projects = [get_project(n) for n in names]
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    rows: list[tuple[str, ...]] = []
    for project in projects:
        if (project.folder / MARKER).is_file():
            print(f"{project.key}: already unpacked in {project.folder}")
        root = ensure(project.key)
        s = stats(project.key)
        rows.append(
            (
                f"{project.dist} {project.version}",
                f"{s.archive_bytes / 2**20:.1f} MiB",
                f"{s.unpacked_bytes / 2**20:.1f} MiB",
                f"{s.py_files:,}",
                f"{s.py_lines:,}",
                f"{s.package_py_lines:,}",
                str(root.relative_to(REPO_ROOT)),
            )
        )
    header = ("project", "archive", "unpacked", ".py files", ".py lines", "in packages", "root")
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
