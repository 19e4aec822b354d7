"""What the rules produce: findings with their evidence, and who owns each table; and the
helpers their messages share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analyzer.quickinit import quick_init


@quick_init
@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    path: str
    line: int
    what: str

    def render(self) -> str:
        return f"{self.path}:{self.line} ({self.what})"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. ``subject`` names what it is about (a table, a module, a pair of
    contexts) and with the code identifies the finding across runs."""

    code: str
    name: str
    severity: str
    message: str
    contexts: tuple[str, ...]
    tables: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    remediation: str
    subject: str

    @property
    def location(self) -> tuple[str, int]:
        return (self.evidence[0].path, self.evidence[0].line) if self.evidence else ("", 0)


def finding(message: str, subject: str, contexts: tuple[str, ...], evidence: list[Evidence],
            remediation: str, tables: tuple[str, ...] = ()) -> Finding:
    """A finding whose code, name and severity ``find`` fills in."""
    return Finding("", "", "", message, contexts, tables, tuple(sorted(set(evidence))),
                   remediation, subject)


@dataclass(frozen=True, slots=True)
class Toucher:
    """A context that uses a table, and how."""

    context: str
    writes: int
    reads: int
    declares: int


@dataclass(frozen=True, slots=True)
class Ownership:
    table: str
    owner: str | None  # None: no context touches it
    reason: str  # writes most | reads most | declares it | untouched
    touchers: tuple[Toucher, ...]  # the owner first, then by name
    evidence: tuple[Evidence, ...]  # the owner's own sites


def short(element: str) -> str:
    """``shop.orders.service:place_order`` -> ``orders.service:place_order``: the top-level
    package left out, for messages (``orders.services`` and ``stock.services`` stay apart)."""
    module, _, name = element.partition(":")
    tail = module.partition(".")[2] or module
    return f"{tail}:{name}" if name else tail


def possessive(context: str) -> str:
    """``orders'``, ``stock's``: for messages."""
    return f"{context}'" if context.endswith("s") else f"{context}'s"


def listed(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: for messages."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
