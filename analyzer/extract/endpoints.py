"""Flask's endpoints, as one file names them: the blueprints and apps it makes, the views it
registers under an endpoint's name, and the endpoints its code links to with ``url_for``.

A page that links to another depends on it as surely as a call would, but only a string says
so (``url_for("abstracts.manage_tracks")``), so no import or reference shows it: an event's menu
of links reaches into every feature of the event. The names are resolved once every file is
read (``analyzer.graph.endpoints``).

This is Flask's API, as written in code: ``Blueprint("name", ...)`` (or a class of its own whose
name ends in ``Blueprint``) and ``Flask(...)`` assigned at module level; ``bp.add_url_rule(rule,
endpoint, view_func)``; ``@bp.route(...)`` and Flask 2's ``@bp.get(...)``, ``post``, ``put``,
``patch`` and ``delete`` on a top-level function (the endpoint is the function's name unless
``endpoint=`` says otherwise); ``url_for("blueprint.endpoint", ...)`` anywhere.
"""

from __future__ import annotations

import ast

from analyzer.extract.exprs import dotted
from analyzer.extract.scope import Scope
from analyzer.model import Endpoints

_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})


def _text(node: ast.expr | None) -> str | None:
    if type(node) is ast.Constant and type(node.value) is str:
        return node.value
    return None


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _view(node: ast.expr | None) -> str | None:
    """The view a rule names: ``RHDisplay``, ``views.show`` or ``RHDisplay.as_view("x")``."""
    if type(node) is ast.Call and type(node.func) is ast.Attribute and \
            node.func.attr == "as_view":
        node = node.func.value
    chain = None if node is None else dotted(node)
    return None if chain is None else ".".join(chain)


class EndpointNames:
    """Collects one file's endpoint facts while it is walked."""

    def __init__(self, scope: Scope) -> None:
        self._scope = scope
        self._makers: dict[str, str] = {}  # variable -> the blueprint's name ("" for an app)
        self._blueprints: list[tuple[str, str, int]] = []
        self._views: list[tuple[str, str, str, int]] = []
        self._links: list[tuple[str, str, int]] = []

    def assigned(self, node: ast.Assign) -> None:
        """``bp = Blueprint("name", __name__)`` or ``app = Flask(__name__)`` at module level."""
        value = node.value
        if not self._scope.top or type(value) is not ast.Call:
            return
        chain = dotted(value.func)
        if chain is None:
            return
        if chain[-1].endswith("Blueprint"):
            name = _text(value.args[0] if value.args else _keyword(value, "name"))
        elif chain[-1] == "Flask":
            name = ""
        else:
            return
        if name is None:
            return
        for target in node.targets:
            if type(target) is ast.Name:
                self._makers[target.id] = name
                self._blueprints.append((target.id, name, node.lineno))

    def called(self, node: ast.Call) -> None:
        """``bp.add_url_rule(rule, endpoint, view)`` and ``url_for("bp.endpoint")``."""
        func = node.func
        if type(func) is ast.Attribute and func.attr == "add_url_rule" and \
                type(func.value) is ast.Name and func.value.id in self._makers:
            args = node.args
            endpoint = _text(args[1] if len(args) > 1 else _keyword(node, "endpoint"))
            view = _view(args[2] if len(args) > 2 else _keyword(node, "view_func"))
            if endpoint is not None and view is not None:
                self._views.append((func.value.id, endpoint, view, node.lineno))
            return
        chain = dotted(func)
        if chain is not None and chain[-1] == "url_for":
            endpoint = _text(node.args[0] if node.args else _keyword(node, "endpoint"))
            if endpoint:
                self._links.append((self._scope.atom, endpoint, node.lineno))

    def decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``@bp.route("/x")`` on a top-level function: its endpoint is its name, or
        ``endpoint=``."""
        if not self._scope.top:
            return
        for decorator in node.decorator_list:
            if type(decorator) is not ast.Call or type(decorator.func) is not ast.Attribute:
                continue
            receiver = decorator.func.value
            if decorator.func.attr not in _ROUTE_DECORATORS or type(receiver) is not ast.Name \
                    or receiver.id not in self._makers:
                continue
            endpoint = _text(_keyword(decorator, "endpoint")) or node.name
            self._views.append((receiver.id, endpoint, node.name, decorator.lineno))

    def facts(self) -> Endpoints:
        return Endpoints(tuple(self._blueprints), tuple(self._views), tuple(self._links))
