"""``seamline check`` runs in CI on every push, a fresh process each time: it must not pay for
what it never uses. Clustering's networkx, igraph, scikit-learn and numpy, the report's
jinja2 and libcst (only for a file of syntax newer than this interpreter reads) are imported
only by the commands that need them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer import api, contracts
from tests.conftest import REPO, SAMPLES

HEAVY = ("sklearn", "scipy", "numpy", "networkx", "igraph", "jinja2", "libcst", "graphviz")

# Runs the real command in a fresh interpreter, then lists the heavy packages it imported.
_PROGRAM = """
import json, sys
from analyzer.cli import run
code = 0
try:
    run()
except SystemExit as stop:
    code = stop.code
heavy = sorted({name.partition(".")[0] for name in sys.modules} & HEAVY_NAMES)
sys.stderr.write("\\nIMPORTED " + json.dumps([code, heavy]))
"""


def _imported(*args: str) -> list[str]:
    """The heavy packages ``seamline *args`` imported; it must have run to its end."""
    program = _PROGRAM.replace("HEAVY_NAMES", repr(set(HEAVY)))
    done = subprocess.run([sys.executable, "-c", program, *args], cwd=REPO,
                          capture_output=True, text=True, check=True)
    before, _, marker = done.stderr.rpartition("\nIMPORTED ")
    code, loaded = json.loads(marker)
    assert code in (0, 1), before  # clean or drift: the whole check ran
    return list(loaded)


@pytest.mark.slow
def test_check_imports_neither_clustering_nor_the_report_nor_a_parser_it_does_not_need(
        tmp_path: Path) -> None:
    decomposition, cache = tmp_path / "agreed.toml", tmp_path / "cache"
    common = ("--cache-dir", str(cache), "--decomposition", str(decomposition))
    subprocess.run([sys.executable, "-m", "analyzer", "init", str(SAMPLES / "tradepost"),
                    "--cache-dir", str(cache), "--out", str(decomposition)],
                   cwd=REPO, capture_output=True, check=True)

    # every file's facts come from the cache: nothing to parse
    assert _imported("check", str(SAMPLES / "tradepost"), *common) == []
    # a cold run parses with CPython's own parser: libcst only for syntax newer than it
    # reads, and still neither clustering nor the report
    cold = _imported("check", str(SAMPLES / "tradepost"), *common, "--no-cache")
    assert cold == []


def test_the_command_lines_contract_formats_are_the_contracts_own() -> None:
    assert api.CONTRACT_FORMATS == contracts.FORMATS


@pytest.mark.slow
def test_analyze_imports_neither_scikit_learn_nor_libcst(tmp_path: Path) -> None:
    # the vocabulary's TF-IDF and the seeds' agreement are computed without scikit-learn: its
    # import cost about a second of every run; annotations are read with ``ast`` (libcst's
    # import: 0.09 s), and no file of the sample needs syntax newer than this interpreter's
    loaded = _imported("analyze", str(SAMPLES / "tradepost"), "--out", str(tmp_path / "out"),
                       "--cache-dir", str(tmp_path / "cache"), "-q")
    assert "sklearn" not in loaded and "libcst" not in loaded
    # nor networkx: the cut is made on numbered arrays, a networkx graph only for --contexts
    assert "networkx" not in loaded
    assert {"scipy", "numpy", "igraph"} <= set(loaded)  # it did build the graph and cut it
