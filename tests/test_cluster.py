"""The coupling graph and the proposed contexts: accuracy on the sample, determinism,
constraints, the shared kernel, explanations, the graph format and ``seamline cluster``."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import api
from analyzer.cli import cli
from analyzer.cluster import KERNEL, PROPOSED, _plumbing_role, _wiring, decompose, plumbing_roles
from analyzer.cluster.communities import (
    _cheapest_split,
    _Cut,
    count_contexts,
    cut_at,
    effective_count,
    kernel_candidates,
)
from analyzer.cluster.leiden import RUNS, consensus_with_runs, groups_of
from analyzer.cluster.naming import (
    choose_names,
    context_terms,
    definition_words,
    entity_names,
    held_words,
    project_words,
    spoken,
    whole_name,
)
from analyzer.cluster.rand import adjusted_rand
from analyzer.cluster.reference import load_reference, packages_reference, score_against
from analyzer.cluster.weighted import mix
from analyzer.coupling import (
    ClusterOptions,
    Constraints,
    CouplingGraph,
    Edge,
    Node,
    dumps_graph,
    loads_graph,
)
from analyzer.decomposition import load_agreed
from analyzer.errors import ConfigError
from analyzer.graph import REGISTRATION_WEIGHT
from tests.conftest import SAMPLES, Tree, run, write_tree

TRADEPOST = SAMPLES / "tradepost"


@pytest.fixture(scope="module")
def tradepost() -> api.Analysis:
    return run(TRADEPOST, structure_blind=True)


def _blind(**changes: object) -> ClusterOptions:
    weights = dict(ClusterOptions().weights) | {"packages": 0.0}
    return ClusterOptions(weights=weights, **changes)  # type: ignore[arg-type]


def test_structure_blind_cut_of_the_sample_recovers_its_answer_key(
        tradepost: api.Analysis) -> None:
    # Floors just under today's measurement (atoms ARI 0.88, MoJoFM 94.3; modules ARI 0.90).
    # At the sweep's resolution 0.5 they were 0.84, 91.5 and 0.83 (the API's `eta` of an
    # order's parcel went with orders); see the other samples' floors below.
    reference = load_reference(TRADEPOST / "expected.toml")
    scored = score_against(reference, tradepost.graph, tradepost.decomposition)
    assert scored.atoms is not None and scored.modules is not None
    assert scored.atoms.ari >= 0.86 and scored.atoms.mojofm >= 93
    assert scored.modules.ari >= 0.88
    names = {c.name for c in tradepost.decomposition.contexts if c.kind in PROPOSED}
    assert 6 <= len(names) <= 9
    # each context is named after the entities of the answer key's context it mostly holds
    expected = {"catalog": {"product"}, "inventory": {"stock", "warehouse"},
                "customers": {"customer"}, "orders": {"order"}, "payments": {"payment"},
                "shipping": {"shipment", "shipping"}, "notifications": {"notification", "email"}}
    for context in tradepost.decomposition.contexts:
        if context.kind != "domain":
            continue
        truth = [reference.atoms[e] for e in context.elements
                 if reference.atoms.get(e, "shared") != "shared"]
        majority = max(sorted(set(truth)), key=truth.count)
        assert context.name in expected[majority], (context.name, majority)



# Re-measured when the cut moved from the sweep's resolution (0.5 on all four samples) to 1:
# shopfront's atoms 0.78 -> 0.80, atelier's modules 0.76 -> 0.82 (billing apart from orders)
# and its atoms 0.79 -> 0.72 (catalog's makers apart from its pieces), djshop's atoms
# 0.91 -> 0.885 (docs/clustering.md has the whole table).
@pytest.mark.parametrize(("sample", "atoms", "modules"), [
    ("shopfront", 0.78, 0.90),  # today 0.80 and 0.92
    ("atelier", 0.70, 0.80),  # today 0.72 and 0.82
    ("djshop", 0.87, 0.90),  # today 0.885 and 0.92
])
def test_the_other_samples_structure_blind_cuts_keep_their_accuracy(
        sample: str, atoms: float, modules: float) -> None:
    """Floors just under today's measurement, so that a change that costs one sample shows."""
    analysis = run(SAMPLES / sample, structure_blind=True)
    reference = load_reference(SAMPLES / sample / "expected.toml")
    scored = score_against(reference, analysis.graph, analysis.decomposition)
    assert scored.atoms is not None and scored.modules is not None
    assert scored.atoms.ari >= atoms, scored
    assert scored.modules.ari >= modules, scored


def test_an_app_config_goes_with_the_models_it_registers() -> None:
    """Django registers an app's models by its config's ``name`` (a string): the config is
    linked to them, and so placed with them rather than with the settings that list it."""
    analysis = run(SAMPLES / "djshop", structure_blind=True)
    links = {(e.source, e.target) for e in analysis.graph.edges if e.kind == "app-config"}
    placed = analysis.decomposition.assignment()
    for config, model in [("customers.apps:CustomersConfig", "customers.models:Customer"),
                          ("orders.apps:OrdersConfig", "orders.models:Order"),
                          ("billing.apps:BillingConfig", "billing.models:Invoice"),
                          ("catalog.apps:CatalogConfig", "catalog.models:Product")]:
        assert (config, model) in links
        assert placed[config] == placed[model] != KERNEL, config
    assert ("customers.apps:CustomersConfig", "orders.models:Order") not in links


def test_a_registration_weighs_more_than_a_dependency() -> None:
    """A model its app config registers is a member of the app; a foreign key or a loader's
    string is a dependency, which may cross contexts. The first weighs REGISTRATION_WEIGHT
    (8) of the second."""
    analysis = run(SAMPLES / "atelier", structure_blind=True)
    links = [e for e in analysis.graph.edges if e.signal == "links"]
    registrations = {e.weight for e in links if e.kind == "app-config"}
    dependencies = {e.weight for e in links if e.kind != "app-config"}
    assert registrations == {REGISTRATION_WEIGHT} and dependencies == {1.0}
    assert REGISTRATION_WEIGHT > 1.0


def test_an_app_without_a_config_of_its_own_registers_its_models_too() -> None:
    """``INSTALLED_APPS = ["catalog"]``: Django makes the app's config from its package, and
    that config registers ``catalog.models`` as a written one does. atelier's accounts has a
    config class, its catalog, orders and billing have none."""
    analysis = run(SAMPLES / "atelier", structure_blind=True)
    registrations = {(e.source, e.target): e.weight for e in analysis.graph.edges
                     if e.signal == "links" and e.kind == "app-config"}
    by_package = {model: source for source, model in registrations
                  if source.startswith("package:")}
    assert by_package == {
        **{f"catalog.models:{m}": "package:catalog"
           for m in ("FeaturedPiece", "Maker", "Piece", "Tag")},
        **{f"orders.models:{m}": "package:orders" for m in ("GiftOrder", "Order", "OrderItem")},
        "billing.models:Invoice": "package:billing"}
    assert ("accounts.apps:AccountsConfig", "accounts.models:Member") in registrations
    assert set(registrations.values()) == {REGISTRATION_WEIGHT}
    nodes = analysis.graph.node_map()
    assert nodes["package:catalog"].kind == "package" and not nodes["package:catalog"].is_element


def test_contexts_own_the_tables_of_their_domain(tradepost: api.Analysis) -> None:
    owner = {t: c.name for c in tradepost.decomposition.contexts for t in c.tables}
    assert owner["payments"] == owner["refunds"] == "payment"
    assert owner["customers"] == owner["addresses"] == "customer"
    assert owner["stock_levels"] == owner["warehouses"]


def test_a_table_is_listed_by_the_context_that_owns_it(project: Callable[[Tree], Path]) -> None:
    # the cut puts a table with the code that writes it most, here the auth services; its
    # model, pinned to the forum (which writes it too), makes the forum its owner: the
    # contexts must list it where the findings and the contracts have it
    files: Tree = {"forum/__init__.py": "", "users/__init__.py": "", "auth/__init__.py": "",
                   "seamline.toml": '[pin]\nforum = ["users.models:User", "forum.models"]\n'}
    files["users/models.py"] = """
        from django.db import models

        class User(models.Model):
            name = models.CharField(max_length=50)
            post_count = models.IntegerField(default=0)
    """
    files["forum/models.py"] = """
        from django.db import models
        from users.models import User

        class Topic(models.Model):
            author = models.ForeignKey(User, on_delete=models.CASCADE)

        class Post(models.Model):
            topic = models.ForeignKey(Topic, on_delete=models.CASCADE)
            author = models.ForeignKey(User, on_delete=models.CASCADE)

            def publish(self):
                Post.objects.create(topic=self.topic, author=self.author)
                User.objects.filter(id=self.author.id).update(post_count=1)
    """
    files["auth/services.py"] = """
        from users.models import User

        def clear(user_id):
            User.objects.filter(id=user_id).update(name="")

        def mark(user_id):
            User.objects.filter(id=user_id).update(name="x")
            clear(user_id)

        def register(name):
            user = User.objects.create(name=name)
            mark(user.id)

        def rename(user_id, name):
            User.objects.filter(id=user_id).update(name=name)
            register(name)
    """
    analysis = run(project(files))
    listed = {t: c.name for c in analysis.decomposition.contexts for t in c.tables}
    owned = {o.table: (o.owner, o.reason) for o in analysis.findings.ownership}
    assert owned["users_user"] == ("forum", "holds its model")
    assert listed == {t: owner for t, (owner, _) in owned.items()}
    placed = analysis.decomposition.assignment()
    assert placed["auth.services:rename"] != "forum"  # the writers are elsewhere


def test_every_placement_is_explained(tradepost: api.Analysis) -> None:
    contexts = tradepost.decomposition.assignment()
    clustered = [p for p in tradepost.decomposition.placements if p.how == "clustered"]
    assert clustered
    for placement in clustered:
        assert 0.0 <= placement.margin <= 1.0
        assert placement.runner_up != placement.context
        for node, signal, weight in placement.strongest:
            assert weight > 0 and signal in dict(placement.signals)
            if node in contexts:  # an element (not a table): in the same context
                assert contexts[node] == placement.context
    place = {p.element: p for p in tradepost.decomposition.placements}
    refund = place["tradepost.services.payment_service:refund_payment"]
    assert refund.context == "payment" and refund.signals


def test_modules_whose_atoms_part_ways_get_a_split_plan(tradepost: api.Analysis) -> None:
    plans = {m.module: m for m in tradepost.decomposition.modules}
    models = plans["tradepost.models"]
    assert len(models.split) >= 4
    placed = {e: c for c, elements in models.split for e in elements}
    assert placed["tradepost.models:Payment"] == placed["tradepost.models:Refund"]
    assert placed["tradepost.models:Payment"] != placed["tradepost.models:Customer"]


def test_the_choice_of_k_is_explained_and_a_fixed_k_is_exact(tradepost: api.Analysis) -> None:
    choice = tradepost.decomposition.choice
    assert choice.mode == "auto" and choice.resolution == 1.0 and len(choice.candidates) == 1
    assert "consensus" in choice.reasoning[0] and 0.0 < choice.candidates[0].stability <= 1.0
    untied = {e for c in tradepost.decomposition.contexts if c.kind == "unplaced"
              for e in c.elements}
    assert untied
    for wanted in (3, 5, 10):
        cut = decompose(tradepost.graph, _blind(contexts=wanted))
        assert sum(c.kind in PROPOSED for c in cut.contexts) == wanted
        assert cut.choice.mode == "fixed"
        # code tied to nothing stays unplaced while the tied code can make the count
        assert {e for c in cut.contexts if c.kind == "unplaced" for e in c.elements} == untied
        assert cut.scores.modularity > 0.5
    # when the rules after the cut change the count, the reasoning says so with both numbers
    for resolution in (1.0, 1.5, 2.0, 3.0):
        cut = decompose(tradepost.graph, _blind(resolution=resolution))
        chosen = cut.choice.candidates[0].contexts
        final = sum(c.kind in PROPOSED for c in cut.contexts)
        said = [line for line in cut.choice.reasoning if "after the cut" in line]
        assert said == ([] if chosen == final else [
            f"pins, keep-apart and the rules after the cut (private code following its users, "
            f"libraries joining the kernel or their one user) leave {final} contexts of the "
            f"cut's {chosen}."])


def _chains_and_islands() -> CouplingGraph:
    """The issue's repro: a -> b -> c and d -> e -> f, g and h tied to nothing."""
    nodes = tuple(Node(n, "class", module=f"m.{n}") for n in "abcdefgh")
    edges = tuple(Edge(s, t, "code", "call", 1.0) for s, t in ("ab", "bc", "de", "ef"))
    return CouplingGraph("chains", nodes, edges)


@pytest.mark.parametrize("wanted", range(1, 9))
def test_a_fixed_k_is_exact_with_isolated_elements(wanted: int) -> None:
    cut = decompose(_chains_and_islands(), ClusterOptions(contexts=wanted))
    domain = [c for c in cut.contexts if c.kind in PROPOSED]
    assert len(domain) == wanted
    assert sorted(e for c in cut.contexts for e in c.elements) == list("abcdefgh")
    if wanted == 2:  # the two chains apart, neither cut in half (g and h join one of them)
        where = {e: c.name for c in domain for e in c.elements}
        assert where["a"] == where["b"] == where["c"] != where["d"] == where["e"] == where["f"]


@pytest.mark.parametrize("kernel", [True, False])
def test_a_fixed_k_is_exact_when_code_is_tied_by_nothing_but_zero_weights(kernel: bool) -> None:
    # a and b tied by a call of weight 0 (the graph format allows it) count as untied code;
    # the count had stopped one short when their group could not be split
    nodes = (Node("a", "class", module="m"), Node("b", "class", module="m"),
             Node("c", "class", module="m"), Node("table:t", "table"))
    graph = CouplingGraph("zero", nodes, (Edge("a", "b", "code", "call", 0.0, 1),))
    cut = decompose(graph, ClusterOptions(contexts=3, kernel=kernel))
    assert sorted(c.elements for c in cut.contexts if c.kind in PROPOSED) == [
        ("a",), ("b",), ("c",)]


