"""Proposed contracts on real monoliths: do they validate, how big are they, what is left open?

For each project (downloaded into ``.corpus`` on first use), runs the analysis with the default
settings, proposes the contracts, validates every OpenAPI document with
openapi-spec-validator and every AsyncAPI document against the published AsyncAPI 3.0.0 JSON
Schema (``tests/data``), and prints per project: contexts, operations (by HTTP method),
operations marked for review, schemas, open schemas marked for review, events, classes used
without an operation, invalid documents, the time the contracts step took beside the whole
analysis, and the documents' size in YAML.

    .venv/bin/python benchmarks/contracts_check.py [--project oscar --project saleor ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import jsonschema
from _common import REPO_ROOT, print_table
from openapi_spec_validator import validate as validate_openapi

from analyzer import api
from analyzer.config import Overrides, load_settings

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", dest="projects")
    args = parser.parse_args()
    asyncapi = jsonschema.Draft7Validator(json.loads(ASYNCAPI.read_text(encoding="utf-8")))
    rows: list[tuple[str, ...]] = []
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
    print_table(("project", "contexts", "documents", "operations", "by method", "to review",
                 "schemas", "open / all schemas", "events", "unmapped", "invalid",
                 "contracts / analysis", "YAML"), rows)


if __name__ == "__main__":
    main()
