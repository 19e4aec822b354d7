"""Django's models as Django names them (``django.db.models.options.Options``).

``<app_label>_<model name lower-cased>`` unless ``Meta.db_table`` says otherwise; the app label
comes from ``Meta.app_label``, else from the ``AppConfig`` whose ``name`` is the longest prefix of
the model's module (its ``label``, or the last part of its name), else from the package that
holds ``models``. Abstract models have no table; a child of an abstract model without a ``Meta``
of its own inherits the parent's; proxies use their concrete parent's table; multi-table
inheritance gives the child a table of its own and writes go to both. Many-to-many fields without
``through`` create ``<model table>_<field name>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from analyzer.data.models import (
    MAX_DEPTH,
    Declared,
    ModelIndex,
    ModelInfo,
    Relation,
    called,
    string_of,
    truthy,
)
from analyzer.model import Call, Diagnostic, Expr, Link, Name, Severity, Str


def catalogue(builder: ModelIndex, models: dict[str, ModelInfo], own: list[str],
              named: Mapping[str, bool], declared: Declared) -> None:
    """Name the tables of the Django models ``own`` (sorted atoms of ``models``), read their
    relations and link each to the app config that registers it."""
    django = _Django(builder, models)
    django.name_tables(own)
    django.relations(own)
    django.registrations(own)
    declared.by_label = django.by_label
    label, _, name = _user_model_label(builder).rpartition(".")
    declared.user_model = django.by_label.get((label.lower(), name.lower()))


def _meta(builder: ModelIndex, atom: str, depth: int = 0) -> dict[str, Expr]:
    """A Django model's effective Meta options (``abstract`` is never inherited)."""
    body = builder.bodies.get(atom)
    if depth > MAX_DEPTH:
        return {}
    if body is not None and body.meta is not None:
        options: dict[str, Expr] = {}
        module = atom.split(":", 1)[0]
        for base in body.meta_bases:  # class Meta(AbstractThing.Meta)
            name, internal, rest = builder.qualify(module, base)
            if internal and rest == ("Meta",):
                options.update({k: v for k, v in _meta(builder, name, depth + 1).items()
                                if k != "abstract"})
        options.update({n: v for n, v, _ in body.meta})
        return options
    for parent in builder.parent_classes(atom):
        if _is_abstract(builder, parent):
            inherited = _meta(builder, parent, depth + 1)
            inherited.pop("abstract", None)
            return inherited
    return {}


def _is_abstract(builder: ModelIndex, atom: str) -> bool:
    body = builder.bodies.get(atom)
    return body is not None and body.meta is not None and any(
        n == "abstract" and truthy(v) for n, v, _ in body.meta)


def _app_configs(builder: ModelIndex) -> dict[str, tuple[str, str]]:
    """Package name -> (the ``AppConfig`` subclass, its app label), from every app config
    that names its package (the first in name order where two name one package)."""
    configs: dict[str, tuple[str, str]] = {}
    for atom in sorted(builder.definitions):
        if not builder.is_subclass(atom, "django.apps.AppConfig"):
            continue
        attrs = builder.attrs(atom)
        name = string_of(attrs.get("name", (None, 0))[0])
        if name is None:
            continue
        label = string_of(attrs.get("label", (None, 0))[0]) or name.rsplit(".", 1)[-1]
        configs.setdefault(name, (atom, label))
    return configs


def _app_of(module: str, names: Iterable[str]) -> str:
    """The app a module belongs to, as Django's registry has it: the longest package name
    that is the module or holds it; ``""`` for none."""
    best = ""
    for name in names:
        if (module == name or module.startswith(name + ".")) and len(name) > len(best):
            best = name
    return best


def _app_label(module: str, labels: Mapping[str, str]) -> str:
    best = _app_of(module, labels)
    if best:
        return labels[best]
    parts = module.split(".")
    if "models" in parts[1:]:
        return parts[parts.index("models", 1) - 1]
    return parts[-2] if len(parts) > 1 else parts[0]


def _user_model_label(builder: ModelIndex) -> str:
    for atom, (summary, _) in sorted(builder.values.items()):
        if atom.endswith(":AUTH_USER_MODEL"):
            text = string_of(summary)
            if text:
                return text
    return "auth.User"


