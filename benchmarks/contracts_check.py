"""Proposed contracts on real monoliths: do they validate, how big are they, what is left open?

For each project (downloaded into ``.corpus`` on first use), runs the analysis with the default
settings, proposes the contracts, validates every OpenAPI document with
openapi-spec-validator and every AsyncAPI document against the published AsyncAPI 3.0.0 JSON
Schema (``tests/data``), and prints per project: contexts, operations (by HTTP method),
operations marked for review, schemas, open schemas marked for review, events, classes used
without an operation, invalid documents, the time the contracts step took beside the whole
analysis, and the documents' size in YAML. A second table gives the same operations and
schemas in the other two protocols: the proto3 files (rpcs, messages, Struct fields left for
review), each compiled by grpcio-tools' protoc and its Python imported; the GraphQL SDL
documents (Query, Mutation and Subscription fields, types), each built and validated by
graphql-core; the time rendering both took; and the SL203 sync-call chains of the cut.

    .venv/bin/python benchmarks/contracts_check.py [--project oscar --project saleor ...]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import jsonschema
from _common import REPO_ROOT, print_table
from graphql import GraphQLError, build_schema, validate_schema
from grpc_tools import protoc
from openapi_spec_validator import validate as validate_openapi

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.contracts import Contracts, FieldNumbers

ASYNCAPI = REPO_ROOT / "tests" / "data" / "asyncapi-3.0.0.schema.json"
DEFAULT = ("oscar", "saleor", "nova", "trac", "roundup")


def _open_schemas(value: Any) -> tuple[int, int]:
    """(schemas, schemas marked x-seamline-review) anywhere inside ``value``."""
    total = review = 0
    if isinstance(value, dict):
        if "x-seamline-review" in value and "operationId" not in value:
            review += 1
        if "type" in value or "$ref" in value or "enum" in value or "anyOf" in value or \
                "x-seamline-review" in value:
            total += 1
        for item in value.values():
            t, r = _open_schemas(item)
            total, review = total + t, review + r
    elif isinstance(value, list):
        for item in value:
            t, r = _open_schemas(item)
            total, review = total + t, review + r
    return total, review


def _protocols(name: str, found: Contracts) -> tuple[str, ...]:
    """The gRPC and GraphQL documents of ``found``, compiled and validated by the real tools."""
    started = time.perf_counter()
    files = found.files("yaml", ("grpc", "graphql"), FieldNumbers())  # no lock: numbers afresh
    seconds = time.perf_counter() - started
    protos = {n: c.decode("utf-8") for n, c in files if n.endswith(".proto")}
    sdls = {n: c.decode("utf-8") for n, c in files if n.endswith(".graphql")}
    rpcs = sum(len(re.findall(r"^  rpc ", t, re.MULTILINE)) for t in protos.values())
    messages = sum(len(re.findall(r"^message ", t, re.MULTILINE)) for t in protos.values())
    structs = sum(t.count("google.protobuf.Struct ") for t in protos.values())
    bad_protos = 0
    with tempfile.TemporaryDirectory() as folder:
        for file, text in protos.items():
            (Path(folder) / file).write_text(text, encoding="utf-8")
        include = Path(protoc.__file__).parent / "_proto"
        for file in sorted(protos):  # one at a time, so that each failure is counted
            if protoc.main(["protoc", f"-I{folder}", f"-I{include}", f"--python_out={folder}",
                            file]) != 0:
                bad_protos += 1
                print(f"{name}/{file}: protoc failed")
        modules = [f[:-len(".proto")] + "_pb2" for f in sorted(protos)
                   if (Path(folder) / (f[:-len(".proto")] + "_pb2.py")).is_file()]
        script = ("import importlib, sys\nsys.path.insert(0, sys.argv[1])\nbad = 0\n"
                  "for m in sys.argv[2:]:\n    try:\n        importlib.import_module(m)\n"
                  "    except Exception as e:\n        bad += 1; print(m, e)\n"
                  "sys.exit(bad)\n")
        done = subprocess.run([sys.executable, "-c", script, folder, *modules],
                              capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"{name}: {done.returncode} generated modules do not import: {done.stdout}"
                  [:400])
    roots: Counter[str] = Counter()
    types = bad_sdls = 0
    for file, text in sorted(sdls.items()):
        try:
            schema = build_schema(text)
            errors = validate_schema(schema)
        except GraphQLError as error:
            errors = [error]
        if errors:
            bad_sdls += 1
            print(f"{name}/{file}: invalid GraphQL: {errors[0]}"[:400])
            continue
        for root in ("Query", "Mutation", "Subscription"):
            kind = schema.get_type(root)
            fields = getattr(kind, "fields", {}) if kind is not None else {}
            roots[root] += len([f for f in fields if f != "_service"])
        types += sum(1 for t in schema.type_map if not t.startswith("__")) - 5  # built-ins
    return (name, f"{len(protos)} ({rpcs} rpcs, {messages} messages, {structs} Struct)",
            f"{bad_protos} + {done.returncode} not importing",
            f"{len(sdls)} ({roots['Query']} Q, {roots['Mutation']} M, "
            f"{roots['Subscription']} S)", str(bad_sdls), f"{seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", dest="projects")
    args = parser.parse_args()
    asyncapi = jsonschema.Draft7Validator(json.loads(ASYNCAPI.read_text(encoding="utf-8")))
    rows: list[tuple[str, ...]] = []
    others: list[tuple[str, ...]] = []
    for name in args.projects or DEFAULT:
        root = corpus.ensure(name)
        started = time.perf_counter()
        analysis = api.analyze(load_settings(root, Overrides()))
        total = time.perf_counter() - started
        found = analysis.contracts
        methods: Counter[str] = Counter()
        review = schemas = nodes = open_schemas = invalid = events = unmapped = 0
        for contract in found.contexts:
            routes = contract.routes()
            methods.update(r["method"] for r in routes)
            review += sum(r["review"] for r in routes)
            unmapped += len(contract.unmapped())
            events += contract.published
            schemas += len(contract.openapi.get("components", {}).get("schemas", {}))
            counted, marked = _open_schemas(contract.openapi)
            nodes, open_schemas = nodes + counted, open_schemas + marked
            try:
                validate_openapi(json.loads(json.dumps(contract.openapi)))
            except Exception as error:  # report every invalid document, do not stop
                invalid += 1
                print(f"{name}/{contract.context}: invalid OpenAPI: {error}"[:400])
            if contract.asyncapi is not None:
                errors = list(asyncapi.iter_errors(json.loads(json.dumps(contract.asyncapi))))
                if errors:
                    invalid += 1
                    print(f"{name}/{contract.context}: invalid AsyncAPI: {errors[0].message}"
                          [:400])
        size = sum(len(content) for _, content in found.files("yaml"))
        operations = sum(methods.values())
        rows.append((
            name, str(len(found.contexts)), str(len(found.files("yaml"))), str(operations),
            " ".join(f"{m} {methods[m]}" for m in ("GET", "POST", "PUT", "PATCH", "DELETE")
                     if methods[m]),
            f"{review} ({review / max(1, operations):.0%})", str(schemas),
            f"{open_schemas}/{nodes} ({open_schemas / max(1, nodes):.0%})", str(events),
            str(unmapped), str(invalid),
            f"{analysis.stats.seconds['contracts']:.2f} s / {total:.1f} s",
            f"{size / 1024:.0f} KiB"))
        chains = [f for f in analysis.findings.findings if f.code == "SL203"]
        longest = max((len(f.contexts) for f in chains), default=0)
        others.append((*_protocols(name, found), f"{len(chains)} (longest {longest})",
                       f"{analysis.stats.seconds['findings']:.2f} s"))
    print_table(("project", "contexts", "documents", "operations", "by method", "to review",
                 "schemas", "open / all schemas", "events", "unmapped", "invalid",
                 "contracts / analysis", "YAML"), rows)
    print()
    print_table(("project", "proto files", "protoc failed", "GraphQL documents",
                 "invalid GraphQL", "rendering both", "SL203 chains", "findings step"),
                others)


if __name__ == "__main__":
    main()