def test_more_contexts_than_elements_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_bytes(dumps_graph(_chains_and_islands()))
    result = CliRunner().invoke(cli, ["cluster", str(path), "--contexts", "9",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--contexts 9: the graph has only 8 elements to place" in result.output
    assert "Traceback" not in result.output


def test_a_few_atoms_tied_to_nothing_else_are_unplaced_not_a_domain() -> None:
    # wger's `__main__` and its main(), Weblate's generate_secret_key: each had made a domain
    # context of two atoms (`main`) that nothing in the project calls
    first, second = [f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]
    big = [f"i{i}" for i in range(3)]  # an island big enough to be a context of its own
    nodes = [Node(n, "class", module="m") for n in [*first, *second, *big]]
    nodes += [Node("s.main", "module", module="s.main"),
              Node("s.main:main", "function", module="s.main"),
              Node("t:Ledger", "class", module="t"), Node("t:post", "function", module="t"),
              Node("table:ledger", "table"),
              Node("c:Command", "class", module="c", role="command"),
              Node("c:helper", "function", module="c"),
              Node("d:Command", "class", module="d", size=3, role="command"),
              Node("d:OutputFilter", "class", module="d", size=20),
              # pretalx's api/shims.py: module code and two helpers, tied only to each other
              Node("u.shims", "module", module="u.shims"),
              Node("u.shims:empty_method", "function", module="u.shims"),
              Node("u.shims:empty_wrapper", "function", module="u.shims"),
              *(Node(f"v.{m}", "module", module=f"v.{m}", size=200) for m in "abc")]
    edges = [Edge(s, t, "code", "call", 5.0) for group in (first, second, big)
             for s, t in itertools.combinations(group, 2)]
    edges += [Edge("a0", "b0", "code", "call", 1.0),
              Edge("s.main", "s.main:main", "code", "call", 1.0),
              Edge("t:post", "t:Ledger", "code", "call", 1.0),
              Edge("t:Ledger", "table:ledger", "data", "declares", 2.0),
              Edge("c:Command", "c:helper", "code", "call", 1.0),
              Edge("d:Command", "d:OutputFilter", "code", "call", 1.0),
              Edge("u.shims", "u.shims:empty_wrapper", "code", "call", 1.0),
              Edge("u.shims:empty_wrapper", "u.shims:empty_method", "code", "call", 1.0),
              Edge("v.a", "v.b", "code", "attribute", 1.0),
              Edge("v.b", "v.c", "code", "attribute", 1.0)]
    cut = decompose(CouplingGraph("islands", tuple(nodes), tuple(edges)),
                    ClusterOptions(kernel=False))
    where = {e: c for c in cut.contexts for e in c.elements}
    assert where["s.main:main"].kind == where["s.main"].kind == "unplaced"
    # a module's own code is no definition: with its two helpers it is still an island
    assert {where[e].kind for e in ("u.shims", "u.shims:empty_method",
                                    "u.shims:empty_wrapper")} == {"unplaced"}
    # but modules' own code alone counts: three modules tied only to each other are a context
    assert {where[e].kind for e in ("v.a", "v.b", "v.c")} == {"domain"}
    assert {e: p.how for p, e in ((p, p.element) for p in cut.placements)}["s.main:main"] \
        == "unplaced"
    assert where["i0"].kind == "domain" and set(big) == set(where["i0"].elements)
    assert where["t:Ledger"].kind == "domain"  # it holds a table: a domain's data
    assert where["c:Command"].kind == "infrastructure"  # framework plumbing, named for it
    # a command with a helper class that outweighs it is no island either: it plays a role
    assert where["d:Command"].kind != "unplaced"
    assert where["a0"].kind == where["b0"].kind == "domain"
    # a number of contexts asked for counts every group of tied code, islands included
    fixed = decompose(CouplingGraph("islands", tuple(nodes), tuple(edges)),
                      ClusterOptions(kernel=False, contexts=8))
    assert len([c for c in fixed.contexts if c.kind in PROPOSED]) == 8
    # and a context the config pins is the user's, whatever its size
    pinned = decompose(CouplingGraph("islands", tuple(nodes), tuple(edges)), ClusterOptions(
        kernel=False, constraints=Constraints(pin=(("launch", ("s.main:main",)),))))
    assert {e: c.name for c in pinned.contexts for e in c.elements}["s.main:main"] == "launch"


def _two_domains_and_a_loose_class() -> CouplingGraph:
    """Two cohesive domains of six classes each, tied by one call, and a class ``x`` that
    calls into the first once."""
    first, second = [f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]
    nodes = tuple(Node(n, "class", module=f"m.{n}") for n in [*first, *second, "x"])
    edges = [Edge(s, t, "code", "call", 5.0) for group in (first, second)
             for s, t in itertools.combinations(group, 2)]
    edges += [Edge("a0", "b0", "code", "call", 1.0), Edge("x", "a1", "code", "call", 1.0)]
    return CouplingGraph("loose", nodes, tuple(edges))


@pytest.mark.parametrize("wanted", [3, 4])
def test_more_contexts_than_the_structure_has_come_from_the_cheapest_cuts(wanted: int) -> None:
    # the third context is the loose class, not part of a domain: its one call is the least
    # a new boundary can cost; only the fourth has to cut into a domain
    cut = decompose(_two_domains_and_a_loose_class(), ClusterOptions(contexts=wanted,
                                                                      kernel=False))
    domain = [frozenset(c.elements) for c in cut.contexts if c.kind in PROPOSED]
    assert len(domain) == wanted
    assert frozenset({"x"}) in domain
    whole = {frozenset(f"a{i}" for i in range(6)), frozenset(f"b{i}" for i in range(6))}
    assert len(whole & set(domain)) == (2 if wanted == 3 else 1)


def test_a_split_cuts_code_apart_not_a_helper_alone() -> None:
    # a table tied by one weak read is the cheapest thing to cut off, and leaves no code
    # apart: helpers are held to their code, so the cut found is the loose class
    domain = [f"a{i}" for i in range(6)]
    graph = nx.Graph()
    graph.add_weighted_edges_from([(a, b, 5.0) for a, b in itertools.combinations(domain, 2)])
    graph.add_weighted_edges_from([("x", "a1", 1.0), ("table:t", "a2", 0.5)])
    members = {n: [n] for n in [*domain, "x"]}
    group = frozenset(graph)
    index, part, rest = _cheapest_split(graph, [group], [0], members, 7, {})
    assert (index, part, rest) == (0, group - {"x"}, frozenset({"x"}))


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_a_fixed_k_is_exact_on_any_graph(data: st.DataObject) -> None:
    # classes, some tied by calls, use cases reaching some of them, some tied to nothing
    count = data.draw(st.integers(1, 14), label="elements")
    names = [f"c{i}" for i in range(count)]
    calls = data.draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)),
                               max_size=30), label="calls")
    cases = data.draw(st.lists(st.lists(st.sampled_from(names), min_size=1, max_size=5),
                               max_size=4), label="use cases")
    volume = st.integers(1, 1000)
    nodes = [Node(n, "class", module=n) for n in names]
    edges = [Edge(a, b, "code", "call", float(data.draw(volume)), 1) for a, b in calls if a != b]
    for index, reached in enumerate(cases):
        nodes.append(Node(f"usecase:{index}", "usecase"))
        edges.extend(Edge(f"usecase:{index}", r, "usecases", "trace", 1.0) for r in reached)
    graph = CouplingGraph("random", tuple(nodes), tuple(sorted(set(edges))))
    wanted = data.draw(st.integers(1, count), label="wanted")
    kernel = data.draw(st.booleans(), label="kernel")
    cut = decompose(graph, ClusterOptions(contexts=wanted, kernel=kernel))
    assert sum(c.kind in PROPOSED for c in cut.contexts) == wanted
    assert sorted(p.element for p in cut.placements) == sorted(names)


def test_a_fixed_k_on_a_django_sample_beyond_its_natural_count() -> None:
    analysis = run(SAMPLES / "djshop", structure_blind=True)
    elements = sum(1 for n in analysis.graph.nodes if n.is_element)
    for wanted in (18, elements):
        cut = decompose(analysis.graph, _blind(contexts=wanted))
        assert sum(c.kind in PROPOSED for c in cut.contexts) == wanted


def test_resolution_makes_the_cut_coarser_or_finer(tradepost: api.Analysis) -> None:
    coarse = decompose(tradepost.graph, _blind(resolution=0.3))
    fine = decompose(tradepost.graph, _blind(resolution=4.0))
    assert sum(c.kind in PROPOSED for c in coarse.contexts) < sum(
        c.kind in PROPOSED for c in fine.contexts)


def test_module_granularity_keeps_each_module_whole(tradepost: api.Analysis) -> None:
    cut = decompose(tradepost.graph, _blind(granularity="module"))
    assert all(not plan.split for plan in cut.modules)
    nodes = tradepost.graph.node_map()
    by_module: dict[str, set[str]] = {}
    for placement in cut.placements:
        by_module.setdefault(nodes[placement.element].module, set()).add(placement.context)
    assert all(len(contexts) == 1 for contexts in by_module.values())


def test_pins_keep_together_and_keep_apart_are_honoured(tradepost: api.Analysis) -> None:
    constraints = Constraints(
        pin=(("checkout", ("tradepost.services.checkout",)),),
        together=(("tradepost.models:Shipment", "tradepost.models:Notification"),),
        apart=(("tradepost.models:Payment", "tradepost.models:Refund"),),
    )
    cut = decompose(tradepost.graph, _blind(constraints=constraints))
    placed = cut.assignment()
    checkout = [e for e in placed if e.startswith("tradepost.services.checkout:")]
    assert checkout and {placed[e] for e in checkout} == {"checkout"}
    assert placed["tradepost.models:Shipment"] == placed["tradepost.models:Notification"]
    assert placed["tradepost.models:Payment"] != placed["tradepost.models:Refund"]
    assert not cut.conflicts
    how = {p.element: p.how for p in cut.placements}
    assert {how[e] for e in checkout} == {"pinned"}
    assert how["tradepost.models:Shipment"] == "kept-together"
    assert "kept-apart" in {how["tradepost.models:Payment"], how["tradepost.models:Refund"]}


def test_impossible_constraints_are_reported_not_hidden(tradepost: api.Analysis) -> None:
    constraints = Constraints(
        pin=(("a", ("tradepost.models:Payment",)), ("b", ("tradepost.models:Payment",)),
             ("c", ("nothing.matches.*",))),
    )
    cut = decompose(tradepost.graph, _blind(constraints=constraints))
    assert any("pinned to both" in c for c in cut.conflicts)
    assert any("nothing.matches" in c for c in cut.conflicts)
    assert cut.assignment()["tradepost.models:Payment"] == "a"


def test_a_utility_used_by_every_context_goes_to_the_shared_kernel(
        project: Callable[[Tree], Path]) -> None:
    files: Tree = {"shop/__init__.py": "",
                   "shop/util.py": "def fmt(value):\n    return str(value)\n"}
    for domain in ("orders", "billing", "stock", "users", "mail"):
        title = domain.title()
        body = "from shop.util import fmt\n\n"
        for i in range(4):
            body += (f"class {title}{i}:\n    def show(self):\n"
                     f"        return fmt({title}{(i + 1) % 4}()), {title}{(i + 2) % 4}\n\n")
        files[f"shop/{domain}.py"] = body
    analysis = run(project(files), structure_blind=True)
    placed = analysis.decomposition.assignment()
    assert placed["shop.util:fmt"] == KERNEL
    domains = {placed[f"shop.{d}:{d.title()}0"] for d in ("orders", "billing", "stock")}
    assert len(domains) == 3 and KERNEL not in domains


def test_a_long_tail_of_small_contexts_does_not_keep_a_utility_out_of_the_kernel() -> None:
    # three contexts of ten units and ten single-unit contexts: a utility used evenly from
    # the three large ones is spread over the code; one that one context mostly uses is not
    labels = {f"{c}.{i}": c for c in range(3) for i in range(10)}
    labels |= {f"tail.{c}": c for c in range(3, 13)}
    assert effective_count([10, 10, 10] + [1] * 10) == pytest.approx(1600 / 310)
    even = {f"{c}.{i}" for c in range(3) for i in range(3)}
    lopsided = {f"0.{i}" for i in range(4)} | {"1.0", "2.0"}
    kernel = kernel_candidates({"util:even": even, "util:lopsided": lopsided}, labels, 13)
    assert kernel == {"util:even"}


def test_the_default_cut_is_the_consensus_at_resolution_one(tradepost: api.Analysis) -> None:
    default = decompose(tradepost.graph, _blind())
    set_to_one = decompose(tradepost.graph, _blind(resolution=1.0))
    assert default.contexts == set_to_one.contexts
    assert default.choice.candidates == set_to_one.choice.candidates
    assert set_to_one.choice.mode == "resolution"
    # the agreement reported is that of the consensus's first runs, pair by pair
    weighted = mix(tradepost.graph, _blind(), {})
    found, groups = cut_at(weighted.numbered, weighted.members, 7)
    labels, first = consensus_with_runs(weighted.numbered, 1.0, 7)
    assert len(first) == RUNS
    cut = _Cut.of(weighted.numbered, weighted.members)
    by_element = [cut.settle(run)[cut.elements].tolist() for run in first]
    pairs = [adjusted_rand(a, b) for a, b in itertools.combinations(by_element, 2)]
    assert found.stability == round(sum(pairs) / len(pairs), 4)
    assert found.contexts == count_contexts(groups, weighted.members)
    assert groups == groups_of(weighted.numbered, cut.settle(labels))


def test_a_table_few_of_a_large_context_speak_of_does_not_name_it() -> None:
    # saleor's GraphQL layer held the gift card table and was named "gift"
    nodes = {f"api:{n}Input": Node(f"api:{n}Input", "class", "api", terms=("input",))
             for n in ("Order", "Product", "Page", "Menu", "Voucher", "Sale", "Staff", "User",
                       "Shop", "Site", "Token", "Wishlist")}
    nodes["api:GiftCardType"] = Node("api:GiftCardType", "class", "api")
    nodes["table:gift_card"] = Node("table:gift_card", "table")
    shop = {"shop:Order": Node("shop:Order", "class", "shop"),
            "table:order": Node("table:order", "table")}
    terms = context_terms({"api": sorted(nodes), "shop": sorted(shop)}, nodes | shop)
    assert terms["api"][0] == "input"
    assert terms["shop"][0] == "order"


def _domains_and_a_helper(helper_users: tuple[str, ...], words: int = 1,
                          call: float = 2.0) -> CouplingGraph:
    """Two domains (a clique of four classes writing one table each, speaking of the same
    things) and a helper module ``h`` of two functions that touch no table. The helper's
    words are like those of ``words`` classes of domain ``b``; ``helper_users`` are the atoms
    that call it, each call weighing ``call``."""
    nodes = [Node(f"{d}:{d}{i}", "class", module=d) for d in "ab" for i in range(4)]
    nodes += [Node("h:h0", "function", module="h"), Node("h:h1", "function", module="h")]
    nodes += [Node("table:ta", "table"), Node("table:tb", "table")]
    pairs = [(f"{d}:{d}{i}", f"{d}:{d}{j}") for d in "ab" for i in range(4) for j in range(4)
             if i < j]
    edges = [Edge(x, y, "code", "call", 2.0, 3) for x, y in pairs]
    edges += [Edge(x, y, "vocabulary", "similar", 0.5) for x, y in pairs]
    edges += [Edge(f"{d}:{d}{i}", f"table:t{d}", "data", "write", 1.0)
              for d in "ab" for i in range(4)]
    edges += [Edge("h:h0", "h:h1", "code", "call", 1.0)]
    edges += [Edge(user, "h:h0", "code", "call", call) for user in helper_users]
    edges += [Edge(h, f"b:b{i}", "vocabulary", "similar", 0.9) for h in ("h:h0", "h:h1")
              for i in range(words)]
    return CouplingGraph("toy", tuple(nodes), tuple(edges))


def test_code_with_no_data_that_one_context_alone_uses_follows_it() -> None:
    # its words are b's, but not four times as strongly as a's use ties it to a
    cut = decompose(_domains_and_a_helper(("a:a0",)), _blind(kernel=False))
    placed = {p.element: p for p in cut.placements}
    assert placed["h:h0"].context == placed["h:h1"].context == placed["a:a0"].context
    assert placed["h:h0"].how == placed["h:h1"].how == "with-its-users"
    assert placed["b:b0"].context != placed["a:a0"].context


@pytest.mark.parametrize("mode", ["read", "write"])
def test_code_that_reads_another_contexts_table_still_follows_its_one_user(mode: str) -> None:
    # a form listing `b`'s rows as choices, used by `a`'s view alone, is `a`'s private code
    # (Kiwi TCMS's bug and test-run forms, which read the products' versions and builds, had
    # stayed with the versions); code that writes `b`'s table owns some of it, and stays
    base = _domains_and_a_helper(("a:a0",), words=2)
    reads = [Edge(h, "table:tb", "data", mode, 0.5) for h in ("h:h0", "h:h1")]
    cut = decompose(CouplingGraph("toy", base.nodes, (*base.edges, *reads)), _blind(kernel=False))
    placed = {p.element: p for p in cut.placements}
    owner = "a:a0" if mode == "read" else "b:b0"
    assert placed["h:h0"].context == placed["h:h1"].context == placed[owner].context
    assert placed["a:a0"].context != placed["b:b0"].context
    assert placed["h:h0"].how == ("with-its-users" if mode == "read" else "clustered")


def test_code_the_graph_ties_far_more_strongly_elsewhere_stays_there() -> None:
    # a plugin's component that one registry uses is not the registry's private code
    cut = decompose(_domains_and_a_helper(("a:a0",), words=4, call=1.0), _blind(kernel=False))
    placed = {p.element: p for p in cut.placements}
    assert placed["h:h0"].context == placed["h:h1"].context == placed["b:b0"].context
    assert placed["h:h0"].how == "clustered"
    assert placed["b:b0"].context != placed["a:a0"].context


def test_code_used_from_two_contexts_stays_where_its_ties_put_it() -> None:
    cut = decompose(_domains_and_a_helper(("a:a0", "b:b3")), _blind(kernel=False))
    placed = {p.element: p for p in cut.placements}
    assert placed["h:h0"].context == placed["b:b0"].context
    assert placed["h:h0"].how == "clustered"


def _domains_and_two_libraries() -> CouplingGraph:
    """Domains ``a``, ``b`` and ``c`` (cliques of five classes, each writing its table) and
    two table-free libraries that are cliques of their own: ``lib`` used by ``a`` and ``b``,
    ``page`` used by ``a`` alone."""
    nodes = [Node(f"{d}:{d}{i}", "class", module=d) for d in "abc" for i in range(5)]
    nodes += [Node(f"{lib}:{lib}{i}", "function", module=lib) for lib in ("lib", "page")
              for i in range(4)]
    nodes += [Node(f"table:t{d}", "table") for d in "abc"]
    edges = [Edge(f"{d}:{d}{i}", f"{d}:{d}{j}", "code", "call", 3.0, 9)
             for d in ("a", "b", "c", "lib", "page") for i in range(5) for j in range(5)
             if i < j and (d in "abc" or j < 4)]
    edges += [Edge(f"{d}:{d}{i}", f"table:t{d}", "data", "write", 1.0)
              for d in "abc" for i in range(5)]
    edges += [Edge("a:a0", "b:b0", "code", "call", 1.0), Edge("b:b1", "c:c1", "code", "call", 1.0)]
    edges += [Edge(user, "lib:lib0", "code", "call", 0.5) for user in ("a:a1", "b:b2")]
    edges += [Edge("a:a3", "page:page0", "code", "call", 0.5)]
    return CouplingGraph("toy", tuple(nodes), tuple(edges))


