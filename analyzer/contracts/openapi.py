"""One context's proposed API as an OpenAPI 3.1 document.

Operations become paths (see ``routes``), their signatures parameters and request bodies,
their return annotations responses; every class the signatures name becomes a component
schema (see ``schemas``). ``x-seamline-python``, ``x-seamline-source`` and
``x-seamline-consumers`` say where each operation comes from and who calls it today;
``x-seamline-review`` marks what a person must decide. The same input gives the same document:
paths, operations, parameters and components are sorted, and operationIds are derived from the
Python names, made unique in a fixed order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from analyzer.contracts.operations import Operation, Used
from analyzer.contracts.routes import Route, route
from analyzer.contracts.schemas import Classes, Components
from analyzer.model import Param
from analyzer.text import article, parts, plural, singular
from analyzer.typeschema import REVIEW, Schema, literal

_METHOD_ORDER = ("get", "put", "post", "patch", "delete")
_SECRET = re.compile(r"token|password|passwd|secret|api_?key|credential", re.IGNORECASE)
_RANK = {"get": 0, "list": 1, "create": 2, "function": 3, "method": 4}
_REASON = {"200": "OK", "201": "Created", "204": "No content"}


def camel(words: Iterable[str]) -> str:
    listed = [w for w in words if w]
    return (listed[0] + "".join(w.capitalize() for w in listed[1:])) if listed else "operation"


def operation_id(operation: Operation) -> str:
    if operation.shape == "get":
        return camel(["get", *parts(operation.name)])
    if operation.shape == "list":
        words = parts(operation.name)
        return camel(["list", *words[:-1], plural(words[-1]) if words else "items"])
    if operation.shape == "create":
        return camel(["create", *parts(operation.name)])
    if operation.shape == "method" and operation.owner:
        return camel([*parts(operation.owner), *parts(operation.name)])
    return camel(parts(operation.name))


def consumers(operation: Operation) -> list[dict[str, Any]]:
    return [{"context": c.context, "python": c.element, "at": f"{c.path}:{c.line}",
             "how": c.how} for c in operation.consumers]


def openapi_document(context: str, project: str, operations: Sequence[Operation],
                     shared: Sequence[str], unmapped: Sequence[tuple[Used, str]],
                     classes: Classes
                     ) -> dict[str, Any]:
    """The document for ``context``: its ``operations``, the value types (``shared``, class
    atoms) other contexts use, and the classes they use that map to no operation."""
    components = Components(classes)
    paths: dict[str, dict[str, Any]] = {}
    taken_ids: set[str] = set()
    tags: set[str] = set()
    # a model's resource first, then functions, then methods: the first keeps its path
    for operation in sorted(operations, key=lambda o: (_RANK[o.shape], o.target)):
        where = route(operation, context)
        method, path = where.method, where.path
        if method in paths.get(path, {}):
            path = _distinct(path, method, operation, paths)
        identifier = _unique(operation_id(operation), operation, taken_ids)
        tags.add(where.tag)
        paths.setdefault(path, {})[method] = _operation(operation, where, identifier,
                                                        components)
    for atom in sorted(shared):
        components.ref(atom)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": f"{context} (proposed)",
            "version": "0.1.0",
            "summary": f"The API seamline proposes for the {context} context of {project}.",
            "description": (
                f"Derived from the code of {project}: each operation is a definition of "
                f"{context} that other contexts use today (see x-seamline-consumers). Review "
                "every path, method and schema, above all those marked x-seamline-review."),
        },
        "tags": [{"name": t} for t in sorted(tags)],
        "paths": {p: {m: paths[p][m] for m in _METHOD_ORDER if m in paths[p]}
                  for p in sorted(paths)},
    }
    if components.schemas:
        document["components"] = {"schemas": dict(sorted(components.schemas.items()))}
    document["x-seamline-context"] = context
    if unmapped:
        document["x-seamline-unmapped"] = [
            {"python": u.atom, "consumers": sorted({c.context for c in u.consumers}),
             "uses": len(u.consumers), "why": why}
            for u, why in sorted(unmapped, key=lambda item: item[0].atom)]
    return document


def _distinct(path: str, method: str, operation: Operation,
              paths: Mapping[str, Mapping[str, Any]]) -> str:
    """A free path for an operation whose route is taken: the words of its name the path
    lacks, else its module's name, else a number."""
    present = set(re.split(r"[-/{}_]+", path))
    words = [w for w in parts(operation.name) if w not in present and singular(w) not in present]
    module = [w for w in parts(operation.module.rsplit(".", 1)[-1]) if w not in present]
    for extra in (words, module):
        if extra and method not in paths.get(f"{path}/{'-'.join(extra)}", {}):
            return f"{path}/{'-'.join(extra)}"
    counter = 2
    while method in paths.get(f"{path}-{counter}", {}):
        counter += 1
    return f"{path}-{counter}"


