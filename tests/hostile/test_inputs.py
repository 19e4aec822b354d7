"""Hostile names and files given to seamline: each is a diagnostic or one message with exit 2
naming the file and the key, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from analyzer.cli import cli
from tests.conftest import two_writers

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


# ------------------------------------------------------------ config and decomposition


_DECOMPOSITION = """version = 1

[check]
reads = "warning"
max-coupling-increase = 0.02

[contexts.app]
modules = ["pkg", "pkg.*"]
uses = []
"""


def one_error(result: Result, *names: str) -> str:
    """The run stopped with exit 2 and one message (no traceback) that names ``names``."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("seamline: error: "), result.output
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@pytest.fixture
def agreed_project(tmp_path: Path) -> Path:
    root = tree(os.fsencode(tmp_path / "proj"), _GOOD)
    (root / "seamline-decomposition.toml").write_text(_DECOMPOSITION, encoding="utf-8")
    return root


@pytest.mark.parametrize(("content", "said"), [
    (_DECOMPOSITION.encode() + b'# caf\xe9\n', "not UTF-8"),
    (b"version = 1\nx = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
    (b"version = 1\nx = " + b"{ a = " * 100_000 + b"1" + b" }" * 100_000 + b"\n",
     "nested too deeply"),
    (b"version = " + b"1" * 5000 + b"\n", "integer too long"),
    (_DECOMPOSITION.replace("0.02", "nan").encode(), "check.max-coupling-increase"),
    (_DECOMPOSITION.replace("0.02", "inf").encode(), "check.max-coupling-increase"),
    (_DECOMPOSITION.replace('modules = ["pkg", "pkg.*"]',
                            "modules = " + "[" * 200 + "]" * 200).encode(),
     "contexts.app.modules must be a list of strings"),
    (_DECOMPOSITION.replace("version = 1", "version = true").encode(), "version must be 1"),
])
def test_a_broken_decomposition_is_one_message_naming_the_file(
        agreed_project: Path, content: bytes, said: str) -> None:
    (agreed_project / "seamline-decomposition.toml").write_bytes(content)
    message = one_error(seamline("check", agreed_project, "--no-cache", "-j", "1"),
                        "seamline-decomposition.toml", said)
    assert len(message) < 400


@pytest.mark.parametrize(("config", "said"), [
    ("signals = { code = inf }", "signals.code must be a number from 0 to 100, not inf"),
    ("signals = { code = 1e308 }", "signals.code must be a number from 0 to 100"),
    ("signals = { code = -1 }", "signals.code must be a number from 0 to 100"),
    ("signals = { code = nan }", "signals.code must be a number from 0 to 100, not nan"),
    ("resolution = inf", "resolution must be a number from 0.01 to 100, not inf"),
    ("resolution = nan", "resolution must be a number from 0.01 to 100, not nan"),
    ('source-roots = ["../.."]', "source-roots entry '../..' is outside the project"),
    ('source-roots = ["/etc"]', "source-roots entry '/etc' is outside the project"),
    ('source-roots = ["pkg/../.."]', "source-roots entry 'pkg/../..' is outside the project"),
    ('source-roots = ["out"]', "source-roots entry 'out' leads outside the project"),
    ("x = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
@pytest.mark.parametrize("file", ["seamline.toml", "pyproject.toml"])
def test_a_bad_setting_is_one_message_naming_the_file_and_the_key(
        tmp_path: Path, config: str, said: str, file: str) -> None:
    root = tree(os.fsencode(tmp_path / "proj"), _GOOD)
    (tmp_path / "elsewhere").mkdir()
    (root / "out").symlink_to(tmp_path / "elsewhere")
    text = config if file == "seamline.toml" else f"[tool.seamline]\n{config}\n"
    (root / file).write_text(text + "\n", encoding="utf-8")
    key = "" if "nested" in said else ("tool.seamline." if file == "pyproject.toml" else "")
    result = seamline("analyze", root, "--out", tmp_path / "report", "--no-cache", "-j", "1")
    one_error(result, file, key + said)


@pytest.mark.parametrize("option", [
    ("--signal", "code=1e308"), ("--signal", "code=inf"), ("--signal", "code=nan"),
    ("--resolution", "inf"), ("--resolution", "nan"),
])
def test_a_bad_number_on_the_command_line_is_one_message(tmp_path: Path,
                                                         option: tuple[str, str]) -> None:
    root = tree(os.fsencode(tmp_path / "proj"), _GOOD)
    result = seamline("analyze", root, "--out", tmp_path / "report", "--no-cache", "-j", "1",
                      *option)
    one_error(result, option[0])


def test_a_source_root_inside_the_project_is_normalised(tmp_path: Path) -> None:
    root = tree(os.fsencode(tmp_path / "proj"), {"src/app/__init__.py": "",
                                                  "src/app/a.py": "def f():\n    return 1\n"})
    (root / "seamline.toml").write_text('source-roots = ["./src/../src/"]\n', encoding="utf-8")
    out = tmp_path / "report"
    result = seamline("analyze", root, "--out", out, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output
    document = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert document["project"]["source_roots"] == ["src"]
    assert [m["name"] for m in document["modules"]] == ["app", "app.a"]


# --------------------------------------------------------------------------- the baseline


def recorded_baseline(root: Path) -> dict[str, object]:
    result = seamline("check", root, "--no-cache", "-j", "1", "--update-baseline")
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(
        (root / "seamline-baseline.json").read_text(encoding="utf-8"))
    return document


def test_the_baseline_records_the_projects_contexts_and_packages(agreed_project: Path) -> None:
    document = recorded_baseline(agreed_project)
    assert document["version"] == 2
    assert document["project"] == {"contexts": ["app"], "packages": ["pkg"]}
    result = seamline("check", agreed_project, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output


def test_another_projects_baseline_is_refused_or_used_with_force(agreed_project: Path,
                                                                 tmp_path: Path) -> None:
    other = tree(os.fsencode(tmp_path / "other"), {"lib/__init__.py": "",
                                                   "lib/core.py": "def g():\n    return 1\n"})
    (other / "seamline-decomposition.toml").write_text(
        _DECOMPOSITION.replace("contexts.app", "contexts.core").replace('"pkg", "pkg.*"',
                                                                        '"lib", "lib.*"'),
        encoding="utf-8")
    recorded_baseline(other)
    foreign = other / "seamline-baseline.json"
    args = ("check", agreed_project, "--no-cache", "-j", "1", "--baseline", foreign)
    message = one_error(seamline(*args), str(foreign), "another decomposition",
                        "contexts only in the baseline: core", "packages only in",
                        "--update-baseline", "--force")
    assert "contexts only in" in message
    forced = seamline(*args, "--force")
    assert forced.exit_code == 0, forced.output
    assert f"seamline: warning: {foreign}: it was recorded for another decomposition" \
        in forced.output


def test_a_baseline_of_seamline_0_1_has_no_identity_and_needs_recording_again(
        agreed_project: Path) -> None:
    document = recorded_baseline(agreed_project)
    del document["project"]
    document["version"] = 1
    path = agreed_project / "seamline-baseline.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    one_error(seamline("check", agreed_project, "--no-cache", "-j", "1"), str(path),
              "seamline 0.1", "--update-baseline")
    assert seamline("check", agreed_project, "--no-cache", "-j", "1", "--force").exit_code == 0


@pytest.mark.parametrize(("edit", "said"), [
    ('"coupling": NaN', "NaN is not a number JSON allows"),
    ('"coupling": Infinity', "Infinity is not a number JSON allows"),
    ('"coupling": 1e999', "coupling must be a share from 0 to 1, not inf"),
    ('"coupling": -5', "coupling must be a share from 0 to 1, not -5"),
    ('"coupling": 2', "coupling must be a share from 0 to 1, not 2"),
    ('"coupling": "0.1"', "coupling must be a share from 0 to 1, not '0.1'"),
    ('"coupling": true', "coupling must be a share from 0 to 1, not True"),
    ('"violations": {}', "violations must be a list, not {}"),
    ('"violations": [[]]', "violations[0] must be an object with code, subject and message"),
    ('"violations": [{"code": "SL401"}]', "violations[0] has no 'subject'"),
    ('"violations": [{"code": "SL401", "subject": 5}]', "violations[0].subject must be a string"),
    ('"project": []', "project must be an object with contexts and packages"),
    ('"project": {"contexts": "app", "packages": []}', "project.contexts must be a list"),
    ('"version": 3', "version must be 1 or 2, not 3"),
    ('"violations": ' + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('"coupling": ' + "1" * 5000, "an integer too long"),
])
def test_a_broken_baseline_is_one_message_naming_the_key(agreed_project: Path, edit: str,
                                                         said: str) -> None:
    document = recorded_baseline(agreed_project)
    key = edit.partition(":")[0].strip('"')
    document[key] = "@@"
    path = agreed_project / "seamline-baseline.json"
    path.write_text(json.dumps(document).replace(f'"{key}": "@@"', edit), encoding="utf-8")
    message = one_error(seamline("check", agreed_project, "--no-cache", "-j", "1"),
                        str(path), said)
    assert "object has no attribute" not in message and len(message) < 400


@pytest.mark.parametrize("content", [b"[]", b"null", b"\xff\xfe{}", b"{", b"", b'"text"'])
def test_a_baseline_that_is_no_baseline_is_one_message(agreed_project: Path,
                                                       content: bytes) -> None:
    path = agreed_project / "seamline-baseline.json"
    path.write_bytes(content)
    one_error(seamline("check", agreed_project, "--no-cache", "-j", "1"), str(path),
              "not a seamline baseline")


def test_a_named_baseline_must_exist_unless_it_is_being_recorded(agreed_project: Path,
                                                                 tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    one_error(seamline("check", agreed_project, "--no-cache", "-j", "1", "--baseline", missing),
              "baseline not found", str(missing))
    result = seamline("check", agreed_project, "--no-cache", "-j", "1")
    assert result.exit_code == 0, result.output  # the default baseline may be absent
    result = seamline("check", agreed_project, "--no-cache", "-j", "1", "--baseline", missing,
                      "--update-baseline")
    assert result.exit_code == 0 and missing.is_file(), result.output


# --------------------------------------------------------------------------- terminal controls

_CONTROLS = ("\x1b", "\x07", "\r", "\x9b", "\u202e")


def test_names_never_reach_the_terminal_as_control_characters(tmp_path: Path) -> None:
    # an escape sequence that retitles the window in the project's folder's name; a clear
    # screen, a carriage return, an 8-bit CSI and a right-to-left override in a table's name,
    # which a finding quotes
    table = "t\x1b[2J\r\x9bx\u202e"
    spelt = table.encode("unicode_escape").decode("ascii")  # as escapes in the source
    files = {name: text for name, text in two_writers(spelt).items() if isinstance(text, str)}
    root = tree(os.fsencode(tmp_path / "proj\x1b]0;owned\x07"), files)
    agreed = tmp_path / "agreed.toml"
    shown = ""
    for command in (["analyze", str(root), "--out", str(tmp_path / "out"), "--no-cache"],
                    ["init", str(root), "--no-cache", "--out", str(agreed)],
                    ["check", str(root), "--no-cache", "--decomposition", str(agreed)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code in (0, 1), result.output  # check: the shared table
        shown += result.stdout + result.stderr
    assert "proj\\u001b]0;owned\\u0007" in shown
    assert shown.count("t\\u001b[2J") >= 2 and "\\u009bx\\u202e" in shown  # the findings
    assert not any(control in shown for control in _CONTROLS)
    # the files keep the name; init's comment names the folder escaped, and check reads it
    document = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert table in {t["name"] for t in document["data"]["tables"]}
    assert agreed.read_text(encoding="utf-8").startswith(
        "# The agreed decomposition of proj\\u001b]0;owned\\u0007: ")


def test_a_project_name_cannot_write_settings_into_the_files_seamline_writes(
        tmp_path: Path) -> None:
    # a line break in the project folder's name would end the comment that names it
    files = {name: text for name, text in two_writers("t").items() if isinstance(text, str)}
    root = tree(os.fsencode(tmp_path / 'shop\n[check]\nreads = "off"\n# '), files)
    agreed = tmp_path / "agreed.toml"
    assert seamline("init", root, "--no-cache", "--out", agreed).exit_code == 0
    lines = agreed.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# The agreed decomposition of shop\\u000a[check]\\u000areads")
    assert lines.count("[check]") == 1 and not any(line.startswith('reads = "off"')
                                                   for line in lines)
    for tool in ("tach", "import-linter"):
        result = seamline("export", root, "--decomposition", agreed, "--to", tool, "--no-cache")
        assert result.exit_code == 0, result.output
        assert "shop\\u000a[check]\\u000a" in result.stdout
        assert not any(line.startswith("reads") for line in result.stdout.splitlines())
