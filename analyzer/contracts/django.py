"""Django models in a contract: each field call's property, schema and whether it is required,
and the ``id`` every model has."""

from __future__ import annotations

from analyzer.contracts.summaries import call_of, constant, each, nullable, true
from analyzer.model import Expr
from analyzer.typeschema import Schema, open_schema

IMPLICIT: dict[str, Schema] = {"id": {"type": "integer", "readOnly": True}}

# Django field classes, by their last name
_DJANGO: dict[str, Schema] = {
    **each(("AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                     "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                     "PositiveBigIntegerField", "PositiveSmallIntegerField"),
                    {"type": "integer"}),
    **each(("CharField", "TextField", "SlugField", "FilePathField",
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


def column(summary: Expr) -> tuple[str, Schema, bool] | None:
    """(property name, ``*`` standing for the field's; schema; required) for a field call."""
    call = call_of(summary)
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
    if true(keywords.get("null")):
        schema = nullable(schema)
    needed = not (true(keywords.get("null")) or true(keywords.get("blank"))
                  or "default" in keywords)
    if any(true(keywords.get(k)) for k in ("primary_key", "auto_now", "auto_now_add")) or \
            constant(keywords.get("editable")) is False:
        return key, schema | {"readOnly": True}, False
    return key, schema, needed