def test_a_table_free_context_is_a_library_of_the_kernel_or_of_its_one_user() -> None:
    graph = _domains_and_two_libraries()
    unruled = decompose(graph, _blind(kernel=False))  # no rule: each library a context
    assert {frozenset(c.elements) for c in unruled.contexts} >= {
        frozenset(f"lib:lib{i}" for i in range(4)), frozenset(f"page:page{i}" for i in range(4))}
    cut = decompose(graph, _blind())
    placed = cut.assignment()
    assert {placed[f"lib:lib{i}"] for i in range(4)} == {KERNEL}  # used by two contexts
    follows = {p.element: p for p in cut.placements if p.element.startswith("page:")}
    assert {p.context for p in follows.values()} == {placed["a:a0"]} != {KERNEL}
    assert {p.how for p in follows.values()} == {"with-its-users"}
    assert len([c for c in cut.contexts if c.kind in PROPOSED]) == 3



def test_each_piece_of_a_library_goes_where_its_users_are() -> None:
    """The domains and libraries above, and ``web``: two views (entry points) tied to one
    another and to their form and helper; ``login`` calls domain ``a`` and is the only user of
    ``LoginForm``, ``checkout`` calls ``b``; ``format_money`` is used from ``a`` and ``b`` (and
    calls ``a``: not a utility the kernel takes before the cut). The
    views join the domains they call; the form follows its view, not the library's other
    users (FlaskBB's sign-in forms and views had gone to the kernel so); the helper two
    contexts use is the kernel's."""
    base = _domains_and_two_libraries()
    web = ["web:login", "web:checkout", "web:LoginForm", "web:format_money"]
    nodes = [*base.nodes, *(Node(w, "class" if "Form" in w else "function", module="web")
                            for w in web),
             *(Node(f"usecase:{v}", "usecase") for v in web[:2])]
    edges = [*base.edges, *(Edge(a, b, "code", "name", 1.5, 3) for a in web for b in web
                            if a < b and b != "web:format_money" != a),
             *(Edge(f"usecase:{v}", v, "usecases", "route", 1.0) for v in web[:2]),
             Edge("web:login", "web:LoginForm", "code", "call", 2.0, 2),
             Edge("web:checkout", "web:format_money", "code", "call", 1.0),
             Edge("web:login", "web:format_money", "code", "call", 1.0),
             Edge("web:login", "a:a2", "code", "call", 1.0, 2),
             Edge("web:checkout", "b:b3", "code", "call", 1.0, 2),
             Edge("a:a4", "web:format_money", "code", "call", 0.5),
             Edge("b:b4", "web:format_money", "code", "call", 0.5),
             Edge("web:format_money", "a:a1", "code", "call", 0.5)]  # no generic utility
    cut = decompose(CouplingGraph("toy", tuple(nodes), tuple(edges)), _blind())
    placed = {p.element: p for p in cut.placements}
    assert placed["web:login"].context == placed["a:a0"].context
    assert placed["web:checkout"].context == placed["b:b0"].context
    assert (placed["web:LoginForm"].context, placed["web:LoginForm"].how) == (
        placed["a:a0"].context, "with-its-users")
    assert placed["web:format_money"].context == KERNEL


@pytest.mark.parametrize("utility", [5, 100])
def test_the_kernel_takes_no_more_than_its_bound_of_a_librarys_code(utility: int) -> None:
    """The domains above (150 lines); ``u:escape``, a generic utility ``a`` and ``b`` use (the
    kernel's before the cut, ``utility`` lines); and ``web``, a table-free library: its
    ``Client`` (300 lines) and ``format`` (60), which ``a`` and ``b`` both use and which call
    ``a`` (no generic utilities), and ``Session`` and ``Cookie``, which only ``Client`` uses.
    Unbounded, all of ``web`` would go to the kernel, over two thirds of the code (Roundup's
    web client and REST API went so, 44 %). The kernel is bounded at a quarter of the lines:
    the largest piece, ``Client``, stays where it is, a component of its own with what only it
    uses; ``format`` still goes to the kernel when it fits beside the utility (5 lines), and
    stays too when the utility's 100 lines leave no room for it."""
    base = _domains_and_two_libraries()
    sized = [Node(n.id, n.kind, module=n.module, size=10) if n.kind == "class" else n
             for n in base.nodes if not n.id.startswith(("lib", "page"))]
    web = {"web:Client": 300, "web:format": 60, "web:Session": 5, "web:Cookie": 5}
    nodes = [*sized, *(Node(w, "class", module="web", size=size) for w, size in web.items()),
             Node("u:escape", "function", module="u", size=utility)]
    edges = [*(e for e in base.edges if not e.source.startswith(("lib", "page"))
               and not e.target.startswith(("lib", "page"))),
             *(Edge(a, b, "code", "call", 3.0, 9) for a, b in (
                 ("web:Client", "web:Session"), ("web:Client", "web:Cookie"),
                 ("web:Session", "web:Cookie"), ("web:Client", "web:format"))),
             Edge("web:Client", "a:a3", "code", "call", 0.5),
             Edge("web:format", "a:a4", "code", "call", 0.5),
             *(Edge(user, piece, "code", "call", 0.5) for user in ("a:a1", "b:b2")
               for piece in ("web:Client", "web:format", "u:escape"))]
    cut = decompose(CouplingGraph("toy", tuple(nodes), tuple(edges)), _blind())
    placed = cut.assignment()
    assert placed["u:escape"] == KERNEL
    assert placed["web:Client"] == placed["web:Session"] == placed["web:Cookie"] not in (
        KERNEL, placed["a:a0"], placed["b:b0"])
    assert (placed["web:format"] == KERNEL) == (utility == 5)
    kernel = sum(n.size for n in nodes if placed.get(n.id) == KERNEL)
    assert kernel <= 0.25 * sum(n.size for n in nodes if n.kind != "table")
    held = ("1 table-free piece that several contexts use (300 lines; the largest "
            "web:Client) stays" if utility == 5 else "2 table-free pieces that several "
            "contexts use (360 lines; the largest web:Client) stay")
    assert any(f"bounded at 25% of the lines: {held} out of it" in line
               for line in cut.choice.reasoning)


@pytest.mark.parametrize("library", ["alib", "zlib"])
def test_a_library_follows_its_users_wherever_it_sits_in_the_order(library: str) -> None:
    """A library only ``web``'s view uses, and the view an entry point that calls domain
    ``a``: the view joins ``a`` and the library follows it there, whether the library is
    looked at before ``web`` or after (by its name)."""
    base = _domains_and_two_libraries()
    lib = [f"{library}:{library}{i}" for i in range(4)]
    web = ["web:view", "web:h1", "web:h2", "web:h3"]
    nodes = [*base.nodes, *(Node(x, "function", module=library) for x in lib),
             *(Node(x, "function", module="web") for x in web), Node("usecase:web:view", "usecase")]
    edges = [*base.edges, *(Edge(x, y, "code", "call", 3.0, 9) for g in (lib, web)
                            for i, x in enumerate(g) for y in g[i + 1:]),
             Edge("usecase:web:view", "web:view", "usecases", "route", 1.0),
             Edge("web:view", lib[0], "code", "call", 0.5),
             Edge("web:view", "a:a2", "code", "call", 1.0, 2)]
    placed = decompose(CouplingGraph("toy", tuple(nodes), tuple(edges)), _blind()).assignment()
    assert {placed[x] for x in [*lib, "web:view"]} == {placed["a:a0"]}


def test_code_a_command_calls_that_writes_tables_stays_a_domains(
        project: Callable[[Tree], Path]) -> None:
    # the roles a framework calls pass nothing on: the importer writes the catalogue
    root = project({
        "catalog/__init__.py": "", "catalog/management/__init__.py": "",
        "catalog/management/commands/__init__.py": "",
        "catalog/models.py": """
            from django.db import models

            class Product(models.Model):
                name = models.CharField(max_length=50)
                price = models.IntegerField()
        """,
        "catalog/importer.py": """
            from catalog.models import Product

            def import_products(path):
                for line in open(path):
                    name, price = line.split(",")
                    Product.objects.create(name=name, price=int(price))

            def import_prices(path):
                for line in open(path):
                    name, price = line.split(",")
                    Product.objects.filter(name=name).update(price=int(price))
        """,
        "catalog/management/commands/import_products.py": """
            from django.core.management.base import BaseCommand
            from catalog.importer import import_prices, import_products

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    import_products(options["path"])
                    import_prices(options["path"])
        """,
    })
    analysis = run(root, structure_blind=True)
    holding = next(c for c in analysis.decomposition.contexts
                   if "catalog.importer:import_products" in c.elements)
    assert holding.kind == "domain"
    assert "catalog_product" in holding.tables


def test_the_entry_points_of_a_library_follow_the_code_they_call() -> None:
    """The domains and libraries above, and ``jobs``: four tasks (entry points, each with its
    use case) tied to one another by the module that registers them. ``job0`` and ``job1``
    call domain ``a``, ``job2`` and ``job3`` domain ``b``; ``a`` and ``b`` each enqueue one.
    A table-free context used from two contexts would go to the kernel whole: its entry
    points are a layer's pieces instead, and each joins the domain it calls."""
    base = _domains_and_two_libraries()
    jobs = [f"jobs:job{i}" for i in range(4)]
    nodes = [*base.nodes, Node("jobs", "module", module="jobs"),
             *(Node(j, "function", module="jobs") for j in jobs),
             *(Node(f"usecase:{j}", "usecase") for j in jobs)]
    edges = [*base.edges, *(Edge("jobs", j, "links", "registers", 1.0) for j in jobs),
             *(Edge(a, b, "code", "call", 2.0, 4) for a in jobs for b in jobs if a < b),
             *(Edge(f"usecase:{j}", j, "usecases", "task", 1.0) for j in jobs),
             Edge("jobs:job0", "a:a2", "code", "call", 1.0),
             Edge("jobs:job1", "a:a4", "code", "call", 1.0),
             Edge("jobs:job2", "b:b3", "code", "call", 1.0),
             Edge("jobs:job3", "b:b4", "code", "call", 1.0),
             Edge("a:a0", "jobs:job0", "code", "enqueue", 0.5),
             Edge("b:b0", "jobs:job2", "code", "enqueue", 0.5)]
    cut = decompose(CouplingGraph("toy", tuple(nodes), tuple(edges)), _blind())
    placed = {p.element: p for p in cut.placements}
    assert placed["jobs:job0"].context == placed["jobs:job1"].context == placed["a:a0"].context
    assert placed["jobs:job2"].context == placed["jobs:job3"].context == placed["b:b0"].context
    assert placed["a:a0"].context != placed["b:b0"].context
    assert {placed[j].how for j in jobs} == {"with-its-users"}

def test_same_input_same_cut_under_any_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(TRADEPOST), "--out",
                        str(out), "--no-cache", "-q", "--structure-blind"], check=True,
                       env=os.environ | {"PYTHONHASHSEED": seed})
        outputs.append(((out / "analysis.json").read_bytes(), (out / "graph.json").read_bytes()))
    assert outputs[0] == outputs[1]


def test_keep_apart_gives_the_same_cut_under_any_hash_seed(tradepost: api.Analysis,
                                                           tmp_path: Path) -> None:
    # keep-apart moves the units of one side one by one, each move changing the next one's
    # ties: they had been taken in the order of a set of names, which the hash seed changes
    graph = tmp_path / "graph.json"
    graph.write_bytes(dumps_graph(tradepost.graph))
    config = tmp_path / "seamline.toml"
    config.write_text(
        'keep-together = [["tradepost.models:Customer", "tradepost.services.pricing"]]\n'
        'keep-apart = [["tradepost.models:Product", "tradepost.models:Category"],\n'
        '              ["tradepost.api.*", "tradepost.models:*"]]\n'
        '[pin]\nledger = ["tradepost.commands.*"]\n')
    outputs = _clustered_under_hash_seeds(
        graph, ["--config", str(config), "--structure-blind"], 4, tmp_path)
    assert len(outputs) == 1


def _clustered_under_hash_seeds(graph: Path, options: list[str], seeds: int,
                                tmp_path: Path) -> set[bytes]:
    """The distinct contexts.json of ``seamline cluster graph *options`` under hash seeds 1 to
    ``seeds``, each in a process of its own."""
    outputs = set()
    for seed in range(1, seeds + 1):
        out = tmp_path / f"seed-{seed}"
        subprocess.run([sys.executable, "-m", "analyzer", "cluster", str(graph), *options,
                        "--out", str(out), "-j", "1"], check=True, capture_output=True,
                       env=os.environ | {"PYTHONHASHSEED": str(seed)})
        outputs.add((out / "contexts.json").read_bytes())
    return outputs


def _cliques_with_even_ties() -> CouplingGraph:
    """Seven cliques of four classes; between some, ties that sum to the same weight in
    different ways (0.1 + 0.2 + 0.3 against 0.6)."""
    cliques = [[f"g{i}n{j}" for j in range(4)] for i in range(7)]
    edges = [Edge(a, b, "code", "call", 5.0) for clique in cliques
             for a, b in itertools.combinations(clique, 2)]
    edges += [Edge(a, b, "code", "call", w) for a, b, w in (
        ("g0n0", "g1n0", 1.0), ("g0n0", "g3n0", 0.1), ("g0n0", "g4n0", 0.1),
        ("g0n1", "g3n0", 0.2), ("g0n1", "g4n0", 0.2), ("g0n2", "g3n0", 0.3),
        ("g0n2", "g4n0", 0.3), ("g1n0", "g5n0", 0.3), ("g1n1", "g5n0", 0.6),
        ("g1n2", "g5n0", 0.1), ("g2n0", "g3n0", 0.1), ("g2n1", "g3n0", 0.2),
        ("g2n2", "g3n0", 0.3), ("g3n0", "g4n0", 1.0), ("g5n0", "g6n0", 0.3),
        ("g5n1", "g6n0", 0.6), ("g5n2", "g6n0", 0.1))]
    nodes = tuple(Node(n, "class", module=f"m.{n}") for clique in cliques for n in clique)
    return CouplingGraph("even", nodes, tuple(sorted(edges)))


@pytest.mark.parametrize(("make", "wanted"), [(_two_domains_and_a_loose_class, 9),
                                              (_cliques_with_even_ties, 3)])
def test_a_fixed_k_gives_the_same_cut_under_any_hash_seed(
        make: Callable[[], CouplingGraph], wanted: int, tmp_path: Path) -> None:
    # splits: the minimum cuts had followed the order of a networkx subgraph view, which
    # iterates a set of names; merges: the ties between groups were summed in a set's order,
    # and 0.1 + 0.2 + 0.3 is not 0.6 in every order
    graph = tmp_path / "graph.json"
    graph.write_bytes(dumps_graph(make()))
    outputs = _clustered_under_hash_seeds(
        graph, ["--contexts", str(wanted), "--no-kernel"], 8, tmp_path)
    assert len(outputs) == 1


def test_the_graph_round_trips_and_clusters_the_same(tradepost: api.Analysis) -> None:
    text = dumps_graph(tradepost.graph)
    again = loads_graph(text, "graph.json")
    assert dumps_graph(again) == text
    assert decompose(again, _blind()).assignment() == tradepost.decomposition.assignment()


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda g: g.update(format="other"), "not a seamline graph"),
    (lambda g: g.update(version=9), "version 9 is not supported"),
    (lambda g: g["edges"].append({"source": "x", "target": "y", "signal": "code"}),
     "no node 'x'"),
    (lambda g: g["edges"][0].update(signal="telepathy"), "unknown signal 'telepathy'"),
    (lambda g: g["edges"][0].update(weight=-1), "weight must be"),
    (lambda g: g["nodes"].append(dict(g["nodes"][0])), "duplicate node id"),
    (lambda g: g["nodes"][0].update(kind="galaxy"), "unknown kind 'galaxy'"),
])
def test_a_bad_graph_is_one_clear_error(tradepost: api.Analysis,
                                        mutate: Callable[[dict[str, object]], None],
                                        message: str) -> None:
    data = json.loads(dumps_graph(tradepost.graph))
    mutate(data)
    with pytest.raises(ConfigError, match=message):
        loads_graph(json.dumps(data).encode(), "g.json")


def test_seamline_cluster_cuts_a_graph_made_elsewhere(tmp_path: Path) -> None:
    # a graph from "runtime traces": two tight groups joined by one call
    nodes = [{"id": f"{g}.{i}", "module": g} for g in ("pay", "ship") for i in range(4)]
    edges = [{"source": f"{g}.{i}", "target": f"{g}.{j}", "signal": "code", "count": 5}
             for g in ("pay", "ship") for i in range(4) for j in range(4) if i < j]
    edges.append({"source": "pay.0", "target": "ship.0", "signal": "code"})
    graph = tmp_path / "traces.json"
    graph.write_text(json.dumps({"format": "seamline-graph", "version": 1, "nodes": nodes,
                                 "edges": edges}))
    mapping = tmp_path / "truth.toml"
    mapping.write_text('[modules]\npay = "payments"\nship = "shipping"\n')
    result = CliRunner().invoke(cli, ["cluster", str(graph), "--out", str(tmp_path / "out"),
                                      "--reference", str(mapping), "--no-kernel"])
    assert result.exit_code == 0, result.output
    assert "proposed 2 contexts" in result.output
    assert "ARI 1.000" in result.output
    document = json.loads((tmp_path / "out" / "contexts.json").read_text())
    assert {len(c["elements"]) for c in document["contexts"]["contexts"]} == {4}


