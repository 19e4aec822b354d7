"""The report's copy of ``docs/clustering.md``: its sections as a page (``method.html``) and its
Metrics table as what each metric card says.

The guide is the one source of what a metric means and which way is better: the cards read it
from the table, so the report and the documentation cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.resources import docs_path

GUIDE = "clustering.md"
PAGE = "method.html"
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Section:
    anchor: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Metric:
    key: str  # in contexts.metrics
    name: str  # as the guide's table names it
    meaning: str
    better: str  # "higher" or "lower"


# contexts.metrics key -> the name in the guide's Metrics table
METRIC_NAMES = (("modularity", "modularity"), ("sm", "SM"), ("icp", "ICP"), ("ifn", "IFN"),
                ("ned", "NED"), ("bcp", "BCP"), ("cross_context_ratio", "cross-context ratio"),
                ("data_purity", "data purity"),
                ("tables_written_by_several", "tables written by several"))


def anchor(title: str) -> str:
    """GitHub's anchor for a heading: lower case, spaces to hyphens, punctuation dropped."""
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def read_guide() -> str:
    try:
        return docs_path(GUIDE).read_text(encoding="utf-8")
    except OSError:
        return ""


def sections(text: str) -> list[Section]:
    """The guide cut at its ``##`` headings (the part before the first is the introduction)."""
    marks = list(_HEADING.finditer(text))
    found = [Section("introduction", "Introduction",
                     text[:marks[0].start() if marks else len(text)].strip())]
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        found.append(Section(anchor(mark.group(1)), mark.group(1).strip(),
                             text[mark.end():end].strip()))
    return [s for s in found if s.text]


def metrics(text: str) -> list[Metric]:
    """Each metric of ``METRIC_NAMES`` with its row of the guide's Metrics table; a metric the
    table does not name says so rather than inventing a meaning."""
    rows: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) == 3 and cells[2] in ("higher", "lower"):
            rows[cells[0]] = (cells[1].replace("`", ""), cells[2])
    found: list[Metric] = []
    for key, name in METRIC_NAMES:
        meaning, better = rows.get(name, ("not described in docs/clustering.md", ""))
        found.append(Metric(key, name, meaning, better))
    return found
