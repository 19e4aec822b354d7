"""The coupling graph of a project, built from the code model and the data access model.

Every signal is built on its own, so each can be weighed or switched off when clustering:

* ``code``: atom A references atom B ``n`` times: weight ``1 + ln n`` (half for type-only use);
* ``links``: framework links (string foreign keys, ``get_model``, ``get_class``, Flask's
  ``url_for`` to the view of an endpoint, a view and the module that made the Flask blueprint
  it is registered on...), 1 each; a Django app config (or, for an app without one, its
  package) and each model it registers ``REGISTRATION_WEIGHT``;
* ``data``: an atom and a table it writes (1), reads (0.5) or declares (2), halved when
  seamline is not sure of the access and for a lookup (a table only joined to the one the
  query is about); tables are nodes, so atoms that share one meet there;
* ``vocabulary``: each atom's nearest neighbours by TF-IDF cosine similarity;
* ``usecases``: an entry point and the atoms it reaches, ``1 / (1 + steps)``;
* ``cochange``: files that change in the same commits (git history);
* ``packages``: an atom and its module, a module and its package (the layout prior).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.codebase import Codebase
from analyzer.coupling import CouplingGraph, Edge, Node, RunMemo
from analyzer.graph.endpoints import (
    blueprint_members,
    endpoint_links,
    registered_views,
    route_words,
)
from analyzer.graph.entrypoints import EntryPoint, find_entry_points, load_rules, reach
from analyzer.graph.history import co_change
from analyzer.graph.vocabulary import Documents, similarity, table_words
from analyzer.model import (
    AccessMode,
    CodeModel,
    Confidence,
    DataModel,
    ImportKind,
    Link,
    Module,
    Words,
)
from analyzer.resources import rules_dir
from analyzer.text import domain_nouns

_MODE_WEIGHT = {"write": 1.0, "ddl": 0.5, "read": 0.5}
_DECLARES = 2.0
# A model an app config registers is a member of that app, where a foreign key or a loader's
# string is a dependency, one that may cross contexts (SL103 lists them); no model belongs to
# two apps. Measured at 1 (a dependency's weight, before), 2, 3, 5, 8, 16 and 32, five seeds
# each on 18 projects (docs/clustering.md): from 3 to 32 most Django projects gain (Kiwi TCMS
# loses 0.01), the others do not move; 8 is a middle of that range, no project's best.
REGISTRATION_WEIGHT = 8.0
_REPRESENTATIVES = 8  # atoms per file linked by co-change
_LOADER_LINKS = frozenset({"get-model", "get-class", "get-user-model"})


@dataclass(frozen=True, slots=True)
class HistoryOptions:
    since: str | None = None
    max_commits: int = 1000


@dataclass(frozen=True, slots=True)
class BuiltGraph:
    graph: CouplingGraph
    entry_points: tuple[EntryPoint, ...]
    # the element an atom id of the code or data model stands for (a method's class, a
    # loader-bound name's definition, module-level code's module)
    element_of: Callable[[str], str]


class _Builder:
    def __init__(self, code: CodeModel) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str, str], tuple[float, int]] = {}
        self.definitions: dict[str, set[str]] = {
            m.name: {d.name for d in m.definitions} for m in code.modules}
        # module-level names a loader binds: ``Product = get_model("catalogue", "Product")``
        self.aliases: dict[str, str] = {}

    def atom_of(self, target: str) -> str:
        """The atom a reference target stands for: a definition; a module-level name a loader
        bound, the definition it loads; else the module's own code."""
        seen: set[str] = set()
        while True:
            module, _, symbol = target.partition(":")
            head = symbol.split(".", 1)[0]
            if head and head in self.definitions.get(module, ()):
                return f"{module}:{head}"
            alias = self.aliases.get(f"{module}:{head}")
            if alias is None or alias in seen:  # no loader, or loaders in a circle
                return module
            seen.add(alias)
            target = alias

    def dotted(self, text: str) -> str | None:
        """The atom a string such as ``"shop.apps.ShopConfig"`` names, if it names one."""
        parts = text.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in self.definitions:
                rest = parts[cut:]
                return self.atom_of(f"{module}:{rest[0]}") if rest else module
        return None

    def learn_aliases(self, links: Sequence[Link]) -> None:
        """A module-level loader call whose target has the name of a module-level variable
        is taken to bind it (oscar's ``X = get_class(...)``, ``get_model`` and the like)."""
        for link in links:
            if ":" not in link.source and link.kind in _LOADER_LINKS:
                name = link.target.rpartition(":")[2].rsplit(".", 1)[-1]
                self.aliases.setdefault(f"{link.source}:{name}", link.target)

    def edge(self, source: str, target: str, signal: str, kind: str, weight: float,
             count: int = 1) -> None:
        if source == target or source not in self.nodes or target not in self.nodes:
            return
        key = (source, target, signal, kind)
        old_weight, old_count = self.edges.get(key, (0.0, 0))
        self.edges[key] = (old_weight + weight, old_count + count)

    def graph(self, project: str, notes: Sequence[str]) -> CouplingGraph:
        # in the dataclasses' order, sorted by their keys (a node's id, an edge's first four
        # fields: unique here) rather than by their __lt__, a Python call per comparison
        return CouplingGraph(
            project=project,
            nodes=tuple(self.nodes[key] for key in sorted(self.nodes)),
            edges=tuple(Edge(*key, round(w, 6), c)
                        for key, (w, c) in sorted(self.edges.items())),
            notes=tuple(notes),
        )