@pytest.mark.parametrize("args", [
    ["--signal", "telepathy=1"], ["--signal", "code=lots"], ["--contexts", "0"],
    ["--reference", "no-such-file.toml"], ["--granularity", "galaxy"],
])
def test_bad_cluster_arguments_exit_2(tradepost: api.Analysis, tmp_path: Path,
                                      args: list[str]) -> None:
    graph = tmp_path / "graph.json"
    graph.write_bytes(dumps_graph(tradepost.graph))
    result = CliRunner().invoke(cli, ["cluster", str(graph), "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert result.output.count("rror") == 1


def test_a_broken_graph_file_exits_2(tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text("{not json")
    result = CliRunner().invoke(cli, ["cluster", str(graph), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not valid JSON" in result.output


@pytest.mark.parametrize(("config", "message"), [
    ('signals = {telepathy = 1.0}', "unknown signal 'telepathy'"),
    ('keep-apart = [["only-one"]]', "keep-apart must be"),
    ('pin = {orders = "shop.orders"}', "pin must be"),
    ('granularity = "file"', "granularity must be"),
])
def test_bad_clustering_config_exits_2(project: Callable[[Tree], Path], config: str,
                                       message: str) -> None:
    root = project({"app/__init__.py": "", "seamline.toml": config + "\n"})
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(root / "out")])
    assert result.exit_code == 2 and message in result.output


def test_config_pins_reach_the_cut(project: Callable[[Tree], Path]) -> None:
    root = project({
        "shop/__init__.py": "",
        "shop/orders.py": "def place():\n    return 1\n\ndef cancel():\n    return place()\n",
        "seamline.toml": '[pin]\nordering = ["shop.orders"]\n',
    })
    placed = run(root).decomposition.assignment()
    assert placed["shop.orders:place"] == placed["shop.orders:cancel"] == "ordering"


ENTRY_POINTS: Tree = {
    "web/__init__.py": "",
    "web/views.py": """
        from flask import Blueprint
        from celery import shared_task
        from django.views.generic import ListView
        import click

        bp = Blueprint("x", __name__)

        @bp.route("/orders")
        def list_orders():
            return helper()

        def helper():
            return 1

        @shared_task
        def nightly():
            return helper()

        class OrderList(ListView):
            pass

        class MyOrderList(OrderList):
            pass

        @click.command()
        def export():
            pass

        def plain():
            pass
    """,
    "web/urls.py": """
        from web.views import plain
        urlpatterns = [plain]
    """,
    "web/management/__init__.py": "",
    "web/management/commands/__init__.py": "",
    "web/management/commands/rebuild.py": "class Command:\n    def handle(self):\n        pass\n",
}


def test_entry_points_are_found_statically(project: Callable[[Tree], Path]) -> None:
    analysis = run(project(ENTRY_POINTS), no_default_excludes=True)
    kinds = {e.atom: e.kind for e in analysis.entry_points}
    assert kinds == {
        "web.views:list_orders": "route", "web.views:nightly": "task",
        "web.views:OrderList": "view", "web.views:MyOrderList": "view",
        "web.views:export": "command", "web.views:plain": "url",
        "web.management.commands.rebuild:Command": "command",
    }
    reached = {e.target for e in analysis.graph.edges
               if e.source == "usecase:web.views:list_orders"}
    assert {"web.views:list_orders", "web.views:helper"} <= reached


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env=os.environ | {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                                     "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})


@pytest.mark.skipif(shutil.which("git") is None, reason="git is part of the CI machine")
def test_git_co_change_links_files_changed_together(project: Callable[[Tree], Path]) -> None:
    files: Tree = {"app/__init__.py": ""}
    for name in ("a", "b", "c"):
        files[f"app/{name}.py"] = f"def {name}_fn():\n    return 0\n"
    root = project(files)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "start")
    for round_ in range(3):
        for name in ("a", "b"):
            path = root / "app" / f"{name}.py"
            path.write_text(path.read_text() + f"# {round_}\n")
        _git(root, "commit", "-qam", f"a and b together {round_}")
    (root / "app" / "c.py").write_text("def c_fn():\n    return 1\n")
    _git(root, "commit", "-qam", "c alone")
    analysis = run(root)
    pairs = {(e.source, e.target) for e in analysis.graph.edges if e.signal == "cochange"}
    assert pairs == {("app.a:a_fn", "app.b:b_fn")}
    too_recent = run(root, since="2030-01-01")
    assert not [e for e in too_recent.graph.edges if e.signal == "cochange"]
    assert any("no commits" in n for n in too_recent.graph.notes)
    no_history = run(root, max_commits=0)
    assert not [e for e in no_history.graph.edges if e.signal == "cochange"]
    assert any("co-change switched off" in n for n in no_history.graph.notes)


def test_outside_git_the_report_says_there_is_no_co_change(
        project: Callable[[Tree], Path]) -> None:
    analysis = run(project({"app/__init__.py": "", "app/a.py": "def f():\n    pass\n"}))
    assert any("co-change" in note for note in analysis.graph.notes)


def test_vocabulary_never_uses_module_names(project: Callable[[Tree], Path]) -> None:
    root = project({
        "zebra_pkg/__init__.py": "",
        "zebra_pkg/giraffe_mod.py": "def settle_invoice(invoice_total):\n    return 1\n",
        "zebra_pkg/lemur_mod.py": "def refund_invoice(invoice_total):\n    return 2\n",
        "zebra_pkg/okapi_mod.py": """
            from zebra_pkg import giraffe_mod
            import zebra_pkg.giraffe_mod

            def pay_invoice():
                return giraffe_mod.settle_invoice() + zebra_pkg.giraffe_mod.settle_invoice()
        """,
    })
    analysis = run(root)
    terms = {t for node in analysis.graph.nodes for t in node.terms}
    assert "invoice" in terms
    assert not terms & {"zebra", "giraffe", "okapi", "pkg", "mod"}


def test_analyze_options_reach_the_cut_and_the_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [
        "analyze", str(TRADEPOST), "--out", str(out), "--no-cache", "--granularity", "module",
        "--contexts", "4", "--signal", "vocabulary=0", "--no-kernel", "--reference",
        "packages", "--max-commits", "0"])
    assert result.exit_code == 0, result.output
    assert "proposed 4 contexts (fixed" in result.output
    assert "against packages (modules)" in result.output
    contexts = json.loads((out / "analysis.json").read_text())["contexts"]
    assert contexts["options"]["granularity"] == "module"
    assert contexts["options"]["weights"]["vocabulary"] == 0.0
    assert contexts["options"]["shared_kernel"] is False
    assert "vocabulary" not in {s for p in contexts["placements"] for s in p["signals"]}
    assert contexts["reference"]["name"] == "packages"
    # tradepost's layout is by layer: its packages are models, repositories, services, ...
    assert contexts["reference"]["modules"]["reference_contexts"] >= 5


def test_the_packages_reference_finds_the_application_level(
        project: Callable[[Tree], Path]) -> None:
    files: Tree = {"site/__init__.py": "", "site/core.py": "def util():\n    pass\n",
                   "site/apps/__init__.py": ""}
    for app in ("orders", "billing", "stock"):
        files[f"site/apps/{app}/__init__.py"] = ""
        for part in ("models", "views"):
            files[f"site/apps/{app}/{part}.py"] = f"def {app}_{part}():\n    return 1\n"
    analysis = run(project(files))
    reference = packages_reference(analysis.graph)
    assert reference.module_context("site.apps.orders.views") == "orders"
    assert reference.module_context("site.apps.stock.models") == "stock"
    assert reference.module_context("site.core") == "core"


def _layered_api(domains: tuple[str, ...]) -> CouplingGraph:
    """Per domain a model and its table, a service and an API type in a module of the API
    layer; one schema root composes every domain's API type."""
    nodes: list[Node] = [Node("api.schema", "module", module="api.schema")]
    edges: list[Edge] = []
    for name in domains:
        model, service = f"{name}.models:{name.title()}", f"{name}.services:place_{name}"
        kind, resolver = f"api.{name}:{name.title()}Type", f"api.{name}:resolve_{name}"
        nodes += [Node(model, "class", module=f"{name}.models"),
                  Node(service, "function", module=f"{name}.services"),
                  Node(kind, "class", module=f"api.{name}"),
                  Node(resolver, "function", module=f"api.{name}"),
                  Node(f"table:{name}", "table")]
        edges += [Edge(model, f"table:{name}", "data", "declares", 2.0),
                  Edge(service, f"table:{name}", "data", "write", 1.0),
                  Edge(service, model, "code", "call", 1.0),
                  Edge(kind, model, "code", "name", 1.0),
                  Edge(resolver, service, "code", "call", 1.0),
                  Edge(resolver, kind, "code", "name", 1.0),
                  Edge("api.schema", kind, "code", "name", 1.0),
                  Edge("api.schema", resolver, "code", "name", 1.0)]
    return CouplingGraph("layered", tuple(nodes), tuple(edges))


def _two_cliques(more: list[Node], calls: list[tuple[str, str, float]]) -> CouplingGraph:
    """Two cliques of six functions (g0..g5, x0..x5), ``more`` nodes, and ``calls`` (source,
    target, weight) as code edges."""
    cliques = [f"{group}{i}:{group}{i}" for group in "gx" for i in range(6)]
    nodes = [*(Node(i, "function", module=i.split(":")[0]) for i in cliques), *more]
    edges = [Edge(f"{g}{i}:{g}{i}", f"{g}{j}:{g}{j}", "code", "call", 1.0)
             for g in "gx" for i in range(6) for j in range(i + 1, 6)]
    edges += [Edge(source, target, "code", "call", weight) for source, target, weight in calls]
    return CouplingGraph("toy", tuple(sorted(nodes)), tuple(sorted(edges)))


def test_a_helper_module_is_not_split_between_the_contexts_of_its_users(
        tradepost: api.Analysis) -> None:
    # the cut had put ValidationError with customers and require and validate_email with
    # emails: require raising ValidationError closed a customer <-> email cycle (SL201) that
    # only the proposal created. Since each Flask view is tied to its blueprint the cut puts
    # validate_quantity, which only the orders use, with them: a split the rule allows, as no
    # cycle runs through it (the toy graphs below test both sides of the rule). Whatever the
    # cut, no two contexts holding parts of the module depend on each other, directly or
    # round a longer cycle; models.py, whose definitions are tables, stays split
    placed = {p.element: p for p in tradepost.decomposition.placements}
    helpers = [e for e in placed if e.startswith("tradepost.utils.validation:")]
    assert len(helpers) == 4
    holders = {placed[e].context for e in helpers} - {KERNEL}
    uses = nx.DiGraph((a, b) for a, b, _ in tradepost.findings.dependencies)
    cycles = [c for c in nx.strongly_connected_components(uses) if len(c) > 1]
    assert cycles  # the sample's deliberate cycle (order, payment, product, shipment)
    assert all(len(holders & cycle) <= 1 for cycle in cycles), (holders, cycles)
    models = {p.context for e, p in placed.items() if e.startswith("tradepost.models:")}
    assert len(models) >= 4


@pytest.mark.parametrize("cycle", [True, False])
def test_a_split_module_that_closes_a_cycle_goes_whole_where_it_is_most_tied(
        cycle: bool) -> None:
    # h.helper (the g clique's) calls h.Error (the x clique's, twice as tied): g uses x
    # through module h. When x also uses g elsewhere, the split closes a cycle only the
    # proposal made, and the piece goes whole to x; without that use the split stands.
    calls = [("g0:g0", "h:helper", 1.0), ("g1:g1", "h:helper", 1.0), ("x0:x0", "h:Error", 2.0),
             ("x1:x1", "h:Error", 2.0), ("x2:x2", "h:Error", 2.0), ("h:helper", "h:Error", 0.2),
             ("g2:g2", "h:unrelated", 1.0)]
    graph = _two_cliques(
        [Node("h:helper", "function", module="h"), Node("h:Error", "class", module="h"),
         Node("h:unrelated", "function", module="h")],
        calls + ([("x3:x3", "g3:g3", 0.1)] if cycle else []))
    cut = decompose(graph, ClusterOptions(kernel=False, weights={"code": 1.0}))
    placed = {p.element: p for p in cut.placements}
    assert placed["h:Error"].context == placed["x0:x0"].context
    assert placed["h:unrelated"].context == placed["g0:g0"].context  # no call joins it
    if cycle:
        assert placed["h:helper"].context == placed["h:Error"].context
        assert placed["h:helper"].how == "with-its-module"
    else:
        assert placed["h:helper"].context == placed["g0:g0"].context != placed["x0:x0"].context


_CYCLE_CALLS = [("g0:g0", "h:helper", 1.0), ("g1:g1", "h:helper", 1.0),
                ("x0:x0", "h:Error", 2.0), ("x1:x1", "h:Error", 2.0), ("x2:x2", "h:Error", 2.0),
                ("h:helper", "h:Error", 0.2), ("g2:g2", "h:unrelated", 1.0),
                ("x3:x3", "g3:g3", 0.1)]
_H = [Node("h:helper", "function", module="h"), Node("h:Error", "class", module="h"),
      Node("h:unrelated", "function", module="h")]


def test_a_kept_together_unit_is_no_piece_of_a_module() -> None:
    # a keep-together unit holds elements of several modules: it was filed under one and
    # its calls under another (a KeyError)
    cut = decompose(_two_cliques(_H, _CYCLE_CALLS), ClusterOptions(
        kernel=False, weights={"code": 1.0},
        constraints=Constraints(together=(("g0:g0", "h:helper"),))))
    placed = {p.element: p for p in cut.placements}
    assert placed["h:helper"].context == placed["g0:g0"].context
    assert placed["h:helper"].how == "kept-together"


def test_a_split_that_no_longer_closes_a_cycle_stands() -> None:
    # moving module a's piece ends the only use from x to g: module b's split, which closed
    # the same cycle before, closes none after it and stays as the cut made it
    more = [Node(i, "function", module=i.split(":")[0]) for i in ("a:r", "a:s", "b:p", "b:q")]
    graph = _two_cliques(more, [("a:r", "a:s", 0.1), ("b:p", "b:q", 0.1),
                                ("a:r", "x0:x0", 1.0), ("a:s", "g0:g0", 2.0),
                                ("g1:g1", "b:p", 1.0), ("b:q", "x1:x1", 1.0)])
    placed = {p.element: p for p in decompose(
        graph, ClusterOptions(kernel=False, weights={"code": 1.0})).placements}
    assert placed["a:r"].context == placed["a:s"].context == placed["g0:g0"].context
    assert placed["b:p"].context == placed["g0:g0"].context != placed["b:q"].context
    assert placed["b:q"].how == placed["b:p"].how == "clustered"


def test_a_piece_does_not_take_a_whole_context_with_it() -> None:
    # module h's k0..k4 are a context of their own; g's helper calls k0, and k1 uses g: the
    # joined piece would carry the whole k context into g's, which is the cut's call
    more = [Node(f"h:k{i}", "function", module="h") for i in range(5)]
    more.append(Node("h:helper", "function", module="h"))
    calls = [(f"h:k{i}", f"h:k{j}", 1.0) for i in range(5) for j in range(i + 1, 5)]
    calls += [("g0:g0", "h:helper", 2.0), ("g1:g1", "h:helper", 2.0),
              ("g2:g2", "h:helper", 2.0), ("h:helper", "h:k0", 0.3), ("h:k1", "g3:g3", 0.3),
              ("x0:x0", "h:k2", 0.3)]
    cut = decompose(_two_cliques(more, calls), ClusterOptions(kernel=False,
                                                              weights={"code": 1.0}))
    placed = cut.assignment()
    assert len({placed[f"h:k{i}"] for i in range(5)}) == 1
    assert placed["h:k0"] not in (placed["g0:g0"], placed["x0:x0"])
    assert sum(c.kind in PROPOSED for c in cut.contexts) == 3


def test_the_pieces_of_a_module_move_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    # h's three helpers split between the cliques with ties that sum to the same in exact
    # arithmetic: a sum in a set's order had put them with g under some seeds, x under others
    more = [Node(f"h:{n}", "function", module="h") for n in "pqr"]
    calls = [("h:p", "h:q", 0.05), ("h:q", "h:r", 0.05), ("x3:x3", "g3:g3", 0.1),
             ("h:p", "g0:g0", 1.2), ("h:p", "x0:x0", 0.3), ("h:q", "g1:g1", 0.1),
             ("h:q", "x1:x1", 0.8), ("h:r", "g2:g2", 0.1), ("h:r", "x2:x2", 0.3)]
    source = tmp_path / "graph.json"
    source.write_bytes(dumps_graph(_two_cliques(more, calls)))
    written = []
    for seed in ("0", "3"):
        out = tmp_path / f"cut-{seed}"
        done = subprocess.run([sys.executable, "-m", "analyzer", "cluster", str(source),
                               "--no-kernel", "--out", str(out)], capture_output=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}, check=False)
        assert done.returncode == 0, done.stderr
        written.append((out / "contexts.json").read_bytes())
    assert written[0] == written[1]


def test_keep_apart_holds_after_the_rules_that_follow_the_cut() -> None:
    # B is tied to two cliques; A is used by B alone. Kept apart, B moves to the other clique
    # and A stays: A must not then follow its one user (the private-code rule) back to B.
    graph = _two_cliques(
        [Node("a:A", "function", module="a"), Node("b:B", "function", module="b")],
        [("g0:g0", "b:B", 1.0), ("g1:g1", "b:B", 1.0), ("b:B", "g2:g2", 1.0),
         ("b:B", "x1:x1", 1.0), ("b:B", "a:A", 3.0), ("a:A", "g3:g3", 0.5)])
    options = {"kernel": False, "weights": {"code": 1.0}}
    together = decompose(graph, ClusterOptions(**options)).assignment()  # type: ignore[arg-type]
    assert together["a:A"] == together["b:B"]
    cut = decompose(graph, ClusterOptions(
        constraints=Constraints(apart=(("a:A", "b:B"),)), **options))  # type: ignore[arg-type]
    placed = cut.assignment()
    assert placed["a:A"] != placed["b:B"] and not cut.conflicts


def test_what_only_a_composition_root_uses_stays_in_its_domain() -> None:
    # the schema root uses every domain's API: it is no one's sole user, so each domain's
    # API type and resolver stay with its model instead of following the root
    # At resolution 1 this toy of 21 nodes, four identical domains, has no one best cut:
    # every run puts the root with the API types of two domains (a layer, Q 0.629), each run
    # two others, and the consensus of such runs joins two domains. The rule tested here
    # acts after the cut; 0.5 gives the cut the rule starts from on real projects (saleor).
    domains = ("order", "invoice", "parcel", "refund")
    cut = decompose(_layered_api(domains), ClusterOptions(kernel=False, resolution=0.5))
    placed = cut.assignment()
    for name in domains:
        model = placed[f"{name}.models:{name.title()}"]
        assert placed[f"api.{name}:{name.title()}Type"] == model
        assert placed[f"api.{name}:resolve_{name}"] == model
    assert len({placed[f"{n}.models:{n.title()}"] for n in domains}) == len(domains)


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_the_engines_modularity_is_newmans(data: st.DataObject) -> None:
    import networkx as nx

    from analyzer.cluster.leiden import leiden, modularity

    names = [f"n{i}" for i in range(data.draw(st.integers(2, 12)))]
    graph = nx.Graph()
    graph.add_nodes_from(names)
    for a, b, w in data.draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names),
                                                st.floats(0.1, 10)), min_size=1, max_size=30)):
        if a != b:
            graph.add_edge(a, b, weight=w)
    if graph.number_of_edges() == 0:
        return
    groups = leiden(graph, data.draw(st.sampled_from([0.5, 1.0, 2.0])), seed=3)
    assert sorted(n for g in groups for n in g) == sorted(names)
    expected = nx.community.modularity(graph, groups, weight="weight")
    assert modularity(graph, groups) == pytest.approx(expected, abs=1e-9)


