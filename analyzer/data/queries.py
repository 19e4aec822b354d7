"""Calls on the values the rule packs know: managers, querysets and queries, related managers,
sessions, ``Table`` objects and repositories; what each reads or writes, by the packs' verbs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from analyzer.data.accesses import Recorder
from analyzer.data.models import ModelInfo
from analyzer.data.values import UNKNOWN, Val, confidence_of, flatten, instance
from analyzer.model import AccessMode
from analyzer.packs import Loader, Pack, QueryFunction, Repository, SqlCall


@dataclass(slots=True)
class Rules:
    """The rule packs, indexed for lookups."""

    sql_methods: dict[str, SqlCall] = field(default_factory=dict)
    sql_functions: dict[str, SqlCall] = field(default_factory=dict)
    loaders: dict[str, tuple[Loader, Pack]] = field(default_factory=dict)
    read_functions: dict[str, Pack] = field(default_factory=dict)
    write_functions: dict[str, Pack] = field(default_factory=dict)
    known_tables: dict[str, tuple[str, Pack]] = field(default_factory=dict)
    frameworks: list[Pack] = field(default_factory=list)
    repositories: list[tuple[Repository, Pack]] = field(default_factory=list)
    query_functions: dict[str, tuple[QueryFunction, Pack]] = field(default_factory=dict)
    user_chains: list[tuple[str, ...]] = field(default_factory=list)  # ("request", "user")

    @classmethod
    def of(cls, packs: Sequence[Pack]) -> Rules:
        rules = cls()
        for pack in packs:
            for call in pack.sql_calls:
                if call.method:
                    rules.sql_methods.setdefault(call.method, call)
                if call.function:
                    rules.sql_functions.setdefault(call.function, call)
            for loader in pack.loaders:
                rules.loaders.setdefault(loader.function, (loader, pack))
            for name in pack.read_functions:
                rules.read_functions.setdefault(name, pack)
            for name in pack.write_functions:
                rules.write_functions.setdefault(name, pack)
            for name, table in pack.known_tables.items():
                rules.known_tables.setdefault(name, (table, pack))
            if pack.framework:
                rules.frameworks.append(pack)
            rules.user_chains.extend(tuple(c.split(".")) for c in sorted(pack.user_chains))
            rules.repositories.extend((r, pack) for r in pack.repositories)
            for helper in pack.query_functions:
                rules.query_functions.setdefault(helper.function, (helper, pack))
        return rules


class Queries:
    """The calls of one atom's reader on known values, its accesses into ``out``."""

    def __init__(self, rules: Rules, models: dict[str, ModelInfo], out: Recorder) -> None:
        self.rules = rules
        self.models = models
        self.out = out

    def method(self, receiver: Val, method: str, args: list[Val],
                keywords: dict[str, Val]) -> Val:
        call = self.rules.sql_methods.get(method)
        if call is not None:
            if self.out.sql_argument(call, args, keywords):
                return UNKNOWN
            statement = args[call.argument] if call.argument < len(args) else UNKNOWN
            if statement.kind == "query":  # session.execute(select(Order)): its rows
                return statement
        kind = receiver.kind
        pack = receiver.pack
        if kind in ("manager", "query", "related") and pack is not None:
            return self.query(receiver, method, args, pack)
        if kind == "instance" and pack is not None:
            if method in pack.instance_write:
                self.out.record(receiver.writes, AccessMode.WRITE, pack.via,
                                confidence_of(receiver))
            return UNKNOWN
        if kind == "instances" and pack is not None:
            return instance(receiver, True) if method in pack.one else receiver
        if kind == "table" and pack is not None:
            if method in pack.table_write:
                self.out.record(receiver.writes, AccessMode.WRITE, pack.via)
                return replace(receiver, kind="query")
            if method in pack.table_read:
                self.out.record(receiver.tables, AccessMode.READ, pack.via)
                return replace(receiver, kind="query")
            return UNKNOWN
        if kind == "repo" and receiver.repository is not None:
            return self._repository_call(receiver, method)
        if kind in ("unknown", "external"):
            return self._session(method, args)
        return UNKNOWN

    def query(self, receiver: Val, method: str, args: list[Val], pack: Pack) -> Val:
        """A method of a manager, a queryset or query, or a related manager."""
        through = receiver.items[0].tables if receiver.items else ()
        if method in pack.joins:
            self._joins(receiver, args, pack)
            return replace(receiver, kind="query")
        if method in pack.write:
            if receiver.kind == "related" and method != "create" and through:
                self.out.record(through, AccessMode.WRITE, pack.via)
            else:
                self.out.record(receiver.writes, AccessMode.WRITE, pack.via)
                if receiver.kind == "related" and through:
                    self.out.record(through, AccessMode.WRITE, pack.via)
        elif receiver.kind != "query":  # a query built earlier was counted where it started
            self.out.record(receiver.tables, AccessMode.READ, pack.via, confidence_of(receiver))
        if method in pack.one:
            return instance(receiver, True)
        if method in pack.pair:
            return replace(receiver, kind="pair", items=())
        if method in pack.instances:
            return replace(receiver, kind="instances")
        return replace(receiver, kind="query")

    def _joins(self, receiver: Val, args: list[Val], pack: Pack) -> None:
        models = self.models
        for arg in args:
            if arg.kind == "string" and arg.text and receiver.model:
                info = models.get(receiver.model)
                for step in arg.text.split("__"):
                    if info is None:
                        break
                    relation = info.relations.get(step) or info.reverse.get(step)
                    if relation is None or relation.target not in models:
                        break
                    info = models[relation.target]
                    if info.table:
                        self.out.record((info.table,), AccessMode.READ, pack.via, lookup=True)
            elif arg.kind in ("model", "relation"):
                self.out.record(arg.tables, AccessMode.READ, pack.via, lookup=True)
                if arg.items:
                    self.out.record(arg.items[0].tables, AccessMode.READ, pack.via, lookup=True)

    def _session(self, method: str, args: list[Val]) -> Val:
        """A call on an object seamline cannot type (a session, ``db.session``): it matters
        only when it is given models or instances a framework pack knows."""
        for pack in self.rules.frameworks:
            if method in pack.read and method not in pack.write:
                models = [a for a in args if a.kind in ("model", "column") and a.pack is pack]
                if models:
                    for model in models:
                        self.out.record(model.tables, AccessMode.READ, pack.via)
                    if method in pack.one:
                        return instance(models[0], True)
                    return replace(models[0], kind="query", persistent=True)
            if method in pack.write:
                instances = [a for a in flatten(args) if a.kind == "instance"
                             and a.pack is pack]
                for value in instances:
                    self.out.record(value.writes, AccessMode.WRITE, pack.via, confidence_of(value))
                if instances:
                    return UNKNOWN
        return UNKNOWN

    def _repository_call(self, receiver: Val, method: str) -> Val:
        repository = receiver.repository
        assert repository is not None and receiver.pack is not None
        if method in repository.write:
            self.out.record(receiver.writes, AccessMode.WRITE, receiver.pack.via)
        elif method in repository.read:
            self.out.record(receiver.tables, AccessMode.READ, receiver.pack.via)
        return UNKNOWN