def _element_nodes(builder: _Builder, module: Module, words: Sequence[Words]) -> None:
    covered = 0
    for definition in module.definitions:
        size = max(1, definition.end_line - definition.line + 1)
        covered += size
        atom = f"{module.name}:{definition.name}"
        builder.nodes[atom] = Node(atom, definition.kind, module.name, module.path,
                                   definition.line, size)
    spoken = any(w.atom == "" and w.identifiers for w in words)
    has_code = bool(module.variables) or spoken or any(
        r.source == module.name for r in module.references)
    if has_code:
        builder.nodes[module.name] = Node(module.name, "module", module.name, module.path, 1,
                                          max(1, module.lines - covered))


def element_resolver(code: CodeModel, data: DataModel) -> Callable[[str], str]:
    """What ``BuiltGraph.element_of`` is, without building a graph (``seamline check``)."""
    builder = _Builder(code)
    builder.learn_aliases(data.links)
    return builder.atom_of


def build_graph(project: str, codebase: Codebase, data: DataModel, root: Path,
                history: HistoryOptions = HistoryOptions(), memo: RunMemo | None = None
                ) -> BuiltGraph:
    """The coupling graph; ``memo`` remembers the vocabulary's vectors from one run to the
    next (the graph is the same with or without it)."""
    code = codebase.code
    builder = _Builder(code)
    builder.learn_aliases(data.links)
    notes: list[str] = []
    for module in code.modules:
        _element_nodes(builder, module, codebase.words[module.name])
    for table in data.tables:
        builder.nodes[f"table:{table.name}"] = Node(
            f"table:{table.name}", "table", terms=tuple(table_words(table.words_name).split()))

    # code dependencies
    uses: dict[str, dict[str, int]] = defaultdict(dict)
    for module in code.modules:
        for ref in module.references:
            source, target = builder.atom_of(ref.source), builder.atom_of(ref.target)
            weight = 1.0 + math.log(ref.count)
            if set(ref.kinds) <= {"annotation"}:
                weight /= 2
            builder.edge(source, target, "code", "+".join(ref.kinds), weight, ref.count)
            if source != target:
                uses[source][target] = uses[source].get(target, 0) + ref.count
        _re_exports(builder, module)
    # framework links
    configured: set[str] = set()  # the models an app config registers
    for link in data.links:
        if link.kind == "app-config":
            configured.add(link.target)
        source, target = builder.atom_of(link.source), builder.atom_of(link.target)
        builder.edge(source, target, "links", link.kind,
                     REGISTRATION_WEIGHT if link.kind == "app-config" else 1.0)
        if source != target and source in builder.nodes and target in builder.nodes:
            uses[source][target] = uses[source].get(target, 0) + 1
    # pages that link to other pages by an endpoint's name: url_for("orders.detail")
    registered = registered_views(codebase)
    for source, view in endpoint_links(codebase, registered):
        if source in builder.nodes and view in builder.nodes:
            builder.edge(source, view, "links", "endpoint", 1.0)
            uses[source][view] = uses[source].get(view, 0) + 1
    # a view registered on a Flask blueprint is one of its members, as a model is of the app
    # config that registers it: linked to the module that made the blueprint (from the view,
    # which names the blueprint in its decorator; no use of it: an entry point's reach stays
    # what it calls)
    for view, made_in in blueprint_members(registered):
        builder.edge(view, made_in, "links", "blueprint", 1.0)
    # strings that name a module or a definition: "shop.apps.ShopConfig"
    for module in code.modules:
        for words in codebase.words[module.name]:
            source = f"{module.name}:{words.atom}" if words.atom else module.name
            for dotted in words.dotted:
                named = builder.dotted(dotted)
                if named is not None and named != source and named in builder.nodes:
                    builder.edge(source, named, "links", "dotted-path", 1.0)
                    uses[source][named] = uses[source].get(named, 0) + 1
    # shared tables; a table many read is a hub, and reading it says less of where the reader
    # belongs (as a word in many documents does): a read weighs 1/sqrt(the table's readers)
    readers: dict[str, set[str]] = defaultdict(set)
    for access in data.accesses:
        if access.mode is AccessMode.READ:
            readers[access.table].add(builder.atom_of(access.atom))
    for access in data.accesses:
        weight = _MODE_WEIGHT[access.mode.value]
        if access.mode is AccessMode.READ:
            weight /= math.sqrt(len(readers[access.table]))
        if access.confidence is Confidence.LOW:
            weight /= 2
        if access.lookup:  # SELECT ... FROM orders JOIN customers is about orders
            weight /= 2
        builder.edge(builder.atom_of(access.atom), f"table:{access.table}", "data",
                     access.mode.value, weight)
    for table in data.tables:
        for declaration in table.declarations:
            builder.edge(builder.atom_of(declaration.atom), f"table:{table.name}", "data",
                         "declares", _DECLARES)
    _default_registrations(builder, data, configured)

    _vocabulary(builder, codebase, data, uses, memo)
    entries = _use_cases(builder, code, uses)
    _plumbing(builder, codebase, uses)
    notes.extend(_co_change(builder, code, root, history))
    _layout(builder, code)
    return BuiltGraph(builder.graph(project, notes), tuple(entries), builder.atom_of)