def test_the_engine_is_seeded_and_its_communities_connected(tradepost: api.Analysis) -> None:
    import networkx as nx

    from analyzer.cluster.leiden import consensus, leiden
    from analyzer.cluster.weighted import mix

    weighted = mix(tradepost.graph, _blind())
    for engine in (leiden, consensus):
        first = engine(weighted.graph, 1.0, 5)
        assert first == engine(weighted.graph, 1.0, 5)
        for group in first:  # Leiden's guarantee, which Louvain does not give
            assert nx.is_connected(weighted.graph.subgraph(group))


def test_framework_plumbing_is_an_infrastructure_context_never_a_domain(
        project: Callable[[Tree], Path]) -> None:
    # template tags, middleware, a management command, an app config and settings: each
    # known to the rule pack (rules/plumbing.toml) by what the code does, not by its name
    root = project({
        "site/__init__.py": "",
        "site/settings.py": ('INSTALLED_APPS = ["shop"]\n'
                             'MIDDLEWARE = ["site.web.TimingMiddleware"]\n'),
        "site/wsgi.py": """
            import os

            from django.core.wsgi import get_wsgi_application

            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")
            application = get_wsgi_application()
        """,
        "site/web.py": """
            from django import template
            from django.utils.deprecation import MiddlewareMixin
            register = template.Library()

            @register.filter
            def escapej(value):
                return value.replace("'", "")

            @register.simple_tag
            def relative(value):
                return escapej(value)

            class TimingMiddleware(MiddlewareMixin):
                def process_request(self, request):
                    return relative(request)
        """,
        "site/commands.py": """
            from django.core.management.base import BaseCommand
            from site.web import escapej

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    return escapej("x")
        """,
        "shop/__init__.py": "",
        "shop/models.py": """
            from django.db import models

            class Order(models.Model):
                total = models.IntegerField()

            class OrderLine(models.Model):
                order = models.ForeignKey(Order, on_delete=models.CASCADE)
        """,
        "shop/services.py": """
            from shop.models import Order, OrderLine

            def place_order(total):
                order = Order.objects.create(total=total)
                OrderLine.objects.create(order=order)
                return order
        """,
    })
    analysis = run(root, structure_blind=True, contexts=2)
    nodes = analysis.graph.node_map()
    assert {n: nodes[n].role for n in ("site.web:escapej", "site.web:relative",
                                       "site.web:TimingMiddleware", "site.commands:Command",
                                       "site.settings", "site.wsgi")} == {
        "site.web:escapej": "template-tags", "site.web:relative": "template-tags",
        "site.web:TimingMiddleware": "middleware", "site.commands:Command": "command",
        "site.settings": "settings", "site.wsgi": "server"}
    assert nodes["shop.services:place_order"].role == ""
    kinds = {c.kind: c for c in analysis.decomposition.contexts}
    assert set(kinds) >= {"domain", "infrastructure"}
    assert "shop.services:place_order" in kinds["domain"].elements
    assert "site.web:escapej" in kinds["infrastructure"].elements
    # the settings name every app, and the WSGI application a server runs loads them all:
    # the project's code, in no domain's context
    assert analysis.decomposition.assignment()["site.settings"] == KERNEL
    assert analysis.decomposition.assignment()["site.wsgi"] == KERNEL
    # graph.json carries the role, and reads it back
    assert loads_graph(dumps_graph(analysis.graph), "g").node_map()["site.web:escapej"].role \
        == "template-tags"


def test_a_flask_application_factory_is_plumbing_by_the_names_flask_looks_for(
        project: Callable[[Tree], Path]) -> None:
    # Flask's command line finds an app factory by these two names: framework knowledge
    root = project({
        "web/__init__.py": "",
        "web/app.py": """
            from flask import Flask
            from web.orders import bp

            def create_app():
                app = Flask(__name__)
                app.register_blueprint(bp)
                return app
        """,
        "web/wsgi.py": """
            from web.app import create_app

            def make_app():
                return create_app()
        """,
        "web/orders.py": """
            from flask import Blueprint

            bp = Blueprint("orders", __name__)

            class Factory:
                def create_app(self):
                    return None

            def create_apple():
                return 1
        """,
    })
    roles = {n.id: n.role for n in run(root).graph.nodes}
    assert roles["web.app:create_app"] == roles["web.wsgi:make_app"] == "app-factory"
    # a method of that name, and a name that only starts so, are no factory
    assert roles["web.orders:Factory"] == roles["web.orders:create_apple"] == ""
    # shopfront's factory and the blueprints it wires made a domain named for a stray word
    # (``level``): they are the framework's, a context of kind infrastructure named for it
    analysis = run(SAMPLES / "shopfront")
    holding = next(c for c in analysis.decomposition.contexts
                   if "shopfront.app:create_app" in c.elements)
    assert (holding.kind, holding.name) == ("infrastructure", "app-factory")


def test_a_class_of_the_project_named_like_a_framework_base_is_not_the_framework(
        project: Callable[[Tree], Path]) -> None:
    # Apache Superset's own ``BaseCommand`` is its command pattern: its subclasses are domain
    # code, not Django management commands, which derive from Django's class of that name
    root = project({
        "shop/__init__.py": "",
        "shop/base.py": """
            class BaseCommand:
                def run(self):
                    raise NotImplementedError
        """,
        "shop/commands.py": """
            from shop.base import BaseCommand

            class CreateOrderCommand(BaseCommand):
                def run(self):
                    return 1
        """,
        "shop/management.py": """
            from django.core.management.base import BaseCommand

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    return 2

            class Again(Command):
                pass
        """,
    })
    roles = {n.id: n.role for n in run(root).graph.nodes}
    assert roles["shop.base:BaseCommand"] == roles["shop.commands:CreateOrderCommand"] == ""
    assert roles["shop.management:Command"] == roles["shop.management:Again"] == "command"


def test_only_a_function_that_plumbing_alone_calls_plays_its_role() -> None:
    """What only an application factory calls: a setup function is its wiring; a class it
    registers (Superset's REST APIs had made a 259-atom infrastructure context) and a function
    that writes a table are a domain's. So for a command: its helper is the command's code,
    its importer that writes the catalogue the catalogue's. A receiver an app config hands to
    the framework by name is the domain's it serves, and so is what it calls."""
    nodes = [Node("web:create_app", "function", module="web", role="app-factory"),
             Node("web:init_celery", "function", module="web"),
             Node("web:init_cache", "function", module="web"),
             Node("api:OrderApi", "class", module="api"),
             Node("shop:seed", "function", module="shop"),
             Node("shop:Command", "class", module="shop", role="command"),
             Node("shop:load", "function", module="shop"),
             Node("shop:import_rows", "function", module="shop"),
             Node("shop:Parser", "class", module="shop"),
             Node("shop:shared", "function", module="shop"),
             Node("shop.apps:ShopConfig", "class", module="shop.apps", role="app-config"),
             Node("shop:on_saved", "function", module="shop"),
             Node("shop:describe", "function", module="shop"),
             Node("table:orders", "table")]
    edges = [Edge("web:create_app", "web:init_celery", "code", "call", 1.0),
             Edge("web:init_celery", "web:init_cache", "code", "call", 1.0),
             Edge("web:create_app", "api:OrderApi", "code", "call", 1.0),
             Edge("web:create_app", "shop:seed", "code", "call", 1.0),
             Edge("shop:seed", "table:orders", "data", "write", 1.0),
             Edge("shop:Command", "shop:load", "code", "call", 1.0),
             Edge("shop:load", "shop:import_rows", "code", "call", 1.0),
             Edge("shop:import_rows", "table:orders", "data", "write", 1.0),
             Edge("shop:load", "shop:Parser", "code", "call", 1.0),
             Edge("shop:load", "shop:shared", "code", "call", 1.0),
             Edge("api:OrderApi", "shop:shared", "code", "call", 1.0),
             Edge("shop.apps:ShopConfig", "shop:on_saved", "code", "name", 1.0),
             Edge("shop:on_saved", "shop:describe", "code", "call", 1.0)]
    graph = CouplingGraph("toy", tuple(nodes), tuple(edges))
    roles = {n: node.role for n, node in plumbing_roles(graph, graph.node_map()).items()}
    assert roles["web:init_celery"] == roles["web:init_cache"] == "app-factory"
    assert roles["api:OrderApi"] == roles["shop:seed"] == ""
    assert roles["shop:load"] == "command"  # and what only it calls, in turn
    # a table's writer, a class, and what a domain also calls are no command's
    assert roles["shop:import_rows"] == roles["shop:Parser"] == roles["shop:shared"] == ""
    assert roles["shop:on_saved"] == roles["shop:describe"] == ""  # handed over, not called


def test_manage_py_is_plumbing_by_the_django_command_line_it_runs(
        project: Callable[[Tree], Path]) -> None:
    # every Django project has a manage.py; its main() had made a domain named ``main``
    root = project({
        "manage.py": """
            import os
            import sys

            def main():
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
                from django.core.management import execute_from_command_line
                execute_from_command_line(sys.argv)

            def execute_from_command_line_too():
                return main()
        """,
        "tools.py": """
            from django.core.management import execute_from_command_line as run

            COMMAND = run

            def rerun():
                return 1
        """,
    })
    nodes = run(root).graph.node_map()
    assert nodes["manage:main"].role == "command"
    assert nodes["manage:execute_from_command_line_too"].role == ""  # a name is no import
    assert nodes["tools"].role == "command"  # imported at the top: the module-level code
    assert nodes["tools:rerun"].role == ""
    analysis = run(SAMPLES / "atelier")
    holding = next(c for c in analysis.decomposition.contexts if "manage:main" in c.elements)
    assert (holding.kind, holding.name) == ("infrastructure", "command")


def test_a_command_extending_a_django_command_under_an_alias_is_plumbing(
        project: Callable[[Tree], Path]) -> None:
    # pretalx 2026.2.1's migrate, makemigrations and spectacular commands each made a domain
    # context of their own (`output`, `hack`, `context-23`): their base is `Parent`. What
    # else a command's module defines serves it (migrate's log filter, `OutputFilter`, had
    # outweighed the command and kept `output` a domain)
    root = project({
        "shop/__init__.py": "",
        "shop/management/__init__.py": "",
        "shop/management/commands/__init__.py": "",
        "shop/management/commands/migrate.py": """
            from django.core.management.commands.migrate import Command as Parent

            class Command(Parent):
                def handle(self, *args, **options):
                    return super().handle(*args, **options)

            class OutputFilter:
                pass
        """,
        "shop/commands.py": """
            class Command:
                '''A command pattern of the project's own: no Django command.'''
        """,
    })
    nodes = run(root).graph.node_map()
    assert nodes["shop.management.commands.migrate:Command"].role == "command"
    assert nodes["shop.management.commands.migrate:OutputFilter"].role == "command"
    assert nodes["shop.commands:Command"].role == ""


def test_a_decorator_is_known_by_what_its_import_stands_for(
        project: Callable[[Tree], Path]) -> None:
    # wger 2.1's invoke tasks (bootstrap, migrate_db, load_fixtures) were Celery-like jobs in
    # a domain context named `content`; Weblate's django-appconf settings classes sat in
    # domain contexts. A pattern naming a module matches what an import stands for
    root = project({
        "tasks.py": """
            from invoke import task

            @task
            def migrate_db(context):
                return context

            @task(help={"path": "where"})
            def bootstrap(context, path=None):
                return migrate_db(context)
        """,
        "ops.py": """
            import invoke as inv
            from fabric import task as deploy_task
            from invoke.tasks import task

            @inv.task
            def lint(context):
                return context

            @deploy_task
            def deploy(connection):
                return connection

            @task
            def clean(context):
                return context
        """,
        "jobs.py": """
            from typing import TYPE_CHECKING

            from celery import shared_task as task

            if TYPE_CHECKING:
                from invoke import task

            @task
            def nightly():
                return 1

            def later():
                from invoke import task
                return task

            @task
            def hourly():
                return 2
        """,
        "rebound.py": """
            from celery import Celery
            from invoke import task

            app = Celery()
            task = app.task

            @task
            def weekly():
                return 3
        """,
        "cli.py": """
            import click
            from click import command as cli_command

            @click.group()
            def users():
                pass

            @users.command("new")
            def new_user():
                return 1

            @cli_command()
            def hello():
                return 2
        """,
        "fake.py": """
            from unittest.mock import patch

            @patch("shop.emails.send")
            def create_fake_payment(mocked):
                return mocked
        """,
        "conf.py": """
            from appconf import AppConf

            class ShopConf(AppConf):
                PAGE_SIZE = 20
        """,
        "checks.py": """
            from django.contrib import admin
            from django.core import checks
            from django.core.checks import register

            from shop.models import Order

            @register()
            def check_cache(app_configs, **kwargs):
                return []

            @checks.register(deploy=True)
            def check_mail(app_configs, **kwargs):
                return []

            @admin.register(Order)
            class OrderAdmin(admin.ModelAdmin):
                pass
        """,
        "hookspecs.py": """
            import pluggy
            from pluggy import HookspecMarker

            spec = HookspecMarker("shop")
            also = pluggy.HookspecMarker("shop")
            twice = HookspecMarker("shop")
            twice = HookspecMarker("other")

            @spec
            def shop_load_blueprints(app):
                \"\"\"Register the plugin's blueprints.\"\"\"

            @spec(firstresult=True)
            def shop_format_price(amount):
                \"\"\"The price as the shop shows it.\"\"\"

            @also
            def shop_on_order(order):
                \"\"\"An order was placed.\"\"\"

            @twice
            def shop_rebound(order):
                \"\"\"A name bound twice stands for no one call.\"\"\"
        """,
        "hookspecs2.py": """
            import click
            from pluggy import HookspecMarker

            spec: HookspecMarker  # an annotation binds nothing
            spec = HookspecMarker("shop")
            verbose = click.option("--verbose", is_flag=True)  # a click option: no command

            @spec
            def shop_on_refund(refund):
                \"\"\"A refund was made.\"\"\"

            @verbose
            def helper(verbose):
                return verbose
        """,
        "hookspecs3.py": """
            from pluggy import HookspecMarker

            def HookspecMarker(project):  # the module's own
                return lambda function: function

            mine = HookspecMarker("shop")

            @mine
            def shop_on_return(item):
                \"\"\"An item came back.\"\"\"
        """,
    })
    analysis = run(root)
    kinds = {e.atom: e.kind for e in analysis.entry_points}
    assert kinds["tasks:migrate_db"] == kinds["tasks:bootstrap"] == "command"
    assert kinds["ops:lint"] == kinds["ops:deploy"] == kinds["ops:clean"] == "command"
    # a name is what the module's last import binds when it runs: not an import a type
    # checker alone reads, one inside a function, or a name the module binds again
    assert kinds["jobs:nightly"] == kinds["jobs:hourly"] == kinds["rebound:weekly"] == "task"
    # saleor's fake data: a test double's decorator is no HTTP PATCH route (`*.patch`)
    assert "fake:create_fake_payment" not in kinds
    nodes = analysis.graph.node_map()
    assert nodes["tasks:migrate_db"].role == nodes["tasks:bootstrap"].role == "command"
    assert nodes["jobs:nightly"].role == nodes["jobs:hourly"].role == ""
    # a click command is a Flask app's management command: plumbing, as Django's are
    assert nodes["cli:users"].role == nodes["cli:new_user"].role == "command"
    assert nodes["cli:hello"].role == "command"  # click's command under another name
    assert nodes["ops:lint"].role == nodes["ops:deploy"].role == "command"
    assert nodes["rebound:weekly"].role == ""
    assert nodes["conf:ShopConf"].role == "settings"
    # Django's system checks (`manage.py check`): Weblate's had made a domain `credential`
    assert nodes["checks:check_cache"].role == nodes["checks:check_mail"].role \
        == "system-checks"
    assert nodes["checks:OrderAdmin"].role != "system-checks"  # an admin's register
    # pluggy's hook specifications: a name bound to what an imported call returns stands
    # for that call (FlaskBB's `spec = HookspecMarker("flaskbb")` had made a domain context)
    for atom in ("shop_load_blueprints", "shop_format_price", "shop_on_order"):
        assert nodes[f"hookspecs:{atom}"].role == "plugin-hooks", atom
    assert nodes["hookspecs:shop_rebound"].role == ""
    assert nodes["hookspecs2:shop_on_refund"].role == "plugin-hooks"
    # a name the module defines itself stands for nothing imported; what a click option
    # returns is no click command
    assert nodes["hookspecs3:shop_on_return"].role == nodes["hookspecs2:helper"].role == ""
    assert "hookspecs2:helper" not in kinds


