"""seamline's static Django model-to-table map against Django's own, on django-oscar 4.2.1.

Run (from the repository root, with the project's virtualenv; the corpus is fetched on first
use)::

    .venv/bin/python benchmarks/django_tables.py                  # truth built once, then cached
    .venv/bin/python benchmarks/django_tables.py --refresh-truth  # ask Django again
    .venv/bin/python benchmarks/django_tables.py --truth-only     # only build/show the truth

**Truth** (Django itself, never in seamline's process): a throwaway virtualenv
``.corpus/_venvs/oscar-4.2.1`` gets ``pip install django-oscar[sorl-thumbnail]==4.2.1`` (Django
and the rest come as oscar's own requirements; nothing else is pinned), once: a marker file
records what was installed. A settings module written into that folder installs the apps oscar
prescribes (``oscar.INSTALLED_APPS``, read from the unpacked wheel: ``django.contrib.*``
incl. sites and flatpages, ``oscar.config.Shop``, every ``oscar.apps.*`` config, widget_tweaks,
haystack, treebeard, django_tables2) plus ``sorl.thumbnail`` (oscar's default thumbnailer),
with oscar's defaults, sqlite and a simple haystack backend. A dump script runs
``django.setup()`` and records, for every model of
``apps.get_models(include_auto_created=True, include_swapped=True)``: label, ``__module__``,
``__qualname__``, ``_meta.db_table``, proxy / abstract / managed / swappable flags, concrete
and multi-table parents, the many-to-many fields and, for an auto-created many-to-many table,
the owning model, the field and the class that declares it (often an abstract model). Written to
``.corpus/_reports/oscar-django-tables.json``.

**seamline**: ``api.analyze`` of the unpacked package root (default excludes, no cache);
``analysis.data.tables``: a Declaration ``via == "django"`` of kind ``model`` maps the atom
``module:Class`` to its table, of kind ``many-to-many`` maps ``module:Class.field`` (Class the
concrete model owning the field) to the auto-created table.

**Compared**: pairs ``key -> table``. The truth's scope is every model whose ``__module__``
starts with ``oscar.`` (concrete models, proxies, auto-created tables; swapped models have no
table), plus any other model seamline declares (Django's own contrib models otherwise are out of
scope). Precision = agreeing pairs / seamline's pairs; recall = agreeing pairs / truth's pairs.
Every disagreement is printed with both tables; everything goes to
``.corpus/_reports/oscar-django-tables-compare.json``. Exit status: 0, or 1 when the truth
cannot be built or seamline's interface is missing.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _common import REPO_ROOT, print_table, tail
from corpus import CORPUS_DIR, ensure, get_project

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.model import DataModel

PROJECT = get_project("oscar")
VENV = CORPUS_DIR / "_venvs" / f"oscar-{PROJECT.version}"
VENV_MARKER = VENV / ".seamline-venv.json"
REQUIREMENT = f"{PROJECT.dist}[sorl-thumbnail]=={PROJECT.version}"
EXTRA_APPS = ("sorl.thumbnail",)  # oscar's default OSCAR_THUMBNAILER needs it installed
SETTINGS_MODULE = "seamline_truth_settings"
DUMP_NAME = "seamline_dump_models.py"
REPORT_DIR = CORPUS_DIR / "_reports"
TRUTH = REPORT_DIR / "oscar-django-tables.json"
COMPARE = REPORT_DIR / "oscar-django-tables-compare.json"
SCOPE_PREFIX = "oscar."

SETTINGS_TEMPLATE = '''\
"""Minimal settings for django.setup(); written by seamline's benchmarks/django_tables.py."""

from oscar.defaults import *  # noqa: F403  (every OSCAR_* setting at its default)

