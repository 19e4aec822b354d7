"""Rule packs: which calls read, write or take SQL, declared as data.

One TOML file per framework ships in ``rules/data/``; a project adds its own with
``rule-packs = ["path/to/pack.toml"]`` in its seamline configuration. Every key is checked
against ``_SCHEMA``: an unknown key or a wrong type is a ``ConfigError`` naming the file and the
key. See ``docs/rule-packs.md`` for the format.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.resources import rules_dir
from analyzer.tomlfile import read_toml

FRAMEWORKS = ("django", "sqlalchemy")
LOADER_KINDS = ("model", "class", "classes", "user-model")


@dataclass(frozen=True, slots=True)
class SqlCall:
    """A call whose argument is SQL text: ``method`` of any object, or ``function`` by its
    qualified name."""

    method: str | None
    function: str | None
    argument: int
    keyword: str | None


@dataclass(frozen=True, slots=True)
class Loader:
    """A function that loads a model or class from strings (``get_model("shop", "Order")``)."""

    function: str
    kind: str  # one of LOADER_KINDS
    module_prefixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueryFunction:
    """A helper that returns a query over the model it is given: ``model_query(ctx, Order)``."""

    function: str
    argument: int
    keyword: str | None


@dataclass(frozen=True, slots=True)
class Repository:
    """A base class whose subclasses name their model or table in a class attribute and read
    or write it through inherited methods."""

    base: str
    model_attribute: str | None
    table_attribute: str | None
    read: frozenset[str]
    write: frozenset[str]


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    via: str
    source: str  # where the pack came from, for messages
    framework: str | None = None
    model_bases: frozenset[str] = frozenset()
    base_factories: frozenset[str] = frozenset()
    # base factories whose models get a table named after the class when they declare columns
    # (Flask-SQLAlchemy's snake_case names)
    named_factories: frozenset[str] = frozenset()
    table_functions: frozenset[str] = frozenset()
    # class attributes that give a class a table (``__tablename__``): a class whose base no pack
    # knows is this pack's model when its body sets one
    table_attributes: frozenset[str] = frozenset()
    relation_fields: Mapping[str, str] = field(default_factory=dict)
    known_tables: Mapping[str, str] = field(default_factory=dict)  # outside model -> table
    # tables a framework's own tool keeps (a migration tool's version table): no application
    # data, so no context owns them and no access to them counts (``fnmatch`` patterns)
    bookkeeping_tables: tuple[str, ...] = ()
    # outside base class -> many-to-many fields its concrete subclasses get tables for
    inherited_many_to_many: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    managers: frozenset[str] = frozenset()
    read: frozenset[str] = frozenset()
    write: frozenset[str] = frozenset()
    one: frozenset[str] = frozenset()
    pair: frozenset[str] = frozenset()
    instances: frozenset[str] = frozenset()  # methods that return the instances, not a query
    joins: frozenset[str] = frozenset()
    instance_write: frozenset[str] = frozenset()
    table_read: frozenset[str] = frozenset()  # methods of a table object that read it
    table_write: frozenset[str] = frozenset()  # (``users.select()``, ``users.insert()``)
    attribute_write: bool = False
    user_chains: frozenset[str] = frozenset()  # "request.user": an instance of the user model
    read_functions: frozenset[str] = frozenset()
    write_functions: frozenset[str] = frozenset()
    sql_calls: tuple[SqlCall, ...] = ()
    loaders: tuple[Loader, ...] = ()
    repositories: tuple[Repository, ...] = ()
    query_functions: tuple[QueryFunction, ...] = ()

    def words(self) -> set[str]:
        """Method and function names the extractor must keep calls of."""
        found = set(self.managers | self.read | self.write | self.one | self.pair | self.joins
                    | self.instance_write | self.table_read | self.table_write)
        for names in (self.model_bases, self.base_factories, self.table_functions,
                      self.read_functions, self.write_functions):
            found.update(name.rsplit(".", 1)[-1] for name in names)
        found.update(self.relation_fields)
        found.update(self.user_chains)
        found.update(name.rsplit(".", 1)[-1] for name in self.known_tables)
        for call in self.sql_calls:
            found.add(call.method or (call.function or "").rsplit(".", 1)[-1])
        found.update(loader.function.rsplit(".", 1)[-1] for loader in self.loaders)
        for repository in self.repositories:  # "!": a call of it matters on any object
            found.update("!" + word for word in repository.read | repository.write)
        found.update(q.function.rsplit(".", 1)[-1] for q in self.query_functions)
        return found


_STRINGS = (list, "a list of strings")
# section -> key -> (type, description); "[[x]]" sections are lists of tables.
_SCHEMA: dict[str, dict[str, tuple[type, str]]] = {
    "pack": {"name": (str, "a string"), "via": (str, "a string"),
             "description": (str, "a string"), "framework": (str, "django or sqlalchemy")},
    "models": {"bases": _STRINGS, "base-factories": _STRINGS, "table-functions": _STRINGS,
               "table-attributes": _STRINGS, "named-factories": _STRINGS,
               "relation-fields": (dict, "a table of field class name = link kind"),
               "known-tables": (dict, "a table of qualified model name = table name"),
               "bookkeeping-tables": _STRINGS,
               "inherited-many-to-many": (
                   dict, "a table of qualified class name = list of field names")},
    "queries": {"managers": _STRINGS, "read": _STRINGS, "write": _STRINGS, "one": _STRINGS,
                "pair": _STRINGS, "instances": _STRINGS, "joins": _STRINGS,
                "instance-write": _STRINGS, "table-read": _STRINGS, "table-write": _STRINGS,
                "attribute-write": (bool, "true or false"), "read-functions": _STRINGS,
                "user-chains": _STRINGS,
                "write-functions": _STRINGS},
    "[[sql-calls]]": {"method": (str, "a method name"), "function": (str, "a qualified name"),
                      "argument": (int, "an argument position"),
                      "keyword": (str, "a keyword name")},
    "[[loaders]]": {"function": (str, "a qualified name"),
                    "kind": (str, " or ".join(LOADER_KINDS)),
                    "module-prefixes": _STRINGS},
    "[[query-functions]]": {"function": (str, "a qualified name"),
                            "argument": (int, "the position of the model argument"),
                            "keyword": (str, "the keyword of the model argument")},
    "[[repositories]]": {"base": (str, "a qualified class name"),
                         "model-attribute": (str, "a class attribute name"),
                         "table-attribute": (str, "a class attribute name"),
                         "read": _STRINGS, "write": _STRINGS},
}


def _fail(source: str, key: str, message: str) -> ConfigError:
    return ConfigError(f"{key}: {message}", source=source)


def _check_table(source: str, section: str, data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _fail(source, where, "must be a table")
    schema = _SCHEMA[section]
    for key, value in data.items():
        if key not in schema:
            close = difflib.get_close_matches(key, schema, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _fail(source, f"{where}.{key}", f"unknown key{hint}")
        kind, description = schema[key]
        if not _fits(value, kind, lists_in_tables="list" in description):
            raise _fail(source, f"{where}.{key}", f"must be {description}")
    return data


def _fits(value: Any, kind: type, lists_in_tables: bool) -> bool:
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        return False
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    if isinstance(value, dict):
        return all(isinstance(item, str) or (
            lists_in_tables and isinstance(item, list) and all(isinstance(x, str) for x in item))
            for item in value.values())
    return True


def _names(table: Mapping[str, Any], key: str) -> frozenset[str]:
    return frozenset(table.get(key, ()))


def parse_pack(data: Mapping[str, Any], source: str) -> Pack:
    """Build a ``Pack`` from parsed TOML, checking every key."""
    for key in data:
        if key not in {s.strip("[]") for s in _SCHEMA}:
            close = difflib.get_close_matches(key, [s.strip("[]") for s in _SCHEMA], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _fail(source, key, f"unknown section{hint}")
    head = _check_table(source, "pack", data.get("pack"), "pack")
    if "name" not in head:
        raise _fail(source, "pack.name", "missing: every pack has a name")
    framework = head.get("framework")
    if framework is not None and framework not in FRAMEWORKS:
        raise _fail(source, "pack.framework", f"must be one of {', '.join(FRAMEWORKS)}")
    models = _check_table(source, "models", data.get("models", {}), "models")
    queries = _check_table(source, "queries", data.get("queries", {}), "queries")
    return Pack(
        name=head["name"], via=head.get("via", head["name"]), source=source,
        framework=framework,
        model_bases=_names(models, "bases"), base_factories=_names(models, "base-factories"),
        table_functions=_names(models, "table-functions"),
        table_attributes=_names(models, "table-attributes"),
        named_factories=_names(models, "named-factories"),
        relation_fields=dict(models.get("relation-fields", {})),
        known_tables=dict(models.get("known-tables", {})),
        bookkeeping_tables=tuple(models.get("bookkeeping-tables", ())),
        inherited_many_to_many={k: tuple(v) for k, v in
                                models.get("inherited-many-to-many", {}).items()},
        managers=_names(queries, "managers"), read=_names(queries, "read"),
        write=_names(queries, "write"), one=_names(queries, "one"),
        pair=_names(queries, "pair"), instances=_names(queries, "instances"),
        joins=_names(queries, "joins"),
        instance_write=_names(queries, "instance-write"),
        table_read=_names(queries, "table-read"), table_write=_names(queries, "table-write"),
        attribute_write=bool(queries.get("attribute-write", False)),
        user_chains=_names(queries, "user-chains"),
        read_functions=_names(queries, "read-functions"),
        write_functions=_names(queries, "write-functions"),
        sql_calls=tuple(_sql_call(source, i, item)
                        for i, item in enumerate(_array(source, data, "sql-calls"))),
        loaders=tuple(_loader(source, i, item)
                      for i, item in enumerate(_array(source, data, "loaders"))),
        repositories=tuple(_repository(source, i, item)
                           for i, item in enumerate(_array(source, data, "repositories"))),
        query_functions=tuple(_query_function(source, i, item) for i, item in
                              enumerate(_array(source, data, "query-functions"))),
    )


def _array(source: str, data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _fail(source, key, f"must be an array of tables ([[{key}]])")
    return value


def _sql_call(source: str, index: int, item: Any) -> SqlCall:
    where = f"sql-calls[{index}]"
    table = _check_table(source, "[[sql-calls]]", item, where)
    if ("method" in table) == ("function" in table):
        raise _fail(source, where, "give exactly one of 'method' or 'function'")
    argument = table.get("argument", 0)
    if argument < 0:
        raise _fail(source, f"{where}.argument", "must be 0 or more")
    return SqlCall(table.get("method"), table.get("function"), argument, table.get("keyword"))


def _query_function(source: str, index: int, item: Any) -> QueryFunction:
    where = f"query-functions[{index}]"
    table = _check_table(source, "[[query-functions]]", item, where)
    if "function" not in table:
        raise _fail(source, f"{where}.function", "missing")
    return QueryFunction(table["function"], table.get("argument", 0), table.get("keyword"))


def _loader(source: str, index: int, item: Any) -> Loader:
    where = f"loaders[{index}]"
    table = _check_table(source, "[[loaders]]", item, where)
    for key in ("function", "kind"):
        if key not in table:
            raise _fail(source, f"{where}.{key}", "missing")
    if table["kind"] not in LOADER_KINDS:
        raise _fail(source, f"{where}.kind", f"must be one of {', '.join(LOADER_KINDS)}")
    return Loader(table["function"], table["kind"], tuple(table.get("module-prefixes", [""])))


def _repository(source: str, index: int, item: Any) -> Repository:
    where = f"repositories[{index}]"
    table = _check_table(source, "[[repositories]]", item, where)
    if "base" not in table:
        raise _fail(source, f"{where}.base", "missing")
    if ("model-attribute" in table) == ("table-attribute" in table):
        raise _fail(source, where, "give exactly one of 'model-attribute' or 'table-attribute'")
    return Repository(table["base"], table.get("model-attribute"), table.get("table-attribute"),
                      _names(table, "read"), _names(table, "write"))


def load_pack(path: Path) -> Pack:
    return parse_pack(read_toml(path, "rule pack"), str(path))


def bundled_packs() -> tuple[Pack, ...]:
    return tuple(load_pack(path) for path in sorted((rules_dir() / "data").glob("*.toml")))


def vocabulary(packs: Iterable[Pack]) -> frozenset[str]:
    words: set[str] = set()
    for pack in packs:
        words |= pack.words()
    words.discard("")
    return frozenset(words)