def _unique(wanted: str, operation: Operation, taken: set[str]) -> str:
    candidate = wanted
    if candidate in taken:
        candidate = camel([*parts(operation.module.rsplit(".", 1)[-1]), *parts(wanted)])
    counter = 2
    base = candidate
    while candidate in taken:
        candidate, counter = f"{base}{counter}", counter + 1
    taken.add(candidate)
    return candidate


def _operation(operation: Operation, where: Route, identifier: str,
               components: Components) -> dict[str, Any]:
    module = operation.module
    parameters: list[dict[str, Any]] = [
        {"name": p.name, "in": "path", "required": True,
         "schema": _path_schema(components.schema(p.annotation, module))}
        for p in where.path_params]
    body: dict[str, Any] | None = None
    open_body = any(p.kind == "var-keyword" for p in operation.params)
    if where.method in ("get", "delete"):
        parameters += [_query(p, components.schema(p.annotation, module))
                       for p in where.other_params]
    elif operation.shape == "create":
        body = {"required": True, "content": {"application/json": {
            "schema": components.schema(operation.returns, module)}}}
    elif where.other_params or open_body:
        body = _body(where.other_params, components, module, open_body)
    result: dict[str, Any] = {
        "operationId": identifier,
        "summary": operation.summary or _sentence(operation),
        "tags": [where.tag],
    }
    if parameters:
        result["parameters"] = parameters
    if body is not None:
        result["requestBody"] = body
    result["responses"] = _responses(operation, where, components)
    result["x-seamline-python"] = operation.target
    result["x-seamline-source"] = f"{operation.path}:{operation.line}"
    result["x-seamline-consumers"] = consumers(operation)
    review = list(operation.review)
    if any(p.kind == "var-positional" for p in operation.params):
        review.append("takes *args, which has no place in a request: name its values")
    if open_body and where.method in ("get", "delete"):
        review.append("takes **kwargs, which a query cannot list: name its values")
    secrets = [p["name"] for p in parameters
               if p["in"] == "query" and _SECRET.search(p["name"])]
    if secrets:
        review.append(f"{', '.join(secrets)} would travel in the query string: send "
                      "credentials in a header")
    if review:
        result[REVIEW] = review
    return result


def _sentence(operation: Operation) -> str:
    words = parts(operation.name)
    if operation.shape in ("get", "list", "create"):
        noun = " ".join(words)
        return {"get": f"Get one {noun}", "list": f"List {plural(noun)}",
                "create": f"Create {article(noun)}"}[operation.shape]
    return " ".join(words).capitalize() or operation.name


def _path_schema(schema: Schema) -> Schema:
    """A path parameter is a string or a number: an untyped one is a string to review."""
    if set(schema) == {REVIEW}:
        return {"type": "string", REVIEW: schema[REVIEW]}
    return schema


def _structured(schema: Schema) -> bool:
    return "$ref" in schema or schema.get("type") in ("object", "array") or "anyOf" in schema


def _with_default(schema: Schema, param: Param) -> Schema:
    known, value = literal(param.default)
    if known and value is not None and "$ref" not in schema:
        return {**schema, "default": value}
    return schema


def _query(param: Param, schema: Schema) -> dict[str, Any]:
    found: dict[str, Any] = {"name": param.name, "in": "query",
                             "required": param.default is None}
    if _structured(schema) and schema.get("type") != "array":
        found["content"] = {"application/json": {"schema": schema}}
    else:
        found["schema"] = _with_default(schema, param)
    return found


def _body(params: Sequence[Param], components: Components, module: str,
          open_body: bool) -> dict[str, Any]:
    if len(params) == 1 and not open_body:
        only = params[0]
        schema = components.schema(only.annotation, module)
        if "$ref" in schema:
            return {"required": only.default is None,
                    "content": {"application/json": {"schema": schema}}}
    properties = {p.name: _with_default(components.schema(p.annotation, module), p)
                  for p in params}
    body: Schema = {"type": "object", "properties": properties}
    required = [p.name for p in params if p.default is None]
    if required:
        body["required"] = required
    if not open_body:
        body["additionalProperties"] = False
    return {"required": bool(required), "content": {"application/json": {"schema": body}}}


def _responses(operation: Operation, where: Route, components: Components
               ) -> dict[str, Any]:
    if operation.shape in ("get", "create"):
        schema: Schema | None = components.schema(operation.returns, operation.module)
    elif operation.shape == "list":
        schema = {"type": "array",
                  "items": components.schema(operation.returns, operation.module)}
    elif operation.returns is not None and operation.returns.strip() in ("None", "'None'"):
        schema = None
    else:
        schema = components.schema(operation.returns, operation.module)
    if schema is None:
        return {"204": {"description": _REASON["204"]}}
    status = "200" if where.status == "204" else where.status
    return {status: {"description": _REASON[status],
                     "content": {"application/json": {"schema": schema}}}}
