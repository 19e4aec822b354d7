"""Component schemas for the classes a contract names, read from the code, never run.

``Classes`` indexes the project's classes; ``Components`` turns the annotations of one
contract into JSON Schemas (through ``analyzer.typeschema``) and collects a component for every
project class they name:

* an ``Enum`` (and Django's ``TextChoices``/``IntegerChoices``): its values;
* a dataclass, ``TypedDict``, ``NamedTuple``, pydantic or attrs model, or any class with
  annotated fields: an object of those fields, inherited ones included;
* a Django or SQLAlchemy model: an object of its columns, from the field and column calls;
* anything else: an open schema marked ``x-seamline-review``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from analyzer.codebase import ClassIndex
from analyzer.contracts import django, sqlalchemy
from analyzer.contracts.summaries import UNKNOWN, constant, last
from analyzer.model import DataModel, Definition
from analyzer.text import singular
from analyzer.typeschema import REVIEW, Schema, open_schema, schema_of

_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TextChoices",
                         "IntegerChoices", "Choices"})
_EXCEPTION = re.compile(r"(Error|Exception|Warning)$")
ENUM_NAMES = "x-enum-varnames"  # an enum's member names, beside its values (openapi-generator's)
_COMPONENT = re.compile(r"[^A-Za-z0-9._-]+")
# How each framework's models give their columns (by a pack's ``framework``)
FRAMEWORKS = {"django": django, "sqlalchemy": sqlalchemy}


class Classes:
    """The project's classes as the contracts read them: the one class index of the codebase,
    with the models and the tables they declare."""

    def __init__(self, index: ClassIndex, data: DataModel) -> None:
        self.index = index
        self.docs = index.docs  # atom -> first line of its docstring
        self.models: dict[str, str] = {}  # atom -> its framework (a pack's ``framework``)
        self.tables: dict[str, str] = {}  # table -> the model declaring it
        for table in data.tables:
            for declaration in table.declarations:
                if declaration.kind == "model" and declaration.framework in FRAMEWORKS and \
                        declaration.atom in index.definitions:
                    self.models.setdefault(declaration.atom, declaration.framework)
                    self.tables.setdefault(table.name, declaration.atom)

    def __contains__(self, atom: str) -> bool:
        """Whether ``atom`` is a top-level definition of the project."""
        return atom in self.index.definitions

    def definition(self, atom: str) -> tuple[str, Definition]:
        """(the module, the definition) of ``atom``."""
        return atom.partition(":")[0], self.index.definitions[atom]

    def find(self, module: str, name: str) -> str | None:
        """The class ``name`` (as used in ``module``) stands for: bound there, else the one
        class of the project with that name."""
        atom = self.index.names.bound(module, name)
        if atom is not None and atom in self.index.definitions:
            return atom if self.index.definitions[atom].kind == "class" else None
        candidates = self.index.by_name.get(name, [])
        return candidates[0] if len(candidates) == 1 else None

    def ancestors(self, atom: str) -> Iterator[str]:
        """The project classes ``atom`` inherits from, nearest first, each once."""
        seen = {atom}
        queue = [atom]
        while queue:
            current = queue.pop(0)
            module, definition = self.definition(current)
            for base in definition.bases:
                parent = self.find(module, last(base.split("[", 1)[0]))
                if parent is not None and parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
                    yield parent

    def external_bases(self, atom: str) -> set[str]:
        """The last names of every base outside the project, ``atom``'s and its ancestors'."""
        names: set[str] = set()
        for each in (atom, *self.ancestors(atom)):
            module, definition = self.definition(each)
            for base in definition.bases:
                name = last(base.split("[", 1)[0])
                if self.find(module, name) is None:
                    names.add(name)
        return names

    def is_exception(self, atom: str) -> bool:
        return any(_EXCEPTION.search(name) for name in self.external_bases(atom)) or \
            bool(_EXCEPTION.search(atom.rpartition(":")[2]))

    def is_record(self, atom: str) -> bool:
        """Does the class only carry values (a dataclass, a TypedDict, an Enum...)?"""
        if atom in self.models:
            return False
        if self.external_bases(atom) & (_ENUM_BASES | {"TypedDict", "NamedTuple", "BaseModel",
                                                       "Struct"}):
            return True
        return any(self._declared_record(each) for each in (atom, *self.ancestors(atom)))

    def _declared_record(self, atom: str) -> bool:
        _, definition = self.definition(atom)
        return any(last(d.split("(", 1)[0]) in {"dataclass", "define", "frozen", "mutable",
                                                "attrs", "s", "dataclass_json"}
                   for d in definition.decorators)


class Components:
    """The schemas of one document: ``schema(annotation, module)`` for a signature's types,
    and ``schemas`` for every project class those named."""

    def __init__(self, classes: Classes) -> None:
        self.classes = classes
        self.schemas: dict[str, Schema] = {}
        self._names: dict[str, str] = {}  # atom -> component name
        self.prefix = "#/components/schemas/"

    def schema(self, annotation: str | None, module: str) -> Schema:
        return schema_of(annotation, lambda name: self._resolve(module, name))

    def ref(self, atom: str) -> Schema:
        """A ``$ref`` to the component for class ``atom``, made on first use."""
        name = self._names.get(atom)
        if name is None:
            name = self._name_for(atom)
            self._names[atom] = name
            self.schemas[name] = {}  # taken, so a class naming itself stops here
            self.schemas[name] = self._component(atom)
        return {"$ref": self.prefix + name}

    def _resolve(self, module: str, name: str) -> Schema | None:
        atom = self.classes.find(module, name)
        return None if atom is None else self.ref(atom)

    def _name_for(self, atom: str) -> str:
        module, _, name = atom.partition(":")
        taken = set(self.schemas)
        if name not in taken and len(self.classes.index.by_name.get(name, [])) <= 1:
            return _COMPONENT.sub("_", name)
        return _COMPONENT.sub("_", f"{module}.{name}")

    def _component(self, atom: str) -> Schema:
        _, definition = self.classes.definition(atom)
        found: Schema
        if self.classes.external_bases(atom) & _ENUM_BASES:
            found = self._enum(atom)
        elif atom in self.classes.models:
            found = self._model(atom)
        else:
            found = self._record(atom)
        found = {"title": definition.name, **found}
        doc = self.classes.docs.get(atom)
        if doc:
            found["description"] = doc
        found["x-seamline-python"] = atom
        return found

    def _enum(self, atom: str) -> Schema:
        facts = self.classes.index.bodies.get(atom)
        members = [(name, value) for name, value, _ in (facts.attrs if facts else ())
                   if not name.startswith("_")]
        values = [constant(value) for _, value in members]
        if members and all(v is not UNKNOWN for v in values):
            named: dict[object, str] = {}  # value -> its first member (an alias names none)
            for (name, _), value in zip(members, values, strict=True):
                named.setdefault(value, name)
            return {"enum": list(named), ENUM_NAMES: list(named.values())}
        if members:
            return {"enum": [name for name, _ in members],
                    REVIEW: "enum values are not constants: the member names are shown"}
        return open_schema("an enum without readable members")

    def _record(self, atom: str) -> Schema:
        properties: dict[str, Schema] = {}
        required: list[str] = []
        typed_dict = "TypedDict" in self.classes.external_bases(atom)
        for each in (*reversed(list(self.classes.ancestors(atom))), atom):
            facts = self.classes.index.bodies.get(each)
            module = each.partition(":")[0]
            for name, annotation, default, _ in (facts.fields if facts else ()):
                if name.startswith("_") or name == "model_config" or \
                        annotation.startswith(("ClassVar", "typing.ClassVar")):
                    continue
                properties[name] = self.schema(annotation, module)
                optional = annotation.startswith(("NotRequired", "typing.NotRequired"))
                if name in required:
                    required.remove(name)
                if (default is None and not optional) or (typed_dict and not optional):
                    required.append(name)
        if not properties:
            if self.classes.is_record(atom):
                return {"type": "object"}
            return open_schema("a class without annotated fields: its state is not declared")
        found: Schema = {"type": "object", "properties": properties}
        if required:
            found["required"] = required
        return found

    def _model(self, atom: str) -> Schema:
        framework = FRAMEWORKS[self.classes.models[atom]]
        properties: dict[str, Schema] = {k: dict(v) for k, v in framework.IMPLICIT.items()}
        required: list[str] = []
        for each in (*reversed(list(self.classes.ancestors(atom))), atom):
            facts = self.classes.index.bodies.get(each)
            if facts is None:
                continue
            module = each.partition(":")[0]
            for name, annotation, _, _ in facts.fields:
                if annotation.startswith("Mapped[") and not name.startswith("_"):
                    properties[name] = self.schema(annotation, module)
            for name, value, _ in facts.attrs:
                if name.startswith("_"):
                    continue
                column = framework.column(value)
                if column is None:
                    continue
                key, schema, needed = column
                key = key.replace("*", name).replace("+", _singular_name(name))
                if name in properties and key == name and REVIEW in schema:
                    continue  # Mapped[...] said it better
                properties[key] = schema
                if needed and key not in required:
                    required.append(key)
        if len(properties) <= 1:
            return open_schema("a model whose columns could not be read")
        found: Schema = {"type": "object", "properties": properties}
        if required:
            found["required"] = required
        return found


def _singular_name(name: str) -> str:
    """``gift_cards`` -> ``gift_card``: for the ids of a many-to-many field."""
    head, _, tail = name.rpartition("_")
    return f"{head}_{singular(tail)}" if head else singular(tail)


