"""Flask's url_for links a page to the view of an endpoint, whichever module registers it:
a framework link like a string foreign key, found without importing anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.extract.code import extract
from analyzer.graph.endpoints import route_words
from tests.conftest import Tree, run, write_tree

_BLUEPRINT = '''\
from flask import Blueprint

from .controllers import RHList, RHShow, archive

bp = Blueprint("orders", __name__, url_prefix="/orders")
bp.add_url_rule("/", "list", RHList)
bp.add_url_rule("/<int:id>", "show", view_func=RHShow.as_view("show"))
bp.add_url_rule("/archive", "archive", archive)
'''
_CONTROLLERS = '''\
class RHList:
    def get(self):
        return "orders"


class RHShow:
    def get(self, id):
        return str(id)


def archive():
    return "archive"
'''
_APP = '''\
from flask import Flask, url_for

app = Flask(__name__)


@app.route("/", endpoint="home")
def index():
    return url_for("orders.list")
'''
_MENU = '''\
from flask import url_for


def sidebar():
    return [url_for("orders.show", id=1), url_for("orders.archive"), url_for(".relative"),
            url_for("shipping.list"), url_for("home")]


class Menu:
    def items(self):
        return [url_for("orders.list")]


TOP = url_for("orders.show", id=2)
'''
_SHIPPING = '''\
from flask import Blueprint

bp = Blueprint("shipping", __name__)
other = Blueprint("shipping", __name__)  # two views claim shipping.list: ambiguous


@bp.get("/")
def listing():
    return "one"


@other.route("/", endpoint="list")
def second():
    return "two"


bp.add_url_rule("/l", "list", listing)
'''


def _links(analysis: object) -> set[tuple[str, str]]:
    graph = analysis.graph  # type: ignore[attr-defined]
    return {(e.source, e.target) for e in graph.edges
            if e.signal == "links" and e.kind == "endpoint"}


def test_url_for_links_to_the_view_of_the_endpoint(project: Callable[[Tree], Path]) -> None:
    root = project({"web/__init__.py": "", "web/orders/__init__.py": "",
                    "web/orders/blueprint.py": _BLUEPRINT,
                    "web/orders/controllers.py": _CONTROLLERS, "web/app.py": _APP,
                    "web/menu.py": _MENU, "web/shipping.py": _SHIPPING})
    links = _links(run(root))
    assert links == {
        ("web.menu:sidebar", "web.orders.controllers:RHShow"),  # through as_view
        ("web.menu:sidebar", "web.orders.controllers:archive"),  # a function view
        ("web.menu:sidebar", "web.app:index"),  # an app's endpoint, set by endpoint=
        ("web.menu:Menu", "web.orders.controllers:RHList"),  # from a method: its class
        ("web.menu", "web.orders.controllers:RHShow"),  # module-level code: the module
        ("web.app:index", "web.orders.controllers:RHList"),
    }  # neither ".relative" (the request's blueprint) nor the ambiguous "shipping.list"


def test_a_view_is_a_member_of_the_blueprint_it_is_registered_on(
        project: Callable[[Tree], Path]) -> None:
    """As an app config registers its models, a blueprint registers its views: each view is
    linked to the module that made the blueprint, wherever the view is defined."""
    root = project({"web/__init__.py": "", "web/orders/__init__.py": "",
                    "web/orders/blueprint.py": _BLUEPRINT,
                    "web/orders/controllers.py": _CONTROLLERS, "web/app.py": _APP})
    assert _members(run(root)) == {
        (f"web.orders.controllers:{view}", "web.orders.blueprint", 1.0)
        for view in ("RHList", "RHShow", "archive")}  # not the app's own view (index)
    # Flask registers a view on the blueprint object, not its name: a second "orders" made
    # elsewhere keeps its own view, and so do two blueprints of one name in one module
    write_tree(root, {"web/shipping.py": _SHIPPING,
                      "web/more.py": 'from flask import Blueprint\n\n'
                                     'bp = Blueprint("orders", __name__)\n\n\n'
                                     '@bp.route("/x")\ndef extra():\n    return "x"\n'})
    assert _members(run(root)) == {
        *((f"web.orders.controllers:{view}", "web.orders.blueprint", 1.0)
          for view in ("RHList", "RHShow", "archive")),
        ("web.more:extra", "web.more", 1.0),
        ("web.shipping:listing", "web.shipping", 1.0),
        ("web.shipping:second", "web.shipping", 1.0)}


def _members(analysis: object) -> set[tuple[str, str, float]]:
    graph = analysis.graph  # type: ignore[attr-defined]
    return {(e.source, e.target, e.weight) for e in graph.edges
            if e.signal == "links" and e.kind == "blueprint"}


def test_only_flasks_url_for_links(project: Callable[[Tree], Path]) -> None:
    # the same endpoint asked of another library's url_for links nothing
    root = project({"web/__init__.py": "", "web/orders/__init__.py": "",
                    "web/orders/blueprint.py": _BLUEPRINT,
                    "web/orders/controllers.py": _CONTROLLERS,
                    "web/pages.py": "import flask\nfrom starlette_helpers import url_for\n\n\n"
                                    "def theirs():\n    return url_for('orders.list')\n\n\n"
                                    "def ours():\n    return flask.url_for('orders.list')\n"})
    assert _links(run(root)) == {("web.pages:ours", "web.orders.controllers:RHList")}


def test_the_facts_of_one_file() -> None:
    facts = extract(_SHIPPING.encode(), marker="@generated", include_generated=False,
                    max_bytes=1_000_000).endpoints
    assert facts.blueprints == (("bp", "shipping", 3), ("other", "shipping", 4))
    assert facts.views == (("bp", "shipping", "listing", "listing", 7),
                           ("other", "shipping", "list", "second", 12),
                           ("bp", "shipping", "list", "listing", 17))
    assert facts.links == ()
    # each route as written: the function that routes, the rule, the view, the line
    assert facts.routes == (("bp.get", "/", "listing", 7), ("other.route", "/", "second", 12),
                            ("bp.add_url_rule", "/l", "listing", 17))


_AUTH_INIT = '''\
from flask import Blueprint

bp: Blueprint = Blueprint("auth", __name__)
'''
_AUTH_VIEWS = '''\
from . import bp


@bp.route("/login")
def login():
    return "in"


def logout():
    return "out"


class Signup:
    pass


bp.add_url_rule("/out", view_func=logout)
bp.add_url_rule("/signup", None, Signup.as_view("register"))
'''
_PAGES = '''\
from flask import Blueprint

from .util import url_for

bp = Blueprint("one", __name__)


@bp.route("/")
def first():
    return "1"


bp = Blueprint("two", __name__)  # rebound: what follows is two's


@bp.route("/")
def second():
    return "2"


def handler(request):
    # another framework's url_for, then the project's own wrapper
    return request.url_for("auth.login"), url_for("auth.logout")


def signup_link():
    return url_for("auth.register"), url_for("auth.login")


def linked():
    return url_for("one.first"), url_for("two.second"), url_for("two.first")
'''


def test_a_blueprint_made_in_one_module_and_used_in_another(
        project: Callable[[Tree], Path]) -> None:
    root = project({"web/__init__.py": "", "web/auth/__init__.py": _AUTH_INIT,
                    "web/auth/views.py": _AUTH_VIEWS,
                    "web/util.py": "import flask\n\n\ndef url_for(name, **values):\n"
                                   "    return flask.url_for(name, **values)\n",
                    "web/pages.py": _PAGES})
    assert _links(run(root)) == {
        # an annotated blueprint, imported by the views' module; the endpoint defaults to
        # the view's name, or to as_view's
        ("web.pages:handler", "web.auth.views:logout"),
        ("web.pages:signup_link", "web.auth.views:Signup"),
        ("web.pages:signup_link", "web.auth.views:login"),
        ("web.pages:linked", "web.pages:first"),
        ("web.pages:linked", "web.pages:second"),
    }  # not request.url_for("auth.login"), nor "two.first" (first is one's)


_DJANGO_URLS = '''\
from django.conf.urls import url
from django.urls import include, path, re_path

from . import views
from .views import InvoiceDetail, pay

urlpatterns = [
    path("invoices/<int:pk>/refunds/", views.refunds, name="refunds"),
    path("invoices/<slug:number>/", InvoiceDetail.as_view(), name="detail"),
    re_path(r"^payments/(?P<pk>\\d+)/receipt/$", pay, name="receipt"),
    url(regex=r"^ledger/(\\d+)/$", name="ledger", view=views.ledger),
    re_path(r"^thumbs/[0-9a-fA-F]+/\\dpx/$", views.ledger),
    path("billing/", include("shop.billing.urls")),
]
'''
_DJANGO_VIEWS = '''\
class InvoiceDetail:
    pass


def refunds(request, pk):
    return pk


def pay(request, pk):
    return pk


def ledger(request, number):
    return number
'''


def test_django_routes_and_flask_rules_give_their_views_the_words_of_the_url(
        project: Callable[[Tree], Path]) -> None:
    facts = extract(_DJANGO_URLS.encode(), marker="@generated", include_generated=False,
                    max_bytes=1_000_000).endpoints
    assert [(f, r, v) for f, r, v, _ in facts.routes] == [
        ("path", "invoices/<int:pk>/refunds/", "views.refunds"),
        ("path", "invoices/<slug:number>/", "InvoiceDetail"),
        ("re_path", r"^payments/(?P<pk>\d+)/receipt/$", "pay"),
        ("url", r"^ledger/(\d+)/$", "views.ledger"),
        ("re_path", r"^thumbs/[0-9a-fA-F]+/\dpx/$", "views.ledger"),
    ]  # an include routes to no view
    root = project({"shop/__init__.py": "", "shop/urls.py": _DJANGO_URLS,
                    "shop/views.py": _DJANGO_VIEWS,
                    # a project's own function named path routes nothing
                    "shop/paths.py": "from . import views\n\n\ndef path(a, b):\n"
                                     "    return a, b\n\n\npath('secret/', views.pay)\n",
                    "web/__init__.py": "",
                    "web/orders.py": _BLUEPRINT + 'bp.add_url_rule("/{order_id}/lines", '
                                                  '"lines", RHShow)\n',
                    "web/controllers.py": _CONTROLLERS})
    codebase = api.models(load_settings(root, Overrides(no_cache=True, jobs=1))).codebase
    assert route_words(codebase) == [
        # Django's routes, their parameters and a regex's groups and escapes left out...
        ("shop.views:InvoiceDetail", "invoices"), ("shop.views:ledger", "ledger"),
        ("shop.views:ledger", "px"), ("shop.views:ledger", "thumbs"),
        ("shop.views:pay", "payments"), ("shop.views:pay", "receipt"),
        ("shop.views:refunds", "invoices"), ("shop.views:refunds", "refunds"),
        # ...and Flask's rules (and an OpenAPI-style {parameter}); the project's own `path`
        # routes nothing
        ("web.controllers:RHShow", "lines"), ("web.controllers:archive", "archive"),
    ]
    # the vocabulary has them: the words of a view's URL tie it to the resource it serves
    terms = {n.id: n.terms for n in run(root).graph.nodes}
    assert "invoice" in terms["shop.views:refunds"]  # from its URL alone
