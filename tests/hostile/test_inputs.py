"""Hostile names and files given to seamline: each is a diagnostic or one message with exit 2
naming the file and the key, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner, Result

from analyzer.cli import cli

_GOOD = {"pkg/__init__.py": "", "pkg/good.py": "def fine():\n    return 1\n"}


def seamline(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def tree(root: bytes, files: dict[str, str], raw: dict[bytes, str] | None = None) -> Path:
    """Write ``files`` (text names) and ``raw`` (byte names, which may not be UTF-8)."""
    folder = Path(os.fsdecode(root))
    for name, text in [(n.encode(), t) for n, t in files.items()] + list((raw or {}).items()):
        path = folder / os.fsdecode(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- names not UTF-8


def test_file_and_folder_names_that_are_not_utf8_are_diagnostics_and_the_run_goes_on(
        tmp_path: Path) -> None:
    root = tree(os.fsencode(tmp_path / "proj"), _GOOD, {
        b"pkg/m\xff.py": "def lost():\n    return 2\n",
        b"pkg/sub\xfd/__init__.py": "",
        b"pkg/sub\xfd/deep.py": "def deep():\n    return 3\n",
        b"d\xfe\xfe/x.py": "def x():\n    return 4\n",
    })
    out = tmp_path / "out"
    result = seamline("analyze", root, "--out", out, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output
    document = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    notes = {d["path"]: d for d in document["diagnostics"] if d["code"] == "undecodable-name"}
    assert set(notes) == {"pkg/m\\xff.py", "pkg/sub\\xfd", "d\\xfe\\xfe"}
    assert "skipped" in notes["pkg/m\\xff.py"]["message"]
    assert "2 Python files" in notes["pkg/sub\\xfd"]["message"]
    assert [m["name"] for m in document["modules"]] == ["pkg", "pkg.good"]
    for name in ("graph.json", "index.html"):
        assert (out / name).is_file()
    assert "pkg/m\\xff.py" in (out / "index.html").read_text(encoding="utf-8") or any(
        "pkg/m\\xff.py" in page.read_text(encoding="utf-8") for page in out.glob("*.html"))


def test_a_project_folder_whose_name_is_not_utf8_is_analysed(tmp_path: Path) -> None:
    root = tree(os.fsencode(tmp_path) + b"/caf\xe9", _GOOD)
    out = tmp_path / "out"
    result = seamline("analyze", root, "--out", out, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output
    document = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert document["project"]["name"] == "caf\\xe9"
    result = seamline("init", root, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "caf\\xe9" in (root / "seamline-decomposition.toml").read_text(encoding="utf-8")


def test_init_and_check_survive_names_that_are_not_utf8(tmp_path: Path) -> None:
    root = tree(os.fsencode(tmp_path / "proj"), _GOOD, {b"pkg/m\xff.py": "x = 1\n"})
    result = seamline("init", root, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output
    result = seamline("check", root, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output
