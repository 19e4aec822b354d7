"""gRPC and GraphQL contracts: the same operations and schemas as OpenAPI, compiled by protoc
(grpcio-tools) and imported, built and validated by graphql-core; proto field numbers kept
across reruns by the lock file; bad locks and configs are exit 2."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from graphql import build_schema, validate_schema
from graphql.type import GraphQLObjectType
from grpc_tools import protoc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import api, config, contracts
from analyzer.cli import cli
from analyzer.config import Overrides, load_settings
from analyzer.contracts import Contracts, FieldNumbers
from analyzer.contracts import calls as contracts_calls
from analyzer.contracts.fieldlock import DEFAULT_FILE as LOCK_FILE
from analyzer.contracts.fieldlock import MAX_NUMBER
from analyzer.errors import ConfigError, SeamlineError
from tests.conftest import SAMPLES, Tree
from tests.test_contracts import SHOP

GOOGLE_PROTOS = Path(protoc.__file__).parent / "_proto"
TRADEPOST = SAMPLES / "tradepost"
AGREED = TRADEPOST / "agreed.toml"
PROTOCOLS = ("openapi", "grpc", "graphql")


def contracts_of(root: Path, **overrides: Any) -> Contracts:
    options = {"no_cache": True, "jobs": 1} | overrides
    return api.contracts(load_settings(root, Overrides(**options)))


def write(found: Contracts, out: Path, numbers: FieldNumbers | None = None) -> dict[str, str]:
    """Every document, written to ``out``: name -> text."""
    out.mkdir(parents=True, exist_ok=True)
    files = found.files("yaml", PROTOCOLS, numbers)
    for name, content in files:
        (out / name).write_bytes(content)
    return {name: content.decode("utf-8") for name, content in files}


def compile_and_import(folder: Path) -> list[str]:
    """protoc every .proto of ``folder`` to Python, then import each module in a fresh
    interpreter (the descriptor pool is per process). Returns the modules imported."""
    protos = sorted(p.name for p in folder.glob("*.proto"))
    assert protos, folder
    status = protoc.main(["protoc", f"-I{folder}", f"-I{GOOGLE_PROTOS}",
                          f"--python_out={folder}", *protos])
    assert status == 0, f"protoc failed on {folder}"
    modules = [p[:-len(".proto")] + "_pb2" for p in protos]
    script = ("import importlib, sys\nsys.path.insert(0, sys.argv[1])\n"
              "for name in sys.argv[2:]:\n    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", script, str(folder), *modules],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return modules


def check_sdl(text: str) -> Any:
    schema = build_schema(text)
    errors = validate_schema(schema)
    assert not errors, errors
    return schema


def rpcs(proto: str) -> list[str]:
    return re.findall(r"^  rpc (\w+)\(", proto, re.MULTILINE)


def numbers_of(proto: str) -> dict[str, dict[str, int]]:
    """message -> field -> number, read back from a proto file."""
    found: dict[str, dict[str, int]] = {}
    for name, body in re.findall(r"^message (\w+) \{\n(.*?)^\}", proto, re.MULTILINE | re.DOTALL):
        found[name] = {field: int(number) for field, number in
                       re.findall(r"^  (?:optional |repeated )?\S+ (\w+) = (\d+);", body,
                                  re.MULTILINE)}
    return found


def fields_of(schema: Any, root: str) -> set[str]:
    kind = schema.get_type(root)
    return set(kind.fields) if isinstance(kind, GraphQLObjectType) else set()


# --------------------------------------------------------------------------- the samples


@pytest.mark.parametrize("sample", ["tradepost", "shopfront", "djshop", "atelier"])
def test_every_sample_gives_protos_that_compile_and_schemas_that_validate(
        sample: str, tmp_path: Path) -> None:
    found = contracts_of(SAMPLES / sample)
    texts = write(found, tmp_path)
    compile_and_import(tmp_path)
    for contract in found.contexts:
        operations = [r["operation_id"] for r in contract.routes()]
        proto = texts[contracts.contract_file(contract.context, "", "proto")]
        assert len(rpcs(proto)) == contract.operations == len(operations)
        schema = check_sdl(texts[contracts.contract_file(contract.context, "", "graphql")])
        reads = sum(1 for r in contract.routes() if r["method"] == "GET")
        queries = fields_of(schema, "Query") - {"_service"}
        assert len(queries) == reads
        assert len(fields_of(schema, "Mutation")) == contract.operations - reads


def test_the_agreed_cut_of_tradepost_in_three_protocols(tmp_path: Path) -> None:
    found = contracts_of(TRADEPOST, config_file=AGREED)
    texts = write(found, tmp_path)
    compile_and_import(tmp_path)
    orders = texts["orders.proto"]
    assert "package tradepost.orders.v1;" in orders
    assert "service OrdersService {" in orders
    assert "rpc GetOrder(GetOrderRequest) returns (GetOrderResponse);" in orders
    assert "rpc MarkPaid(MarkPaidRequest) returns (MarkPaidResponse);" in orders
    # the consumers and their path:line, as x-seamline-consumers has them
    assert ("//   payments: tradepost.services.payment_service:charge_order at "
            "tradepost/services/payment_service.py:52 (call)") in orders
    assert "// python: tradepost.services.order_service:mark_paid at " \
           "tradepost/services/order_service.py:48" in orders
    graphql = check_sdl(texts["orders.graphql"])
    assert fields_of(graphql, "Query") == {"getOrder"}
    assert fields_of(graphql, "Mutation") == {"markPaid"}
    # inventory receives the event orders would publish instead of writing stock_levels
    inventory = check_sdl(texts["inventory.graphql"])
    assert fields_of(inventory, "Subscription") == {"ordersStockLevelUpdated"}
    assert str(inventory.get_type("Subscription").fields["ordersStockLevelUpdated"].type) \
        == "StockLevel!"
    # a model's columns become a message's fields and an object type's fields
    assert numbers_of(orders)["Order"] == {"id": 1, "customer_id": 2, "status": 3,
                                           "total_cents": 4, "placed_at": 5}
    assert "customerId: Int!" in texts["orders.graphql"]


def test_a_review_mark_and_an_open_schema_reach_both_protocols(tmp_path: Path) -> None:
    found = contracts_of(TRADEPOST)
    texts = write(found, tmp_path)
    proto = "\n".join(t for n, t in texts.items() if n.endswith(".proto"))
    sdl = "\n".join(t for n, t in texts.items() if n.endswith(".graphql"))
    openapi = "\n".join(t for n, t in texts.items() if n.endswith(".openapi.yaml"))
    assert "x-seamline-review" in openapi
    # get_logger returns a Logger seamline cannot type: Struct in proto, JSON in GraphQL
    assert ".google.protobuf.Struct result = 1;  // review: open: unknown type Logger" in proto
    assert 'import "google/protobuf/struct.proto";' in proto
    assert "): JSON!  # review: open: unknown type Logger" in sdl
    assert "scalar JSON" in sdl


# --------------------------------------------------------------------------- hostile shapes

AWKWARD: Tree = {
    "shop/__init__.py": "",
    "shop/kinds/__init__.py": "",
    "shop/kinds/values.py": '''
        import enum
        from dataclasses import dataclass
        from typing import Any, Literal


        class Status(enum.Enum):
            UNSPECIFIED = "unspecified"
            TRUE = "true"
            NULL = "null"
            PAID = "paid"
            PAID_ = "PAID"


        @dataclass
        class Query:
            """A class named like GraphQL's root type; its fields clash once camel-cased."""
            a_b: int
            aB: str
            größe: float
            class_: bool
            tags: list[list[str]]
            scores: dict[str, list[int]]
            extra: Any
            mode: Literal["fast", "slow"]
            status: Status | None = None
    ''',
    "shop/orders/__init__.py": "",
    "shop/orders/api.py": '''
        from shop.kinds.values import Query, Status


        def find_query(query_id: int, status: Status) -> Query:
            return Query(1, "x", 1.0, True, [], {}, None, "fast")


        def store_query(query: Query, **more) -> None:
            pass
    ''',
    "shop/billing/__init__.py": "",
    "shop/billing/use.py": '''
        from shop.orders.api import find_query, store_query


        def bill(n):
            store_query(find_query(n, None))
    ''',
}


def test_awkward_names_and_types_still_compile_and_validate(
        project: Any, tmp_path: Path) -> None:
    root = project(AWKWARD)
    (root / "seamline.toml").write_text(
        # a context named google: its package must not hide google.protobuf
        '[pin]\nkinds = ["shop.kinds*"]\ngoogle = ["shop.orders*"]\n'
        'billing = ["shop.billing*"]\n',
        encoding="utf-8")
    found = contracts_of(root)
    out = tmp_path / "out"
    texts = write(found, out)
    compile_and_import(out)
    for name, text in texts.items():
        if name.endswith(".graphql"):
            check_sdl(text)
    orders = texts["google.proto"]  # the value types travel with the operations using them
    assert "package proj.google.v1;" in orders
    assert "  STATUS_UNSPECIFIED = 0;\n  STATUS_UNSPECIFIED_2 = 1;\n" in orders
    assert numbers_of(orders)["Query"] == {"a_b": 1, "a_b_2": 2, "grosse": 3, "class": 4,
                                           "tags": 5, "scores": 6, "extra": 7, "mode": 8,
                                           "status": 9}
    assert "string a_b_2 = 2;  // aB in the code" in orders
    assert "double grosse = 3;  // größe in the code" in orders  # spelt in ASCII, not gr_e
    assert ".google.protobuf.Struct tags = 5;  // review: a list of lists" in orders
    assert "optional Status status = 9;" in orders
    schema = check_sdl(texts["google.graphql"])
    # the class named Query is not GraphQL's root type; TRUE and NULL are no enum values
    assert str(schema.get_type("Query").fields["findQuery"].type) == "Query2!"
    assert set(schema.get_type("Status").values) == {"UNSPECIFIED", "TRUE_2", "NULL_2", "PAID",
                                                     "PAID_2"}
    assert set(schema.get_type("Query2Input").fields) == set(schema.get_type("Query2").fields)
    assert "grosse" in schema.get_type("Query2").fields


# --------------------------------------------------------------------------- field numbers


def _rerun(root: Path, out: Path) -> dict[str, dict[str, dict[str, int]]]:
    result = CliRunner().invoke(cli, ["contracts", str(root), "--config", str(root / "agreed.toml"),
                                      "--no-cache", "-j", "1", "--out", str(out),
                                      "--protocol", "grpc", "--protocol", "graphql", "-q"])
    assert result.exit_code == 0, result.output
    return {p.name: numbers_of(p.read_text(encoding="utf-8")) for p in out.glob("*.proto")}


def test_adding_a_field_to_a_dataclass_keeps_every_field_number(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    before = _rerun(root, tmp_path / "one")
    lock = root / LOCK_FILE
    assert lock.is_file()
    first_lock = lock.read_bytes()
    # rerunning changes nothing, the lock included
    assert _rerun(root, tmp_path / "two") == before and lock.read_bytes() == first_lock
    assert {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()} == \
        {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert before["catalog.proto"]["Money"] == {"cents": 1, "currency": 2}
    # a new field, first in the dataclass: every existing field keeps its number
    money = root / "tradepost" / "utils" / "money.py"
    source = money.read_text(encoding="utf-8")
    assert "class Money:\n    cents: int\n" in source
    money.write_text(source.replace("class Money:\n    cents: int\n",
                                    "class Money:\n    minor_units: int\n    cents: int\n"),
                     encoding="utf-8")
    after = _rerun(root, tmp_path / "three")
    assert after["catalog.proto"]["Money"] == {"minor_units": 3, "cents": 1, "currency": 2}
    changed = {(file, message) for file, messages in before.items()
               for message, fields in messages.items() if after[file][message] != fields}
    assert changed == {("catalog.proto", "Money")}
    # the field leaves again: its number and name stay reserved, never reused
    money.write_text(source, encoding="utf-8")
    text = (tmp_path / "four" / "catalog.proto")
    assert _rerun(root, tmp_path / "four")["catalog.proto"]["Money"] == before[
        "catalog.proto"]["Money"]
    assert "  reserved 3;\n  reserved \"minor_units\";\n" in text.read_text(encoding="utf-8")
    compile_and_import(tmp_path / "four")


def test_the_lock_file_goes_beside_the_decomposition(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    runner = CliRunner()
    init = runner.invoke(cli, ["init", str(root), "--no-cache", "-j", "1", "--config",
                               str(root / "agreed.toml"), "--out",
                               str(tmp_path / "cut" / "seamline-decomposition.toml")])
    assert init.exit_code == 0, init.output
    result = runner.invoke(cli, ["contracts", str(root), "--no-cache", "-j", "1",
                                 "--decomposition",
                                 str(tmp_path / "cut" / "seamline-decomposition.toml"),
                                 "--protocol", "grpc", "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cut" / LOCK_FILE).is_file() and not (root / LOCK_FILE).exists()
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) .count(".proto") == 7
    assert not list((tmp_path / "out").glob("*.openapi.yaml"))  # only what was asked


@pytest.mark.parametrize(("content", "says"), [
    (b"{not json", "not a proto field lock (JSON)"),
    (b'{"format": "other"}', 'no "format": "seamline-proto-fields"'),
    (b'{"format": "seamline-proto-fields", "version": 1, "packages": {"p": {"M": {"a": 1, '
     b'"b": 1}}}}', "gives one number to two fields"),
    (b'{"format": "seamline-proto-fields", "version": 1, "packages": {"p": {"M": {"a": '
     b'19500}}}}', "numbers from 1 to"),
    (b"\xff\xfe", "not a proto field lock (JSON)"),
    # a name goes into ``reserved "..."``: only a proto identifier may
    (json.dumps({"format": "seamline-proto-fields", "version": 1, "packages": {
        "tradepost.catalog.v1": {"Money": {
            'x"; } message Pwn { string y = 1; } message Z { reserved "q': 7}}}}).encode(),
     "'x\"; } message Pwn { string y = 1; } message Z { reserved \"q' is not a proto name"),
    (b'{"format": "seamline-proto-fields", "version": 1, "packages": {"p": {"M": {"a\\nb": '
     b'1}}}}', "p.M: 'a\\nb' is not a proto name"),
    (b'{"format": "seamline-proto-fields", "version": 1, "packages": {"p": {"M": {"": 1}}}}',
     "p.M: '' is not a proto name"),
    (b'{"format": "seamline-proto-fields", "version": 1, "packages": {"p": {"1M": {"a": 1}}}}',
     "p: '1M' is not a proto name"),
    (b'{"format": "seamline-proto-fields", "version": 1, "packages": {"p q": {}}}',
     "package 'p q' is not a proto package name"),
])
def test_a_bad_lock_is_exit_2_naming_the_file(tmp_path: Path, content: bytes,
                                               says: str) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    (root / LOCK_FILE).write_bytes(content)
    result = CliRunner().invoke(cli, ["contracts", str(root), "--no-cache", "-j", "1",
                                      "--protocol", "grpc", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert str(root / LOCK_FILE) in result.output and says in result.output
    assert "Traceback" not in result.output
    assert (root / LOCK_FILE).read_bytes() == content  # left as it was


# --------------------------------------------------------------------------- config


def test_contracts_protocols_in_the_config(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    (root / "seamline.toml").write_text('[contracts]\nprotocols = ["graphql"]\n',
                                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["contracts", str(root), "--no-cache", "-j", "1",
                                      "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    written = {p.suffix for p in (tmp_path / "out").iterdir()}
    assert ".graphql" in written and ".proto" not in written
    assert not list((tmp_path / "out").glob("*.openapi.yaml"))
    # analyze keeps OpenAPI and adds the configured protocols; analysis.json lists them
    analyzed = CliRunner().invoke(cli, ["analyze", str(root), "--no-cache", "-j", "1",
                                        "--out", str(tmp_path / "report"), "-q"])
    assert analyzed.exit_code == 0, analyzed.output
    folder = tmp_path / "report" / "contracts"
    assert list(folder.glob("*.openapi.yaml")) and list(folder.glob("*.graphql"))
    assert not list(folder.glob("*.proto"))


@pytest.mark.parametrize(("table", "says"), [
    ('[contracts]\nprotocols = ["soap"]\n', "contracts.protocols must be a non-empty list"),
    ('[contracts]\nprotocols = []\n', "contracts.protocols must be a non-empty list"),
    ('[contracts]\nprotocol = ["grpc"]\n', "unknown key 'contracts.protocol'"),
    ('contracts = "grpc"\n', "contracts must be a table with protocols"),
])
def test_a_bad_protocols_key_is_exit_2(tmp_path: Path, table: str, says: str) -> None:
    root = tmp_path / "p"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "seamline.toml").write_text(table, encoding="utf-8")
    result = CliRunner().invoke(cli, ["contracts", str(root), "--no-cache",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert says in result.output and "seamline.toml" in result.output


def test_an_unknown_protocol_on_the_command_line_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["contracts", str(TRADEPOST), "--protocol", "soap",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "soap" in result.output


def test_the_configs_protocols_are_the_contracts_own() -> None:
    assert config.PROTOCOLS == contracts.PROTOCOLS


# --------------------------------------------------------------------------- the report


def test_the_context_page_links_every_protocol_and_shows_its_chains(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    config = root / "agreed.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[contracts]\nprotocols = ["grpc", "graphql"]\n', encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["analyze", str(root), "--config", str(config),
                                      "--no-cache", "-j", "1", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    catalog = next(c for c in document["contracts"]["contexts"] if c["context"] == "catalog")
    assert catalog["proto"] == "contracts/catalog.proto"
    assert catalog["graphql"] == "contracts/catalog.graphql"
    # analyze keeps the numbers it used in OUT, never in the project
    assert (out / "contracts" / LOCK_FILE).is_file() and not (root / LOCK_FILE).exists()
    page = next(p for p in out.glob("*.html") if "catalog</h1>" in p.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    for document_path in ("contracts/catalog.openapi.yaml", "contracts/catalog.proto",
                          "contracts/catalog.graphql"):
        assert f'href="{document_path}"' in html and (out / document_path).is_file()
    assert 'id="chains"' in html and "Synchronous call chains (1)" in html
    chain = html[html.index('id="chains"'):html.index('id="api"')]
    assert "orders</a> → <b>catalog</b> → <a" in chain
    assert "tradepost/services/catalog_service.py:37" in chain
    # a context on no chain shows no such section
    shipping = next(p for p in out.glob("*.html") if "shipping</h1>" in p.read_text(
        encoding="utf-8"))
    assert 'id="chains"' not in shipping.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- hostile input

_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=8), st.sampled_from(["seamline-proto-fields", "p", "M"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["format", "version", "packages",
                                                             "p", "M", "a"]) | st.text(
                                max_size=4), inner, max_size=4)),
    max_leaves=16)
_PYTHON_TEXT = re.compile(r"object has no attribute|object is not|unhashable type|"
                          r"not supported between|Traceback")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.one_of(_json, st.fixed_dictionaries(
    {"format": st.just("seamline-proto-fields"), "version": st.just(1),
     "packages": st.dictionaries(st.text(max_size=4), st.dictionaries(
         st.text(max_size=4), st.one_of(_json, st.dictionaries(
             st.text(max_size=4), st.one_of(st.integers(), _json), max_size=3)),
         max_size=3), max_size=3)})))
def test_any_lock_loads_or_says_why(tmp_path: Path, document: Any) -> None:
    path = tmp_path / LOCK_FILE
    path.write_text(json.dumps(document), encoding="utf-8")
    try:
        numbers = FieldNumbers.load(path)
    except ConfigError as error:
        assert error.source == str(path) and not _PYTHON_TEXT.search(error.message)
        return
    # a lock that loads gives its numbers back and new, unused ones
    given = numbers.number("p", "M", "fresh-field")
    assert 0 < given <= MAX_NUMBER and FieldNumbers.load(path) is not None


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_json)
def test_any_contracts_table_loads_or_says_why(tmp_path: Path, value: Any) -> None:
    root = tmp_path / "p"
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "seamline.toml").write_text(f"contracts = {json.dumps(value)}\n"
                                        if not isinstance(value, dict) else
                                        "[contracts]\n" + "".join(
                                            f"{json.dumps(k)} = {json.dumps(v)}\n"
                                            for k, v in value.items()), encoding="utf-8")
    try:
        found = load_settings(root, Overrides(no_cache=True))
    except SeamlineError as error:
        assert error.message and not _PYTHON_TEXT.search(error.message)
        return
    assert found.protocols and set(found.protocols) <= set(PROTOCOLS)


def test_a_retired_field_at_the_last_number_does_not_overflow(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    lock = root / LOCK_FILE
    lock.write_text(json.dumps({"format": "seamline-proto-fields", "version": 1, "packages": {
        "tradepost.catalog.v1": {"Money": {"gone": MAX_NUMBER, "cents": 1}}}}),
        encoding="utf-8")
    first = _rerun(root, tmp_path / "one")
    assert first["catalog.proto"]["Money"] == {"cents": 1, "currency": 2}
    assert f"  reserved {MAX_NUMBER};\n  reserved \"gone\";\n" in (
        tmp_path / "one" / "catalog.proto").read_text(encoding="utf-8")
    assert _rerun(root, tmp_path / "two") == first  # the lock it wrote loads again
    compile_and_import(tmp_path / "two")


def test_a_new_field_takes_the_lowest_number_never_given() -> None:
    numbers = FieldNumbers({"p": {"M": {"a": 1, "b": 3, "c": 18999, "d": 20000}}})
    assert [numbers.number("p", "M", f) for f in ("x", "y", "a")] == [2, 4, 1]
    full = FieldNumbers({"p": {"M": {f"f{n}": n for n in range(1, 19000)}}})
    assert full.number("p", "M", "x") == 20000  # never protobuf's own 19000-19999


def test_a_lock_that_is_a_folder_is_exit_2_and_nothing_is_written(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    (root / LOCK_FILE).mkdir()
    result = CliRunner().invoke(cli, ["contracts", str(root), "--no-cache", "-j", "1",
                                      "--protocol", "grpc", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert f"{root / LOCK_FILE}: cannot read the proto field lock" in result.output
    assert not (tmp_path / "out").exists()


def test_the_command_says_where_the_numbers_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    result = CliRunner().invoke(cli, ["contracts", str(root), "--no-cache", "-j", "1",
                                      "--protocol", "grpc", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"proto field numbers kept in {root / LOCK_FILE}" in result.output


def test_a_record_that_holds_itself_is_a_valid_input(project: Any, tmp_path: Path) -> None:
    root = project({
        "shop/__init__.py": "", "shop/a/__init__.py": "", "shop/b/__init__.py": "",
        "shop/a/tree.py": '''
            from __future__ import annotations

            from dataclasses import dataclass


            @dataclass
            class TreeNode:
                name: str
                parent: TreeNode
                children: list[TreeNode]


            def store_node(node: TreeNode) -> TreeNode:
                return node
        ''',
        "shop/b/use.py": "from shop.a.tree import store_node\n\n\ndef go(n):\n"
                         "    return store_node(n)\n",
    })
    (root / "seamline.toml").write_text('[pin]\na = ["shop.a*"]\nb = ["shop.b*"]\n',
                                        encoding="utf-8")
    texts = write(contracts_of(root), tmp_path / "out")
    compile_and_import(tmp_path / "out")
    schema = check_sdl(texts["a.graphql"])
    node = schema.get_type("TreeNodeInput")
    assert str(node.fields["parent"].type) == "TreeNodeInput"  # required would never end
    assert str(node.fields["children"].type) == "[TreeNodeInput!]!"  # a list may be empty
    assert str(schema.get_type("TreeNode").fields["parent"].type) == "TreeNode!"
    assert "parent: TreeNodeInput  # required in the code" in texts["a.graphql"]


def test_every_schema_kind_of_the_contracts_tests_in_both_protocols(
        project: Any, tmp_path: Path) -> None:
    """The project of tests/test_contracts.py that exercises every schema kind (dataclasses,
    TypedDicts, NamedTuples, enums, pydantic, attrs, Django and SQLAlchemy models, events)."""
    found = contracts_of(project(SHOP))
    texts = write(found, tmp_path / "out")
    compile_and_import(tmp_path / "out")
    subscriptions = 0
    for contract in found.contexts:
        proto = texts[contracts.contract_file(contract.context, "", "proto")]
        assert len(rpcs(proto)) == contract.operations
        schema = check_sdl(texts[contracts.contract_file(contract.context, "", "graphql")])
        subscriptions += len(fields_of(schema, "Subscription"))
        received = [e for e in contract.events() if e["action"] == "receive"]
        assert len(fields_of(schema, "Subscription")) == len(received)
    assert subscriptions


# --------------------------------------------------------------------------- review fixes


def _pinned(project: Any, files: Tree, pins: str = 'a = ["shop.a*"]\nb = ["shop.b*"]\n'
            ) -> Path:
    """``files`` with the contexts a (shop.a) and b (shop.b) pinned."""
    root: Path = project({"shop/__init__.py": "", "shop/a/__init__.py": "",
                          "shop/b/__init__.py": "", **files})
    (root / "seamline.toml").write_text(f"[pin]\n{pins}", encoding="utf-8")
    return root


def test_a_line_break_in_a_deep_quoted_annotation_stays_inside_a_comment(
        project: Any, tmp_path: Path) -> None:
    deep = "Final[" * 12 + '"x\\nmessage P {}\\ntype P { a: Int }"' + "]" * 12
    root = _pinned(project, {
        "shop/a/api.py": f"from typing import Final\n\n\ndef annx(x: {deep}) -> None:\n"
                         "    pass\n",
        "shop/b/use.py": "from shop.a.api import annx\n\n\ndef go(n):\n    annx(n)\n",
    })
    texts = write(contracts_of(root), tmp_path / "out")
    compile_and_import(tmp_path / "out")
    assert "message P" not in re.sub(r"//.*", "", texts["a.proto"])
    schema = check_sdl(texts["a.graphql"])
    assert schema.get_type("P") is None
    assert "// review: open: annotation nested too deeply" in texts["a.proto"]
    # and whatever a note holds, a comment is one line
    assert contracts_calls.comment(["a\nmessage P {}", "  b\r\x85c"], "//") == [
        "// a message P {}", "//   b c"]
    assert contracts_calls.trailing(["x\ny", "z"], "#") == "  # x y; z"


def test_a_checkout_in_another_folder_keeps_the_packages_and_numbers(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(TRADEPOST, root)
    (root / "pyproject.toml").write_text('[project]\nname = "trade-post"\n', encoding="utf-8")
    _rerun(root, tmp_path / "one")
    catalog = (tmp_path / "one" / "catalog.proto").read_text(encoding="utf-8")
    assert "package trade_post.catalog.v1;" in catalog  # pyproject's name, not the folder's
    assert json.loads((root / LOCK_FILE).read_text(encoding="utf-8"))["project"] == "trade-post"
    # the CI's checkout: another folder, no pyproject name, the same lock, a field removed
    ci = tmp_path / "proj-ci"
    shutil.copytree(root, ci)
    (ci / "pyproject.toml").unlink()
    money = ci / "tradepost" / "utils" / "money.py"
    money.write_text(money.read_text(encoding="utf-8").replace(
        '    currency: str = "EUR"\n', "").replace(", self.currency", "").replace(
        "other.currency != self.currency", "False"), encoding="utf-8")
    after = _rerun(ci, tmp_path / "two")
    text = (tmp_path / "two" / "catalog.proto").read_text(encoding="utf-8")
    assert "package trade_post.catalog.v1;" in text
    assert after["catalog.proto"]["Money"] == {"cents": 1}
    assert '  reserved 2;\n  reserved "currency";\n' in text
    compile_and_import(tmp_path / "two")


@pytest.mark.parametrize(("files", "name"), [
    ({"pyproject.toml": '[project]\nname = "Trade Post"\n'}, "Trade Post"),
    ({"setup.cfg": "[metadata]\nname = tradepost-legacy\n"}, "tradepost-legacy"),
    ({"pyproject.toml": "[project\n", "setup.cfg": "[metadata]\nname = from-cfg\n"},
     "from-cfg"),
    ({"pyproject.toml": '[project]\nname = 3\n'}, None),
    ({"setup.cfg": "no section\n"}, None),
])
def test_the_project_name_comes_from_its_metadata(tmp_path: Path, files: dict[str, str],
                                                  name: str | None) -> None:
    for file, text in files.items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    assert contracts.project_name(tmp_path) == name


def test_a_lock_without_a_project_name_keeps_its_packages_first_part(tmp_path: Path) -> None:
    lock = tmp_path / LOCK_FILE
    document: dict[str, Any] = {"format": "seamline-proto-fields", "version": 1, "packages": {
        "shop.orders.v1": {"M": {"a": 1}}, "shop.b.v1": {}}}
    lock.write_text(json.dumps(document), encoding="utf-8")
    assert FieldNumbers.load(lock).project_or("shop_ci") == "shop"  # written before "project"
    lock.write_text(json.dumps(document | {"project": "x\ny"}), encoding="utf-8")
    with pytest.raises(ConfigError, match='"project" must be the project\'s name'):
        FieldNumbers.load(lock)
    fresh = FieldNumbers()
    assert fresh.project_or("shop_ci") == "shop_ci" and fresh.changed
    assert json.loads(fresh.dumps())["project"] == "shop_ci"


TWIN = {
    "shop/a/one.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass Address:\n"
                     + "".join(f"    one_{n}: int\n" for n in range(15)),
    "shop/a/two.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass Address:\n"
                     "    street: str\n    city: str\n",
    "shop/a/api.py": "from shop.a.one import Address\nfrom shop.a.two import Address as Other"
                     "\n\n\ndef update_home(home: Address) -> None:\n    pass\n",
    "shop/b/use.py": "from shop.a.api import update_home\n\n\ndef go(n):\n"
                     "    update_home(n)\n",
}


def test_two_classes_of_one_name_keep_their_names_whichever_is_used_first(
        project: Any, tmp_path: Path) -> None:
    root = _pinned(project, dict(TWIN))
    numbers = FieldNumbers()
    before = write(contracts_of(root), tmp_path / "one", numbers)
    # an operation that uses the other Address, and comes first in the document
    (root / "shop" / "a" / "api.py").write_text(
        TWIN["shop/a/api.py"] + "\n\ndef add_delivery(to: Other) -> Other:\n"
        "    return to\n", encoding="utf-8")
    (root / "shop" / "b" / "use.py").write_text(
        TWIN["shop/b/use.py"].replace("import update_home", "import add_delivery, update_home")
        + "    add_delivery(n)\n", encoding="utf-8")
    after = write(contracts_of(root), tmp_path / "two", numbers)
    compile_and_import(tmp_path / "two")
    assert rpcs(after["a.proto"])[0] == "AddDelivery"  # the new one is used first
    assert numbers_of(after["a.proto"])["Address"] == numbers_of(before["a.proto"])["Address"] \
        == {f"one_{n}": n + 1 for n in range(15)}
    assert numbers_of(after["a.proto"])["Address2"] == {"street": 1, "city": 2}
    assert "reserved" not in after["a.proto"]
    schema = check_sdl(after["a.graphql"])
    assert set(schema.get_type("Address").fields) == {f"one{n}" for n in range(15)}
    assert set(schema.get_type("Address2").fields) == {"street", "city"}
    # each input follows its type's name
    assert set(schema.get_type("AddressInput").fields) == set(schema.get_type("Address").fields)
    assert set(schema.get_type("Address2Input").fields) == {"street", "city"}


def test_contexts_whose_names_sanitise_alike_get_packages_of_their_own(
        project: Any, tmp_path: Path) -> None:
    thing = ("from dataclasses import dataclass\n\n\n@dataclass\nclass Thing:\n    n: int\n\n\n"
             "def get_thing(n: int) -> Thing:\n    return Thing(n)\n")
    pins = {"a": "use", "注文": "w", "在庫": "x", "Orders */": "y", "orders": "z"}
    root = _pinned(project, {
        **{f"shop/{p}/__init__.py": "" for p in "wxyz"},
        **{f"shop/{p}/api.py": thing for p in "wxyz"},
        "shop/use/__init__.py": "",
        "shop/use/calls.py": "".join(f"from shop.{p}.api import get_thing as get_{p}\n"
                                     for p in "wxyz")
        + "\n\ndef go(n):\n    return " + " + ".join(f"get_{p}(n)" for p in "wxyz") + "\n",
    }, "".join(f'"{name}" = ["shop.{p}*"]\n' for name, p in pins.items()))
    found = contracts_of(root)
    assert {c.context for c in found.contexts} == set(pins)
    texts = write(found, tmp_path / "out")
    packages = [re.search(r"^package (\S+);", t, re.MULTILINE).group(1)  # type: ignore[union-attr]
                for n, t in sorted(texts.items()) if n.endswith(".proto")]
    assert len(set(packages)) == len(packages) == 5, packages
    assert "proj.orders.v1" in packages and "proj.a.v1" in packages
    compile_and_import(tmp_path / "out")  # protoc compiles all five together


def test_an_int_enum_is_named_by_its_members_in_both_protocols(
        project: Any, tmp_path: Path) -> None:
    root = _pinned(project, {
        "shop/a/api.py": '''
            import enum
            from typing import Literal


            class Status(enum.IntEnum):
                NEW = 1
                PAID_OUT = 2
                FRESH = 1


            def set_status(status: Status, level: Literal[1, 2]) -> Status:
                return status
        ''',
        "shop/b/use.py": "from shop.a.api import set_status\n\n\ndef go(n):\n"
                         "    return set_status(n, 1)\n",
    })
    texts = write(contracts_of(root), tmp_path / "out")
    compile_and_import(tmp_path / "out")
    schema = check_sdl(texts["a.graphql"])
    assert list(schema.get_type("Status").values) == ["NEW", "PAID_OUT"]  # FRESH: an alias
    assert "  STATUS_UNSPECIFIED = 0;\n  STATUS_NEW = 1;\n  STATUS_PAID_OUT = 2;\n" \
        in texts["a.proto"]
    assert "x-enum-varnames:\n        - NEW\n        - PAID_OUT\n" in texts["a.openapi.yaml"]
    # without the names (a schema of values only), no value starts with a digit
    assert contracts_calls.enum_words({"enum": [1, "2x", ""]}) == ["V_1", "V_2_X", "VALUE"]


def test_analyze_writes_the_field_numbers_into_out_only(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    (root / "seamline.toml").write_text(AGREED.read_text(encoding="utf-8")
                                        + '\n[contracts]\nprotocols = ["grpc"]\n',
                                        encoding="utf-8")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    analyzed = CliRunner().invoke(cli, ["analyze", str(root), "--no-cache", "-j", "1",
                                        "--out", str(tmp_path / "report"), "-q"])
    assert analyzed.exit_code == 0, analyzed.output
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before  # nothing written
    folder = tmp_path / "report" / "contracts"
    kept = json.loads((folder / LOCK_FILE).read_text(encoding="utf-8"))
    assert kept["project"] == "tradepost" and kept["packages"]
    # the project's own lock is read: its numbers are the documents' numbers
    (root / LOCK_FILE).write_text(json.dumps({
        "format": "seamline-proto-fields", "version": 1, "project": "tradepost",
        "packages": {"tradepost.catalog.v1": {"Money": {"currency": 7, "cents": 9}}}}),
        encoding="utf-8")
    lock_text = (root / LOCK_FILE).read_bytes()
    again = CliRunner().invoke(cli, ["analyze", str(root), "--no-cache", "-j", "1",
                                     "--out", str(tmp_path / "report"), "-q"])
    assert again.exit_code == 0, again.output
    assert numbers_of((folder / "catalog.proto").read_text(encoding="utf-8"))["Money"] == {
        "cents": 9, "currency": 7}
    assert (root / LOCK_FILE).read_bytes() == lock_text


def test_a_field_whose_type_changes_gets_a_new_number(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    assert _rerun(root, tmp_path / "one")["catalog.proto"]["Money"] == {"cents": 1,
                                                                         "currency": 2}
    kept = json.loads((root / LOCK_FILE).read_text(encoding="utf-8"))
    assert kept["types"]["tradepost.catalog.v1"]["Money"] == {"cents": "int64",
                                                              "currency": "string"}
    money = root / "tradepost" / "utils" / "money.py"
    money.write_text(money.read_text(encoding="utf-8").replace(
        "class Money:\n    cents: int\n", "class Money:\n    cents: str\n"), encoding="utf-8")
    after = _rerun(root, tmp_path / "two")["catalog.proto"]["Money"]
    assert after == {"cents": 3, "currency": 2}  # an old client would misread 1
    text = (tmp_path / "two" / "catalog.proto").read_text(encoding="utf-8")
    assert "message Money {\n  reserved 1;\n  string cents = 3;" in text  # no reserved name
    assert _rerun(root, tmp_path / "three")["catalog.proto"]["Money"] == after  # and stays
    compile_and_import(tmp_path / "three")
    # a lock whose types name a field it does not number is a lock error
    kept = json.loads((root / LOCK_FILE).read_text(encoding="utf-8"))
    assert kept["retired"] == {"tradepost.catalog.v1": {"Money": [1]}}
    kept["retired"]["tradepost.catalog.v1"]["Money"] = [2]
    (root / LOCK_FILE).write_text(json.dumps(kept), encoding="utf-8")
    with pytest.raises(ConfigError, match="retired"):
        FieldNumbers.load(root / LOCK_FILE)