def test_a_base_is_known_by_what_its_import_stands_for(
        project: Callable[[Tree], Path]) -> None:
    # Kiwi TCMS 12.4's Python-Markdown strikethrough extension was a domain context named
    # `strike`, wger 2.1's Django form widgets one named `checkbox`: framework plumbing that
    # renders text and form fields, known by what their imported bases stand for
    root = project({
        "shop/__init__.py": "",
        "shop/widgets.py": """
            from django import forms
            from django.forms.widgets import CheckboxInput as Box
            import django.forms.widgets

            class DatePicker(forms.DateInput):
                input_type = "date"

            class Toggle(Box):
                pass

            class Colour(django.forms.widgets.TextInput):
                pass

            class WideToggle(Toggle):
                pass
        """,
        "shop/markup.py": """
            import markdown
            from markdown.inlinepatterns import InlineProcessor

            class Strike(InlineProcessor):
                pass

            class StrikeExtension(markdown.extensions.Extension):
                def extendMarkdown(self, md):
                    md.inlinePatterns.register(Strike("~~"), "del", 175)

            def makeExtension(**kwargs):
                return StrikeExtension(**kwargs)
        """,
        "shop/orders.py": """
            from shop.choices import Select
            from shop import forms

            class Extension:  # no framework's
                pass

            class OrderPicker(Select):  # the project's own Select
                pass

            class LineInput(forms.TextInput):  # the project's own forms module
                pass

            class Renewal(Extension):
                pass
        """,
        "shop/choices.py": """
            class Select:
                pass
        """,
        "shop/order_forms.py": """
            from django import forms

            class OrderForm(forms.ModelForm):
                pass

            class CarrierField(forms.ModelChoiceField):
                pass

            class Bound(forms.boundfield.BoundWidget):  # django.forms' submodule: no widget
                pass
        """,
        "shop/forms.py": """
            class TextInput:
                pass
        """,
    })
    nodes = run(root).graph.node_map()
    for atom in ("DatePicker", "Toggle", "Colour", "WideToggle"):
        assert nodes[f"shop.widgets:{atom}"].role == "widgets", atom
    for atom in ("Strike", "StrikeExtension", "makeExtension"):
        assert nodes[f"shop.markup:{atom}"].role == "markdown", atom
    for atom in ("Extension", "OrderPicker", "LineInput", "Renewal"):
        assert nodes[f"shop.orders:{atom}"].role == "", atom
    for atom in ("OrderForm", "CarrierField", "Bound"):
        assert nodes[f"shop.order_forms:{atom}"].role == "", atom


def test_a_script_is_a_command(project: Callable[[Tree], Path]) -> None:
    # Weblate's ssh proxy and its CEL evaluator, each run as a script, were domain contexts
    # named `pending` and `evaluate`
    root = project({
        "shop/__init__.py": "",
        "shop/proxy.py": """
            import sys

            def relay(data):
                return data

            def main():
                return relay(sys.stdin.read())

            if __name__ == "__main__":
                main()
        """,
        "shop/backwards.py": """
            def main():
                return 1

            if "__main__" == __name__:
                main()
        """,
        "shop/quiet.py": """
            import logging

            LOG = logging.getLogger(__name__)

            def main():
                if __name__ == "__main__":  # not at the top level
                    return 1
                return 0

            try:
                import json
            except ImportError:
                json = None
            else:
                if __name__ == "__main__":  # runs only sometimes
                    main()
        """,
    })
    analysis = run(root)
    nodes = analysis.graph.node_map()
    assert nodes["shop.proxy"].role == nodes["shop.backwards"].role == "command"
    assert nodes["shop.quiet"].role == ""
    # what only the script runs is its own: the script with its functions is infrastructure
    kind = {e: c.kind for c in analysis.decomposition.contexts for e in c.elements}
    assert kind["shop.proxy:main"] == kind["shop.proxy:relay"] == "infrastructure"


def test_a_flask_config_class_is_settings(project: Callable[[Tree], Path]) -> None:
    # FlaskBB 2.2.0's DefaultConfig and TestingConfig (`app.config.from_object(...)`) bind
    # SQLALCHEMY_DATABASE_URI in their bodies: they sat in domain contexts (`group`, and a
    # `category` context of their own)
    root = project({
        "forum/__init__.py": "",
        "forum/configs.py": """
            class DefaultConfig(object):
                basedir = "/srv/forum"  # a helper: Flask reads only the uppercase names
                DEBUG = False
                SQLALCHEMY_DATABASE_URI = "sqlite:///" + basedir

            class TestingConfig(DefaultConfig):
                SQLALCHEMY_DATABASE_URI = "sqlite://"

            class Palette:
                '''No setting of the framework's: a class of the domain.'''
                DEBUG = True
                colours = ["red"]

            class ProductionConfig(DefaultConfig):
                DEBUG = False

            class Mailer:
                '''Flask reads a config object's uppercase names only: this is no config.'''
                TEMPLATES = {"welcome": "welcome.txt"}
                subject = "Welcome"

            class Invoice:
                number: int
                customer: str
                total: int
                TEMPLATES = {"pdf": "invoice.html"}
                PAGE_SIZE = 20

            class OrderWizard:
                TEMPLATES = {"address": "address.html"}

                def done(self):
                    return self.TEMPLATES
        """,
    })
    nodes = run(root).graph.node_map()
    assert nodes["forum.configs:DefaultConfig"].role == "settings"
    assert nodes["forum.configs:TestingConfig"].role == "settings"
    assert nodes["forum.configs:Palette"].role == ""
    assert nodes["forum.configs:ProductionConfig"].role == "settings"  # a subclass of one
    # a domain class with a TEMPLATES setting's name beside lowercase fields, or alone
    assert [nodes[f"forum.configs:{c}"].role for c in ("Mailer", "Invoice", "OrderWizard")] \
        == ["", "", ""]


def _two_django_apps() -> Tree:
    """Two apps whose admins, forms and views speak the same framework words, each about its
    own entities; the app labels are words (``zoo``, ``yard``) nothing in the code says."""
    files: Tree = {"site_settings.py": 'INSTALLED_APPS = ["zoo", "yard"]\n'}
    for app, (entity, other) in {"zoo": ("Parrot", "Feather"),
                                 "yard": ("Tractor", "Wheel")}.items():
        lower = entity.lower()
        files[f"{app}/__init__.py"] = ""
        files[f"{app}/models.py"] = f"""
            from django.db import models

            class {entity}(models.Model):
                title = models.CharField(max_length=50)

            class {other}(models.Model):
                {lower} = models.ForeignKey({entity}, on_delete=models.CASCADE)
                tags = models.ManyToManyField({entity}, related_name="tagged")
        """
        files[f"{app}/admin.py"] = f"""
            from django.contrib import admin
            from .models import {entity}

            class {entity}Admin(admin.ModelAdmin):
                list_display = ("title",)
                list_filter = ("title",)
                search_fields = ("title",)
                readonly_fields = ("title",)
                list_per_page = 50

                def get_readonly_fields(self, request, obj=None):
                    return self.readonly_fields

            admin.site.register({entity}, {entity}Admin)
        """
    return files


def _apps_with_commands() -> Tree:
    """Two apps, a command that empties both apps' tables, one that seeds both, one that
    writes one app's table."""
    files = _two_django_apps()
    for app, entity in (("zoo", "Parrot"), ("yard", "Tractor")):
        files[f"{app}/services.py"] = f"""
            from .models import {entity}

            def rename(pk, title):
                {entity}.objects.filter(pk=pk).update(title=title)
        """
    files["zoo/management/__init__.py"] = ""
    files["zoo/management/commands/__init__.py"] = ""
    files["zoo/management/commands/resetdb.py"] = """
        from django.core.management.base import BaseCommand
        from yard.models import Tractor, Wheel
        from zoo.models import Feather, Parrot

        class Command(BaseCommand):
            def handle(self, *args, **options):
                Feather.objects.all().delete()
                Parrot.objects.all().delete()
                Wheel.objects.all().delete()
                Tractor.objects.all().delete()
    """
    files["yard/management/__init__.py"] = ""
    files["yard/management/commands/__init__.py"] = ""
    files["yard/management/commands/seed.py"] = """
        from django.core.management.base import BaseCommand
        from yard.models import Tractor
        from zoo.models import Parrot

        class Command(BaseCommand):
            def handle(self, *args, **options):
                Tractor.objects.create(title="red")
                Parrot.objects.create(title="grey")
    """
    files["zoo/management/commands/hatch.py"] = """
        from django.core.management.base import BaseCommand
        from zoo.models import Parrot

        class Command(BaseCommand):
            def handle(self, *args, **options):
                Parrot.objects.create(title="egg")
    """
    return files


def _importer(name: str, source: str) -> str:
    """A management command that imports posts from ``source``: mostly parsing, one write."""
    steps = "".join(f"        fields{i} = self.parse(raw, {i})\n" for i in range(24))
    return f"""
from django.core.management.base import BaseCommand
from blog.models import Post

class Command(BaseCommand):
    help = "Import posts from {source}"

    def parse(self, raw, index):
        return raw.get(index)

    def handle(self, *args, **options):
        raw = {{}}
{steps}        Post.objects.create(title=fields0)
"""


def test_code_that_holds_a_model_is_a_domain_however_much_of_it_is_plumbing(
        project: Callable[[Tree], Path]) -> None:
    # Mezzanine's blog: its importers (import_blogger, import_rss, ...) are most of its lines,
    # and the context holding the blog's models was an infrastructure context named
    # ``command``, which the project's own commands then joined
    files: Tree = {
        "site/__init__.py": "",
        "site/settings.py": 'INSTALLED_APPS = ["blog", "shop"]\n',
        "blog/__init__.py": "",
        "blog/models.py": """
            from django.db import models

            class Post(models.Model):
                title = models.CharField(max_length=100)
        """,
        "blog/views.py": """
            from blog.models import Post

            def post_list(request):
                return Post.objects.all()
        """,
        "blog/management/__init__.py": "",
        "blog/management/commands/__init__.py": "",
        "shop/__init__.py": "",
        "shop/models.py": """
            from django.db import models

            class Order(models.Model):
                total = models.IntegerField()
        """,
        "shop/views.py": """
            from shop.models import Order

            def order_list(request):
                return Order.objects.all()

            def place(request):
                return Order.objects.create(total=1)
        """,
    }
    for source in ("blogger", "rss", "tumblr"):
        files[f"blog/management/commands/import_{source}.py"] = _importer(source, source)
    analysis = run(project(files), structure_blind=True)
    placed = {p.element: p.context for p in analysis.decomposition.placements}
    contexts = {c.name: c for c in analysis.decomposition.contexts}
    blog = contexts[placed["blog.models:Post"]]
    assert placed["blog.management.commands.import_rss:Command"] == blog.name
    nodes = analysis.graph.node_map()
    lines = sum(nodes[e].size for e in blog.elements)
    commands = sum(nodes[e].size for e in blog.elements if nodes[e].role == "command")
    assert 2 * commands > lines  # mostly command lines, and yet a domain
    assert blog.kind == "domain" and blog.name != "command"


def test_a_commands_helper_that_empties_several_contexts_tables_is_infrastructure(
        project: Callable[[Tree], Path]) -> None:
    # the same reset, its deletes in a helper of the command's module that the command calls
    files = _apps_with_commands()
    files["zoo/management/commands/resetdb.py"] = """
        from django.core.management.base import BaseCommand
        from yard.models import Tractor, Wheel
        from zoo.models import Feather, Parrot

        def wipe():
            Feather.objects.all().delete()
            Parrot.objects.all().delete()
            Wheel.objects.all().delete()
            Tractor.objects.all().delete()

        class Command(BaseCommand):
            def handle(self, *args, **options):
                wipe()
    """
    analysis = run(project(files), structure_blind=True)
    placed = {p.element: p for p in analysis.decomposition.placements}
    kinds = {c.name: c.kind for c in analysis.decomposition.contexts}
    wipe = placed["zoo.management.commands.resetdb:wipe"]
    assert (wipe.how, kinds[wipe.context]) == ("with-its-role", "infrastructure")
    codes = [(f.code, f.subject) for f in analysis.findings.findings]
    assert ("SL104", "zoo.management.commands.resetdb:wipe") in codes
    assert not [c for c in codes if c[0] == "SL101"]


def test_a_command_that_writes_several_contexts_tables_is_infrastructure(
        project: Callable[[Tree], Path]) -> None:
    # saleor 2.10.1's `cleardb` empties the tables of ten contexts: the cut put it with
    # shipping, and each other table it empties was a shared write of shipping's (SL101)
    analysis = run(project(_apps_with_commands()), structure_blind=True)
    placed = {p.element: p for p in analysis.decomposition.placements}
    kinds = {c.name: c.kind for c in analysis.decomposition.contexts}
    reset = placed["zoo.management.commands.resetdb:Command"]
    assert (reset.how, kinds[reset.context]) == ("with-its-role", "infrastructure")
    # one context for the project's tools of one role, not one each
    assert placed["yard.management.commands.seed:Command"].context == reset.context
    zoo, yard = placed["zoo.models:Parrot"].context, placed["yard.models:Tractor"].context
    assert zoo != yard and kinds[zoo] == kinds[yard] == "domain"
    # a command that writes one context's tables is that context's, as its code is
    assert placed["zoo.management.commands.hatch:Command"].context == zoo
    owners = {o.table: o.owner for o in analysis.findings.ownership}
    # the command alone writes feathers and wheels: their models' contexts own them still
    assert [owners[t] for t in ("zoo_parrot", "zoo_feather", "yard_tractor", "yard_wheel")] \
        == [zoo, zoo, yard, yard]
    codes = [(f.code, f.subject) for f in analysis.findings.findings]
    # one multi-context write, not a shared write of each table it empties
    assert ("SL104", "zoo.management.commands.resetdb:Command") in codes
    assert ("SL104", "yard.management.commands.seed:Command") in codes
    assert not [c for c in codes if c[0] == "SL101"]


