"""Follow what each atom does with data, statement by statement, and record table accesses.

The extractor left, per atom, a list of events (``analyzer.model.Flow``). Here they are replayed
with a small abstract interpreter: every expression evaluates to a ``Val`` (a model class, an
instance of a model, a queryset or query, a related manager, a ``Table``, a string...), local
names keep their values within a function, and the rule packs say which calls read, write or
take SQL. Nothing is executed: a value the interpreter cannot know is ``UNKNOWN`` and leads to
no access.

Each atom's reader (``_AtomReader``) replays the events and evaluates the expressions here; the
values are ``analyzer.data.values``, the calls on values the packs know (managers, queries,
sessions, tables, repositories) ``analyzer.data.queries``, and what a statement reads and writes
is recorded by ``analyzer.data.accesses``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from analyzer.data.accesses import Findings, Recorder, evidence
from analyzer.data.models import snake_case
from analyzer.data.queries import Queries, Rules
from analyzer.data.schema import Catalogue
from analyzer.data.values import (
    UNKNOWN,
    Val,
    confidence_of,
    instance,
    model_value,
    repository_instance,
)
from analyzer.model import (
    AccessMode,
    Attr,
    Bind,
    Call,
    ClassFacts,
    Comp,
    Confidence,
    Diagnostic,
    Evaluate,
    Event,
    Expr,
    Flow,
    Index,
    Items,
    Link,
    LooseSql,
    Name,
    Severity,
    Start,
    Str,
    Target,
    Write,
)
from analyzer.packs import Loader, Pack, Repository
from analyzer.resolve import Resolver

_MAX_VALUE_DEPTH = 12


class Interpreter:
    """Replays the flows of every module against one catalogue of models and tables."""

    def __init__(self, catalogue: Catalogue, resolver: Resolver, packs: Sequence[Pack],
                 paths: Mapping[str, str]) -> None:
        self.catalogue = catalogue
        self.resolver = resolver
        self.rules = Rules.of(packs)
        self.paths = paths
        self.findings = Findings()
        self._globals: dict[str, Val] = {}
        self.consumed: set[Val] = set()  # strings a database call used
        self._repositories: dict[str, tuple[Repository, Pack, Val] | None] = {}
        names: dict[str, list[str]] = {}
        for atom, info in catalogue.models.items():
            if info.table:
                names.setdefault(snake_case(atom.split(":", 1)[1]), []).append(atom)
        self.by_name = {name: atoms[0] for name, atoms in names.items() if len(atoms) == 1}

    def run(self, module: str, flows: Iterable[Flow], bodies: Iterable[ClassFacts]) -> None:
        """Replay one module: its atoms' flows, then the bodies of its classes that are no
        models."""
        for flow in flows:
            _AtomReader(self, module, flow.atom).replay(flow.events)
        for body in bodies:
            if f"{module}:{body.name}" not in self.catalogue.models:
                _AtomReader(self, module, body.name).class_body(body)

    def finish(self) -> None:
        """Module-level SQL constants that no database call used: SQL at low confidence."""
        for atom, (summary, _) in sorted(self.catalogue.index.values.items()):
            if isinstance(summary, Str):
                self.global_value(atom, True)
        for atom, value in sorted(self._globals.items()):
            if value.kind == "string" and value not in self.consumed and value.text:
                module = atom.split(":", 1)[0]
                reader = _AtomReader(self, module, "")
                reader.out.loose(value, Confidence.LOW)
                reader.out.flush(value.line, evidence(value.text))

    # ------------------------------------------------------------------ globals

    def global_value(self, qualified: str, internal: bool) -> Val:
        if not internal:
            return self._external(qualified)
        if qualified in self._globals:
            return self._globals[qualified]
        self._globals[qualified] = UNKNOWN  # guards against cycles
        value = self._internal(qualified)
        self._globals[qualified] = value
        return value

    def _external(self, qualified: str) -> Val:
        parts = qualified.split(".")
        for end in range(len(parts), 0, -1):
            known = self.rules.known_tables.get(".".join(parts[:end]))
            if known is not None:
                table, pack = known
                value = Val("model", tables=(table,), writes=(table,), pack=pack,
                            text=".".join(parts[:end]))
                return value if end == len(parts) else _Attributes(self).walk(value, parts[end:])
        return Val("external", text=qualified)

    def _internal(self, atom: str) -> Val:
        info = self.catalogue.models.get(atom)
        if info is not None:
            return model_value(info)
        table = self.catalogue.table_vars.get(atom)
        if table is not None:
            return Val("table", tables=(table,), writes=(table,),
                       pack=self.catalogue.table_packs.get(atom))
        stored = self.catalogue.index.values.get(atom)
        if stored is not None:
            module = atom.split(":", 1)[0]
            summary, line = stored
            reader = _AtomReader(self, module, "", quiet=True)
            value = reader.evaluate(summary)
            if value.kind == "string":
                return replace(value, literal=False, line=line)
            return value
        if ":" in atom:
            return Val("class", model=atom)
        return UNKNOWN

    def repository(self, atom: str) -> tuple[Repository, Pack, Val] | None:
        """A subclass of a rule pack's repository base, and the tables it works on."""
        if atom in self._repositories:
            return self._repositories[atom]
        self._repositories[atom] = None
        index = self.catalogue.index
        found: tuple[Repository, Pack, Val] | None = None
        if atom in index.definitions:
            for repository, pack in self.rules.repositories:
                if not index.is_subclass(atom, repository.base):
                    continue
                attrs: dict[str, tuple[Expr, int]] = {}
                for owner in reversed([atom, *index.ancestors(atom)]):
                    attrs.update(index.attrs(owner))
                target = Val("unknown")
                module = atom.split(":", 1)[0]
                if repository.model_attribute and repository.model_attribute in attrs:
                    summary = attrs[repository.model_attribute][0]
                    target = _AtomReader(self, module, "", quiet=True).evaluate(summary)
                elif repository.table_attribute and repository.table_attribute in attrs:
                    text = attrs[repository.table_attribute][0]
                    if isinstance(text, Str):
                        target = Val("table", tables=(text.text,), writes=(text.text,))
                found = (repository, pack, target)
                break
        self._repositories[atom] = found
        return found


