"""The words of what seamline prints: ``count`` and ``article`` (analyzer/text.py), and every
command run on every sample with no "1 errors" nor "a AutoActivate" in what it says."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.text import article, count, singular
from tests.conftest import SAMPLES


@pytest.mark.parametrize(("number", "noun", "said"), [
    (1, "error", "1 error"), (2, "error", "2 errors"), (0, "warning", "0 warnings"),
    (1, "class", "1 class"), (2, "class", "2 classes"), (3, "table access", "3 table accesses"),
    (2, "dependency", "2 dependencies"), (2, "day", "2 days"), (2, "box", "2 boxes"),
    (2, "batch", "2 batches"), (2, "analysis", "2 analyses"), (1_234, "file", "1,234 files"),
    (1, "cached file", "1 cached file"), (2, "cached file", "2 cached files"),
])
def test_count_agrees_with_the_number(number: int, noun: str, said: str) -> None:
    assert count(number, noun) == said


def test_count_takes_a_plural_the_rules_miss() -> None:
    assert count(2, "file or folder", "files or folders") == "2 files or folders"
    assert count(1, "file or folder", "files or folders") == "1 file or folder"


@pytest.mark.parametrize(("plural_form", "one"), [
    ("orders", "order"), ("categories", "category"), ("addresses", "address"),
    ("boxes", "box"), ("houses", "house"), ("series", "series"), ("species", "species"),
    ("news", "news"), ("cookies", "cookie"), ("movies", "movie"), ("status", "status"),
    ("alias", "alias"), ("aliases", "alias"), ("canvases", "canvas"), ("ideas", "idea"),
    ("schemas", "schema"), ("phases", "phase"), ("gases", "gas"),
])
def test_singular_names_one_of_a_thing(plural_form: str, one: str) -> None:
    # indico's event series had made a context named "sery", wger's exercise aliases "alia"
    assert singular(plural_form) == one


@pytest.mark.parametrize(("word", "said"), [
    ("AutoActivate", "an AutoActivate"), ("Product", "a Product"), ("Order", "an Order"),
    ("invoice", "an invoice"), ("user", "a user"), ("UserProfile", "a UserProfile"),
    ("unit", "a unit"), ("umbrella", "an umbrella"), ("one-off", "a one-off"),
    ("hour", "an hour"), ("house", "a house"), ("European", "a European"),
])
def test_article_goes_by_the_sound(word: str, said: str) -> None:
    assert article(word) == said


# "1 xs" where x is a plural noun; these singular words end in s all the same
_SINGULAR_IN_S = {"class", "access", "process", "address", "status", "business", "alias",
                  "analysis", "bus", "canvas", "news", "series", "species", "basis", "axis",
                  "bonus", "campus", "census", "focus", "virus", "radius", "thesis",
                  "success", "loss", "pass", "miss", "boss", "gas", "atlas"}
_ONE_PLURAL = re.compile(r"(?<![\d.,])\b1 ([a-z]+s)\b")
# "a " before a vowel; these words start with a vowel letter but not a vowel sound
_AN_A = re.compile(r"\ba ([AEIOUaeiou][\w-]*)")
_CONSONANT_SOUND = re.compile(r"(?i)(?:u[bcdfgklmnprstvz][aeiou]|one\b|once\b|eu)")
# "2 error(s)", "1 match(es)": a count that did not make up its mind (code such as f(s) is fine)
_EITHER = re.compile(r"(?<![\w.,])\d[\d,]* (?:[a-z]+ )?[a-z]+\((?:s|es|ies)\)")


_BLOCK_TAG = re.compile(r"</?(?:td|th|tr|table|li|ul|ol|p|div|h\d|br|dt|dd|dl|summary|details|span"
                        r"|section|header|footer|nav|main|figure|figcaption)\b[^>]*>")


def _bad_grammar(text: str) -> list[str]:
    found = [m.group(0) for m in _ONE_PLURAL.finditer(text)
             if m.group(1) not in _SINGULAR_IN_S]
    found += [m.group(0) for m in _AN_A.finditer(text)
              if not _CONSONANT_SOUND.match(m.group(1))]
    found += _EITHER.findall(text)
    return found


def test_the_grammar_check_itself_finds_what_it_must_and_nothing_else() -> None:
    assert _bad_grammar("1 errors, 2 warnings; create a AutoActivate; 1 writes") == [
        "1 errors", "1 writes", "a AutoActivate"]
    assert _bad_grammar("0 error(s), 2 match(es), 1,200 table access(es); f(s) calls g(es)") == [
        "0 error(s)", "2 match(es)", "1,200 table access(es)"]
    assert _bad_grammar("1 error, 11 errors, 2,001 files, 0.1 s, 1 class, 1 access, a user, "
                        "a unique name, a one-off, a Product, an Order, a_b") == []


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{args}: {result.exception!r}"
    return result.exit_code, result.output  # stdout and stderr, as they came


@pytest.mark.parametrize("name", ["tradepost", "shopfront", "atelier", "djshop"])
def test_every_command_speaks_plain_english_on_every_sample(name: str, tmp_path: Path) -> None:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root)
    said: list[str] = []
    for args, allowed in (
            (["analyze", str(root), "--no-cache", "--out", str(tmp_path / "out")], {0}),
            (["init", str(root), "--no-cache", "--force"], {0}),
            (["check", str(root), "--no-cache"], {0, 1}),
            (["check", str(root), "--no-cache", "--update-baseline"], {0}),
            (["check", str(root), "--no-cache"], {0, 1}),
            (["contracts", str(root), "--no-cache", "--out", str(tmp_path / "contracts")], {0}),
            (["contracts", str(root), "--no-cache", "--proposed",
              "--out", str(tmp_path / "proposed")], {0})):
        code, output = _run(*args)
        assert code in allowed, f"{args[0]} exited {code}:\n{output}"
        said.append(output)
    text = "\n".join(said)
    assert "wrote" in text and "check:" in text  # the commands did speak
    assert _bad_grammar(text) == []
    # method.html quotes docs/clustering.md verbatim: prose of the guide, not a message
    pages = sorted(p for p in (tmp_path / "out").glob("*.html") if p.name != "method.html")
    assert len(pages) > 5
    for page in pages:  # the report says it in the same words, once the markup is gone
        source = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"),
                        flags=re.S)
        cells = re.sub(_BLOCK_TAG, " | ", source)  # a cell, a card's caption: no sentence
        words = re.sub(r"<[^>]+>", " ", cells)
        assert _bad_grammar(html.unescape(re.sub(r"\s+", " ", words))) == [], page.name


@pytest.mark.skipif(shutil.which("git") is None, reason="git is part of the CI machine")
def test_the_co_change_note_counts_one_commit_as_one(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    for number in range(31):  # one commit of more than 30 files: a bulk commit
        (root / "app" / f"m{number}.py").write_text(f"X = {number}\n")
    for args in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t",
                                                 "commit", "-qm", "all at once"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    code, output = _run("analyze", str(root), "--no-cache", "--out", str(tmp_path / "out"), "-q")
    assert code == 0, output
    document = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    notes = json.dumps(document)
    assert "git co-change: 1 commit read, 1 bulk commit ignored" in notes
