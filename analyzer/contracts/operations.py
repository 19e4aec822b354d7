"""Which of a context's definitions other contexts use: the operations of its proposed API.

Every code reference (a type hint alone left out) and every framework loader link
(``get_model``, ``get_class``) from an element of one context to a definition of another is a
use. What a used definition becomes:

* a function: one operation;
* a class whose methods are named through it (``Gateway.capture(...)``): one per method;
* a plain class other contexts instantiate (no framework base, at most 12 public methods):
  one per public method, marked for review since which methods the consumers call is not
  known statically; any other class used without naming a method (a view, a form, a mixin
  they subclass or hand to a framework) proposes nothing and is listed as unmapped;
* a Django or SQLAlchemy model: read operations on its resource (get one, list when the
  consumers query it) and create when they instantiate it;
* a value type (dataclass, TypedDict, Enum...) or an exception: no operation; value types
  become shared schemas of the context's document.

Inheritance and decorators are couplings but no calls: a use only of those kinds proposes
nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from analyzer.contracts.schemas import Classes
from analyzer.model import CodeModel, DataModel, Definition, Method, Param
from analyzer.text import article

_LOADERS = frozenset({"get-model", "get-class", "get-user-model"})
_QUERY_MEMBERS = frozenset({"objects", "query", "select", "filter", "filter_by", "all", "get",
                            "where", "_default_manager"})


@dataclass(frozen=True, slots=True, order=True)
class Consumer:
    """Element ``element`` of context ``context`` uses the operation at ``path:line``."""

    context: str
    element: str
    path: str
    line: int
    how: str  # call, attribute, name... or a loader link's kind


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation before it becomes HTTP: ``shape`` is ``function``, ``method``,
    ``get``, ``list`` or ``create`` (the last three on a model)."""

    context: str
    target: str  # the Python definition: ``pkg.mod:name`` or ``pkg.mod:Class.method``
    shape: str
    name: str  # the words the route is made of: the function's or method's name
    owner: str | None  # a method's class name; a model operation's model
    module: str
    path: str
    line: int
    params: tuple[Param, ...]  # self and cls left out
    returns: str | None
    summary: str
    consumers: tuple[Consumer, ...]
    review: tuple[str, ...] = ()
    writes: bool = False  # it writes a table itself: never a GET


@dataclass(frozen=True, slots=True)
class Used:
    """A definition of one context used from others, with every use."""

    context: str
    atom: str
    consumers: tuple[Consumer, ...]
    members: frozenset[str]
    kinds: frozenset[str]


def used_definitions(code: CodeModel, data: DataModel, classes: Classes,
                     context_of: Callable[[str], str | None]) -> list[Used]:
    """Every definition another context uses, with its consumers, in a stable order."""
    paths = {m.name: m.path for m in code.modules}
    found: dict[str, list[tuple[Consumer, tuple[str, ...], tuple[str, ...]]]] = \
        defaultdict(list)

    def add(source: str, target: str, path: str, line: int, kinds: tuple[str, ...],
            members: tuple[str, ...]) -> None:
        if target not in classes or set(kinds) <= {"annotation", "base",
                                                                "decorator"}:
            return
        mine, theirs = context_of(source), context_of(target)
        if mine is None or theirs is None or mine == theirs:
            return
        found[target].append((Consumer(mine, source, path, line, "+".join(kinds)), kinds,
                              members))

    for module in code.modules:
        for reference in module.references:
            add(reference.source, reference.target, module.path, reference.line,
                reference.kinds, reference.members)
    for link in data.links:
        if link.kind in _LOADERS:
            holder, _, symbol = link.target.partition(":")
            add(link.source, f"{holder}:{symbol.split('.', 1)[0]}",
                link.path or paths.get(link.source, ""), link.line, (link.kind,), ())
    used: list[Used] = []
    for atom in sorted(found):
        uses = found[atom]
        context = context_of(atom)
        assert context is not None
        used.append(Used(context, atom, tuple(sorted({c for c, _, _ in uses})),
                         frozenset(m for _, _, ms in uses for m in ms),
                         frozenset(k for _, ks, _ in uses for k in ks)))
    return used


