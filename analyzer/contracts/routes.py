"""An operation as HTTP: method, path, and which parameters go where.

The method comes from the operation's verb, its first word:

* get, list, find, search, fetch, load, read, lookup, query, count, show, view, retrieve and
  the predicates (is, has, can, exists): GET;
* create, add, new, register, insert, make, place, submit, book, record: POST on the
  collection (201);
* update, change, edit, modify, replace, save: PUT, or PATCH when every parameter but the
  identifiers is optional; set and patch: PATCH;
* delete, remove, destroy, purge, drop, clear, erase, discard, unregister: DELETE;
* a name that starts with no verb and returns something (``default_address``, ``orders_of``)
  is named after its result, and a computation that returns something (calculate, quote,
  price, validate, format...) is a query too: GET;
* any other verb is a command: POST on ``.../{verb}``, and so is a name without a known verb
  that returns nothing (its first word is taken as the verb), and any operation that writes
  a table, whatever its name.

The verb is the first known one anywhere in the name: ``instance_get_by_uuid`` gets an
instance.

The path is built from the resource: each identifier parameter (``order_id`` names the
``orders`` resource; ``id``, ``pk``, ``sku``, ``slug``... the operation's own) adds
``/{resources}/{parameter}``; the operation's own resource comes from its name (the words after
the verb, up to a preposition), else its class, its module, its context.
Words of the name beyond the resource become a sub-resource (``get_order_lines(order_id)`` is
``GET /orders/{order_id}/lines``).
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.contracts.operations import Operation
from analyzer.model import Param
from analyzer.text import parts, plural, singular

_QUERY = frozenset({"get", "list", "find", "search", "fetch", "load", "read", "lookup",
                    "query", "count", "show", "view", "retrieve", "all"})
_PREDICATE = frozenset({"is", "has", "can", "exists", "should"})
_CREATE = frozenset({"create", "add", "new", "register", "insert", "make", "place", "submit",
                     "book", "record"})
_UPDATE = frozenset({"update", "change", "edit", "modify", "replace", "save"})
_PATCH = frozenset({"set", "patch"})
_DELETE = frozenset({"delete", "remove", "destroy", "purge", "drop", "clear", "erase",
                     "discard", "unregister"})
_COMMANDS = frozenset({
    "charge", "reserve", "release", "cancel", "send", "mark", "pay", "refund", "ship", "notify",
    "process", "import", "export", "sync", "apply", "approve", "reject", "confirm", "close",
    "archive", "publish", "assign", "capture", "decrement", "increment", "reset", "run",
    "execute", "handle", "dispatch", "schedule", "enqueue", "sign", "login", "logout",
    "activate", "deactivate", "enable", "disable", "lock", "unlock", "transfer", "move",
    "merge", "split", "allocate", "fulfil", "fulfill", "complete", "finalize", "finalise",
    "start", "stop", "restart", "retry", "void", "authorize", "authorise", "settle", "emit",
    "post", "flush", "invalidate", "refresh", "upload", "download", "log", "track", "audit",
    "recalculate", "reconcile", "restock", "replenish", "subscribe", "unsubscribe", "invite",
    "accept", "decline", "redeem", "consume", "attach", "detach", "link", "unlink", "prepare",
    "cleanup", "migrate", "populate", "seed", "init", "initialize", "initialise",
    "setup", "configure", "install", "email", "message", "print"})
# computations: a query when they return something (GET .../{verb}), else a command
_COMPUTE = frozenset({"calculate", "compute", "quote", "estimate", "paginate",
                      "validate", "verify", "check", "format", "render", "convert", "parse",
                      "normalize", "normalise", "generate", "build", "resolve", "match",
                      "score", "rank", "sort", "filter", "summarize", "summarise", "slugify",
                      "serialize", "serialise", "deserialize", "encode", "decode", "hash",
                      "encrypt", "decrypt", "sanitize", "sanitise", "clean", "translate"})
_PREPOSITIONS = frozenset({"by", "for", "of", "in", "with", "from", "to", "on", "at", "and",
                           "or", "as", "into", "per", "if"})
_OWN_IDS = frozenset({"id", "pk", "uuid", "slug", "sku", "code", "handle"})
_ID_SUFFIXES = ("_id", "_pk", "_uuid", "_slug", "_sku", "_code", "_number", "_ref", "_key")
_TECHNICAL = frozenset({"service", "services", "manager", "managers", "repository", "repo",
                        "repos", "repositories", "gateway", "client", "api", "handler",
                        "handlers", "helper", "helpers", "util", "utils", "facade",
                        "controller", "views", "view", "tasks", "task", "logic", "core",
                        "domain", "commands", "queries", "selectors", "models", "model",
                        "impl", "base", "mixin", "backend", "backends", "provider", "adapter",
                        "dao", "store", "crud", "ops", "operations", "interface", "app",
                        "apps", "mixins"})


@dataclass(frozen=True, slots=True)
class Route:
    method: str  # get | post | put | patch | delete
    path: str
    status: str  # the success status: 200, 201 or 204 (set later from the return type)
    path_params: tuple[Param, ...]
    other_params: tuple[Param, ...]  # query parameters (GET, DELETE) or the body's fields
    tag: str  # the resource, plural


_WEAK_SUFFIXES = ("_code", "_number", "_key", "_ref")
_KEY_TYPES = frozenset({"str", "int", "UUID", "uuid.UUID"})


def is_identifier(param: Param) -> bool:
    """Does the parameter name a resource by its key? ``order_id``, ``id``, ``sku``...; an
    ``error_code`` or ``sort_key`` only when typed as a plain key (or not typed)."""
    name = param.name
    if name.startswith("_"):
        return False
    if name.endswith(_WEAK_SUFFIXES):
        return param.annotation is None or param.annotation in _KEY_TYPES
    return name in _OWN_IDS or name.endswith(_ID_SUFFIXES)


def route(operation: Operation, context: str) -> Route:
    params = tuple(p for p in operation.params
                   if p.kind not in ("var-positional", "var-keyword"))
    if operation.shape in ("get", "list", "create"):  # a model: every word is the entity's
        resource = _kebab([w for w in parts(operation.owner or operation.name)
                           if not w.isdigit()])
        collection = "/" + _plural_path(resource)
        if operation.shape == "get":
            param = Param(f"{resource.replace('-', '_')}_id", "positional", "int")
            return Route("get", f"{collection}/{{{param.name}}}", "200", (param,), (),
                         _plural_path(resource))
        return Route("get" if operation.shape == "list" else "post", collection,
                     "200" if operation.shape == "list" else "201", (), (),
                     _plural_path(resource))

    words = parts(operation.name)
    # a name without a verb that returns something is named after its result: a query
    answers = operation.returns is not None and operation.returns.strip() not in (
        "None", "'None'", '"None"')
    verb, phrase = _verb_and_phrase(words, answers)
    creates = verb in _CREATE
    # what a creation names by its own key (add_line(order_id, sku)) goes in the body
    ids = [p for p in params if is_identifier(p)
           and not (creates and _id_resource(p.name) is None)]
    own = _own_resource(operation, phrase, context)
    segments: list[str] = []
    resources: list[str] = []
    for param in ids:
        resources.append(_id_resource(param.name) or own)
        segments += [_plural_path(resources[-1]), f"{{{param.name}}}"]
    if not ids:
        resources.append(own)
        segments.append(_plural_path(own))
    holder = _noun_words(operation.owner or "")
    if holder and _kebab(holder[-2:]) != resources[0]:  # a method: under its class's resource
        resources.insert(0, _kebab(holder[-2:]))
        segments.insert(0, _plural_path(resources[0]))
    named = {w for resource in resources for w in resource.split("-")}
    extra = [w for w in phrase if singular(w) not in named and w not in named]
    others = tuple(p for p in params if p not in ids)

    asks = verb.split("-", 1)[0] in _PREDICATE
    if not operation.writes and (verb in _QUERY or asks or (verb in _COMPUTE and answers)
                                 or (not verb and answers)):
        if asks or verb in _COMPUTE or verb == "count":
            segments.append("-".join([verb, *extra]))
        elif extra:
            segments.append("-".join(extra))
        return Route("get", _join(segments), "200", tuple(ids), others, segments[0])
    if creates:
        if extra and ids:
            segments.append(_plural_path("-".join(extra)))
        return Route("post", _join(segments), "201", tuple(ids), others, segments[0])
    if verb in _UPDATE or verb in _PATCH:
        if extra:
            segments.append("-".join(extra))
        partial = verb in _PATCH or (bool(others) and all(p.default is not None
                                                           for p in others))
        return Route("patch" if partial else "put", _join(segments), "200", tuple(ids), others,
                     segments[0])
    if verb in _DELETE:
        if extra and ids:
            segments.append("-".join(extra))
        return Route("delete", _join(segments), "204", tuple(ids), others, segments[0])
    action = [w for w in [verb, *phrase] if w and w not in named and singular(w) not in named]
    segments.append("-".join(action or [verb or "call"]))
    return Route("post", _join(segments), "200", tuple(ids), others, segments[0])


_KNOWN = _QUERY | _PREDICATE | _CREATE | _UPDATE | _PATCH | _DELETE | _COMMANDS | _COMPUTE


def _verb_and_phrase(words: list[str], answers: bool) -> tuple[str, list[str]]:
    """The verb of a name and the words that name what it acts on. The verb is the first
    known one (``instance_get_by_uuid``: get, acting on instance); a name without one is named
    after its result when it returns something (no verb), else its first word is the verb of
    a command (``deallocate_stock``). A predicate's first word after the verb is the quality
    it asks about (``is_available_promo_code``: promo code)."""
    position = next((i for i, w in enumerate(words) if w in _KNOWN), None)
    if position is None:
        if answers or not words:
            return "", _phrase(words)
        return words[0], _phrase(words[1:])
    verb = words[position]
    if position:
        return verb, words[:position]
    phrase = _phrase(words[1:])
    if verb in _PREDICATE and len(phrase) > 1:
        return f"{verb}-{phrase[0]}", phrase[1:]
    return verb, phrase


def _join(segments: list[str]) -> str:
    return "/" + "/".join(s for s in segments if s)


def _phrase(rest: list[str]) -> list[str]:
    """The words after the verb, up to the first preposition."""
    found: list[str] = []
    for word in rest:
        if word in _PREPOSITIONS:
            break
        found.append(word)
    return found


def _noun_words(identifier: str) -> list[str]:
    return [w for w in parts(identifier) if w not in _TECHNICAL and not w.isdigit()]


def _kebab(words: list[str]) -> str:
    return "-".join(singular(w) for w in words) or "item"


def _plural_path(resource: str) -> str:
    head, _, tail = resource.rpartition("-")
    return f"{head}-{plural(tail)}" if head else plural(tail)


def _id_resource(name: str) -> str | None:
    for suffix in _ID_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return _kebab(parts(name[: -len(suffix)]))
    return None


def _own_resource(operation: Operation, phrase: list[str], context: str) -> str:
    """The resource an operation acts on: named after the verb, else its class, its
    module, its context (a return type is too often a value: Money, bool, dict)."""
    if phrase:
        return _kebab(phrase[-3:])
    for candidate in (operation.owner or "", operation.module.rsplit(".", 1)[-1], context):
        nouns = _noun_words(candidate)
        if nouns:
            return _kebab(nouns[-2:])
    return "item"
