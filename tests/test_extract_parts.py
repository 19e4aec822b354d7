"""A long module is parsed in parts cut between top-level statements (to bound libcst's memory);
its facts are exactly those of the module read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import Overrides, load_settings
from analyzer.extract.code import _LEAVES, _VISITS, _FileVisitor, _parts, _visited
from analyzer.extract.source import count_lines
from analyzer.model import FileFacts
from analyzer.packs import vocabulary
from tests.conftest import REPO, SAMPLES

FILES = sorted([*SAMPLES.rglob("*.py"), *(REPO / "analyzer").rglob("*.py"),
                *(REPO / "tests").glob("test_*.py")])
VOCABULARY = vocabulary(load_settings(SAMPLES / "shopfront", Overrides(no_cache=True)).packs)


def _facts(text: str, lines_per_part: int | None) -> FileFacts:
    visitor = _visited(text, text.splitlines(), VOCABULARY, lines_per_part)
    return visitor.facts(count_lines(text.encode()))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_module_read_a_statement_at_a_time_gives_the_facts_of_the_whole(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _facts(text, 1) == _facts(text, None)


def test_parts_are_whole_statements_with_the_lines_before_them() -> None:
    text = ('"""doc"""\n'
            "import os\n"
            "\n"
            "# about f\n"
            "@decorated\n"
            "def f():\n"
            "    return os.sep\n"
            "a = 1; b = 2\n"
            "x = (1,\n"
            "     2)\n")
    parts = _parts(text, 1)
    assert parts == [(1, '"""doc"""\n'), (2, "import os\n"),
                     (3, "\n# about f\n@decorated\ndef f():\n    return os.sep\n"),
                     (8, "a = 1; b = 2\n"), (9, "x = (1,\n     2)\n")]
    assert "".join(part for _, part in parts or []) == text
    assert _parts(text, 4) == [(1, text[:text.index("a = 1")]), (8, text[text.index("a = 1"):])]
    assert _parts(text, 100) is None  # nothing to cut
    assert _parts("def f(:\n    pass\n", 1) is None  # CPython cannot parse it: read whole


def test_an_indented_comment_after_a_block_stays_with_the_block() -> None:
    text = "class A:\n    x = 1\n    # still A's\n\nclass B:\n    pass\n# B's neighbour\ny = 2\n"
    assert _parts(text, 1) == [(1, "class A:\n    x = 1\n    # still A's\n\nclass B:\n    pass\n"),
                               (7, "# B's neighbour\ny = 2\n")]
    assert _facts(text, 1) == _facts(text, None)


def test_a_later_parts_first_string_is_not_the_modules_docstring() -> None:
    text = "import os\n'not a docstring'\nx = os.sep\n"
    assert _facts(text, 1) == _facts(text, None)


def test_the_visitor_is_dispatched_to_exactly_its_own_methods() -> None:
    own = {name for name in vars(_FileVisitor) if name.startswith(("visit_", "leave_"))}
    assert own == {f"visit_{n}" for n in _VISITS} | {f"leave_{n}" for n in _LEAVES}
    # libcst's attribute callbacks are skipped: there must be none to call
    assert not [name for name in own if "_" in name.partition("_")[2]]