def _re_exports(builder: _Builder, module: Module) -> None:
    """A package's ``__init__`` that defines nothing and imports definitions of the project
    that none of its code uses re-exports them: it is their facade (``from .serializer import
    TokenSerializer``), so its code depends on them. Without this edge such a package has no
    tie at all and is left unplaced. Uses of the names are references already; a module that
    defines code goes with its definitions, and its unused imports are not followed."""
    if not module.is_package or module.definitions or module.name not in builder.nodes:
        return
    used = {builder.atom_of(ref.target) for ref in module.references}
    for imported in module.imports:
        if imported.symbol is None or imported.in_function or imported.type_checking \
                or imported.kind is not ImportKind.INTERNAL:
            continue
        target = builder.atom_of(f"{imported.module}:{imported.symbol}")
        if ":" in target and target not in used:
            builder.edge(module.name, target, "code", "re-export", 1.0)


def _vocabulary(builder: _Builder, codebase: Codebase, data: DataModel,
                uses: Mapping[str, Mapping[str, int]], memo: RunMemo | None) -> None:
    bags: dict[str, dict[str, int]] = defaultdict(dict)
    docs: dict[str, str] = {}

    def add(atom: str, word: str, count: int = 1) -> None:
        if atom in builder.nodes:
            bag = bags[atom]
            bag[word] = bag.get(word, 0) + count

    for module in codebase.code.modules:
        for words in codebase.words[module.name]:
            atom = f"{module.name}:{words.atom}" if words.atom else module.name
            for word, count in words.identifiers:
                add(atom, word, count)
            docs[atom] = words.doc
        for definition in module.definitions:
            atom = f"{module.name}:{definition.name}"
            for method in definition.methods:
                add(atom, method.name)
        for body in codebase.classes.in_module[module.name]:
            for name, _, _ in body.attrs:
                add(f"{module.name}:{body.name}", name)
    # the names of the definitions it references; a module's own code (a constant it binds)
    # has no name but its module's dotted path, which is layout, never a word
    for source, targets in uses.items():
        for target, count in targets.items():
            name = target.partition(":")[2]
            if name:
                add(source, name, count)
    # the URL a view serves names its resource in the words its users see
    for atom, word in route_words(codebase):
        add(atom, word)
    # a table is named without the app-label prefix a framework gave it (layout, not domain)
    spoken = {table.name: table.words_name.replace(".", "_") for table in data.tables}
    for access in data.accesses:
        add(builder.atom_of(access.atom), spoken.get(access.table, access.table.replace(".", "_")))
    for table in data.tables:
        for declaration in table.declarations:
            add(builder.atom_of(declaration.atom), spoken[table.name], 2)

    # Module-level code is wiring (registrations, URL lists, loader calls): its words say what
    # role a file plays, not which domain it serves, so it takes no part in the vocabulary.
    ids = sorted(a for a, node in builder.nodes.items() if node.is_element
                 and node.kind != "module")
    # Where the code has tables, it speaks only the domain's nouns: the words of the layer
    # (list_display, get_context_data, serializer, form) are the same in every domain, so they
    # tie an admin to the other admins and a form to the other forms: a cut by layer.
    nouns = domain_nouns((t.words_name, [d.atom.rpartition(":")[2] for d in t.declarations])
                         for t in data.tables)
    writer = Documents(nouns or None)
    documents = [writer.atom(a.rpartition(":")[2] if ":" in a else "", bags.get(a, {}),
                             docs.get(a, ""))
                 for a in ids]
    similar = similarity(ids, documents, nouns_only=bool(nouns), memo=memo)
    for atom, terms in similar.terms.items():
        node = builder.nodes[atom]
        builder.nodes[atom] = Node(node.id, node.kind, node.module, node.path, node.line,
                                   node.size, terms)
    for a, b, score in similar.neighbours:
        builder.edge(a, b, "vocabulary", "similar", score)


