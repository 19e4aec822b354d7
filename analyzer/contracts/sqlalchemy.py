"""SQLAlchemy models in a contract: each ``Column``/``mapped_column`` call's property, schema and
whether it is required (``Mapped[...]`` annotations are read as any annotated field)."""

from __future__ import annotations

from analyzer.contracts.summaries import call_of, each, last, nullable, true
from analyzer.model import Expr, Name, Str
from analyzer.typeschema import REVIEW, Schema, open_schema

IMPLICIT: dict[str, Schema] = {}

_SQLALCHEMY: dict[str, Schema] = {
    **each(("Integer", "BigInteger", "SmallInteger", "INTEGER", "BIGINT",
                     "SMALLINT"), {"type": "integer"}),
    **each(("String", "Text", "Unicode", "UnicodeText", "VARCHAR", "CHAR", "TEXT",
                     "Enum"), {"type": "string"}),
    **each(("Numeric", "NUMERIC", "DECIMAL"), {"type": "string",
                                                          "format": "decimal"}),
    **each(("Float", "Double", "REAL", "FLOAT"), {"type": "number"}),
    **each(("Boolean", "BOOLEAN"), {"type": "boolean"}),
    **each(("DateTime", "TIMESTAMP", "DATETIME"), {"type": "string",
                                                             "format": "date-time"}),
    **each(("Date", "DATE"), {"type": "string", "format": "date"}),
    **each(("Time", "TIME"), {"type": "string", "format": "time"}),
    "Interval": {"type": "string", "format": "duration"},
    **each(("JSON", "JSONB"), {}),
    **each(("LargeBinary", "BLOB", "BINARY"), {"type": "string",
                                                         "contentEncoding": "base64"}),
    **each(("Uuid", "UUID"), {"type": "string", "format": "uuid"}),
}


def column(summary: Expr) -> tuple[str, Schema, bool] | None:
    call = call_of(summary)
    if call is None or call[0] not in ("Column", "mapped_column"):
        return None
    _, args, keywords = call
    schema: Schema = open_schema("the column's type is not written next to it")
    key = "*"
    for arg in args:
        if isinstance(arg, Str):
            key = arg.text  # Column("name", Integer)
            continue
        type_name = last(arg.name) if isinstance(arg, Name) else (call_of(arg) or ("",))[0]
        if type_name in _SQLALCHEMY:
            schema = dict(_SQLALCHEMY[type_name])
            break
    if true(keywords.get("primary_key")):
        return key, schema | {"readOnly": True} if schema else schema, False
    flag = keywords.get("nullable")
    if flag is None or true(flag):
        return key, nullable(schema) if REVIEW not in schema else schema, False
    return key, schema, "default" not in keywords and "server_default" not in keywords