def operations_of(used: Used, classes: Classes, paths: dict[str, str],
                  writers: Collection[str]) -> list[Operation]:
    """The operations one used definition proposes (none for a value type, an exception or
    a private name). ``writers``: the atoms that write a table."""
    module, definition = classes.definition(used.atom)
    path = paths.get(module, "")
    summary = classes.docs.get(used.atom, "")
    if definition.name.startswith("_"):
        return []
    if definition.kind == "function":
        return [Operation(used.context, used.atom, "function", definition.name, None, module,
                          path, definition.line,
                          _signature(definition.params, (), module, classes),
                          definition.returns, summary, used.consumers,
                          writes=used.atom in writers)]
    if used.atom in classes.models:
        return _model_operations(used, definition, module, path)
    if classes.is_record(used.atom) or classes.is_exception(used.atom):
        return []
    methods = _methods(used.atom, classes)
    named = sorted(used.members & set(methods))
    review: tuple[str, ...] = ()
    if not named:  # its own public methods: an inherited one is its ancestor's to propose
        public = sorted(m.name for m in definition.methods
                        if not m.name.startswith("_") and "property" not in m.decorators)
        if not _service(used, classes, public):
            return []
        named = public
        review = (f"other contexts create {article(definition.name)}; which of its methods "
                  "they call is not known statically, so every public method is proposed",)
    found: list[Operation] = []
    for name in named:
        method, where = methods[name]
        found.append(Operation(
            used.context, f"{used.atom}.{name}", "method", name, definition.name, where[0],
            paths.get(where[0], ""), method.line,
            _signature(method.params, method.decorators, where[0], classes), method.returns,
            summary if len(named) == 1 else "", used.consumers, review,
            used.atom in writers or f"{used.atom}.{name}" in writers))
    return found


_PLAIN_BASES = frozenset({"object", "ABC", "Protocol", "Generic"})
MAX_SERVICE_METHODS = 12


def _service(used: Used, classes: Classes, public: list[str]) -> bool:
    """Is the class a plain service object other contexts create and call, rather than a
    framework class (a view, a form, a mixin) they subclass or hand to a framework?"""
    return ("call" in used.kinds and 0 < len(public) <= MAX_SERVICE_METHODS
            and classes.external_bases(used.atom) <= _PLAIN_BASES)


def _model_operations(used: Used, definition: Definition, module: str, path: str
                      ) -> list[Operation]:
    def operation(shape: str, review: tuple[str, ...] = ()) -> Operation:
        return Operation(used.context, used.atom, shape, definition.name, definition.name,
                         module, path, definition.line, (), definition.name, "",
                         used.consumers, review)

    found = [operation("get")]
    if used.members & _QUERY_MEMBERS or used.kinds & {"get-model", "get-class"}:
        found.append(operation("list", ("other contexts query this model; the filters they "
                                        "use are not known statically",)))
    if "call" in used.kinds:
        found.append(operation("create"))
    return found


def _methods(atom: str, classes: Classes) -> dict[str, tuple[Method, tuple[str, str]]]:
    """A class's methods, inherited ones from project classes included: name -> (method,
    (module, class name))."""
    found: dict[str, tuple[Method, tuple[str, str]]] = {}
    for each in (atom, *classes.ancestors(atom)):
        module, definition = classes.definition(each)
        for method in definition.methods:
            found.setdefault(method.name, (method, (module, definition.name)))
    return found


# what a framework hands a function, not what a caller sends: left out of the contract
_FRAMEWORK_NAMES = frozenset({"self", "cls", "request", "req", "context", "ctxt", "ctx", "info",
                              "_info"})
_FRAMEWORK_TYPES = frozenset({"HttpRequest", "Request", "WSGIRequest", "ASGIRequest",
                              "RequestContext", "ResolveInfo", "GraphQLResolveInfo"})


def _signature(params: tuple[Param, ...], decorators: Iterable[str], module: str,
               classes: Classes) -> tuple[Param, ...]:
    """What a caller passes: ``self``/``cls`` (a staticmethod keeps its first parameter),
    request and context objects left out; a model instance becomes its id (``order: Order``
    -> ``order_id``)."""
    found = list(params)
    if found and not any(d.rsplit(".", 1)[-1] == "staticmethod" for d in decorators) \
            and found[0].name in ("self", "cls"):
        found = found[1:]
    kept: list[Param] = []
    for param in found:
        annotation = (param.annotation or "").strip("'\"")
        type_name = annotation.rsplit(".", 1)[-1] if _BARE.fullmatch(annotation) else ""
        if param.name in _FRAMEWORK_NAMES or type_name in _FRAMEWORK_TYPES:
            continue
        model = classes.find(module, type_name) if type_name else (
            classes.find(module, _camel(param.name)) if param.annotation is None else None)
        if model is not None and model in classes.models and \
                param.kind not in ("var-keyword", "var-positional"):
            name = param.name if param.name.endswith("_id") else f"{param.name}_id"
            kept.append(Param(name, param.kind, "int", param.default))
        else:
            kept.append(param)
    return tuple(kept)


_BARE = re.compile(r"[A-Za-z_][\w.]*")


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part)