SECRET_KEY = "seamline-benchmark-only"
DEBUG = False
USE_TZ = True
SITE_ID = 1
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
HAYSTACK_CONNECTIONS = {{
    "default": {{"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}},
}}

# oscar.INSTALLED_APPS of django-oscar {version}, plus {extra}
INSTALLED_APPS = {apps}
'''

# Runs inside the throwaway virtualenv, with Django importable; plain Python, no seamline.
DUMP_SCRIPT = '''\
"""Dump Django's model -> table map; written by seamline's benchmarks/django_tables.py."""

import json
import os
import platform
import sys
from importlib import metadata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[2]

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402


def atom(model):
    return None if model is None else model.__module__ + ":" + model.__qualname__


def declared_on(owner, name):
    """The most basic class in owner's MRO whose own fields hold the m2m field ``name``."""
    for klass in reversed(owner.__mro__):
        meta = klass.__dict__.get("_meta")
        if meta is not None and any(f.name == name for f in meta.local_many_to_many):
            return atom(klass), bool(meta.abstract)
    return atom(owner), False


rows = []
for model in apps.get_models(include_auto_created=True, include_swapped=True):
    meta = model._meta
    row = {
        "label": meta.label,
        "app_label": meta.app_label,
        "model_name": meta.model_name,
        "module": model.__module__,
        "qualname": model.__qualname__,
        "atom": atom(model),
        "db_table": meta.db_table,
        "naive_db_table": meta.app_label + "_" + model.__qualname__.lower(),
        "db_table_in_meta": "db_table" in meta.original_attrs,
        "auto_created": bool(meta.auto_created),
        "proxy": meta.proxy,
        "abstract": meta.abstract,
        "managed": meta.managed,
        "swappable": meta.swappable,
        "swapped": meta.swapped,
        "concrete_model": atom(meta.concrete_model),
        "proxy_for": atom(meta.proxy_for_model) if meta.proxy else None,
        # a proxy's parents hold its base with no link field: only real links are MTI
        "mti_parents": sorted(atom(p) for p, link in meta.parents.items() if link is not None),
        "abstract_bases": [
            atom(k) for k in model.__mro__[1:]
            if k.__dict__.get("_meta") is not None and k._meta.abstract
        ],
        "many_to_many": [
            {
                "field": f.name,
                "through": atom(f.remote_field.through),
                "through_auto_created": bool(f.remote_field.through._meta.auto_created),
                "db_table": f.m2m_db_table(),
                "field_db_table": f.db_table,
            }
            for f in meta.local_many_to_many
        ],
        "owner": None,
        "field": None,
        "field_declared_on": None,
        "field_declared_on_abstract": None,
    }
    if meta.auto_created:
        owner = meta.auto_created
        for f in owner._meta.many_to_many:
            if f.remote_field.through is model:
                where, abstract = declared_on(owner, f.name)
                row.update(owner=atom(owner), field=f.name, field_declared_on=where,
                           field_declared_on_abstract=abstract)
                row["owner_db_table"] = owner._meta.db_table
                row["field_db_table"] = f.db_table
                break
    rows.append(row)

rows.sort(key=lambda r: (r["label"], r["atom"]))
versions = {}
for dist in metadata.distributions():
    versions[dist.metadata["Name"]] = dist.version
out = {
    "generated_by": "benchmarks/django_tables.py",
    "python": platform.python_version(),
    "django": django.get_version(),
    "packages": dict(sorted(versions.items(), key=lambda kv: kv[0].lower())),
    "installed_apps": list(settings.INSTALLED_APPS),
    "auth_user_model": settings.AUTH_USER_MODEL,
    "models": rows,
}
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)
    fh.write("\\n")
'''


class TruthError(RuntimeError):
    """Django's side could not be built."""


def _run(cmd: list[str], what: str, timeout: float = 900) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=timeout)
    if result.returncode != 0:
        raise TruthError(f"{what} failed (exit {result.returncode}):\n{tail(result.stderr)}")


def oscar_installed_apps(root: Path) -> list[str]:
    """``INSTALLED_APPS`` as oscar prescribes it, read (never imported) from the wheel."""
    init = root / "oscar" / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "INSTALLED_APPS" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return [str(v) for v in value]
    raise TruthError(f"no literal INSTALLED_APPS list in {init}")


def ensure_venv() -> Path:
    """Create the throwaway virtualenv and install oscar into it, unless the marker says done."""
    python = VENV / "bin" / "python"
    if VENV_MARKER.is_file() and python.exists():
        marker = json.loads(VENV_MARKER.read_text())
        if marker.get("requirement") == REQUIREMENT:
            return python
    print(f"creating {VENV.relative_to(REPO_ROOT)} and installing {REQUIREMENT} (once) ...")
    shutil.rmtree(VENV, ignore_errors=True)
    VENV.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _run([sys.executable, "-m", "venv", str(VENV)], "python -m venv")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "install", REQUIREMENT], f"pip install {REQUIREMENT}")
    freeze = subprocess.run(
        [*pip, "freeze", "--all"], capture_output=True, text=True, check=True
    ).stdout.split()
    marker = {"requirement": REQUIREMENT, "base_python": sys.executable, "freeze": freeze}
    VENV_MARKER.write_text(json.dumps(marker, indent=2) + "\n")
    print(f"  installed in {time.perf_counter() - started:.0f} s")
    return python


def build_truth(root: Path) -> None:
    """Ask Django, inside the throwaway virtualenv, for every model's table."""
    python = ensure_venv()
    apps = oscar_installed_apps(root)
    apps += [a for a in EXTRA_APPS if a not in apps]
    settings = SETTINGS_TEMPLATE.format(
        version=PROJECT.version,
        extra=", ".join(EXTRA_APPS),
        apps="[\n" + "".join(f"    {a!r},\n" for a in apps) + "]",
    )
    (VENV / f"{SETTINGS_MODULE}.py").write_text(settings)
    dump = VENV / DUMP_NAME
    dump.write_text(DUMP_SCRIPT)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    partial = TRUTH.with_suffix(".partial")
    # -I: no PYTHON* variables, no user site, no script folder; the dump adds its own folder.
    _run([str(python), "-I", str(dump), str(partial), SETTINGS_MODULE], "Django's model dump")
    partial.replace(TRUTH)


def load_truth() -> dict[str, Any] | None:
    """The cached truth, or None when missing or in another format (an older script's)."""
    try:
        data = json.loads(TRUTH.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generated_by") != "benchmarks/django_tables.py":
        return None
    return data


# --------------------------------------------------------------------------- pairs


@dataclass(frozen=True)
class TruthPair:
    key: str  # "module:Class" or "module:Class.field"
    table: str
    category: str  # "model", "proxy", "mti child" or "auto m2m"
    label: str
    note: str  # what makes the entry tricky, if anything


def _category(row: dict[str, Any]) -> str:
    if row["auto_created"]:
        return "auto m2m"
    if row["proxy"]:
        return "proxy"
    return "mti child" if row["mti_parents"] else "model"


def _note(row: dict[str, Any]) -> str:
    notes: list[str] = []
    if row["db_table"] != row["naive_db_table"]:
        notes.append(f"not {row['naive_db_table']}")
    if row["db_table_in_meta"] and not row["auto_created"]:  # Django sets it on those
        notes.append("Meta.db_table")
    if row["proxy"]:
        notes.append(f"proxy of {row['concrete_model']}")
    if row["mti_parents"]:
        notes.append("child of " + ", ".join(row["mti_parents"]))
    if row["auto_created"] and row["field_declared_on"] != row["owner"]:
        kind = "abstract " if row["field_declared_on_abstract"] else ""
        notes.append(f"field declared on {kind}{row['field_declared_on']}")
    if not row["managed"]:
        notes.append("managed=False")
    if row["swappable"]:
        notes.append(f"swappable ({row['swappable']})")
    return "; ".join(notes)


def truth_pairs(truth: dict[str, Any]) -> dict[str, TruthPair]:
    """Every model's pair, whatever its module; the caller restricts the scope."""
    pairs: dict[str, TruthPair] = {}
    for row in truth["models"]:
        if row["abstract"] or row["swapped"]:
            continue  # no table of its own
        if row["auto_created"]:
            if row["owner"] is None:
                continue  # an auto-created model that is no m2m table (none known)
            key = f"{row['owner']}.{row['field']}"
        else:
            key = row["atom"]
        pairs[key] = TruthPair(key, row["db_table"], _category(row), row["label"], _note(row))
    return pairs


@dataclass(frozen=True)
class StaticPair:
    key: str
    table: str
    kind: str  # the Declaration's kind
    where: str  # path:line


def static_pairs(root: Path) -> tuple[list[StaticPair], float]:
    """seamline's Django declarations: (pairs, seconds the analysis took)."""
    started = time.perf_counter()
    analysis = api.analyze(load_settings(root, Overrides(no_cache=True)))
    seconds = time.perf_counter() - started
    data: DataModel | None = getattr(analysis, "data", None)
    if data is None or not hasattr(data, "tables"):
        raise TruthError(
            "seamline's Analysis has no `data.tables` yet (the data-access stage is not wired "
            "into analyzer.api.analyze); nothing to compare"
        )
    pairs: list[StaticPair] = []
    for table in data.tables:
        for decl in table.declarations:
            if decl.via != "django":
                continue
            if decl.kind == "model":
                key = decl.atom
            elif decl.kind == "many-to-many" and decl.field:
                key = f"{decl.atom}.{decl.field}"
            else:
                key = f"{decl.atom} [{decl.kind}, field={decl.field}]"  # cannot match: shown
            pairs.append(StaticPair(key, table.name, decl.kind, f"{decl.path}:{decl.line}"))
    return pairs, seconds


def beyond_file(root: Path, static: list[StaticPair]) -> list[StaticPair]:
    """Declarations whose ``path:line`` cannot be right: the file is shorter than that."""
    lines: dict[str, int] = {}
    bad: list[StaticPair] = []
    for pair in static:
        path, _, line = pair.where.rpartition(":")
        if path not in lines:
            try:
                lines[path] = len((root / path).read_bytes().splitlines())
            except OSError:
                lines[path] = 0
        if not line.isdigit() or int(line) > lines[path]:
            bad.append(pair)
    return sorted(bad, key=lambda p: p.key)


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Entry:
    key: str
    category: str
    outcome: str  # agree, missed, wrong table, extra table, spurious
    django: str | None
    seamline: tuple[str, ...]
    where: str
    note: str


def compare(
    truth: dict[str, TruthPair], static: list[StaticPair]
) -> tuple[list[Entry], dict[str, Counter[str]]]:
    by_key: dict[str, list[StaticPair]] = {}
    for pair in static:
        by_key.setdefault(pair.key, []).append(pair)
    in_scope = {k: p for k, p in truth.items() if k.startswith(SCOPE_PREFIX) or k in by_key}
    entries: list[Entry] = []
    # per category: truth pairs, static pairs, agreeing pairs
    counts: dict[str, Counter[str]] = {}
    for key in sorted(set(in_scope) | set(by_key)):
        t = in_scope.get(key)
        s = by_key.get(key, [])
        tables = tuple(sorted({p.table for p in s}))
        category = t.category if t else ("auto m2m" if "." in key.split(":", 1)[-1] else "model")
        c = counts.setdefault(category, Counter())
        c["truth"] += 1 if t else 0
        c["static"] += len(tables)
        agree = t is not None and t.table in tables
        c["agree"] += 1 if agree else 0
        if t is None:
            outcome = "spurious"
        elif not tables:
            outcome = "missed"
        elif not agree:
            outcome = "wrong table"
        elif len(tables) > 1:
            outcome = "extra table"
        else:
            outcome = "agree"
        where = ", ".join(sorted({p.where for p in s}))
        entries.append(
            Entry(
                key, category, outcome, t.table if t else None, tables, where, t.note if t else ""
            )
        )
    return entries, counts


def ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "-"


def print_truth_summary(truth: dict[str, Any]) -> None:
    pairs = truth_pairs(truth)
    scoped = [p for k, p in pairs.items() if k.startswith(SCOPE_PREFIX)]
    by_cat = Counter(p.category for p in scoped)
    print(
        f"truth: Django {truth['django']} on Python {truth['python']}, "
        f"{len(truth['models'])} models in all (any app, auto-created included)"
    )
    rows: list[tuple[str, ...]] = [
        (cat, str(by_cat[cat])) for cat in ("model", "mti child", "proxy", "auto m2m")
    ]
    rows.append(("oscar total", str(len(scoped))))
    print_table(("oscar.* entries", "count"), rows)
    tricky = [p for p in scoped if p.note]
    if tricky:
        print(f"\n{len(tricky)} oscar entries that are not plain models:")
        print_table(
            ("key", "table", "why"),
            [(p.key, p.table, p.note) for p in sorted(tricky, key=lambda p: p.key)],
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Compare seamline's static Django model -> table map with Django's own."
    )
    parser.add_argument(
        "--refresh-truth", action="store_true", help="ask Django again (the venv is reused)"
    )
    parser.add_argument(
        "--truth-only", action="store_true", help="build (if needed) and summarise the truth only"
    )
    args = parser.parse_args(argv)
    root = ensure(PROJECT.key)
    try:
        truth = None if args.refresh_truth else load_truth()
        if truth is None:
            build_truth(root)
            print(f"wrote {TRUTH.relative_to(REPO_ROOT)}")
            truth = load_truth()
        if truth is None:
            raise TruthError(f"{TRUTH} unreadable right after writing it")
    except (TruthError, subprocess.TimeoutExpired, OSError) as exc:
        print(f"error: Django's side: {exc}", file=sys.stderr)
        return 1
    if args.truth_only:
        print_truth_summary(truth)
        return 0

    try:
        static, seconds = static_pairs(root)
    except TruthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    entries, counts = compare(truth_pairs(truth), static)

    label = f"{PROJECT.dist} {PROJECT.version}"
    print(f"{label}: Django {truth['django']} vs seamline's analysis ({seconds:.1f} s)\n")
    rows: list[tuple[str, ...]] = []
    total: Counter[str] = Counter()
    for category in ("model", "mti child", "proxy", "auto m2m"):
        c = counts.get(category, Counter())
        total += c
        rows.append(
            (
                category,
                str(c["truth"]),
                str(c["static"]),
                str(c["agree"]),
                ratio(c["agree"], c["static"]),
                ratio(c["agree"], c["truth"]),
            )
        )
    rows.append(
        (
            "all",
            str(total["truth"]),
            str(total["static"]),
            str(total["agree"]),
            ratio(total["agree"], total["static"]),
            ratio(total["agree"], total["truth"]),
        )
    )
    print_table(("kind", "Django", "seamline", "agree", "precision", "recall"), rows)

    outcomes = Counter(e.outcome for e in entries)
    print("\n" + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
    misses = [e for e in entries if e.outcome != "agree"]
    if misses:
        print()
        print_table(
            ("outcome", "key", "Django", "seamline", "where (seamline)", "note"),
            [
                (
                    e.outcome,
                    e.key,
                    e.django or "-",
                    ", ".join(e.seamline) or "-",
                    e.where or "-",
                    e.note,
                )
                for e in sorted(misses, key=lambda e: (e.outcome, e.key))
            ],
        )
    bad_where = beyond_file(root, static)
    if bad_where:
        print(f"\n{len(bad_where)} seamline declarations name a line past the end of their file:")
        print_table(("key", "where"), [(p.key, p.where) for p in bad_where])

    report = {
        "project": label,
        "django": truth["django"],
        "truth_file": str(TRUTH.relative_to(REPO_ROOT)),
        "scope": f"truth entries whose atom starts with {SCOPE_PREFIX!r}, plus any seamline "
        "declares",
        "analysis_seconds": round(seconds, 2),
        "summary": {cat: dict(c) for cat, c in sorted(counts.items())}
        | {"all": dict(total), "outcomes": dict(outcomes)},
        "precision": total["agree"] / total["static"] if total["static"] else None,
        "recall": total["agree"] / total["truth"] if total["truth"] else None,
        "entries": [asdict(e) for e in entries],
        "where_beyond_file": [asdict(p) for p in bad_where],
    }
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    COMPARE.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwrote {COMPARE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
