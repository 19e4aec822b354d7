"""Links between pages that only an endpoint's name makes (Flask's ``url_for``), and the
words of the URL each view serves (``route_words``).

Each file's facts name the blueprints and apps it makes, the views it registers under an
endpoint, and the endpoints its code links to (``analyzer.extract.endpoints``). Here the names
meet: ``"abstracts.manage_tracks"`` is the endpoint ``manage_tracks`` of the blueprint named
``abstracts``, whichever module made it, and its view is the definition the registering
module's name for it resolves to. An endpoint two views claim is ambiguous and links nothing;
so is a relative one (``".display"``: the blueprint of the request, which code does not say),
and a ``url_for`` that is neither Flask's nor the project's own (``request.url_for`` of
another framework).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analyzer.codebase import Codebase

# a URL's variable parts: Flask's and Django's <int:id>, a regex's named or plain group and
# character class ([0-9a-f]+), an OpenAPI-style {id}; what is left are the words of the path
_PARAMETER = re.compile(
    r"<[^<>]*>|\(\?P<[^>]*>[^()]*\)|\([^()]*\)|\[(?:\\.|[^\]])*\]|\{[^{}]*\}")
_ESCAPE = re.compile(r"\\[a-zA-Z]")  # \d, \w, \s in a regex
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_DJANGO_RULES = frozenset({"django.urls.path", "django.urls.re_path", "django.conf.urls.url"})
_DJANGO_NAMES = frozenset(r.rpartition(".")[2] for r in _DJANGO_RULES)


Registration = tuple[str, str, str, str]  # blueprint, endpoint, view, the blueprint's module


def registered_views(codebase: Codebase) -> list[Registration]:
    """``(blueprint, endpoint, view, maker)`` for each view registered under an endpoint: the
    blueprint's name (``""`` for the app itself) and the module that made the blueprint the
    registration names, in the modules' order. Read once; ``endpoint_links`` and
    ``blueprint_members`` take it."""
    made = {(module, variable): name for module, found in codebase.endpoints.items()
            for variable, name, _ in found.blueprints}
    found: list[Registration] = []
    for module in sorted(codebase.endpoints):
        for variable, known, endpoint, view, _ in codebase.endpoints[module].views:
            maker = (known, module) if known is not None else _blueprint(codebase, made, module,
                                                                         variable)
            atom = _resolved(codebase, module, view)
            if maker is not None and atom is not None:
                found.append((maker[0], endpoint, atom, maker[1]))
    return found


def blueprint_members(registered: Sequence[Registration]) -> list[tuple[str, str]]:
    """``(view, module)``: each view registered on a blueprint, and the module that made that
    blueprint (its module-level code), as Flask registers it: by the blueprint object, so two
    blueprints of one name (two apps' ``auth``) keep their own views. Sorted, each pair once."""
    return sorted({(view, maker) for blueprint, _, view, maker in registered if blueprint})


def endpoint_links(codebase: Codebase, registered: Sequence[Registration]
                   ) -> list[tuple[str, str]]:
    """``(source, view)`` for each atom (``"mod:name"``, or the module for module-level code)
    and the view of an endpoint it links to (``registered``: ``registered_views``); sorted,
    each pair once."""
    views: dict[str, set[str]] = {}
    for prefix, endpoint, atom, _ in registered:
        views.setdefault(f"{prefix}.{endpoint}" if prefix else endpoint, set()).add(atom)
    links: set[tuple[str, str]] = set()
    for module in sorted(codebase.endpoints):
        for atom, called, endpoint, _ in codebase.endpoints[module].links:
            targets = views.get(endpoint, set())
            source = f"{module}:{atom}" if atom else module
            if len(targets) == 1 and source not in targets and _flasks(codebase, module,
                                                                       called):
                links.add((source, next(iter(targets))))
    return sorted(links)


def _blueprint(codebase: Codebase, made: dict[tuple[str, str], str], module: str,
               variable: str) -> tuple[str, str] | None:
    """The name of the blueprint (or ``""``, the app) ``variable`` is in ``module``, and the
    module that made it, when another module made it and this one imports it."""
    name, internal, rest = codebase.names.qualify(module, [variable])
    if not internal or rest or ":" not in name:
        return None
    defining, _, made_as = name.partition(":")
    blueprint = made.get((defining, made_as))
    return None if blueprint is None else (blueprint, defining)


def _flasks(codebase: Codebase, module: str, called: str) -> bool:
    """Whether ``called`` (as written in ``module``) is Flask's ``url_for``, or the
    project's own function of that name (a wrapper around it): not ``request.url_for`` of
    another framework, nor a name nothing binds."""
    name, internal, rest = codebase.names.qualify(module, called.split("."))
    if rest:
        return False
    if internal:
        return name in codebase.classes.definitions
    return name.startswith("flask.")


def _resolved(codebase: Codebase, module: str, view: str) -> str | None:
    """The definition ``view`` (as written in ``module``) names, if the project defines it."""
    name, internal, _ = codebase.names.qualify(module, view.split("."))  # a method: its class
    return name if internal and name in codebase.classes.definitions else None


def route_words(codebase: Codebase) -> list[tuple[str, str]]:
    """``(view, word)`` for each word of each URL rule that routes to a definition of the
    project (``/event/<int:event_id>/abstracts/`` gives ``event`` and ``abstracts`` to its
    view): the name of the resource the view serves, as its users see it. A Django route
    counts when ``path``, ``re_path`` or ``url`` is Django's; a Flask rule when it is
    ``add_url_rule`` or a route decorator. Sorted, each pair once per rule that gives it."""
    found: list[tuple[str, str]] = []
    for module in sorted(codebase.endpoints):
        for function, rule, view, _ in codebase.endpoints[module].routes:
            called = function.split(".")  # Flask's are a blueprint's method or decorator
            if called[-1] in _DJANGO_NAMES:
                name, internal, _ = codebase.names.qualify(module, called)
                if internal or name not in _DJANGO_RULES:
                    continue
            atom = _resolved(codebase, module, view)
            if atom is None:
                continue
            path = _ESCAPE.sub(" ", _PARAMETER.sub(" ", rule))
            found.extend((atom, word) for word in set(_WORD.findall(path)) if len(word) > 1)
    return sorted(found)
