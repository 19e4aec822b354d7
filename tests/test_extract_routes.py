"""The two routes to a file's tree give the same facts: CPython's ``ast.parse`` (every file this
interpreter reads) and libcst with the newer-syntax rewrite, then ``ast`` (``fallback``). Every
``.py`` file of the samples, of seamline and of its tests is read both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import Overrides, load_settings
from analyzer.extract.code import extract
from analyzer.model import FileFacts, ParseStatus
from analyzer.packs import vocabulary
from tests.conftest import REPO, SAMPLES

FILES = sorted([*SAMPLES.rglob("*.py"), *(REPO / "analyzer").rglob("*.py"),
                *(REPO / "tests").glob("test_*.py")])
VOCABULARY = vocabulary(load_settings(SAMPLES / "shopfront", Overrides(no_cache=True)).packs)


def _facts(data: bytes, *, fallback: bool) -> FileFacts:
    return extract(data, marker="@generated", include_generated=True, max_bytes=10**8,
                   vocabulary=VOCABULARY, fallback=fallback)


def test_every_sample_is_read() -> None:
    assert len([p for p in FILES if SAMPLES in p.parents]) > 100


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_libcst_route_gives_the_facts_of_the_ast_route(path: Path) -> None:
    data = path.read_bytes()
    direct = _facts(data, fallback=False)
    assert direct.status is ParseStatus.OK, direct.problem
    assert _facts(data, fallback=True) == direct


def test_an_indented_comment_after_a_block_stays_with_the_block() -> None:
    text = ("class A:\n    x = 1\n    # still A's\n\nclass B:\n    pass\n# B's neighbour\n"
            "y = 2\n")
    for fallback in (False, True):
        facts = _facts(text.encode(), fallback=fallback)
        assert [(d.name, d.line, d.end_line) for d in facts.definitions] == [
            ("A", 1, 3), ("B", 5, 6)]


def test_a_comment_at_the_margin_does_not_end_a_block_whose_comments_go_on() -> None:
    # libcst kept the indented comments after a less indented one in the block (roundup's
    # mailgw.py, create_node)
    text = ("def f():\n    return 1\n\n    # more of f\n# at the margin\n    # still f\n\n"
            "  # less than f's body\n\ndef g():\n    pass\n")
    facts = _facts(text.encode(), fallback=False)
    assert [(d.name, d.end_line) for d in facts.definitions] == [("f", 6), ("g", 11)]


def test_a_value_alone_in_parentheses_starts_at_its_parenthesis() -> None:
    # libcst kept a node's own parentheses with it (oscar's default_app_config, saleor's
    # ERROR_COULD_NO_RESOLVE_GLOBAL_ID): the line of a use or a binding is the "(" line
    text = ('X = (\n    "shop.apps.dashboard.apps.DashboardConfig"\n)\n'
            "Y = print(\n    X\n)\n"
            "Z = (\n    X\n)\n")
    facts = _facts(text.encode(), fallback=False)
    binds = [event for flow in facts.flows for event in flow.events]
    assert [(getattr(e, "targets", None), e.line) for e in binds][:1] == [("X", 1)]
    uses = {use.chain: use.line for atoms in facts.uses for use in atoms.uses}
    assert uses[("X",)] == 5  # a call's parenthesis is the call's, not the name's
    assert _facts(text.encode(), fallback=True) == facts
