"""Proposed API contracts: for each context, what the others would call once it is a service.

``contracts_for`` finds the definitions of each context that other contexts use (``operations``),
turns them into an OpenAPI 3.1 document (``routes``, ``openapi``, with schemas from
``schemas``), and turns the writes into tables another context owns into domain events in an
AsyncAPI 3.0 document (``events``). ``files`` names them ``<context>.openapi.yaml`` and
``<context>.asyncapi.yaml`` (or ``.json``); with the ``grpc`` and ``graphql`` protocols it adds
the same operations and schemas as ``<context>.proto`` (``grpc``, its field numbers from a
``FieldNumbers`` lock) and ``<context>.graphql`` (``graphql``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.codebase import Codebase
from analyzer.contracts.calls import readable
from analyzer.contracts.events import asyncapi_document, propose_events
from analyzer.contracts.fieldlock import FieldNumbers, project_name
from analyzer.contracts.graphql import sdl_document
from analyzer.contracts.grpc import proto_document
from analyzer.contracts.openapi import openapi_document
from analyzer.contracts.operations import Operation, Used, operations_of, used_definitions
from analyzer.contracts.schemas import Classes
from analyzer.model import AccessMode, DataModel
from analyzer.yamlout import dumps as yaml_dumps

__all__ = ["ContextContract", "Contracts", "FieldNumbers", "contract_file", "contracts_for",
           "project_name"]

FORMATS = ("yaml", "json")
PROTOCOLS = ("openapi", "grpc", "graphql")
PRIVATE = ("a private name (a leading underscore) other contexts use: make it public API, or "
           "move the code that needs it")
HELD = ("other contexts subclass, load or hold it without naming a method: decide whether it "
        "moves, is shared, or becomes operations")


@dataclass(frozen=True, slots=True)
class ContextContract:
    context: str
    openapi: dict[str, Any]
    asyncapi: dict[str, Any] | None  # None: the context neither publishes nor consumes events
    operations: int
    published: int  # events it publishes

    def routes(self) -> list[dict[str, Any]]:
        """Each operation in order, flat: for the report and the terminal."""
        found: list[dict[str, Any]] = []
        for path, methods in self.openapi["paths"].items():
            for method, item in methods.items():
                found.append({"method": method.upper(), "path": path,
                              "operation_id": item["operationId"],
                              "python": item["x-seamline-python"],
                              "source": item["x-seamline-source"],
                              "consumers": sorted({c["context"] for c in
                                                   item["x-seamline-consumers"]}),
                              "uses": len(item["x-seamline-consumers"]),
                              "review": "x-seamline-review" in item})
        return found

    def events(self) -> list[dict[str, Any]]:
        """Each channel of its AsyncAPI document, flat: what it publishes and receives."""
        if self.asyncapi is None:
            return []
        sends = {op["channel"]["$ref"].rsplit("/", 1)[1]: op["action"]
                 for op in self.asyncapi["operations"].values() if op["action"] == "send"}
        return [{"channel": key, "address": channel["address"],
                 "action": sends.get(key, "receive"),
                 "producer": channel["x-seamline-producer"],
                 "consumers": channel["x-seamline-consumers"],
                 "table": channel["x-seamline-table"]}
                for key, channel in self.asyncapi["channels"].items()]

    def unmapped(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.openapi.get("x-seamline-unmapped", [])
        return found


@dataclass(frozen=True, slots=True)
class Contracts:
    project: str
    contexts: tuple[ContextContract, ...]
    name: str = ""  # the project's own name (pyproject.toml's), for proto packages

    def files(self, form: str = "yaml", protocols: Sequence[str] = ("openapi",),
              numbers: FieldNumbers | None = None) -> list[tuple[str, bytes]]:
        """(relative path, bytes) of every document, in a fixed order: per context the
        ``protocols``' documents (``openapi``, ``grpc``, ``graphql``) and its AsyncAPI
        document, whatever the protocols. ``numbers``: the proto field numbers to keep (and
        to learn the new ones)."""
        numbers = FieldNumbers() if numbers is None else numbers
        package = numbers.project_or(self.name or self.project) if "grpc" in protocols else ""
        found: list[tuple[str, bytes]] = []
        for contract in self.contexts:
            if "openapi" in protocols:
                found.append((contract_file(contract.context, "openapi", form),
                              _encode(contract.openapi, form)))
            if contract.asyncapi is not None:
                found.append((contract_file(contract.context, "asyncapi", form),
                              _encode(contract.asyncapi, form)))
            if "grpc" in protocols:
                found.append((contract_file(contract.context, "", "proto"), proto_document(
                    contract, package, numbers).text.encode("utf-8")))
            if "graphql" in protocols:
                found.append((contract_file(contract.context, "", "graphql"), sdl_document(
                    contract, self.project).text.encode("utf-8")))
        return found


def contract_file(context: str, kind: str, form: str = "yaml") -> str:
    """``orders.openapi.yaml`` (``orders.proto`` without a kind; a proto file's name in
    lower_snake_case, as protobuf's style guide asks); a name that is not a plain file name gets
    a short hash so that two contexts never share a file."""
    stem = readable(context, "_" if form == "proto" else "-")
    return f"{stem}.{kind}.{form}" if kind else f"{stem}.{form}"


def _encode(document: dict[str, Any], form: str) -> bytes:
    if form == "json":
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return yaml_dumps(document).encode("utf-8")


def contracts_for(project: str, codebase: Codebase, data: DataModel,
                  context_of: Callable[[str], str | None],
                  contexts: Sequence[str], owners: Mapping[str, str],
                  name: str | None = None) -> Contracts:
    """The contracts of ``contexts`` (domain contexts; ``context_of`` maps every definition to
    one of them, or None for the shared kernel and unplaced code), with ``owners`` mapping
    each table to the context that owns it."""
    code = codebase.code
    classes = Classes(codebase.classes, data)
    paths = {m.name: m.path for m in code.modules}
    operations: dict[str, list[Operation]] = defaultdict(list)
    shared: dict[str, list[str]] = defaultdict(list)
    unmapped: dict[str, list[tuple[Used, str]]] = defaultdict(list)
    writers = {a.atom for a in data.accesses if a.mode is AccessMode.WRITE}
    for used in used_definitions(code, data, classes, context_of):
        found = operations_of(used, classes, paths, writers)
        operations[used.context].extend(found)
        if found:
            continue
        if used.atom.rpartition(":")[2].startswith("_"):
            unmapped[used.context].append((used, PRIVATE))
        elif classes.is_record(used.atom):
            shared[used.context].append(used.atom)
        elif not classes.is_exception(used.atom):
            unmapped[used.context].append((used, HELD))
    readers: dict[str, set[str]] = defaultdict(set)
    for access in data.accesses:
        reader = context_of(access.atom)
        if access.mode is AccessMode.READ and reader is not None:
            readers[access.table].add(reader)
    events = propose_events(data, owners, readers, context_of, classes.tables)
    found_contracts: list[ContextContract] = []
    for context in sorted(set(contexts)):
        mine = operations.get(context, [])
        found_contracts.append(ContextContract(
            context,
            openapi_document(context, project, mine, shared.get(context, []),
                             unmapped.get(context, []), classes),
            asyncapi_document(context, project, events, classes),
            len(mine), sum(1 for e in events if e.producer == context)))
    return Contracts(project, tuple(found_contracts), name or project)