class _Django:
    def __init__(self, builder: ModelIndex, models: dict[str, ModelInfo]) -> None:
        self.builder = builder
        self.models = models
        self.configs = _app_configs(builder)
        self.labels = {name: label for name, (_, label) in self.configs.items()}
        self.app_label: dict[str, str] = {}
        self.by_label: dict[tuple[str, str], str] = {}
        self.proxy: dict[str, bool] = {}

    def registrations(self, atoms: list[str]) -> None:
        """An app config registers the models of its app: Django imports ``<name>.models``
        by the config's ``name``, a string, so the config and its models are linked as a
        framework reference (``app-config``), weighed as membership of the app
        (``analyzer.graph.REGISTRATION_WEIGHT``)."""
        for atom in atoms:
            app = _app_of(atom.split(":", 1)[0], self.configs)
            if not app:
                continue
            config = self.configs[app][0]
            module = config.split(":", 1)[0]
            self.builder.links.append(Link(config, atom, "app-config",
                                           self.builder.paths.get(module, ""),
                                           self.builder.definitions[config].line))

    def name_tables(self, atoms: list[str]) -> None:
        builder = self.builder
        concrete: list[str] = []
        for atom in atoms:
            meta = _meta(builder, atom)
            module = atom.split(":", 1)[0]
            label = string_of(meta.get("app_label")) or _app_label(module, self.labels)
            self.app_label[atom] = label
            if _is_abstract(builder, atom):
                continue
            name = atom.split(":", 1)[1]
            self.by_label[(label.lower(), name.lower())] = atom
            concrete.append(atom)
            info = self.models[atom]
            if truthy(meta.get("proxy")):
                self.proxy[atom] = True
                continue
            explicit = string_of(meta.get("db_table"))
            info.table = explicit or f"{label}_{name.lower()}".lower()
            info.default_name = not explicit
        for atom in concrete:  # proxies, once every concrete table is known
            info = self.models[atom]
            if info.table is None:
                parent = next((a for a in builder.ancestors(atom)
                               if a in self.models and self.models[a].table
                               and not _is_abstract(builder, a)), None)
                info.table = self.models[parent].table if parent else None
        for atom in concrete:
            info = self.models[atom]
            parents = [self.models[a].table for a in builder.ancestors(atom)
                       if a in self.models and not _is_abstract(builder, a)
                       and self.models[a].table]
            own = [info.table] if info.table else []
            info.write_tables = tuple(dict.fromkeys([*(t for t in parents if t), *own]))

    def _abstract_parents(self, atom: str) -> list[str]:
        """Abstract ancestors whose fields ``atom`` copies: those not behind a concrete one."""
        found: list[str] = []
        stack = list(self.builder.parent_classes(atom))
        while stack and len(found) < MAX_DEPTH:
            parent = stack.pop(0)
            if parent in self.models and _is_abstract(self.builder, parent) \
                    and parent not in found:
                found.append(parent)
                stack.extend(self.builder.parent_classes(parent))
        return found

    def resolve_target(self, atom: str, summary: Expr) -> str | None:
        """The model a relation field points at: a class, "app.Model", "Model" or "self"."""
        module = atom.split(":", 1)[0]
        text = string_of(summary)
        if text is not None:
            if text == "self":
                return atom
            label, _, name = text.rpartition(".")
            label = label or self.app_label.get(atom, "")
            return self.by_label.get((label.lower(), name.lower()))
        if isinstance(summary, Name):
            if summary.name.endswith("AUTH_USER_MODEL"):
                label, _, name = _user_model_label(self.builder).rpartition(".")
                return self.by_label.get((label.lower(), name.lower()))
            name, internal, rest = self.builder.qualify(module, summary.name)
            if internal and not rest and name in self.models:
                return name
        return None

    def relations(self, atoms: list[str]) -> None:
        builder = self.builder
        for atom in atoms:
            info = self.models[atom]
            if info.table is not None and not _is_abstract(builder, atom):
                external = builder.external_bases(atom)
                for base, names in info.pack.inherited_many_to_many.items():
                    if base in external:
                        for name in names:
                            info.relations.setdefault(name, Relation(
                                "many-to-many", None, f"{info.table}_{name}", info.line,
                                auto=True))
            if self.proxy.get(atom):
                continue  # a proxy has its concrete parent's fields and tables
            owners = [atom, *self._abstract_parents(atom)]
            for owner in reversed(owners):  # fields of abstract parents first
                for name, (summary, line) in builder.attrs(owner).items():
                    self._field(atom, info, name, summary, line, owner)

    def _field(self, atom: str, info: ModelInfo, name: str, summary: Expr, line: int,
               owner: str) -> None:
        function = called(summary)
        if function is None or not isinstance(summary, Call):
            return
        callee = function.rsplit(".", 1)[-1]
        if callee.endswith("Manager") or function.endswith("as_manager"):
            info.managers.add(name)
            return
        kind = info.pack.relation_fields.get(callee)
        if kind is None:
            return
        args, keywords = summary.args, dict(summary.keywords)
        target_summary = keywords.get("to", args[0] if args else None)
        target = self.resolve_target(atom, target_summary) if target_summary else None
        through: str | None = None
        auto = False
        if kind == "many-to-many":
            through_summary = keywords.get("through")
            if through_summary is not None:
                through_model = self.resolve_target(atom, through_summary)
                through = self.models[through_model].table if through_model else None
            elif info.table is not None and not _is_abstract(self.builder, atom):
                through = string_of(keywords.get("db_table")) or f"{info.table}_{name}"
                auto = True
        info.relations[name] = Relation(kind, target, through, line, auto,
                                        "" if owner == atom else owner)
        if target is None and target_summary is not None and not _is_abstract(
                self.builder, atom):
            self.builder.diagnostics.append(Diagnostic(
                self.builder.path_of(owner), line, "unresolved-model",
                f"{atom.split(':')[1]}.{name} points at a model seamline cannot find "
                f"({_describe(target_summary)})", Severity.INFO))
        if target is not None:
            related = string_of(keywords.get("related_name"))
            default = atom.split(":")[1].lower() + ("" if kind == "one-to-one" else "_set")
            reverse = related or default
            if target in self.models and not reverse.endswith("+"):
                self.models[target].reverse.setdefault(reverse, Relation(
                    "reverse-" + kind, atom, through, line))


def _describe(summary: Expr) -> str:
    match summary:
        case Str(text) | Name(text):
            return text
    return "an expression"