def _use_cases(builder: _Builder, code: CodeModel,
               uses: Mapping[str, Mapping[str, int]]) -> list[EntryPoint]:
    entries = [e for e in find_entry_points(code, load_rules(), uses) if e.atom in builder.nodes]
    for entry in entries:
        node_id = f"usecase:{entry.atom}"
        builder.nodes[node_id] = Node(node_id, "usecase", path=entry.path, line=entry.line,
                                      terms=(entry.kind,))
        for atom, steps in sorted(reach(entry.atom, uses).items()):
            builder.edge(node_id, atom, "usecases", entry.kind, 1.0 / (1 + steps))
    return entries


def _plumbing(builder: _Builder, codebase: Codebase, uses: Mapping[str, Mapping[str, int]]
              ) -> None:
    """Mark the framework's plumbing (``rules/plumbing.toml``): template tag libraries,
    middleware, management commands, app configs, settings. It serves the framework, not a
    domain, and a context made of it is infrastructure."""
    rules = load_rules(rules_dir() / "plumbing.toml", "plumbing")
    for found in find_entry_points(codebase.code, rules, uses, codebase.classes.in_module):
        node = builder.nodes.get(found.atom)
        if node is not None and node.is_element:
            builder.nodes[found.atom] = replace(node, role=found.kind)
    # a module whose every definition plays one role plays it too: the module-level code of
    # a template tag library (``register = template.Library()``) is that library's
    roles: dict[str, set[str]] = defaultdict(set)
    for node in builder.nodes.values():
        if node.is_element and node.kind != "module" and node.module:
            roles[node.module].add(node.role)
    for module, played in roles.items():
        node = builder.nodes.get(module)
        if len(played) == 1 and "" not in played and node is not None and not node.role:
            builder.nodes[module] = replace(node, role=next(iter(played)))


def _co_change(builder: _Builder, code: CodeModel, root: Path,
               history: HistoryOptions) -> list[str]:
    paths = {m.path: m.name for m in code.modules}
    found = co_change(root, paths, history.since, history.max_commits)
    members: dict[str, list[str]] = defaultdict(list)
    for node in builder.nodes.values():
        if node.is_element:
            members[node.module].append(node.id)
    for atoms in members.values():
        atoms.sort(key=lambda a: (-builder.nodes[a].size, a))
        del atoms[_REPRESENTATIVES:]
    for path_a, path_b, strength, together in found.pairs:
        left, right = members.get(paths[path_a], []), members.get(paths[path_b], [])
        if not left or not right:
            continue
        share = strength / (len(left) * len(right))
        for a in left:
            for b in right:
                builder.edge(a, b, "cochange", "commits", share, together)
    return [found.note] if found.note else []


def _default_registrations(builder: _Builder, data: DataModel, configured: set[str]) -> None:
    """A Django app with no ``AppConfig`` of its own (``INSTALLED_APPS = ["catalog"]``) gets
    the default one Django makes for its package, and that registers the models of
    ``<package>.models`` as a written config does (``app-config`` links,
    ``REGISTRATION_WEIGHT``): each model no config class registers (``configured``) is
    linked to its app's package node."""
    for table in data.tables:
        for declaration in table.declarations:
            if declaration.via != "django" or declaration.kind != "model" or \
                    declaration.atom in configured:
                continue
            model = builder.atom_of(declaration.atom)
            parts = declaration.atom.partition(":")[0].split(".")
            if "models" not in parts[1:] or model not in builder.nodes:
                continue
            app = ".".join(parts[:parts.index("models", 1)])
            builder.edge(_package_node(builder, app), model, "links", "app-config",
                         REGISTRATION_WEIGHT)


def _package_node(builder: _Builder, name: str) -> str:
    """The node of package ``name`` (made with its parents' when first asked for), inside its
    parent (``packages``)."""
    node_id = f"package:{name}"
    if node_id not in builder.nodes:
        builder.nodes[node_id] = Node(node_id, "package", module=name)
        parent = name.rpartition(".")[0]
        if parent:
            builder.edge(node_id, _package_node(builder, parent), "packages", "inside", 0.5)
    return node_id


def _layout(builder: _Builder, code: CodeModel) -> None:
    for node in [builder.nodes[key] for key in sorted(builder.nodes)]:  # by id: unique
        if node.is_element:
            builder.edge(node.id, _package_node(builder, node.module), "packages", "inside",
                         1.0)