def test_init_keeps_an_infrastructure_context_and_check_lets_it_work_on_what_it_uses(
        project: Callable[[Tree], Path]) -> None:
    # `seamline init` wrote the tools' context as a plain one, and the first check then
    # reported each table the reset command empties as another context's, written (SL403)
    root = project(_apps_with_commands())
    result = CliRunner().invoke(cli, ["init", str(root), "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    agreed = load_agreed(root / "seamline-decomposition.toml")
    tools = [c for c in agreed.contexts if c.infrastructure]
    assert len(tools) == 1 and not tools[0].kernel
    assert "zoo.management.commands.resetdb" in tools[0].modules
    result = CliRunner().invoke(cli, ["check", str(root), "--no-cache", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    found = json.loads(result.output)["new"]
    assert not [f for f in found if f["code"] in ("SL403", "SL404")], found
    # the same file without the flag: the tool writes the tables of the contexts it uses
    text = (root / "seamline-decomposition.toml").read_text(encoding="utf-8")
    (root / "seamline-decomposition.toml").write_text(
        text.replace("infrastructure = true\n", ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(root), "--no-cache", "--format", "json"])
    writes = {f["subject"] for f in json.loads(result.output)["new"] if f["code"] == "SL403"}
    assert "zoo.management.commands.resetdb:Command->yard_wheel" in writes


def test_a_default_table_name_says_the_model_not_the_app_label(
        project: Callable[[Tree], Path]) -> None:
    analysis = run(project(_two_django_apps()), structure_blind=True)
    tables = {t.name: t for t in analysis.data.tables}
    assert tables["zoo_parrot"].words_name == "Parrot"
    assert tables["zoo_feather_tags"].words_name == "Feather_tags"
    terms = {n.id: n.terms for n in analysis.graph.nodes}
    assert terms["table:zoo_parrot"] == ("parrot",)
    assert terms["table:zoo_feather_tags"] == ("feather", "tag")
    every = {t for node in analysis.graph.nodes for t in node.terms}
    assert not every & {"zoo", "yard"}  # the app labels are layout, not vocabulary


def test_a_module_constant_lends_no_module_name_to_the_vocabulary(
        project: Callable[[Tree], Path]) -> None:
    # a use of a module's own code (a constant it binds) had added the module's dotted path
    # to the user's words: django-oscar's app configs spoke of `address`, `analytics`...
    # through the package each names, the layout leaking into a structure-blind cut
    root = project({
        "aviary/__init__.py": "",
        "aviary/settings.py": "MAX_BEAKS = 3\nDEFAULT_COLOUR = 'red'\n",
        "yard/__init__.py": "",
        "yard/machines.py": """
            from aviary.settings import DEFAULT_COLOUR, MAX_BEAKS

            class Tractor:
                def spin_wheels(self):
                    return MAX_BEAKS + 1

            class Plough:
                def spin_blades(self):
                    return DEFAULT_COLOUR

            class Harrow:
                def spin_tines(self):
                    return MAX_BEAKS
        """,
    })
    graph = run(root, structure_blind=True).graph
    assert any(e.target == "aviary.settings" for e in graph.edges if e.signal == "code")
    every = {t for node in graph.nodes for t in node.terms}
    assert "spin" in every  # the classes' own words
    assert not every & {"aviary", "setting"}


def test_with_tables_the_vocabulary_speaks_the_domain_not_the_layer(
        project: Callable[[Tree], Path]) -> None:
    analysis = run(project(_two_django_apps()), structure_blind=True)
    similar = {frozenset((e.source, e.target)) for e in analysis.graph.edges
               if e.signal == "vocabulary"}
    # the two admins share every framework word, and are not linked by them...
    assert frozenset(("zoo.admin:ParrotAdmin", "yard.admin:TractorAdmin")) not in similar
    # ...while each is linked to the entity it is about
    assert frozenset(("zoo.admin:ParrotAdmin", "zoo.models:Parrot")) in similar
    assert frozenset(("yard.admin:TractorAdmin", "yard.models:Tractor")) in similar


def test_with_tables_a_context_is_named_by_the_domains_nouns() -> None:
    helpers = [f"zoo:split_{part}" for part in ("feathers", "wings", "beaks", "claws",
                                                "tails", "eggs")]
    nodes = {
        "table:zoo_parrot": Node("table:zoo_parrot", "table", terms=("parrot",)),
        "zoo:Parrot": Node("zoo:Parrot", "class", "zoo", terms=("parrot",)),
        "util:greatest": Node("util:greatest", "function", "util"),
    } | {h: Node(h, "function", "zoo", terms=("parrot",)) for h in helpers}
    groups = {"zoo": ["zoo:Parrot", *helpers], "util": ["util:greatest"]}
    nouns = frozenset({"parrot", "feather", "wing", "beak", "claw"})  # the tables' words
    terms = context_terms(groups, nodes, nouns=nouns)
    assert terms["zoo"][0] == "parrot"  # not "split", though six names say it
    assert terms["util"] == ("greatest",)  # no noun at all: its name is all it has
    assert context_terms(groups, nodes)["zoo"][0] == "split"  # every name counts without


def test_code_no_name_of_which_is_a_noun_is_named_by_its_names() -> None:
    # FlaskBB 2.2.0's deprecation helpers pass a warning's `category`: they were a context
    # named `category`, beside the forum's categories
    nodes = {
        "d:RemovedInShop3": Node("d:RemovedInShop3", "class", "d", terms=("category",)),
        "d:deprecated": Node("d:deprecated", "function", "d",
                             terms=("category", "warning", "message")),
        # a module's name is no name of the code (modules name no context)
        "util.category": Node("util.category", "module", "util.category"),
        "f:Category": Node("f:Category", "class", "f", terms=("category",)),
    }
    groups = {"deprecation": ["d:RemovedInShop3", "d:deprecated", "util.category"],
              "forum": ["f:Category"]}
    terms = context_terms(groups, nodes, nouns=frozenset({"category", "forum"}))
    assert terms["forum"][0] == "category"
    assert terms["deprecation"][0] in ("removed", "deprecated")
    assert "category" not in terms["deprecation"][:2]


def test_tables_only_the_storage_speaks_are_not_the_codes_language() -> None:
    # Roundup 2.6.0: eight tables of its storage (one-time keys, sessions, the full-text
    # index's words); its web actions' context was named `otk` by them, its configuration's
    # `word`. Spoken by code of less than half the lines, they name nothing by themselves.
    nouns = frozenset({"otk", "session", "word", "schema", "textid"})
    storage = [Node(f"db:Store{i}", "class", "db", size=40, terms=("otk", "session"))
               for i in range(3)]
    web = [Node("web:Client", "class", "web", size=300),
           Node("web:LoginAction", "class", "web", size=50, terms=("otk",))]
    assert spoken(nouns, [*storage, *web]) == frozenset()  # 170 of 470 lines
    assert spoken(nouns, [*storage, web[1]]) == nouns  # 170 of 170
    assert spoken(nouns, [Node("db", "module", "db", size=900), *storage, web[1]]) == nouns
    nodes = {n.id: n for n in [*storage, *web]}
    groups = {"web": ["web:Client", "web:LoginAction"], "db": [n.id for n in storage]}
    # no name of the web code is a noun: its names name it, whatever the nouns
    assert context_terms(groups, nodes, nouns=nouns)["web"][0] == "action"
    # one of its names is (a session cookie): the storage's words name it unless they are
    # not the code's language
    cookie = Node("web:SessionCookie", "class", "web", size=20)
    nodes[cookie.id] = cookie
    groups["web"].append(cookie.id)
    assert context_terms(groups, nodes, nouns=nouns)["web"][0] == "session"
    assert context_terms(groups, nodes, nouns=spoken(nouns, nodes.values()))["web"][0] \
        == "action"


def test_where_only_the_storage_speaks_the_tables_the_cut_names_by_the_codes_words() -> None:
    # the same through the cut: the storage's five tables are spoken by 160 of 460 lines
    tables = ["otk", "textid", "shelf", "spool", "ledger"]
    web = {"web:Client": (300, ()), "web:LoginAction": (20, ("ledger", "spool")),
           "web:LogoutAction": (20, ("ledger",))}
    nodes = [*(Node(f"table:{t}", "table", terms=(t,)) for t in tables),
             *(Node(f"db:Store{i}", "class", "db", size=40, terms=("otk", "spool"))
               for i in range(3)),
             *(Node(w, "class", "web", size=size, terms=terms)
               for w, (size, terms) in web.items())]
    edges = [*(Edge(f"db:Store{i}", f"table:{t}", "data", "write", 1.0)
               for i in range(3) for t in tables),
             *(Edge(f"db:Store{i}", f"db:Store{j}", "code", "call", 3.0, 9)
               for i in range(3) for j in range(i + 1, 3)),
             *(Edge(a, b, "code", "call", 3.0, 9) for a in web for b in web if a < b),
             Edge("web:LoginAction", "db:Store0", "code", "call", 0.5)]
    cut = decompose(CouplingGraph("toy", tuple(nodes), tuple(edges)), _blind())
    names = {c.name: set(c.elements) for c in cut.contexts}
    assert names["action"] == set(web)  # not `ledger`, a storage table's word


def test_a_context_holding_a_table_is_named_by_it_before_a_larger_one_speaking_of_it() -> None:
    # Weblate 2026.10.1: a 473-atom context with no table spoke of languages most, and took
    # `language` from the context holding the profiles' languages, which became `plural`
    nodes = {
        "table:profile_languages": Node("table:profile_languages", "table",
                                        terms=("profile", "language")),
        "table:lang_plural": Node("table:lang_plural", "table", terms=("plural",)),
    }
    terms = {"formats": ("language", "translation", "format"),  # the larger, named first
             "profiles": ("language", "plural", "profile"),
             "catalog": ("translation", "plural", "catalog")}
    held = held_words({"formats": [], "profiles": ["table:profile_languages"],
                       "catalog": ["table:lang_plural"]}, nodes)
    assert held["profiles"] == {"profile", "language"}
    assert choose_names(terms, set(), held) == {
        "formats": "translation", "profiles": "language", "catalog": "plural"}
    # (the catalog's best term is no word of its tables: it claims nothing first, and the
    # larger context takes `translation`)
    assert choose_names(terms, set()) == {
        "formats": "language", "profiles": "plural", "catalog": "translation"}


def test_a_word_that_only_qualifies_an_entity_names_a_context_with_the_entity() -> None:
    # Mayan EDMS 4.12.2: the contexts holding `SmartLink` and `WebLink` were named `smart`
    # and `web`; the one holding `DetachedSignature` and `EmbeddedSignature` is `signature`
    assert whole_name("smart", [("smart", "link"), ("smart", "link", "condition")]) \
        == ("smart", "link")
    assert whole_name("signature", [("detached", "signature"), ("embedded", "signature")]) \
        == ("signature",)
    assert whole_name("link", [("web", "link")]) == ("web", "link")
    assert whole_name("tag", [("web", "link")]) == ("tag",)
    terms = {"links": ("smart", "link", "document"), "web": ("web", "link", "document"),
             "plugins": ("plugin", "configuration"), "attempts": ("attempt", "login")}
    entities: dict[str, list[tuple[str, ...]]] = {
        "links": [("smart", "link"), ("smart", "link", "condition")], "web": [("web", "link")],
        "plugins": [("plugin", "configuration")], "attempts": [("login", "attempt")]}
    phrases = [("smart", "link"), ("smart", "link", "form"), ("smart", "link", "view"),
               ("web", "link"), ("web", "link", "view"), ("web", "form"),
               ("plugin", "configuration"), ("base", "plugin"), ("get", "plugin"),
               ("plugin", "manager"), ("login", "attempt")]
    assert choose_names(terms, set(), entities=entities, phrases=phrases) == {
        "links": "smart-link", "web": "web-link",
        # said mostly on its own, `plugin` is a name of its own; `attempt`, said only as the
        # end of `LoginAttempt`, says what is attempted with it
        "plugins": "plugin", "attempts": "login-attempt"}
    assert choose_names(terms, set(), entities=entities, phrases=[
        *phrases, ("attempt",), ("attempt", "count"), ("max", "attempt")])[
        "attempts"] == "attempt"  # said mostly on its own, it is a name of its own
    assert choose_names(terms, {"smart-link"}, entities=entities, phrases=phrases)[
        "links"] == "smart"  # a name another context has is not taken twice
    assert choose_names(terms, set())["links"] == "smart"
    # renamed, a context leaves its word to another; a run of more than three words names
    # no context; a repeated word is looked at wherever it is
    assert choose_names({"a": ("smart", "link"), "b": ("smart",)}, set(),
                        entities={"a": [("smart", "link")]}, phrases=[("smart", "link")]) \
        == {"a": "smart-link", "b": "smart"}
    assert choose_names({"a": ("user",)}, set(), entities={"a": [("user", "view", "mode", "x")]},
                        phrases=[("user", "view", "mode", "x")]) == {"a": "user"}
    assert whole_name("order", [("order", "item", "order", "line"), ("order", "line", "note")]) \
        == ("order", "line")
    # an entity is named by the model that declares its table: a many-to-many table is its
    # model's, and a table no class declares is named by its own words
    nodes = {"table:profile_languages": Node("table:profile_languages", "table",
                                             terms=("profile", "language")),
             "table:audit_log": Node("table:audit_log", "table", terms=("audit", "log")),
             "accounts.models:Profile": Node("accounts.models:Profile", "class")}
    assert entity_names({"accounts": ["table:profile_languages", "table:audit_log"]}, nodes,
                        {"table:profile_languages": ["accounts.models:Profile"]}) == {
        "accounts": (("audit", "log"), ("profile",))}
    # Mayan EDMS 4.12.2: proxy models declare `documents_document` too; the entity is the
    # class named as the table, and the context holding it is `document` before a larger one
    # holding only entities the word qualifies (`DocumentFilePage`), which had taken it
    nodes |= {"table:documents_document": Node("table:documents_document", "table",
                                               terms=("document",)),
              "docs:CheckedOutDocument": Node("docs:CheckedOutDocument", "class"),
              "docs:Document": Node("docs:Document", "class"),
              "docs:DocumentFilePage": Node("docs:DocumentFilePage", "class")}
    tables = {"files": ["table:documents_documentfilepage"],
              "checkouts": ["table:documents_document"]}
    nodes["table:documents_documentfilepage"] = Node(
        "table:documents_documentfilepage", "table", terms=("document", "file", "page"))
    held = held_words(tables, nodes)
    held_entities = entity_names(tables, nodes, {
        "table:documents_document": ["docs:CheckedOutDocument", "docs:Document"],
        "table:documents_documentfilepage": ["docs:DocumentFilePage"]})
    assert held_entities["checkouts"] == (("document",),)
    # a table named otherwise (`db_table = "doc_store"`): the class the proxies extend
    nodes["table:doc_store"] = Node("table:doc_store", "table", terms=("doc", "store"))
    assert entity_names({"k": ["table:doc_store"]}, nodes, {
        "table:doc_store": ["docs:CheckedOutDocument", "docs:Document"]}) == {
        "k": (("document",),)}
    terms = {"files": ("document", "page", "file"), "checkouts": ("document", "checkout")}
    assert choose_names(terms, set(), held, held_entities) == {"files": "page",
                                                         "checkouts": "document"}
    assert choose_names(terms, set(), held) == {"files": "document", "checkouts": "checkout"}
    # an entity's name keeps the words a framework's names make generic: django-oscar's
    # `WishList` made a context named `wish`
    nodes |= {"table:wishlists_wishlist": Node("table:wishlists_wishlist", "table",
                                               terms=("wish", "list")),
              "wishlists:WishList": Node("wishlists:WishList", "class"),
              "wishlists:WishListView": Node("wishlists:WishListView", "class")}
    wishes = entity_names({"w": ["table:wishlists_wishlist"]}, nodes,
                          {"table:wishlists_wishlist": ["wishlists:WishList"]})
    assert wishes == {"w": (("wish", "list"),)}
    assert choose_names({"w": ("wish", "line")}, set(), entities=wishes,
                        phrases=definition_words(nodes.values())) == {"w": "wish-list"}


def test_a_table_is_held_for_its_name_where_its_model_is() -> None:
    # FlaskBB 2.2.0: the cut put the `users` table with the code that reads it most, and the
    # `User` model, which owns it (findings.ownership), in another context
    zoo = ["zoo:Parrot", "zoo:ParrotCage", "zoo:ParrotFeed", "zoo:Perch"]
    yard = ["yard:Tractor", "yard:Wheel", "yard:Plough", "yard:count_parrots",
            "yard:list_parrots", "yard:parrot_report"]
    nodes = [Node(n, "class" if n.split(":")[1][0].isupper() else "function",
                  module=n.split(":")[0], size=10 if n in zoo else 30, terms=())
             for n in [*zoo, *yard]]
    nodes.append(Node("table:zoo_parrot", "table", terms=("parrot",)))
    edges = [Edge(a, b, "code", "call", 5.0) for group in (zoo, yard)
             for a, b in itertools.combinations(group, 2)]
    edges += [Edge("zoo:Parrot", "table:zoo_parrot", "data", "declares", 0.5)]
    edges += [Edge(f, "table:zoo_parrot", "data", "read", 5.0) for f in yard[3:]]
    cut = decompose(CouplingGraph("birds", tuple(nodes), tuple(edges)),
                    ClusterOptions(kernel=False))
    placed = cut.assignment()
    assert placed["zoo:Parrot"] != placed["yard:count_parrots"]
    assert placed["zoo:Parrot"] == "parrot"  # not the larger context that reads the table


def test_the_project_itself_names_no_context(tmp_path: Path) -> None:
    assert project_words("django-oscar-4.2.1", ["oscar.apps.order", "tests.x"]) == {
        "django", "oscar"}
    assert project_words("FlaskBB", ["flaskbb.user", "wsgi"]) == {"flask", "flaskbb"}
    assert project_words("kiwitcms-12.4", ["tcms.rpc", "tcms_settings_dir.x"]) == {
        "kiwitcm", "tcm"}
    # a package named after a domain is no project word, though the project has one too
    assert project_words("atelier", ["atelier.settings", "billing.models"]) == {"atelier"}
    # the project's package prefixes its hooks (FlaskBB's flaskbb_load_blueprints...)
    files: Tree = {"proj/__init__.py": "", "parrots/__init__.py": ""}
    files["proj/hooks.py"] = """
        def proj_load_blueprints(app):
            return proj_load_models(app)

        def proj_load_models(app):
            return proj_load_translations(app)

        def proj_load_translations(app):
            return app
    """
    files["parrots/models.py"] = """
        class Parrot:
            def squawk(self):
                return Feather(), Perch()

        class Feather:
            pass

        class Perch:
            pass
    """
    # the root folder is named otherwise: the package is named like the project (its end)
    analysis = run(write_tree(tmp_path / "kiwiproj-1.0", files), structure_blind=True)
    names = {c.name for c in analysis.decomposition.contexts}
    terms = {t for c in analysis.decomposition.contexts for t in c.terms}
    assert len(names) == 2  # the parrots and the hooks
    assert "proj" not in names | terms
    assert project_words("covid_19_tracker", []) == {"covid", "tracker"}  # no release
    # a context's own tables name it, whatever the project is called: djshop as "orders"
    shutil.copytree(SAMPLES / "djshop", tmp_path / "orders")
    owning = {t: c.name for c in run(tmp_path / "orders").decomposition.contexts
              for t in c.tables}
    assert owning["orders_order"] == "order"


def test_plumbing_of_one_role_that_no_domain_claims_is_one_context(
        project: Callable[[Tree], Path]) -> None:
    # three template filter libraries used by no Python code, and two SQL compiler extensions
    files: Tree = {"shop/__init__.py": "", "site/__init__.py": ""}
    for name in ("sorting", "dates", "strings"):
        files[f"site/{name}_tags.py"] = f"""
            from django import template
            register = template.Library()

            @register.filter
            def {name}_filter(value):
                return value
        """
    for name in ("greatest", "least"):
        files[f"site/{name}.py"] = f"""
            from sqlalchemy.ext.compiler import compiles
            from sqlalchemy.sql.functions import FunctionElement

            class {name}(FunctionElement):
                name = "{name}"

            @compiles({name})
            def _{name}_default(element, compiler, **kw):
                return compiler.visit_function(element)
        """
    files["shop/models.py"] = """
        from django.db import models

        class Order(models.Model):
            total = models.IntegerField()

        class OrderLine(models.Model):
            order = models.ForeignKey(Order, on_delete=models.CASCADE)

        class Invoice(models.Model):
            order = models.ForeignKey(Order, on_delete=models.CASCADE)

        class Customer(models.Model):
            name = models.CharField(max_length=50)

        class Parcel(models.Model):
            customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    """
    analysis = run(project(files), structure_blind=True)
    nodes = analysis.graph.node_map()
    # a module whose every definition is a template filter library's is one too
    assert nodes["site.sorting_tags"].role == "template-tags"
    assert nodes["site.greatest:greatest"].role == "database"  # a FunctionElement
    assert nodes["site.greatest:_greatest_default"].role == "database"  # @compiles
    infrastructure = {c.name: c for c in analysis.decomposition.contexts
                      if c.kind == "infrastructure"}
    assert set(infrastructure) == {"template-tags", "database"}
    assert set(infrastructure["template-tags"].modules) == {
        "site.sorting_tags", "site.dates_tags", "site.strings_tags"}
    assert set(infrastructure["database"].modules) == {"site.greatest", "site.least"}


def _planted(groups: int, size: int) -> CouplingGraph:
    """``groups`` domains of ``size`` classes, each tied densely inside and once to the next
    domain: a graph large enough for the Leiden runs to be shared among processes."""
    import random

    rng = random.Random(5)
    nodes = tuple(Node(f"d{g}.m:C{i}", "class", module=f"d{g}.m")
                  for g in range(groups) for i in range(size))
    edges = [Edge(f"d{g}.m:C{i}", f"d{g}.m:C{rng.randrange(size)}", "code", "call", 1.0)
             for g in range(groups) for i in range(size) for _ in range(4)]
    edges += [Edge(f"d{g}.m:C0", f"d{(g + 1) % groups}.m:C1", "code", "call", 1.0)
              for g in range(groups)]
    return CouplingGraph("planted", nodes, tuple(e for e in edges if e.source != e.target))


def _unlike_runs() -> list[tuple[float, int]]:
    """Leiden tasks whose memberships differ from run to run (resolutions 0.05 to 985)."""
    from analyzer.cluster.leiden import RUNS

    return [(0.05 * 3 ** seed, seed) for seed in range(RUNS)]


def test_the_cut_is_the_same_whatever_the_number_of_processes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer.cluster import leiden

    graph = _planted(24, 100)
    assert len(graph.nodes) >= leiden.PARALLEL_NODES  # so that two processes share the runs
    assert leiden._fork_pool(2, leiden.RUNS, len(graph.nodes)) == 2
    mixed = mix(graph, ClusterOptions()).numbered
    tasks = _unlike_runs()
    runs = leiden.leiden_labels(mixed, tasks, leiden.Runner(jobs=1))
    handed: list[bool] = []  # whether each forked process's memberships were taken

    def taken(data: bytes | None, nodes: int, count: int) -> object:
        labels = labels_of(data, nodes, count)
        handed.append(labels is not None)
        return labels

    labels_of = leiden._labels_of
    monkeypatch.setattr(leiden, "_labels_of", taken)
    for jobs in (2, 4):  # run for run, in order, whichever process made each
        handed.clear()
        assert leiden.leiden_labels(mixed, tasks, leiden.Runner(jobs=jobs)) == runs
        assert handed == [True] * (jobs - 1)
    monkeypatch.undo()
    one, two = (decompose(graph, ClusterOptions(jobs=jobs)) for jobs in (1, 2))
    assert one.placements == two.placements and one.contexts == two.contexts
    assert one.choice == two.choice
    # and the cut is right: each planted domain is one context
    where = {p.element: p.context for p in one.placements}
    for g in range(24):
        assert len({where[f"d{g}.m:C{i}"] for i in range(100)}) == 1
    assert leiden.leiden_labels(mixed, [], leiden.Runner(jobs=2)) == []


def test_a_leiden_worker_that_dies_costs_nothing_but_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A process killed before it hands its runs back (out of memory, a stray kill): its
    share of the runs is made here instead, each from its own seed, so every run and the cut
    are the same."""
    from analyzer.cluster import leiden

    graph = _planted(24, 100)
    mixed = mix(graph, ClusterOptions()).numbered
    tasks = _unlike_runs()
    runs = leiden.leiden_labels(mixed, tasks, leiden.Runner(jobs=1))
    one = decompose(graph, ClusterOptions(jobs=1))
    packed = leiden._packed_share

    def dies(share: Callable[..., list[list[int]]], part: list[tuple[float, int]]) -> bytes:
        if part[0][1] == 3:  # the second of four processes' shares (seeds 3 to 5)
            os._exit(1)
        return packed(share, part)

    monkeypatch.setattr(leiden, "_packed_share", dies)  # in the forked processes
    assert leiden.leiden_labels(mixed, tasks, leiden.Runner(jobs=4)) == runs
    monkeypatch.setattr(leiden, "_packed_share", lambda *args: os._exit(1))
    assert leiden.leiden_labels(mixed, tasks, leiden.Runner(jobs=2)) == runs
    two = decompose(graph, ClusterOptions(jobs=2))
    assert one.placements == two.placements and one.choice == two.choice


def test_plumbing_left_by_the_projects_own_code_joins_the_plumbing_of_its_role() -> None:
    # Mezzanine's project template: its manage.py and wsgi.py read its settings, and manage.py
    # a helper. The settings and wsgi.py are the project's (the kernel's); what stays with
    # them is a command like the project's other commands, not an infrastructure context of
    # its own named after its helper (`real`, for `real_project_name`)
    domain = [f"a{i}" for i in range(6)]
    nodes = [Node(n, "class", module="m") for n in domain]
    nodes += [Node("p.manage", "module", module="p.manage", size=5, role="command"),
              Node("p.wsgi", "module", module="p.wsgi", size=10, role="server"),
              Node("p.settings", "module", module="p.settings", size=10, role="settings"),
              Node("p.conf:real_project_name", "function", module="p.conf", size=3),
              Node("c:Command", "class", module="c", size=20, role="command"),
              Node("c:banner", "function", module="c", size=5)]
    edges = [Edge(s, t, "code", "call", 5.0) for s, t in itertools.combinations(domain, 2)]
    edges += [Edge("p.manage", "p.settings", "code", "attribute", 1.0),
              Edge("p.wsgi", "p.settings", "code", "attribute", 1.0),
              Edge("p.manage", "p.conf:real_project_name", "code", "call", 1.0),
              Edge("c:Command", "c:banner", "code", "call", 1.0)]
    cut = decompose(CouplingGraph("template", tuple(nodes), tuple(edges)), ClusterOptions())
    where = {e: c for c in cut.contexts for e in c.elements}
    assert where["p.wsgi"].name == where["p.settings"].name == KERNEL
    assert where["p.manage"] is where["c:Command"] is where["p.conf:real_project_name"]
    assert where["c:Command"].kind == "infrastructure" and where["c:Command"].name == "command"
    assert [c.kind for c in cut.contexts].count("infrastructure") == 1


def test_all_a_tag_library_or_a_command_module_defines_is_their_plumbing(
        project: Callable[[Tree], Path]) -> None:
    # Misago's misago_capture (a tag and the template Node it renders with) and
    # misago_editor (tags registered by a call, not a decorator), and pretalx's migrate
    # command with its log filter: each had made a domain context (`capture`, `editor`,
    # `output`)
    root = project({
        "forum/__init__.py": "",
        "forum/templatetags/__init__.py": "",
        "forum/templatetags/forum_capture.py": """
            from django import template
            register = template.Library()

            class CaptureNode(template.Node):
                def __init__(self, nodelist):
                    self.nodelist = nodelist

                def render(self, context):
                    return self.nodelist.render(context).strip()

            @register.tag()
            def capture(parser, token):
                return CaptureNode(parser.parse(("endcapture",)))
        """,
        "forum/templatetags/forum_editor.py": """
            from django import template
            register = template.Library()

            def editor_body(context, editor):
                return editor.body_template

            register.simple_tag(takes_context=True)(editor_body)
        """,
        "forum/management/__init__.py": "",
        "forum/management/commands/__init__.py": "",
        "forum/management/commands/migrate.py": """
            import logging
            from django.core.management.commands.migrate import Command as Parent

            class OutputFilter(logging.Filter):
                def filter(self, record):
                    return "rebuild" not in record.getMessage()

            class Command(Parent):
                def handle(self, *args, **options):
                    logging.getLogger("django").addFilter(OutputFilter())
                    return super().handle(*args, **options)
        """,
        "forum/management/utils.py": """
            def slug(text):
                return text.lower()
        """,
    })
    analysis = run(root, structure_blind=True)
    nodes = analysis.graph.node_map()
    assert {n: nodes[n].role for n in (
        "forum.templatetags.forum_capture:CaptureNode", "forum.templatetags.forum_capture",
        "forum.templatetags.forum_editor:editor_body", "forum.templatetags.forum_editor",
        "forum.management.commands.migrate:OutputFilter")} == {
        "forum.templatetags.forum_capture:CaptureNode": "template-tags",
        "forum.templatetags.forum_capture": "template-tags",
        "forum.templatetags.forum_editor:editor_body": "template-tags",
        "forum.templatetags.forum_editor": "template-tags",
        "forum.management.commands.migrate:OutputFilter": "command"}
    # outside the commands' package a module is no command's
    assert nodes["forum.management.utils:slug"].role == ""
    kinds = {c.kind for c in analysis.decomposition.contexts
             for e in c.elements if e.startswith(("forum.templatetags.forum_capture",
                                                   "forum.templatetags.forum_editor",
                                                   "forum.management.commands.migrate"))}
    assert kinds <= {"infrastructure", "kernel", "unplaced"}


def test_a_module_matched_as_a_whole_lends_its_role_to_what_no_other_rule_matched(
        project: Callable[[Tree], Path]) -> None:
    # a tag library's module and a command's module lend their role to all they define, code
    # that writes a table too (where it writes one context's tables the cut keeps it with
    # that context's code; where several contexts', it is the project's tooling); what
    # another rule matched keeps that rule's role
    root = project({
        "forum/__init__.py": "",
        "forum/models.py": """
            from django.db import models

            class Topic(models.Model):
                title = models.CharField(max_length=80)
        """,
        "forum/templatetags/__init__.py": "",
        "forum/templatetags/forum_links.py": """
            from django.template import Library
            from django.utils.deprecation import MiddlewareMixin
            from forum.models import Topic
            register = Library()

            @register.filter
            def link(topic):
                return topic.title

            def shorten(text):
                return text[:20]

            def touch(topic_id):
                Topic.objects.filter(id=topic_id).update(title="seen")

            class SeenMiddleware(MiddlewareMixin):
                def process_request(self, request):
                    return None
        """,
        "forum/management/__init__.py": "",
        "forum/management/commands/__init__.py": "",
        "forum/management/commands/load.py": """
            from django.core.management.base import BaseCommand
            from forum.models import Topic

            def clean(title):
                return title.strip()

            def import_topic(title):
                return Topic.objects.create(title=clean(title))

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    import_topic("x")
        """,
        "forum/management/commands/_shared.py": """
            def fmt(text):
                return text.strip()
        """,
    })
    nodes = run(root, structure_blind=True).graph.node_map()
    roles = {n: nodes[n].role for n in (
        "forum.templatetags.forum_links", "forum.templatetags.forum_links:link",
        "forum.templatetags.forum_links:shorten", "forum.templatetags.forum_links:touch",
        "forum.templatetags.forum_links:SeenMiddleware",
        "forum.management.commands.load:Command", "forum.management.commands.load:clean",
        "forum.management.commands.load:import_topic",
        "forum.management.commands._shared:fmt")}
    assert roles == {
        # `from django.template import Library` stands for the same call
        "forum.templatetags.forum_links": "template-tags",
        "forum.templatetags.forum_links:link": "template-tags",
        "forum.templatetags.forum_links:shorten": "template-tags",
        "forum.templatetags.forum_links:touch": "template-tags",
        "forum.templatetags.forum_links:SeenMiddleware": "middleware",  # its own rule wins
        "forum.management.commands.load:Command": "command",
        "forum.management.commands.load:clean": "command",
        "forum.management.commands.load:import_topic": "command",
        # Django runs no command from a module without one (`_shared`)
        "forum.management.commands._shared:fmt": ""}


def test_a_modules_own_code_away_from_its_definitions_does_not_decide_a_contexts_kind() -> None:
    # tradepost's application factory sat with the package's `__init__` and with the
    # module-level code of `utils.money`, whose `Money` is the kernel's: 7 lines of plumbing
    # in 25 had made that context a domain named `app`
    domain = [f"a{i}" for i in range(6)]
    nodes = [Node(n, "class", module="m") for n in domain]
    nodes += [Node("p", "module", module="p", size=3),
              Node("p.api:create_app", "function", module="p.api", size=7, role="app-factory"),
              Node("u.money", "module", module="u.money", size=15),
              Node("u.money:Money", "class", module="u.money", size=15),
              # a second application factory, tied to nothing of the first
              Node("q.f:make_app", "function", module="q.f", size=9, role="app-factory"),
              Node("q.f:init_db", "function", module="q.f", size=2)]
    edges = [Edge(s, t, "code", "call", 5.0) for s, t in itertools.combinations(domain, 2)]
    edges += [Edge("p", "p.api:create_app", "code", "call", 1.0),
              Edge("p.api:create_app", "u.money", "code", "attribute", 1.0),
              Edge("a0", "u.money:Money", "code", "call", 1.0),
              Edge("q.f:make_app", "q.f:init_db", "code", "call", 1.0)]
    cut = decompose(CouplingGraph("shop", tuple(nodes), tuple(edges)), ClusterOptions(
        constraints=Constraints(pin=((KERNEL, ("u.money:Money",)),))))
    where = {e: c for c in cut.contexts for e in c.elements}
    assert where["u.money:Money"].name == KERNEL
    factory = where["p.api:create_app"]
    assert "u.money" in factory.elements  # the cut put the module's code there...
    # ...but only its own code and the factory say what the context is
    assert (factory.kind, factory.name) == ("infrastructure", "app-factory")
    # and plumbing of one role is gathered by the same measure: one context for both
    assert where["q.f:make_app"] is factory
    assert [c.kind for c in cut.contexts].count("infrastructure") == 1
    # a module's own code that plays a role of its own (a settings module's) is no wiring
    nodes_by_id = {
        "p.settings": Node("p.settings", "module", module="p.settings", size=100,
                           role="settings"),
        "p.settings:env": Node("p.settings:env", "function", module="p.settings", size=5),
        "m:x": Node("m:x", "function", module="m", size=30)}
    wiring = _wiring(nodes_by_id.values())
    assert "p.settings" not in wiring
    assert _plumbing_role(["p.settings", "m:x"], nodes_by_id, frozenset(), wiring) == "settings"
