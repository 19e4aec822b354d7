"""The real command, driven as a user would: exit codes, outputs, messages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from analyzer import __version__
from analyzer.cli import cli
from analyzer.resources import schema_path
from tests.conftest import REPO, SAMPLES, Tree

# stderr's line for each finished stage, and the last one, when stderr is not a terminal
STAGE_LINE = re.compile(r"\[\d\d:\d\d:\d\d\] seamline: "
                        r"(?:[a-z]+: .+ \(\d+\.\d s\)|done in \d+\.\d s: .+)")

APP: Tree = {"app/__init__.py": "", "app/core.py": "import os\n\ndef run():\n    return 1\n"}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = invoke("--version")
    assert (code, out.strip()) == (0, f"seamline, version {__version__}")
    code, out, _ = invoke("analyze", "--help")
    assert code == 0 and "--out" in out and "Example" in out


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "analyzer", "--version"],
                          capture_output=True, text=True, check=False, cwd=REPO)
    assert (done.returncode, done.stdout.strip()) == (0, f"seamline, version {__version__}")


def test_the_process_ends_at_once_with_all_its_output_and_its_exit_code() -> None:
    """``main`` skips the interpreter's teardown: what the command wrote to a pipe must still
    arrive whole, and its exit code unchanged."""
    listed = invoke("rules")[1]
    done = subprocess.run([sys.executable, "-m", "analyzer", "rules"], capture_output=True,
                          text=True, check=False, cwd=REPO)
    assert (done.returncode, done.stdout) == (0, listed)
    assert len(listed.splitlines()) > 10
    done = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(REPO / "nowhere")],
                          capture_output=True, text=True, check=False, cwd=REPO)
    assert done.returncode == 2 and done.stderr.startswith("seamline: error: no such file")
    # a closed stdout (Python's sys.stdout is then None): still no traceback, the same code
    done = subprocess.run(["sh", "-c", f'"{sys.executable}" -m analyzer rules >&-'],
                          capture_output=True, text=True, check=False, cwd=REPO)
    assert (done.returncode, done.stderr) == (0, "")


_COUNT_COLLECTIONS = """
import gc, sys
from analyzer import api, cli
collections = []  # the collector's passes from the start of the command's work
during = []  # how many of them the work itself saw
how, work, command = sys.argv[1], sys.argv[2], sys.argv[3:]
done = getattr(api, work)

def counted(*args):
    gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info))
    result = done(*args)
    during.append(len(collections))
    return result

setattr(api, work, counted)
if how == "main":
    cli._Process.ends_with_the_command = True  # as main() says, without ending the process
try:
    cli.cli(command, prog_name="seamline", standalone_mode=False)
finally:
    print(*during, len(collections), gc.isenabled(), file=sys.stderr)
