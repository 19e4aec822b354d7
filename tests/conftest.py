"""Shared fixtures: tiny projects described inline and written to a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.model import Module

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"

Tree = dict[str, "str | bytes"]


def write_tree(root: Path, files: Tree) -> Path:
    """Write ``{"pkg/mod.py": "source"}`` under ``root``; text is dedented."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Callable[[Tree], Path]:
    def make(files: Tree) -> Path:
        return write_tree(tmp_path / "proj", files)
    return make


def run(root: Path, **overrides: Any) -> api.Analysis:
    """Analyse ``root`` in-process, without a cache, with one worker."""
    options = {"no_cache": True, "jobs": 1} | overrides
    return api.analyze(load_settings(root, Overrides(**options)))


def module(analysis: api.Analysis, name: str) -> Module:
    for item in analysis.code.modules:
        if item.name == name:
            return item
    names = [m.name for m in analysis.code.modules]
    raise AssertionError(f"no module {name}; have {names}")


def two_writers(table: str) -> Tree:
    """A project whose two pinned contexts, ``x`` and ``y``, both write ``table`` by raw SQL:
    an SL101 shared table, whatever the table's name (hostile names included)."""
    write = f"def {{name}}(cur):\n    cur.execute('UPDATE \"{table}\" SET a = 1')\n"
    return {"shop/__init__.py": "", "shop/a.py": write.format(name="a"),
            "shop/b.py": write.format(name="b"),
            "seamline.toml": '[pin]\nx = ["shop.a"]\ny = ["shop.b"]\n'}