class _Attributes:
    """``value.attr``: managers of models, relations of instances."""

    def __init__(self, interpreter: Interpreter) -> None:
        self.interpreter = interpreter

    def walk(self, value: Val, attrs: Sequence[str]) -> Val:
        for attr in attrs:
            value = self.get(value, attr)
        return value

    def get(self, value: Val, attr: str) -> Val:
        models = self.interpreter.catalogue.models
        info = models.get(value.model) if value.model else None
        if value.kind == "model":
            if (value.pack is not None and attr in value.pack.managers) or (
                    info is not None and attr in info.managers):
                return replace(value, kind="manager")
            if info is not None and attr in info.relations:
                relation = info.relations[attr]
                return self._related(relation.target, relation.through, "relation")
            return replace(value, kind="column")  # Product.sku, in session.query(Product.sku)
        if value.kind == "instance" and info is not None:
            found = info.relations.get(attr) or info.reverse.get(attr)
            if found is None:
                return UNKNOWN
            relation = found
            if relation.kind in ("foreign-key", "one-to-one", "reverse-one-to-one"):
                target = models.get(relation.target) if relation.target else None
                return instance(model_value(target), True) if target else UNKNOWN
            if relation.kind == "relationship":
                target = models.get(relation.target) if relation.target else None
                return replace(model_value(target), kind="instances") if target else UNKNOWN
            return self._related(relation.target, relation.through, "related")
        if value.kind == "external" and value.text:
            return self.interpreter.global_value(f"{value.text}.{attr}", False)
        return UNKNOWN

    def _related(self, target: str | None, through: str | None, kind: str) -> Val:
        info = self.interpreter.catalogue.models.get(target) if target else None
        if info is None:
            return UNKNOWN
        base = model_value(info)
        return replace(base, kind=kind, items=(Val("table", tables=(through,)),) if through
                       else ())