"""


@pytest.mark.parametrize("how", ["main", "run"])
@pytest.mark.parametrize("command", ["analyze", "cluster"])
def test_a_command_never_collects_cycles_and_puts_the_collector_back_unless_the_process_ends(
        how: str, command: str, tmp_path: Path) -> None:
    # turned back on at the end, the collector would first walk every object of the run only
    # for the process to end; a caller in the same process gets it back as it was
    analyzed = tmp_path / "analyzed"
    code, _, _ = invoke("analyze", str(SAMPLES / "tradepost"), "--out", str(analyzed),
                        "--no-cache", "-j", "1", "-q")
    assert code == 0
    args = {"analyze": ["analyze", "analyze", str(SAMPLES / "tradepost"), "--no-cache", "-q"],
            "cluster": ["cluster_graph", "cluster", str(analyzed / "graph.json")]}[command]
    done = subprocess.run(
        [sys.executable, "-c", _COUNT_COLLECTIONS, how, *args, "--out", str(tmp_path / "out"),
         "-j", "1"],
        capture_output=True, text=True, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr
    during, collections, enabled = done.stderr.split()
    assert int(during) == 0  # off while the command works, in either case
    assert enabled == ("False" if how == "main" else "True")
    # the work makes enough objects for the collector to run once it is on again
    assert int(collections) == 0 if how == "main" else int(collections) > 0


def test_analyze_writes_json_that_matches_its_schema(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP)
    out = tmp_path / "out"
    code, stdout, _ = invoke("analyze", str(root), "--out", str(out), "--no-cache")
    assert code == 0
    assert "wrote" in stdout and "modules" in stdout
    document = json.loads((out / "analysis.json").read_text())
    schema = json.loads(schema_path("analysis.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema)
    assert document["summary"]["modules"] == 2
    assert [d["id"] for m in document["modules"] for d in m["definitions"]] == ["app.core:run"]



@pytest.mark.parametrize("sample", ["tradepost", "shopfront", "atelier", "djshop"])
@pytest.mark.parametrize("blind", [False, True], ids=["default", "structure-blind"])
def test_every_samples_analysis_matches_the_schema(sample: str, blind: bool,
                                                   tmp_path: Path) -> None:
    """Every rule of the cut (private code following its users, pins, the kernel) writes a
    placement the schema knows."""
    out = tmp_path / "out"
    code, _, _ = invoke("analyze", str(SAMPLES / sample), "--out", str(out), "--no-cache", "-q",
                        *(["--structure-blind"] if blind else []))
    assert code == 0
    document = json.loads((out / "analysis.json").read_text())
    jsonschema.validate(document, json.loads(schema_path("analysis.schema.json").read_text()))

def test_same_input_gives_the_same_bytes_from_anywhere(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP | {"app/broken.py": "def (:\n", "app/b.py": "from app.core import run\n"})
    copy = tmp_path / "elsewhere" / "proj"
    shutil.copytree(root, copy)
    cache = tmp_path / "cache"
    outputs: list[bytes] = []
    for source, extra in ((root, ["--no-cache"]), (copy, ["--cache-dir", str(cache)]),
                          (root, ["--cache-dir", str(cache), "-j", "2"])):
        out = tmp_path / f"out{len(outputs)}"
        code, _, _ = invoke("analyze", str(source), "--out", str(out), *extra)
        assert code == 0
        outputs.append((out / "analysis.json").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_skipped_files_are_reported_and_the_run_succeeds(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP | {"app/broken.py": "x = (\n"})
    code, stdout, stderr = invoke("analyze", str(root), "--out", str(tmp_path / "o"),
                                  "--no-cache")
    assert code == 0
    assert "app/broken.py:" in stderr and "[syntax-error]" in stderr
    assert "1 file could not be analysed" in stdout


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = invoke("analyze", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "no such file or folder" in stderr
    assert not (tmp_path / "o").exists()


def test_unknown_config_key_is_named(project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP | {"pyproject.toml": "[tool.seamline]\nexlude = ['x']\n"})
    code, _, stderr = invoke("analyze", str(root), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "pyproject.toml" in stderr
    assert "unknown key 'tool.seamline.exlude'" in stderr
    assert "did you mean 'exclude'" in stderr
    assert stderr.count("\n") == 1


def test_wrong_config_type_is_named(project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP | {"seamline.toml": "max-file-bytes = 'big'\n"})
    code, _, stderr = invoke("analyze", str(root), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "max-file-bytes must be a positive integer" in stderr


def test_broken_toml_is_a_usage_error(project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP | {"seamline.toml": "exclude = [\n"})
    code, _, stderr = invoke("analyze", str(root), "--out", str(tmp_path / "o"))
    assert code == 2 and "not valid TOML" in stderr


def test_bad_option_value_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = invoke("analyze", str(tmp_path), "--jobs", "0")
    assert code == 2 and "--jobs" in stderr


def test_output_that_cannot_be_written_is_a_usage_error(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, stderr = invoke("analyze", str(root), "--out", str(blocker / "out"), "--no-cache")
    assert code == 2 and "cannot write output" in stderr


def test_the_tool_reads_its_own_source() -> None:
    """Run seamline on seamline: its layers must show up as import edges."""
    from tests.conftest import run
    analysis = run(REPO / "analyzer")
    assert all(m.status.value == "ok" for m in analysis.code.modules)
    edges = {(m.name, i.module) for m in analysis.code.modules for i in m.imports
             if i.kind.value == "internal"}
    assert ("analyzer.cli", "analyzer.api") in edges
    assert ("analyzer.api", "analyzer.codebase") in edges  # resolve makes the codebase
    assert ("analyzer.codebase", "analyzer.resolve") in edges
    # the model stands on nothing of seamline's but the helper that makes its records fast,
    # which stands on nothing at all
    assert {target for source, target in edges if source == "analyzer.model"} == {
        "analyzer.quickinit"}
    assert not any(source == "analyzer.quickinit" for source, _ in edges)


def test_the_main_job_on_the_bundled_sample(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, stderr = invoke("analyze", str(REPO / "samples" / "tradepost"),
                                  "--out", str(out), "--no-cache")
    assert code == 0
    # nothing on stderr but the run's progress: not one diagnostic
    assert all(STAGE_LINE.fullmatch(line) for line in stderr.splitlines()), stderr
    document = json.loads((out / "analysis.json").read_text())
    assert document["summary"]["modules"] == 43
    assert document["summary"]["skipped"] == 0
    references = {(r["source"], r["target"]) for m in document["modules"]
                  for r in m["references"]}
    service = "tradepost.services."
    # the orders <-> payments cycle, through an alias and a module attribute
    assert (f"{service}order_service:place_order",
            f"{service}payment_service:charge_order") in references
    assert (f"{service}payment_service:charge_order",
            f"{service}order_service:mark_paid") in references
    # a star import, a relative import two levels up, a function-level import
    assert (f"{service}catalog_service:get_product", "tradepost.utils.money:Money") in references
    assert (f"{service}pricing:quote", "tradepost.utils.money:Money") in references
    assert ("tradepost.tasks.payment_tasks:retry_failed_payments",
            f"{service}payment_service:charge_order") in references
    assert (out / "modules.html").read_text().count("tradepost.services.") >= 9


def test_options_config_exclude_and_quiet(project: Callable[[Tree], Path],
                                          tmp_path: Path) -> None:
    root = project(APP | {"app/legacy.py": "def old(): ...\n", "app/extra.py": "",
                          "other.toml": '[tool.seamline]\nextend-exclude = ["extra.py"]\n'})
    out = tmp_path / "out"
    code, stdout, _ = invoke("analyze", str(root), "--out", str(out), "--no-cache", "-q",
                             "--config", str(root / "other.toml"), "--exclude", "legacy.py")
    assert (code, stdout) == (0, "")
    names = [m["name"] for m in json.loads((out / "analysis.json").read_text())["modules"]]
    assert names == ["app", "app.core"]


def test_missing_config_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = invoke("analyze", str(tmp_path), "--config", str(tmp_path / "no.toml"))
    assert code == 2 and "config file not found" in stderr


def test_source_roots_from_config(project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project({"backend/shop/__init__.py": "", "backend/shop/views.py": "",
                    "seamline.toml": 'source-roots = ["backend"]\n'})
    out = tmp_path / "out"
    assert invoke("analyze", str(root), "--out", str(out), "--no-cache")[0] == 0
    names = [m["name"] for m in json.loads((out / "analysis.json").read_text())["modules"]]
    assert names == ["shop", "shop.views"]
    (root / "seamline.toml").write_text('source-roots = ["frontend"]\n')
    code, _, stderr = invoke("analyze", str(root), "--out", str(out), "--no-cache")
    assert code == 2 and "source-roots entry 'frontend' is not a folder" in stderr


def test_cache_location_follows_the_environment(
        project: Callable[[Tree], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "env-cache"
    monkeypatch.setenv("SEAMLINE_CACHE_DIR", str(cache))
    root = project(APP)
    assert invoke("analyze", str(root), "--out", str(tmp_path / "o"))[0] == 0
    assert (cache / "facts-v1.sqlite3").is_file()


def test_a_folder_without_python_is_a_usage_error_for_every_command(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    agreed = project(APP) / "seamline-decomposition.toml"
    assert invoke("init", str(agreed.parent), "--no-cache", "-q")[0] == 0
    empty = tmp_path / "empty"
    (empty / "docs").mkdir(parents=True)
    (empty / "docs" / "notes.txt").write_text("no code here\n")
    shutil.copy(agreed, empty)  # check and contracts read an agreed decomposition first
    for args in (["analyze", "--out", str(tmp_path / "out")], ["init", "--force"], ["check"],
                 ["contracts", "--out", str(tmp_path / "c")], ["contracts", "--proposed"]):
        code, stdout, stderr = invoke(args[0], str(empty), "--no-cache", *args[1:])
        assert (code, stdout) == (2, ""), args
        assert stderr == (f"seamline: error: no Python modules under {empty} "
                          "(looked for *.py files: none there)\n"), args
    assert not (tmp_path / "out").exists()  # no report of nothing


def test_when_the_excludes_hide_every_file_the_message_says_which(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project({"tests/__init__.py": "", "tests/test_a.py": "", "conftest.py": "",
                    "build/lib/app.py": ""})
    code, stdout, stderr = invoke("analyze", str(root), "--no-cache", "--out", str(tmp_path / "o"))
    assert (code, stdout) == (2, "")
    assert stderr == (f"seamline: error: no Python modules under {root} (looked for *.py "
                      "files: 4 files excluded by the exclude patterns build (1), conftest.py "
                      "(1), tests (2); --no-default-excludes or `exclude` in [tool.seamline] "
                      "reads them)\n")
    code, _, _ = invoke("analyze", str(root), "--no-cache", "--out", str(tmp_path / "o"),
                        "--no-default-excludes")
    assert code == 0


def test_a_missing_path_or_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text("x = 1\n")
    for path, said in ((tmp_path / "nowhere", "no such file or folder"),
                       (tmp_path / "one.py", "not a folder")):
        for command in ("analyze", "init", "check", "contracts"):
            code, stdout, stderr = invoke(command, str(path), "--no-cache")
            assert (code, stdout) == (2, "") and stderr.count("\n") == 1, (command, stderr)
            assert said in stderr and "Traceback" not in stderr
