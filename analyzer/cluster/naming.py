"""Names for contexts, from their dominant domain terms.

A context's terms are its elements' strongest terms (a class's count double, as the nouns of a
domain live in its classes) and its tables' words. The words of the tables it holds name its
entities and rank first, the one most of its elements use first, when at least a tenth of its
elements use them; the other terms follow, scored by how often the context uses them against
how many contexts use them (class-based TF-IDF). The best term that no other context has
taken names it, and a second term is added when needed to stay unique. The project itself
names no context (:func:`project_words`).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from analyzer.coupling import Node
from analyzer.text import words

Key = TypeVar("Key", bound=Hashable)


def project_words(project: str, modules: Iterable[str]) -> frozenset[str]:
    """The words that say the project itself: its name's (the root folder's, a version suffix
    dropped: ``django-oscar-4.2.1``) and those of each top-level package named like the
    project (``flaskbb`` in ``FlaskBB``, ``tcms`` in ``kiwitcms``: the whole name, one of its
    words, or its start or end of four letters or more), whose name prefixes its hooks and
    settings (``flaskbb_load_blueprints``). They name no context, unless they are the words of
    a context's own tables (:func:`context_terms`): a project named ``orders`` still has an
    ``order`` context."""
    name = _VERSION.sub("", project)
    squeezed = re.sub(r"[^a-z]", "", name.lower())
    found = set(words(name))
    for package in sorted({m.partition(".")[0] for m in modules}):
        bare = re.sub(r"[^a-z]", "", package.lower())
        if bare == squeezed or bare in found or (
                len(bare) >= 4 and (squeezed.startswith(bare) or squeezed.endswith(bare))):
            found.update(words(package))
    return frozenset(found)


# ``-4.2.1``, ``_v2``, ``-1.0rc1``: a release, not a word (``covid_19_tracker`` keeps its words)
_VERSION = re.compile(r"[-_.]v?\d+(?:\.\d+)*(?:[-.]?(?:a|b|rc|dev|post)\d*)?$")


def context_terms(groups: Mapping[Key, Sequence[str]], nodes: Mapping[str, Node],
                  limit: int = 6, nouns: frozenset[str] = frozenset(),
                  unnamed: frozenset[str] = frozenset()) -> dict[Key, tuple[str, ...]]:
    """For each group (key -> node ids), its distinctive terms, best first. ``nouns``, when
    given, are the domain's (``text.domain_nouns``, as the vocabulary has them): a
    definition's name (``greatest``, ``split``) names a context only by its nouns then,
    unless the group holds no table and none of its definitions' names is a noun.
    ``unnamed`` are words that are a term only as the words of the group's own tables
    (:func:`project_words`)."""
    bags: dict[Key, dict[str, float]] = {}
    entity_words: dict[Key, set[str]] = {}
    mentions: dict[Key, Counter[str]] = defaultdict(Counter)  # elements using each word
    for key, ids in groups.items():
        bag: dict[str, float] = {}
        entity_words[key] = set()
        counted: Counter[str] = Counter()
        # code none of whose names is a noun, holding no table, is named by its names: a
        # noun its code only mentions (FlaskBB's deprecation helpers pass a warning's
        # ``category``) says nothing of what it is
        speaks = any(nodes[i].kind == "table" or (
            _NAME_WEIGHT.get(nodes[i].kind) and not nouns.isdisjoint(_name_words(nodes[i])))
            for i in ids)
        for node_id in ids:
            node = nodes[node_id]
            if node.kind == "table":
                entity_words[key].update(_name_words(node))
            # the nouns of a domain: its tables, then its classes, then its functions' names;
            # a name that is no noun (``greatest``, ``split``) only names what has no noun
            own = _NAME_WEIGHT.get(node.kind, 0.0)
            named = []
            for word in _name_words(node):
                if nouns and speaks and word not in nouns:
                    bag[word] = bag.get(word, 0.0) + own * _NOT_A_NOUN
                else:
                    named.append(word)
                    bag[word] = bag.get(word, 0.0) + own
            for rank, term in enumerate(node.terms[:5]):
                bag[term] = bag.get(term, 0.0) + 0.5 * (1.0 - 0.15 * rank)
            if node.kind != "table":
                counted.update(set(named) | set(node.terms[:5]))
        mentions[key] = counted
        bags[key] = bag
    spread: Counter[str] = Counter()
    for bag in bags.values():
        spread.update(bag.keys())
    total = max(1, len(bags))
    result: dict[Key, tuple[str, ...]] = {}
    for key, bag in bags.items():
        # the words of the tables a context holds name its entities: they come first, the
        # one most of its elements use first; then the other terms by class-based TF-IDF
        # a table that few of a large context's elements speak of does not name it
        floor = _ENTITY_SHARE * sum(1 for i in groups[key] if nodes[i].kind != "table")
        entities = {w for w in entity_words[key] if mentions[key][w] >= floor}
        scored = sorted(((0, -mentions[key][term], -count, term) if term in entities else
                         (1, 0, -count * math.log(1 + total / spread[term]), term)
                         for term, count in bag.items()))
        result[key] = tuple(term for *_, term in scored
                            if term not in unnamed or term in entities)[:limit]
    return result


_NAME_WEIGHT = {"table": 3.0, "class": 2.0, "function": 1.0}
_NOT_A_NOUN = 0.01  # the weight of a name word that is not one of the domain's nouns
_ENTITY_SHARE = 0.1  # share of a context's elements that must use a table's word to name it
def _name_words(node: Node, dropped: frozenset[str] | None = None) -> list[str]:
    """The words of ``node``'s name, without the ``dropped`` ones (by default the words
    every layer says, ``_GENERIC``)."""
    dropped = _GENERIC if dropped is None else dropped
    name = node.id.rpartition(":")[2].rpartition(".")[2]
    if node.kind == "table" and node.terms:  # the name without a framework's app label
        return [word for word in node.terms if word not in dropped]
    return [word for word in words(name) if word not in dropped]


_KEEP_ALL: frozenset[str] = frozenset()  # an entity's name keeps every word (``WishList``)
_GENERIC = frozenset("""
get set add list create update delete remove view views form forms model models manager
admin config base abstract mixin test tests util utils helper helpers handler handlers
service services repo repository api task tasks command commands serializer error
exception the and for with from new all one ids make build load save send run
not none true false
""".split())  # noqa: SIM905 - a word list


def spoken(nouns: frozenset[str], nodes: Iterable[Node]) -> frozenset[str]:
    """``nouns`` (the tables' words), when they are the code's language: when the code whose
    strongest terms say one of them holds at least half of the lines. Else none, and names
    come from the code's own words: Roundup's eight tables are its storage's (`otks`,
    `sessions`, `__words`), its issues a schema defined at run time, and by their words its web
    actions' context was named `otk` and its configuration's `word`."""
    if not nouns:
        return nouns
    code = [n for n in nodes if n.is_element and n.kind != "module"]
    speaking = sum(n.size for n in code if not nouns.isdisjoint(n.terms))
    return nouns if speaking >= SPOKEN_SHARE * sum(n.size for n in code) else frozenset()


SPOKEN_SHARE = 0.5  # the tables are the code's language when this share of its lines speak it


def held_words(tables: Mapping[Key, Sequence[str]], nodes: Mapping[str, Node]
               ) -> dict[Key, frozenset[str]]:
    """The words of the tables (node ids) each group holds: its entities, which it names
    itself by before another group may (:func:`choose_names`)."""
    return {key: frozenset(w for i in ids for w in _name_words(nodes[i]))
            for key, ids in tables.items()}


def entity_names(tables: Mapping[Key, Sequence[str]], nodes: Mapping[str, Node],
                 declared: Mapping[str, Sequence[str]]) -> dict[Key, tuple[tuple[str, ...], ...]]:
    """The names of the entities each group holds, as words: the model class that declares
    each table it holds (``declared``: table -> classes), else the table's own words. Of
    several classes declaring one table (proxy models: Mayan EDMS's ``CheckedOutDocument``
    declares ``documents_document`` as ``Document`` does), the one named as the table is,
    else the one whose words every other says, else the shortest; a many-to-many table
    (``profile_languages``) is its model's (``Profile``)."""
    found: dict[Key, tuple[tuple[str, ...], ...]] = {}
    for key, ids in tables.items():
        names = set()
        for table in ids:
            own = tuple(_name_words(nodes[table], _KEEP_ALL))
            classes = [tuple(_name_words(nodes[c], _KEEP_ALL)) for c in declared.get(table, ())
                       if c in nodes]
            # the class named as the table, else the one whose words all the others say
            # (``Document`` beside its proxy ``CheckedOutDocument``), else the shortest
            names.add(min(classes, key=lambda c: (
                c != own, not all(set(c) <= set(o) for o in classes), len(c)))
                if classes else own)
        found[key] = tuple(sorted(n for n in names if n))
    return found


