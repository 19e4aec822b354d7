"""What the install and CI documentation tells a user to run can be run as written: no step
installs seamline from PyPI (it is not there), no placeholder is left to guess, and every YAML
example parses. The steps themselves run in test_packaging.py and test_pre_commit.py."""

from __future__ import annotations

import re

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]

from tests.conftest import REPO

DOCS = ("README.md", "docs/check.md", ".pre-commit-hooks.yaml")


@pytest.mark.parametrize("name", DOCS)
def test_no_step_installs_seamline_from_pypi_or_names_a_guessed_owner(name: str) -> None:
    text = (REPO / name).read_text(encoding="utf-8")
    assert "OWNER" not in text
    # A command, in a code block or a YAML step; prose may say that it does not work.
    steps = [line for line in text.splitlines()
             if re.search(r"pip install (--\S+ )*seamline\b(?!-)", line)
             and "does not work" not in line]
    assert not steps, steps


def test_the_yaml_examples_in_the_check_guide_parse() -> None:
    text = (REPO / "docs" / "check.md").read_text(encoding="utf-8")
    blocks: list[str] = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 6
    for block in blocks:
        assert yaml.safe_load(block) is not None, block


def test_the_hook_manifest_parses_with_the_hook_pre_commit_reads() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "seamline-check"
    assert hook["entry"] == "seamline check"
