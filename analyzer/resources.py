"""The one place that finds seamline's bundled data: ``rules/``, ``reports/``, the guide
pages the report carries (``docs/``) and schemas.

In a checkout (and an editable install) the data lives beside the package; in a wheel it is
inside it (``analyzer/rules``, ``analyzer/reports``). The packaged copy wins when both exist.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def rules_dir() -> Path:
    return _data_dir("rules")


def reports_dir() -> Path:
    return _data_dir("reports")


def docs_path(name: str) -> Path:
    """A page of the user's guide the report carries, e.g. ``clustering.md``: ``docs/`` of the
    checkout, or its copy inside the wheel."""
    return _data_dir("docs") / name


def schema_path(name: str) -> Path:
    """A JSON Schema shipped with the package, e.g. ``analysis.schema.json``."""
    return _PACKAGE / "schemas" / name