class _AtomReader:
    def __init__(self, interpreter: Interpreter, module: str, atom: str,
                 quiet: bool = False) -> None:
        self.it = interpreter
        self.module = module
        self.atom = f"{module}:{atom}" if atom else module
        self.class_name = atom
        self.path = interpreter.paths.get(module, "")
        self.quiet = quiet
        self.locals: dict[str, Val] = {}
        self.changed: dict[Val, tuple[int, str]] = {}  # instances changed, not yet added
        # what the atom reads and writes, and the calls on values the packs know
        self.out = Recorder(interpreter.findings, interpreter.consumed, self.path, self.atom,
                            quiet)
        self.queries = Queries(interpreter.rules, interpreter.catalogue.models, self.out)
        self.attributes = _Attributes(interpreter)
        self.depth = 0

    @property
    def line(self) -> int:
        """The line of the statement being read (the recorder's, which loose SQL moves)."""
        return self.out.line

    @line.setter
    def line(self, line: int) -> None:
        self.out.line = line

    # ------------------------------------------------------------------ events

    def replay(self, events: Sequence[Event]) -> None:
        for event in events:
            match event:
                case Start():
                    self._start(event)
                case Bind():
                    self._bind(event)
                case Evaluate():
                    self._expression(event)
                case Write():
                    self._write(event)
                case LooseSql():
                    self._loose_text(event)
        self._end_function()

    def class_body(self, body: ClassFacts) -> None:
        """Class attributes run once, at import: ``queryset = Product.objects.filter(...)``."""
        for name, summary, line in body.attrs:
            self.line = line
            self.evaluate(summary)
            self.out.flush(line, f"{name} = ...")

    def _start(self, event: Start) -> None:
        self._end_function()
        self.locals = {}
        own = self.it.global_value(self.atom, True) if ":" in self.atom else UNKNOWN
        if own.kind == "model":
            self.locals["self"] = instance(own, True)
        elif own.kind == "class" and own.model:
            found = self.it.repository(own.model)
            if found is not None:
                self.locals["self"] = repository_instance(found)
        for name, annotation in event.params:
            if annotation is not None:
                value = self._name(annotation)
                if value.kind == "model":
                    self.locals[name] = instance(value, True)
            elif name in self.it.by_name:
                guess = self.it.global_value(self.it.by_name[name], True)
                self.locals[name] = replace(instance(guess, True), guessed=True)

    def _bind(self, event: Bind) -> None:
        targets, summary, line, how = event.targets, event.value, event.line, event.how
        self.line = line
        value = self.evaluate(summary)
        if how == "for":
            value = self._element(value)
        elif how == "+=" and isinstance(targets, str):
            previous = self.locals.get(targets)
            if previous is not None and previous.kind == "string" and value.kind == "string":
                self.it.consumed.add(previous)
                value = Val("string", text=(previous.text or "") + (value.text or ""),
                            line=previous.line)
        self._assign(targets, value)
        if value.kind == "string" and value.literal and self.class_name:
            self.out.bound_strings.append(value)  # module-level ones: Interpreter.finish
        elif value.kind == "string" and not self.class_name:
            self.it.consumed.add(value)
        self.out.flush(line, event.text)

    def _expression(self, event: Evaluate) -> None:
        self.line = event.line
        self.evaluate(event.value)
        self.out.flush(event.line, event.text)

    def _write(self, event: Write) -> None:
        """``order.status = "paid"`` on an instance of a model whose changes are flushed by a
        session: written where the code hands it to the session (``session.add(order)``), or
        else where it is first changed."""
        value = self.locals.get(event.name)
        if (value is not None and value.kind == "instance"
                and value.pack is not None and value.pack.attribute_write):
            self.changed.setdefault(value, (event.line, event.text))

    def _loose_text(self, event: LooseSql) -> None:
        text, line = event.text, event.line
        self.out.loose(Val("string", text=text, literal=True, line=line), Confidence.LOW)
        self.out.flush(line, evidence(text))

    def _end_function(self) -> None:
        for value, (line, text) in sorted(self.changed.items(), key=lambda c: c[1][0]):
            assert value.pack is not None
            self.out.record(value.writes, AccessMode.WRITE, value.pack.via,
                            confidence_of(value))
            self.out.flush(line, text)
        self.changed = {}
        for value in self.out.bound_strings:
            if value not in self.it.consumed:
                self.out.loose(value, Confidence.LOW)
                self.out.flush(value.line, evidence(value.text or ""))
        self.out.bound_strings = []

    # ------------------------------------------------------------------ values

    def _assign(self, targets: Target, value: Val) -> None:
        if isinstance(targets, str):
            self.locals[targets] = value
            return
        if isinstance(targets, tuple):
            items: Sequence[Val] = value.items if value.kind == "list" else ()
            if value.kind == "pair":
                items = (instance(value, True),)
            for position, target in enumerate(targets):
                self._assign(target, items[position] if position < len(items) else UNKNOWN)

    def _element(self, value: Val) -> Val:
        if value.kind == "instance":
            return value
        if value.kind in ("instances", "query", "manager", "related"):
            return instance(value, True) if value.model or value.tables else UNKNOWN
        if value.kind == "list" and value.items:
            return value.items[0]
        return UNKNOWN

    def evaluate(self, summary: Expr) -> Val:
        if self.depth > _MAX_VALUE_DEPTH:
            return UNKNOWN
        self.depth += 1
        try:
            return self._evaluate(summary)
        finally:
            self.depth -= 1

    def _evaluate(self, summary: Expr) -> Val:
        match summary:
            case Name(name):
                return self._name(name)
            case Str(text):
                value = Val("string", text=text, literal=True, line=self.line)
                self.out.strings.append(value)
                return value
            case Call():
                return self._call(summary)
            case Attr(of, attr):
                return self.attributes.get(self.evaluate(of), attr)
            case Index(of, index):
                base = self.evaluate(of)
                if base.kind == "pair" and index == 0:
                    return instance(base, True)
                if base.kind == "list" and index is not None and index < len(base.items):
                    return base.items[index]
                return self._element(base)
            case Items(items):
                return Val("list", items=tuple(self.evaluate(item) for item in items))
            case Comp(item, iterables):
                for iterable in iterables:
                    self.evaluate(iterable)
                return Val("list", items=(self.evaluate(item),))
        return UNKNOWN

    def _name(self, dotted: str) -> Val:
        parts = dotted.split(".")
        user = self.it.catalogue.user_model
        for chain in self.it.rules.user_chains:
            start = _find(parts, chain)  # self.request.user: an instance of the user model
            if start >= 0 and user is not None:
                value = instance(self.it.global_value(user, True), True)
                return self.attributes.walk(value, parts[start + len(chain):])
        if parts[0] in self.locals:
            return self.attributes.walk(self.locals[parts[0]], parts[1:])
        if parts[0] in ("True", "False", "None", "self", "cls"):
            return UNKNOWN
        qualified, internal, rest = self.it.resolver.qualify(self.module, parts)
        if not qualified:
            return UNKNOWN
        return self.attributes.walk(self.it.global_value(qualified, internal), rest)

    # ------------------------------------------------------------------ calls

    def _call(self, summary: Call) -> Val:
        func = summary.func
        args = [self.evaluate(a) for a in summary.args]
        keywords = {k: self.evaluate(v) for k, v in summary.keywords}
        for value in (*args, *keywords.values()):  # handed to other code, which saves it
            self.changed.pop(value, None)
        if isinstance(func, Attr):
            return self.queries.method(self.evaluate(func.value), func.attr, args, keywords)
        if not isinstance(func, Name):
            self.evaluate(func)
            return UNKNOWN
        parts = func.name.split(".")
        if parts[0] in self.locals or (len(parts) > 1 and parts[0] in ("self", "cls")):
            return self.queries.method(self._name(".".join(parts[:-1])), parts[-1], args, keywords)
        qualified, internal, rest = self.it.resolver.qualify(self.module, parts)
        if not qualified:
            receiver = self._name(".".join(parts[:-1])) if len(parts) > 1 else UNKNOWN
            return self.queries.method(receiver, parts[-1], args, keywords)
        if rest:
            receiver = self.attributes.walk(self.it.global_value(qualified, internal), rest[:-1])
            return self.queries.method(receiver, rest[-1], args, keywords)
        return self._function(self.it.global_value(qualified, internal), qualified, args,
                              keywords)

    def _function(self, callee: Val, qualified: str, args: list[Val],
                  keywords: dict[str, Val]) -> Val:
        rules = self.it.rules
        if callee.kind == "model":
            return instance(callee, False)
        if callee.kind in ("external", "class"):
            name = callee.text or qualified.replace(":", ".")
            call = rules.sql_functions.get(name)
            if call is not None:
                self.out.sql_argument(call, args, keywords)
                return Val("sql")
            loader = rules.loaders.get(name)
            if loader is not None:
                return self._load(loader[0], args)
            helper = rules.query_functions.get(name)
            if helper is not None:
                model = keywords.get(helper[0].keyword) if helper[0].keyword else None
                if model is None and helper[0].argument < len(args):
                    model = args[helper[0].argument]
                if model is not None and model.kind == "model" and model.pack is not None:
                    return self.queries.query(replace(model, kind="manager"), "all", [],
                                              model.pack)
            pack = rules.read_functions.get(name)
            if pack is not None:
                models = [a for a in args if a.kind in ("model", "manager", "query")]
                for model in models:
                    self.out.record(model.tables, AccessMode.READ, pack.via)
                if models and name.rsplit(".", 1)[-1].startswith("get_object"):
                    return instance(models[0], True)
                return replace(models[0], kind="query") if models else UNKNOWN
            pack = rules.write_functions.get(name)
            if pack is not None:
                targets = [a for a in args if a.kind in ("model", "table")]
                for target in targets:
                    self.out.record(target.writes, AccessMode.WRITE, pack.via)
                return replace(targets[0], kind="query") if targets else UNKNOWN
        if callee.kind == "class" and callee.model:
            found = self.it.repository(callee.model)
            if found is not None:
                return repository_instance(found)
            return self._returned(callee.model)
        return UNKNOWN

    def _load(self, loader: Loader, args: list[Val]) -> Val:
        """``get_model("shop", "Order")``, ``get_class("shop.models", "Order")``..."""
        texts = [a.text for a in args if a.kind == "string" and a.text]
        catalogue = self.it.catalogue
        target: str | None = None
        if loader.kind == "user-model":
            target = catalogue.user_model
        elif loader.kind == "model" and texts:
            label, _, name = (texts[0] if len(texts) == 1 else ".".join(texts[:2])).rpartition(
                ".")
            target = catalogue.by_label.get((label.lower(), name.lower()))
        elif loader.kind in ("class", "classes") and args:
            names = texts[1:2] if loader.kind == "class" else [
                a.text for a in (args[1].items if len(args) > 1 else ()) if a.text]
            found = [t for t in (self._class(loader, texts[0], n) for n in names) if t] \
                if texts else []
            for atom in found[1:]:
                self._link(atom, "get-class")
            target = found[0] if found else None
        if target is None:
            if texts and not self.quiet:
                self.it.findings.diagnostics.append(Diagnostic(
                    self.path, self.line, "unresolved-loader",
                    f"{loader.function.rsplit('.', 1)[-1]}({', '.join(map(repr, texts))}) "
                    "names nothing in the analysed code", Severity.INFO))
            return UNKNOWN
        self._link(target, "get-class" if loader.kind in ("class", "classes") else "get-model")
        info = catalogue.models.get(target)
        return model_value(info) if info else Val("class", model=target)

    def _class(self, loader: Loader, module_label: str, name: str) -> str | None:
        for prefix in loader.module_prefixes:
            module = prefix + module_label
            if module in self.it.resolver.files:
                found = self.it.resolver.lookup(module, name)
                if found is not None and found.symbol is not None:
                    return found.atom
        return None

    def _link(self, target: str, kind: str) -> None:
        if self.quiet:  # a reader evaluating a value elsewhere: its atom made no link here
            return
        if target != self.atom:
            self.it.findings.links.append(Link(self.atom, target, kind, self.path, self.line))

    def _returned(self, atom: str) -> Val:
        """What an internal function returns, when its annotation names a model."""
        annotation = self.it.catalogue.index.returns.get(atom)
        if annotation is None:
            return UNKNOWN
        reader = _AtomReader(self.it, atom.split(":", 1)[0], "", quiet=True)
        value = reader._name(annotation)
        return instance(value, True) if value.kind == "model" else UNKNOWN

    # ------------------------------------------------------------------ SQL


    # ------------------------------------------------------------------ accesses


def _find(parts: Sequence[str], chain: tuple[str, ...]) -> int:
    """Where ``chain`` starts in ``parts``, or -1."""
    for start in range(len(parts) - len(chain) + 1):
        if tuple(parts[start:start + len(chain)]) == chain:
            return start
    return -1


