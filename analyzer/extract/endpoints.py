"""Flask's endpoints, as one file names them: the blueprints and apps it makes, the views it
registers under an endpoint's name, and the endpoints its code links to with ``url_for``.

A page that links to another depends on it as surely as a call would, but only a string says
so (``url_for("abstracts.manage_tracks")``), so no import or reference shows it: an event's menu
of links reaches into every feature of the event. The names are resolved once every file is
read (``analyzer.graph.endpoints``).

This is Flask's API, as written in code: ``Blueprint("name", ...)`` (or a class of its own whose
name ends in ``Blueprint``) and ``Flask(...)`` bound at module level; ``bp.add_url_rule(rule,
endpoint, view_func)`` (the endpoint defaults to the view's name, or to ``as_view``'s);
``@bp.route(...)`` and Flask 2's ``@bp.get(...)``, ``post``, ``put``, ``patch`` and ``delete`` on
a top-level function (the endpoint is the function's name unless ``endpoint=`` says
otherwise), on a blueprint made in this file or imported (the graph resolves which);
``url_for("blueprint.endpoint", ...)`` anywhere (the graph keeps the calls bound to Flask's
``url_for`` or to the project's own function of that name).

With them, each **route** as written: a Flask rule (``add_url_rule``'s, a route decorator's)
and Django's ``path(route, view)``, ``re_path`` and ``url`` (``regex=``, ``view=``), with the
view it serves. The URL names the resource a view is about (``/event/<id>/abstracts/``), in
the words its users see (``analyzer.graph.endpoints.route_words``). A route that includes
other routes names no view.
"""

from __future__ import annotations

import ast

from analyzer.extract.exprs import dotted
from analyzer.extract.scope import Scope
from analyzer.model import Endpoints

_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})
_DJANGO_ROUTES = frozenset({"path", "re_path", "url"})  # django.urls, django.conf.urls


def _text(node: ast.expr | None) -> str | None:
    if type(node) is ast.Constant and type(node.value) is str:
        return node.value
    return None


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _view(node: ast.expr | None) -> tuple[str, str] | None:
    """The view a rule names, and the endpoint Flask names it by when the rule does not:
    ``RHDisplay`` (its name), ``views.show`` or ``RHDisplay.as_view("x")`` (``x``)."""
    name = None
    if type(node) is ast.Call and type(node.func) is ast.Attribute and \
            node.func.attr == "as_view":
        name = _text(node.args[0] if node.args else _keyword(node, "name"))
        node = node.func.value
    chain = None if node is None else dotted(node)
    if chain is None:
        return None
    return ".".join(chain), name or chain[-1]


class EndpointNames:
    """Collects one file's endpoint facts while it is walked."""

    def __init__(self, scope: Scope) -> None:
        self._scope = scope
        self._makers: dict[str, str] = {}  # variable -> the blueprint's name ("" for an app)
        self._blueprints: list[tuple[str, str, int]] = []
        self._views: list[tuple[str, str | None, str, str, int]] = []
        self._links: list[tuple[str, str, str, int]] = []
        self._routes: list[tuple[str, str, str, int]] = []

    def assigned(self, targets: list[ast.expr], value: ast.expr | None, line: int) -> None:
        """``bp = Blueprint("name", __name__)`` or ``app = Flask(__name__)`` at module level
        (annotated too); any other binding of the name forgets what it was."""
        if not self._scope.top:
            return
        name = None
        chain = dotted(value.func) if type(value) is ast.Call else None
        if type(value) is ast.Call and chain is not None:
            if chain[-1].endswith("Blueprint"):
                name = _text(value.args[0] if value.args else _keyword(value, "name"))
            elif chain[-1] == "Flask":
                name = ""
        for target in targets:
            if type(target) is not ast.Name:
                continue
            if name is None:
                self._makers.pop(target.id, None)
                continue
            self._makers[target.id] = name
            self._blueprints.append((target.id, name, line))

    def called(self, node: ast.Call) -> None:
        """``bp.add_url_rule(rule, endpoint, view)`` and ``url_for("bp.endpoint")``."""
        func = node.func
        if type(func) is ast.Attribute and func.attr == "add_url_rule" and \
                type(func.value) is ast.Name:
            args = node.args
            view = _view(args[2] if len(args) > 2 else _keyword(node, "view_func"))
            endpoint = _text(args[1] if len(args) > 1 else _keyword(node, "endpoint"))
            if view is not None:
                self._views.append((func.value.id, self._makers.get(func.value.id),
                                    endpoint or view[1], view[0], node.lineno))
                rule = _text(args[0] if args else _keyword(node, "rule"))
                if rule:
                    self._routes.append((f"{func.value.id}.add_url_rule", rule, view[0],
                                         node.lineno))
            return
        chain = dotted(func)
        if chain is not None and chain[-1] in _DJANGO_ROUTES:
            args = node.args
            rule = _text(args[0] if args else _keyword(node, "route") or _keyword(node, "regex"))
            view = _view(args[1] if len(args) > 1 else _keyword(node, "view"))
            if rule and view is not None:
                self._routes.append((".".join(chain), rule, view[0], node.lineno))
            return
        if chain is not None and chain[-1] == "url_for":
            endpoint = _text(node.args[0] if node.args else _keyword(node, "endpoint"))
            if endpoint:
                self._links.append((self._scope.atom, ".".join(chain), endpoint, node.lineno))

    def decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``@bp.route("/x")`` on a top-level function: its endpoint is its name, or
        ``endpoint=``."""
        if not self._scope.top:
            return
        for decorator in node.decorator_list:
            if type(decorator) is not ast.Call or type(decorator.func) is not ast.Attribute:
                continue
            receiver = decorator.func.value
            if decorator.func.attr not in _ROUTE_DECORATORS or type(receiver) is not ast.Name:
                continue
            endpoint = _text(_keyword(decorator, "endpoint")) or node.name
            self._views.append((receiver.id, self._makers.get(receiver.id), endpoint,
                                node.name, decorator.lineno))
            args = decorator.args
            rule = _text(args[0] if args else _keyword(decorator, "rule")
                         or _keyword(decorator, "path"))
            if rule:
                self._routes.append((f"{receiver.id}.{decorator.func.attr}", rule, node.name,
                                     decorator.lineno))

    def facts(self) -> Endpoints:
        return Endpoints(tuple(self._blueprints), tuple(self._views), tuple(self._links),
                         tuple(self._routes))
