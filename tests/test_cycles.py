"""Which dependencies break a cycle, fewest first: SL201 and SL406 say "removable by N
dependencies" and name them, as import-linter's acyclic_siblings does."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.findings.cycles import _a_cycle, cycle_groups, fewest_cuts, removable


def test_a_two_way_cycle_is_cut_at_its_lighter_dependency() -> None:
    assert fewest_cuts({("orders", "payments"): 5, ("payments", "orders"): 2}) == [
        ("payments", "orders")]
    assert removable({("orders", "payments"): 5, ("payments", "orders"): 1}) == (
        "removable by 1 dependency: payments → orders (1 use)")


def test_one_shared_dependency_breaks_two_cycles() -> None:
    # a -> b -> a and a -> b -> c -> a: a -> b is in both, though not the lightest
    weights = {("a", "b"): 3, ("b", "a"): 2, ("b", "c"): 2, ("c", "a"): 2}
    assert fewest_cuts(weights) == [("a", "b")]
    three = {(x, y): 1 for x in "abc" for y in "abc" if x != y}  # three two-way cycles
    assert removable(three).startswith("removable by 3 dependencies: ")


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("abcde"), st.sampled_from("abcde"))
                       .filter(lambda e: e[0] != e[1]), st.integers(1, 5), min_size=2,
                       max_size=12))
def test_the_cuts_leave_no_cycle_and_no_smaller_set_would(weights: dict[tuple[str, str], int]
                                                          ) -> None:
    graph = nx.DiGraph(list(weights))
    if nx.is_directed_acyclic_graph(graph):
        return
    cuts = fewest_cuts(weights)
    rest = nx.DiGraph([e for e in weights if e not in cuts])
    rest.add_nodes_from(graph)
    assert nx.is_directed_acyclic_graph(rest)
    # no single dependency fewer suffices: dropping any one cut back in leaves a cycle
    for kept in cuts:
        again = nx.DiGraph([e for e in weights if e not in cuts or e == kept])
        assert not nx.is_directed_acyclic_graph(again)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("abcdefg"), st.sampled_from("abcdefg"))
                       .filter(lambda e: e[0] != e[1]), st.integers(1, 5), min_size=17,
                       max_size=30))
def test_beyond_the_exact_search_no_cut_is_needless(weights: dict[tuple[str, str], int]) -> None:
    # more dependencies than the exact search tries: the greedy cuts still break every cycle
    # and none of them could be restored
    cuts = fewest_cuts(weights)
    rest = nx.DiGraph([e for e in weights if e not in cuts])
    assert nx.is_directed_acyclic_graph(rest)
    for kept in cuts:
        again = nx.DiGraph([e for e in weights if e not in cuts or e == kept])
        assert not nx.is_directed_acyclic_graph(again)


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh")),
                max_size=30))
@settings(max_examples=300, deadline=None)
def test_cycle_groups_are_networkx_s_strongly_connected_components(
        pairs: list[tuple[str, str]]) -> None:
    edges = [(a, b) for a, b in pairs if a != b]
    graph = nx.DiGraph(edges)
    assert cycle_groups(edges) == sorted(
        sorted(g) for g in nx.strongly_connected_components(graph) if len(g) > 1)
    # and the greedy search's cycle finder agrees with networkx on whether there is one
    assert (_a_cycle(edges) is None) == nx.is_directed_acyclic_graph(graph)
