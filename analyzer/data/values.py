"""The values the data stage's interpreter gives expressions: a model class, an instance of
a model, a queryset or query, a related manager, a ``Table``, a string...; nothing is run, and
a value it cannot know is ``UNKNOWN``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from analyzer.data.models import ModelInfo
from analyzer.model import Confidence
from analyzer.packs import Pack, Repository
from analyzer.quickinit import quick_init


@quick_init
@dataclass(frozen=True, slots=True, eq=False)
class Val:
    kind: str  # model | instance | instances | pair | manager | query | related | relation
    #            table | string | sql | external | repo | list | class | unknown
    model: str | None = None  # model atom, when the model is internal
    tables: tuple[str, ...] = ()  # what reading it reads
    writes: tuple[str, ...] = ()  # what saving or writing it writes
    pack: Pack | None = None
    text: str | None = None  # a string's text, an external name
    literal: bool = False  # a string written right here (not reached through a name)
    persistent: bool = False  # an instance loaded from the database
    items: tuple[Val, ...] = ()
    line: int = 0  # where a string was written, for loose SQL
    repository: Repository | None = None
    guessed: bool = False  # typed from a parameter's name alone: accesses at medium confidence


UNKNOWN = Val("unknown")


def model_value(info: ModelInfo) -> Val:
    tables = (info.table,) if info.table else ()
    return Val("model", model=info.atom, tables=tables, writes=info.write_tables or tables,
               pack=info.pack)


def instance(model: Val, persistent: bool) -> Val:
    return replace(model, kind="instance", persistent=persistent, items=())


def repository_instance(found: tuple[Repository, Pack, Val]) -> Val:
    """An instance of a subclass of a pack's repository base, over the tables it works on."""
    repository, pack, target = found
    return Val("repo", tables=target.tables, writes=target.writes or target.tables,
               pack=pack, repository=repository)


def confidence_of(value: Val) -> Confidence:
    return Confidence.MEDIUM if value.guessed else Confidence.HIGH


def flatten(values: Iterable[Val]) -> list[Val]:
    flat: list[Val] = []
    for value in values:
        flat.extend(value.items if value.kind == "list" else (value,))
    return flat

