"""What a rule is: a class with a stable code and a kebab-case name, a default severity,
typed options and a documentation page (all but the code and name read from the catalogue,
``rules/findings.toml``, the one place that says them), and a ``check(project, partition)``
method that returns its findings.

A rule is made with the options a run chose (``Rule(options)``; the catalogue's defaults fill
in the rest) and reports findings without code, name or severity: ``findings.judge`` fills
those in. One module per rule family holds the rules (``findings/rules/``), and one table,
``findings.rules.RULES``, maps each code to its rule.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from analyzer import catalogue
from analyzer.findings.facts import Finding
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project


class Rule(ABC):
    code: ClassVar[str]
    name: ClassVar[str]

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options: dict[str, Any] = {o.name: o.default for o in self.catalogued().options}
        self.options.update(options or {})

    @classmethod
    def catalogued(cls) -> catalogue.Rule:
        """The catalogue's entry for this rule."""
        return catalogue.rule(cls.code)

    @classmethod
    def severity(cls) -> str:
        """Its default severity."""
        return cls.catalogued().severity

    @classmethod
    def stage(cls) -> str:
        """``analyze``: it judges a cut; ``check``: drift from the agreed decomposition."""
        return cls.catalogued().stage

    @classmethod
    def doc(cls) -> Path:
        """Its documentation page."""
        return cls.catalogued().doc

    @abstractmethod
    def check(self, project: Project, partition: Partition) -> list[Finding]:
        """The rule's findings on ``project`` cut by ``partition``."""
