"""Which code a span ran, by OpenTelemetry's semantic conventions, in this order:

1. ``code.function.name`` (qualified), or ``code.function`` with ``code.namespace``: the
   definition of that dotted name (a method's class, a loader-bound name's definition); a
   bare name, after 2., when one definition of the project has it;
2. ``code.file.path`` / ``code.filepath`` with ``code.line.number`` / ``code.lineno``: the
   definition that spans that line of the module whose path ends like that one;
3. ``celery.task_name``, or a span named ``run/NAME`` or ``apply_async/NAME`` (the Celery
   instrumentation's): the task of that name (its dotted path, or ``name=`` in its decorator);
4. ``http.route``: the route entry point whose path, read from its decorator under its
   blueprint's ``url_prefix`` or router's ``prefix``, is that route (else whose path ends it,
   the module named like the route's first segment first), with the request's method;
5. database spans: ``db.sql.table`` / ``db.collection.name`` with ``db.operation(.name)``, or
   ``db.statement`` / ``db.query.text`` read by seamline's SQL reader: tables, read or written;
   only the code's tables (the database's catalog and tables seen only in traces are left
   out, and counted).

Anything else maps to nothing, and is counted by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from analyzer.data import is_catalog_table
from analyzer.data.sql import read_sql
from analyzer.graph.entrypoints import EntryPoint
from analyzer.model import CodeModel, Definition, Module
from analyzer.traces.aggregate import Mapped
from analyzer.traces.formats import Span, printable

_ROUTE = re.compile(r"""@[\w.]*?\b(?P<verb>route|get|post|put|patch|delete|api_route)\(\s*"""
                    r"""(?:(?:rule|path)\s*=\s*)?[rbuf]?(?P<q>["'])(?P<path>.*?)(?P=q)"""
                    r"""(?P<rest>[^\n]*)""")
_METHODS = re.compile(r"""methods\s*=\s*[\[(]([^\])]*)""")
_PREFIX = re.compile(r"""\b(?:Blueprint|APIRouter)\((?:[^()]|\([^()]*\))*?\b(?:url_prefix|prefix)"""
                     r"""\s*=\s*[rbuf]?(["'])(.*?)\1""")
_TASK_NAME = re.compile(r"""\bname\s*=\s*[rbuf]?(["'])(.+?)\1""")
_CELERY_SPAN = re.compile(r"^(?:run|apply_async)/(.+)$")
_WRITES = frozenset({"insert", "update", "delete", "upsert", "replace", "merge", "truncate",
                     "create", "drop", "alter", "insert_one", "insert_many", "update_one",
                     "update_many", "delete_one", "delete_many", "replace_one",
                     "find_one_and_update", "find_one_and_delete", "bulk_write"})
_ANY = "*"


def _line_number(text: str) -> int:
    """``code.lineno`` as a number, 0 when it is none: ASCII digits only ("²" and "٣" are
    digits to ``str.isdigit`` and not to ``int``), and no more than a line number needs."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 9 else 0


@dataclass(frozen=True, slots=True)
class _Route:
    path: str
    methods: frozenset[str]
    atom: str
    module: str


def _decorators(module: Module, definition: Definition, lines: Sequence[str]) -> str:
    """The source above ``def`` back to the definition before: its decorators, whole (the code
    model keeps a decorator's callee only)."""
    above = max((d.end_line for d in module.definitions if d.end_line < definition.line),
                default=0)
    return "\n".join(lines[above:definition.line])


def _routes(entries: Iterable[EntryPoint], code: CodeModel,
            read: Callable[[str], str]) -> list[_Route]:
    """Each route entry point's path and methods, read from its decorators in the source,
    under its blueprint's or router's prefix."""
    modules = {m.name: m for m in code.modules}
    found = []
    for entry in entries:
        module_name, _, name = entry.atom.partition(":")
        module = modules.get(module_name)
        if entry.kind != "route" or module is None:
            continue
        definition = next((d for d in module.definitions if d.name == name), None)
        if definition is None:
            continue
        source = read(module.path)
        prefixes = {match.group(2) for match in _PREFIX.finditer(source)}
        prefix = prefixes.pop() if len(prefixes) == 1 else ""
        for match in _ROUTE.finditer(_decorators(module, definition, source.splitlines())):
            verb, methods = match["verb"], _METHODS.search(match["rest"])
            if verb not in ("route", "api_route"):
                allowed = frozenset({verb.upper()})
            elif methods is not None:
                allowed = frozenset(w.upper() for w in re.findall(r"\w+", methods.group(1)))
            else:
                allowed = frozenset({"GET", "HEAD", "OPTIONS"} if verb == "route" else {_ANY})
            found.append(_Route(prefix + match["path"], allowed, entry.atom, module_name))
    return found


def _tasks(entries: Iterable[EntryPoint], code: CodeModel,
           read: Callable[[str], str]) -> dict[str, str]:
    """Each task entry point by the names a worker knows it by: its dotted path, and the
    ``name=`` of its decorator."""
    modules = {m.name: m for m in code.modules}
    found: dict[str, str] = {}
    for entry in entries:
        module_name, _, name = entry.atom.partition(":")
        module = modules.get(module_name)
        if entry.kind != "task" or module is None:
            continue
        found[f"{module_name}.{name}"] = entry.atom
        definition = next((d for d in module.definitions if d.name == name), None)
        if definition is not None:
            text = _decorators(module, definition, read(module.path).splitlines())
            for match in _TASK_NAME.finditer(text):
                found.setdefault(match.group(2), entry.atom)
    return found


class Mapper:
    """``mapper(span)``: what the span ran, in this project."""

    def __init__(self, code: CodeModel, entries: Sequence[EntryPoint],
                 element_of: Callable[[str], str], atoms: Collection[str],
                 tables: Iterable[str], read: Callable[[str], str],
                 bookkeeping: Sequence[str] = ()) -> None:
        """``read``: a module's source by its path (for the decorators of routes and tasks;
        '' when it cannot be read); ``bookkeeping``: the patterns of the tables a framework
        keeps for itself (``data.bookkeeping``), left out as the catalog is."""
        self.bookkeeping = tuple(bookkeeping)
        self._modules = {m.name: m for m in code.modules}
        self._by_path = {m.path: m for m in code.modules}
        self._element_of = element_of
        self._atoms = atoms
        self._tables = {t.lower(): t for t in tables
                        if not is_catalog_table(t, self.bookkeeping)}
        self._routes = _routes(entries, code, read)
        # a bare function name (``code.function`` without a namespace) that names one
        # definition of the project: that one
        named: dict[str, set[str]] = {}
        for module in code.modules:
            for definition in module.definitions:
                named.setdefault(definition.name, set()).add(f"{module.name}:{definition.name}")
        self._unique = {name: next(iter(atoms)) for name, atoms in named.items()
                        if len(atoms) == 1}
        self._tasks = _tasks(entries, code, read)

    def __call__(self, span: Span) -> Mapped:
        given = dict(span.attributes)
        tables, left_out = self._database(given)
        qualified = given.get("code.function.name", "")
        function = given.get("code.function", "")
        namespace = given.get("code.namespace", "")
        if function and namespace:
            qualified = f"{namespace}.{function}"
        elif qualified and "." not in qualified and namespace:
            qualified = f"{namespace}.{qualified}"
        atom = self.dotted(qualified) if qualified else ""
        if atom:
            return Mapped(atom, tables, "code.function", left_out)
        path = given.get("code.file.path") or given.get("code.filepath", "")
        line = given.get("code.line.number") or given.get("code.lineno", "")
        if path:
            atom = self._at_line(path, _line_number(line))
            if atom:
                return Mapped(atom, tables, "code.filepath", left_out)
        bare = qualified or function
        if bare and "." not in bare and self._unique.get(bare, "") in self._atoms:
            return Mapped(self._unique[bare], tables, "code.function", left_out)
        task = given.get("celery.task_name", "")
        named = _CELERY_SPAN.match(span.name)
        if not task and named is not None:
            task = named.group(1)
        if task:
            atom = self._tasks.get(task) or self.dotted(task)
            if atom:
                return Mapped(atom, tables, "celery", left_out)
        route = given.get("http.route", "")
        if route:
            method = (given.get("http.request.method") or given.get("http.method", "")).upper()
            atom = self._route(route, method)
            if atom:
                return Mapped(atom, tables, "http.route", left_out)
        return Mapped("", tables, "db" if tables or left_out else "", left_out)

    def dotted(self, name: str) -> str:
        """The atom of a dotted name (``shop.orders.services.place_order``), '' if none."""
        parts = [p for p in re.split(r"[.:]", name) if p]
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in self._modules:
                rest = parts[cut:]
                atom = self._element_of(f"{module}:{rest[0]}") if rest else module
                return atom if atom in self._atoms else ""
        return ""

    def _module_at(self, path: str) -> Module | None:
        parts = [p for p in path.replace("\\", "/").split("/") if p]
        for start in range(len(parts)):
            found = self._by_path.get("/".join(parts[start:]))
            if found is not None:
                return found
        return None

    def _at_line(self, path: str, line: int) -> str:
        module = self._module_at(path)
        if module is None:
            return ""
        inside: Definition | None = next(
            (d for d in module.definitions
             if d.line - len(d.decorators) <= line <= d.end_line), None)
        atom = f"{module.name}:{inside.name}" if inside is not None else module.name
        return atom if atom in self._atoms else ""

    def _route(self, route: str, method: str) -> str:
        """The route that is this one, else whose path ends it (its prefix unknown), with the
        method; a module named like the route's first segment first."""
        segments = [s for s in route.split("/") if s and not s.startswith(("<", "{"))]
        first = segments[0].replace("-", "_") if segments else ""
        best: tuple[bool, int, bool] | None = None
        chosen = ""
        for candidate in self._routes:
            path = candidate.path
            exact = path.rstrip("/") == route.rstrip("/")
            if not exact and path and not (route.endswith(path) and (
                    path.startswith("/") or route[-len(path) - 1] == "/")):
                continue
            if method and not candidate.methods & {method, _ANY} and not (
                    method == "HEAD" and "GET" in candidate.methods):
                continue
            rank = (exact, len(path), candidate.module.rsplit(".", 1)[-1] == first)
            if best is None or rank > best or (rank == best and candidate.atom < chosen):
                best, chosen = rank, candidate.atom
        return chosen if chosen in self._atoms else ""

    def _database(self, given: dict[str, str]) -> tuple[tuple[tuple[str, str], ...],
                                                       tuple[str, ...]]:
        """The tables of the code's the span reads or writes, and the names it gives that are
        no table of the code's (the database's catalog, tables the code does not use)."""
        found: dict[str, str] = {}
        table = given.get("db.sql.table") or given.get("db.collection.name", "")
        operation = (given.get("db.operation.name") or given.get("db.operation", "")).lower()
        if table:
            found[table] = "write" if operation in _WRITES else "read"
        statement = given.get("db.query.text") or given.get("db.statement", "")
        if statement and not found:
            for read in read_sql(statement):
                for name in read.reads:
                    found.setdefault(name, "read")
                for name in (*read.writes, *read.ddl):
                    found[name] = "write"
        known: dict[str, str] = {}
        left_out: set[str] = set()
        for name, mode in found.items():
            table = self._table(name)
            if table:
                known[table] = "write" if mode == "write" else known.get(table, mode)
            else:
                left_out.add(printable(name.strip().strip('"`[]').lower()))
        return tuple(sorted(known.items())), tuple(sorted(left_out))

    def _table(self, name: str) -> str:
        """The code's table of that name (or of its last part, the schema unknown), '' if
        none: a table seen only in traces is no table to own or to name a context after."""
        lowered = name.strip().strip('"`[]').lower()
        if is_catalog_table(lowered, self.bookkeeping):
            return ""
        return self._tables.get(lowered) or self._tables.get(lowered.rsplit(".", 1)[-1], "")
