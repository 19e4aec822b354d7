"""Hostile repositories: ``seamline analyze`` (the real command, in its own process) reads
each bad file as a diagnostic with its path and line, writes its outputs, exits 0 and still
analyses everything else.

One repository holds every case, as a monolith someone else wrote might: the run is shared,
each test looks at its own file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_tree

_ROUNDS = 10_000  # ids in the IN list, rows in the INSERT, columns in the select list
_UNIONS = 2_000  # tables of a statement too long to read whole


def _bulk_sql() -> str:
    ids = ", ".join(str(i) for i in range(_ROUNDS))
    rows = ", ".join(f"({i}, 'sku-{i}')" for i in range(_ROUNDS))
    columns = ", ".join(f"c{i}" for i in range(_ROUNDS))
    unions = " UNION ALL ".join(f"SELECT id FROM part_{i}" for i in range(_UNIONS))
    return (
        "def by_ids(cur):\n"
        f'    cur.execute("SELECT id, total FROM bulk_orders WHERE id IN ({ids})")\n'
        "\n\n"
        "def load(cur):\n"
        f'    cur.execute("INSERT INTO bulk_lines VALUES {rows}")\n'
        "\n\n"
        "def wide(cur):\n"
        f'    cur.execute("SELECT {columns} FROM wide_facts")\n'
        "\n\n"
        "def everything(cur):\n"
        f'    cur.execute("{unions}")\n'
    )


def _adjacent_sql(literals: int) -> str:
    """``"SELECT ..." "1, " "2, " ...``: implicit concatenation, one literal a line."""
    lines = ["def query(cur):", "    cur.execute(",
             '        "SELECT id FROM adjacent_orders WHERE id IN ("']
    lines += [f'        "{i}, "' for i in range(literals)]
    lines += ['        "0)"', "    )", "", "", "def after():", "    return 1", ""]
    return "\n".join(lines)


TREE: dict[str, str | bytes] = {
    "app/__init__.py": b"",  # an empty __init__.py
    "app/good.py": "def fine():\n    return 1\n",
    "app/nul.py": b"x = 1\ny = 2\x00\n",
    "app/latin.py": b"def f():\n    return 'caf\xe9'\n",  # latin-1, no coding cookie
    "app/cookie.py": b"# -*- coding: klingon -*-\nx = 1\n",
    "app/py2.py": "import os\nprint 'hello'\n",
    "app/parens.py": "x = " + "(" * 200 + "1" + ")" * 200 + "\n",
    "app/lists.py": "x = 1\ny = " + "[" * 5000 + "]" * 5000 + "\n",
    "app/bulk.py": _bulk_sql(),
    "app/adjacent.py": _adjacent_sql(500),
    "app/adjacent_many.py": _adjacent_sql(20_000),
}
HUGE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Run:
    returncode: int
    stderr: str
    out: Path
    analysis: dict[str, Any]

    def diagnostics(self, path: str) -> list[dict[str, Any]]:
        return [d for d in self.analysis["diagnostics"] if d["path"] == path]

    def module(self, name: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [m for m in self.analysis["modules"] if m["name"] == name]
        assert len(found) == 1, name
        return found[0]

    def names(self) -> set[str]:
        return {m["name"] for m in self.analysis["modules"]}

    def accesses(self, table: str) -> set[tuple[str, str, int]]:
        return {(a["mode"], a["atom"], a["line"]) for a in self.analysis["data"]["accesses"]
                if a["table"] == table}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = write_tree(tmp_path_factory.mktemp("hostile") / "repo", TREE)
    app = root / "app"
    (app / "loop").symlink_to("..")  # a symlink to its own parent folder
    os.mkfifo(app / "x.py")  # opening it for reading would wait for a writer forever
    (app / "y.py").mkdir()  # a folder with a module's name
    with (app / "huge.py").open("wb") as huge:
        huge.write(b"x = 1\n" * (HUGE_BYTES // 6))
    (app / "secret.py").write_text("def hidden():\n    return 2\n", encoding="utf-8")
    (app / "secret.py").chmod(0)
    out = root.parent / "out"
    done = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(root), "--out",
                           str(out), "--no-cache", "-j", "2"],
                          capture_output=True, text=True, timeout=300, check=False)
    (app / "secret.py").chmod(0o644)
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    return Run(done.returncode, done.stderr, out, analysis)


def test_the_run_succeeds_and_writes_every_output(hostile: Run) -> None:
    assert hostile.returncode == 0, hostile.stderr
    for name in ("analysis.json", "graph.json", "index.html", "tables.html", "modules.html"):
        assert (hostile.out / name).stat().st_size > 0
    good = hostile.module("app.good")
    assert good["status"] == "ok"
    assert [d["name"] for d in good["definitions"]] == ["fine"]


@pytest.mark.parametrize(("path", "code", "line", "words"), [
    ("app/nul.py", "decode-error", 2, "NUL byte"),
    ("app/latin.py", "decode-error", 2, "cannot decode as utf-8"),
    ("app/cookie.py", "decode-error", 1, "klingon"),
    ("app/py2.py", "syntax-error", 2, "Python 2"),
    ("app/lists.py", "too-deeply-nested", 2, "too deeply nested"),
    ("app/huge.py", "too-large", 1, "max-file-bytes"),
])
def test_a_bad_file_is_one_diagnostic_with_its_path_and_line(
        hostile: Run, path: str, code: str, line: int, words: str) -> None:
    [note] = hostile.diagnostics(path)
    assert (note["code"], note["line"], note["severity"]) == (code, line, "error")
    assert words in note["message"]
    module = hostile.module(path[:-3].replace("/", "."))
    assert module["status"] == code
    assert note["path"] + f":{line}: error" in hostile.stderr  # said on the terminal too


def test_what_python_accepts_is_analysed(hostile: Run) -> None:
    assert hostile.module("app.parens")["status"] == "ok"  # 200 nested parentheses
    package = hostile.module("app")  # the empty __init__.py
    assert (package["status"], package["is_package"], package["lines"]) == ("ok", True, 0)
    assert not hostile.diagnostics("app/parens.py") and not hostile.diagnostics("app/__init__.py")


def test_a_symlink_loop_is_noted_and_not_followed(hostile: Run) -> None:
    [note] = hostile.diagnostics("app/loop")
    assert note["code"] == "symlink-loop"
    assert not any(".loop." in name for name in hostile.names())


def test_a_fifo_and_a_folder_named_like_modules_are_not_read(hostile: Run) -> None:
    # The FIFO did not hang the run (the fixture has a timeout) and neither is a module.
    assert "app.x" not in hostile.names()
    assert "app.y" not in hostile.names()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_an_unreadable_file_is_a_diagnostic(hostile: Run) -> None:
    [note] = hostile.diagnostics("app/secret.py")
    assert note["severity"] == "error"
    assert "ermission" in note["message"]


# --------------------------------------------------------------------------- long SQL


def test_sql_of_any_length_keeps_its_tables(hostile: Run) -> None:
    """Over 20,000 characters of SQL: the tables are found where the statement is."""
    assert hostile.accesses("bulk_orders") == {("read", "app.bulk:by_ids", 2)}
    assert hostile.accesses("bulk_lines") == {("write", "app.bulk:load", 6)}
    assert hostile.accesses("wide_facts") == {("read", "app.bulk:wide", 10)}
    assert not [d for d in hostile.diagnostics("app/bulk.py") if d["line"] != 14]


def test_sql_too_long_to_read_whole_says_what_was_not_read(hostile: Run) -> None:
    """2,000 tables in one statement, no list to shorten: the head is read, and a
    diagnostic at the statement's line says the rest was not."""
    assert hostile.accesses("part_0") == {("read", "app.bulk:everything", 14)}
    assert not hostile.accesses(f"part_{_UNIONS - 1}")
    [note] = [d for d in hostile.diagnostics("app/bulk.py") if d["line"] == 14]
    assert note["code"] == "sql-unreadable"
    assert "not read" in note["message"]


# --------------------------------------------------------------------------- adjacent literals


@pytest.mark.parametrize("module", ["app.adjacent", "app.adjacent_many"])
def test_many_adjacent_string_literals_are_valid_python(hostile: Run, module: str) -> None:
    """500 and 20,000 literals in one implicit concatenation: the file is analysed, its
    definitions found, and its SQL read at the line of the call."""
    facts = hostile.module(module)
    assert facts["status"] == "ok"
    assert [d["name"] for d in facts["definitions"]] == ["query", "after"]
    assert ("read", f"{module}:query", 2) in hostile.accesses("adjacent_orders")
    assert not hostile.diagnostics(facts["path"])
