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
from analyzer.model import (
    Call,
    Const,
    DataModel,
    Definition,
    Expr,
    Items,
    Name,
    Str,
)
from analyzer.text import singular
from analyzer.typeschema import REVIEW, Schema, open_schema, schema_of

_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TextChoices",
                         "IntegerChoices", "Choices"})
_EXCEPTION = re.compile(r"(Error|Exception|Warning)$")
ENUM_NAMES = "x-enum-varnames"  # an enum's member names, beside its values (openapi-generator's)
_COMPONENT = re.compile(r"[^A-Za-z0-9._-]+")

def _each(names: tuple[str, ...], schema: Schema) -> dict[str, Schema]:
    return {name: dict(schema) for name in names}


# Django field classes and SQLAlchemy column types, by their last name
_DJANGO: dict[str, Schema] = {
    **_each(("AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                     "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                     "PositiveBigIntegerField", "PositiveSmallIntegerField"),
                    {"type": "integer"}),
    **_each(("CharField", "TextField", "SlugField", "FilePathField",
                     "GenericIPAddressField", "IPAddressField", "FileField", "ImageField"),
                    {"type": "string"}),
    "EmailField": {"type": "string", "format": "email"},
    "URLField": {"type": "string", "format": "uri"},
    "UUIDField": {"type": "string", "format": "uuid"},
    "FloatField": {"type": "number"},
    "DecimalField": {"type": "string", "format": "decimal"},
    "BooleanField": {"type": "boolean"},
    "NullBooleanField": {"type": ["boolean", "null"]},
    "DateTimeField": {"type": "string", "format": "date-time"},
    "DateField": {"type": "string", "format": "date"},
    "TimeField": {"type": "string", "format": "time"},
    "DurationField": {"type": "string", "format": "duration"},
    "BinaryField": {"type": "string", "contentEncoding": "base64"},
    "JSONField": {},
}
_DJANGO_KEYS = frozenset({"ForeignKey", "OneToOneField", "ParentalKey"})
_DJANGO_MANY = frozenset({"ManyToManyField", "ParentalManyToManyField"})
_SQLALCHEMY: dict[str, Schema] = {
    **_each(("Integer", "BigInteger", "SmallInteger", "INTEGER", "BIGINT",
                     "SMALLINT"), {"type": "integer"}),
    **_each(("String", "Text", "Unicode", "UnicodeText", "VARCHAR", "CHAR", "TEXT",
                     "Enum"), {"type": "string"}),
    **_each(("Numeric", "NUMERIC", "DECIMAL"), {"type": "string",
                                                          "format": "decimal"}),
    **_each(("Float", "Double", "REAL", "FLOAT"), {"type": "number"}),
    **_each(("Boolean", "BOOLEAN"), {"type": "boolean"}),
    **_each(("DateTime", "TIMESTAMP", "DATETIME"), {"type": "string",
                                                             "format": "date-time"}),
    **_each(("Date", "DATE"), {"type": "string", "format": "date"}),
    **_each(("Time", "TIME"), {"type": "string", "format": "time"}),
    "Interval": {"type": "string", "format": "duration"},
    **_each(("JSON", "JSONB"), {}),
    **_each(("LargeBinary", "BLOB", "BINARY"), {"type": "string",
                                                         "contentEncoding": "base64"}),
    **_each(("Uuid", "UUID"), {"type": "string", "format": "uuid"}),
}


def last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


class Classes:
    """The project's classes as the contracts read them: the one class index of the codebase,
    with the models and the tables they declare."""

    def __init__(self, index: ClassIndex, data: DataModel) -> None:
        self.index = index
        self.docs = index.docs  # atom -> first line of its docstring
        self.models: dict[str, str] = {}  # atom -> django | sqlalchemy
        self.tables: dict[str, str] = {}  # table -> the model declaring it
        for table in data.tables:
            for declaration in table.declarations:
                if declaration.kind == "model" and declaration.atom in index.definitions:
                    self.models.setdefault(declaration.atom, declaration.via)
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
        values = [_constant(value) for _, value in members]
        if members and all(v is not _UNKNOWN for v in values):
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
        via = self.classes.models[atom]
        properties: dict[str, Schema] = {}
        required: list[str] = []
        if via == "django":
            properties["id"] = {"type": "integer", "readOnly": True}
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
                column = (_django_field(value) if via == "django" else
                          _sqlalchemy_column(value))
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


_UNKNOWN = object()


def _singular_name(name: str) -> str:
    """``gift_cards`` -> ``gift_card``: for the ids of a many-to-many field."""
    head, _, tail = name.rpartition("_")
    return f"{head}_{singular(tail)}" if head else singular(tail)


def _constant(summary: Expr | None) -> object:
    """The value of a constant summary (``"paid"``, ``2``, ``True``); for a Django choice
    (``"paid", "Paid"``) its first part."""
    match summary:
        case Str(text):
            return text
        case Const(value):
            return value
        case Name("True" | "False" | "None" as name):
            return {"True": True, "False": False, "None": None}[name]
        case Items((first, *_)):
            return _constant(first)
    return _UNKNOWN


def _call(summary: Expr | None) -> tuple[str, tuple[Expr, ...], dict[str, Expr]] | None:
    match summary:
        case Call(Name(name), args, keywords):
            return last(name), args, dict(keywords)
    return None


def _true(summary: Expr | None) -> bool:
    return _constant(summary) is True


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]} if schema else schema


def _django_field(summary: Expr) -> tuple[str, Schema, bool] | None:
    """(property name, ``*`` standing for the field's; schema; required) for a field call."""
    call = _call(summary)
    if call is None:
        return None
    name, _, keywords = call
    if name in _DJANGO_KEYS:
        schema: Schema = {"type": "integer", "description": "the id of the related object"}
        key = "*_id"
    elif name in _DJANGO_MANY:
        return "+_ids", {"type": "array", "items": {"type": "integer"}, "readOnly": True}, False
    elif name in _DJANGO:
        schema, key = dict(_DJANGO[name]), "*"
        if "Auto" in name:
            return key, schema | {"readOnly": True}, False
    elif name.endswith("Field"):
        return "*", open_schema(f"{name} is not a Django field seamline knows"), False
    else:
        return None
    if _true(keywords.get("null")):
        schema = _nullable(schema)
    needed = not (_true(keywords.get("null")) or _true(keywords.get("blank"))
                  or "default" in keywords)
    if any(_true(keywords.get(k)) for k in ("primary_key", "auto_now", "auto_now_add")) or \
            _constant(keywords.get("editable")) is False:
        return key, schema | {"readOnly": True}, False
    return key, schema, needed


def _sqlalchemy_column(summary: Expr) -> tuple[str, Schema, bool] | None:
    call = _call(summary)
    if call is None or call[0] not in ("Column", "mapped_column"):
        return None
    _, args, keywords = call
    schema: Schema = open_schema("the column's type is not written next to it")
    key = "*"
    for arg in args:
        if isinstance(arg, Str):
            key = arg.text  # Column("name", Integer)
            continue
        type_name = last(arg.name) if isinstance(arg, Name) else (_call(arg) or ("",))[0]
        if type_name in _SQLALCHEMY:
            schema = dict(_SQLALCHEMY[type_name])
            break
    if _true(keywords.get("primary_key")):
        return key, schema | {"readOnly": True} if schema else schema, False
    nullable = keywords.get("nullable")
    if nullable is None or _true(nullable):
        return key, _nullable(schema) if REVIEW not in schema else schema, False
    return key, schema, "default" not in keywords and "server_default" not in keywords