def definition_words(nodes: Iterable[Node]) -> list[tuple[str, ...]]:
    """The words of each class's and function's name, in order, as an entity's are split
    (:func:`entity_names`)."""
    return [tuple(_name_words(n, _KEEP_ALL)) for n in nodes if n.kind in ("class", "function")]


def whole_name(word: str, entities: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The longest run of words around ``word`` that every entity named with it shares:
    ``smart-link`` for ``smart`` of Mayan EDMS's ``SmartLink`` and ``SmartLinkCondition``;
    ``signature`` alone for ``DetachedSignature`` and ``EmbeddedSignature``."""
    named = [e for e in entities if word in e]
    if not named:
        return (word,)
    first = named[0]

    def shared(run: tuple[str, ...]) -> bool:
        return all(any(e[i:i + len(run)] == run for i in range(len(e))) for e in named)

    best: tuple[str, ...] = (word,)
    for at in (i for i, w in enumerate(first) if w == word):
        start, end = at, at + 1
        grown = True
        while grown:
            grown = False
            if start > 0 and shared(first[start - 1:end]):
                start, grown = start - 1, True
            if end < len(first) and shared(first[start:end + 1]):
                end, grown = end + 1, True
        if end - start > len(best):
            best = first[start:end]
    return best


def choose_names(terms: Mapping[Key, Sequence[str]], taken: set[str],
                 held: Mapping[Key, frozenset[str]] | None = None,
                 entities: Mapping[Key, Sequence[tuple[str, ...]]] | None = None,
                 phrases: Sequence[tuple[str, ...]] = ()) -> dict[Key, str]:
    """A unique, readable name per key: its best free term, or two terms joined by ``-``,
    else ``context-N``. Keys are named biggest first, so the order of ``terms`` matters; but
    first each key whose best term is a word of the tables it holds (``held``) takes it, if
    free: the context that holds Weblate's ``accounts_profile_languages`` is ``language``,
    though a larger context with no table speaks of languages most (it had been ``plural``)."""
    names: dict[Key, str] = {}

    def take(key: Key, term: str) -> None:
        # a word said only within an entity's name (``smart`` of ``SmartLink``, ``attempt``
        # of ``LoginAttempt``) is no name of its own: where most definitions whose names say
        # it say the entity's run of words, the run names the context, and the word stays
        # free for another; a word said mostly on its own (``plugin``, beside
        # ``PluginConfiguration``) is a name of its own
        run = whole_name(term, entities.get(key, ()) if entities else ())
        whole = "-".join(run)
        if not (len(run) > 1 and len(run) <= _WHOLE_WORDS and whole not in taken
                and _said_within(term, run, phrases)):
            whole = term
        taken.add(whole)
        names[key] = whole

    # a context holding the entity a word names alone (``Document``) claims it before one
    # that holds only entities the word qualifies (``DocumentFilePageContent``)
    for exact in (True, False):
        for key, ranked in terms.items():
            if key in names or not ranked or not held or ranked[0] not in held.get(key, ()) \
                    or ranked[0] in taken:
                continue
            if not exact or (entities and (ranked[0],) in entities.get(key, ())):
                take(key, ranked[0])
    for index, (key, ranked) in enumerate(terms.items(), start=1):
        if key in names:
            continue
        term = next((t for t in ranked[:3] if t not in taken), None)
        if term is not None:
            take(key, term)
            continue
        name = None
        if len(ranked) >= 2:
            pairs = [f"{a}-{b}" for a in ranked[:3] for b in ranked[:4] if a != b]
            name = next((p for p in pairs if p not in taken), None)
        number = index
        while name is None or name in taken:
            name = f"context-{number}"
            number += 1000
        taken.add(name)
        names[key] = name
    return names


def _said_within(word: str, run: tuple[str, ...], phrases: Sequence[tuple[str, ...]]) -> bool:
    """Whether most ``phrases`` (definitions' names, as words) that say ``word`` say it in
    ``run``."""
    saying = [p for p in phrases if word in p]
    within = sum(1 for p in saying if any(p[i:i + len(run)] == run for i in range(len(p))))
    return 2 * within > len(saying)


_WHOLE_WORDS = 3  # an entity's name of more words is too long for a context's
