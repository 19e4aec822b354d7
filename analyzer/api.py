"""The only module that chains the stages: discover -> extract -> resolve -> render.

Each stage is a function from frozen inputs to frozen outputs; the CLI calls ``analyze`` and
``write_analysis`` and turns the result into an exit code.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from analyzer.cache import FactCache
from analyzer.codebase import Codebase, resolve_codebase
from analyzer.collector import collector_off
from analyzer.config import Settings
from analyzer.coupling import ClusterOptions, CouplingGraph, dumps_graph, loads_graph
from analyzer.data import bookkeeping, build_data
from analyzer.decomposition import (
    IMPORT_KINDS,
    Agreed,
    dump_agreed,
    load_agreed,
    unmatched_patterns,
)
from analyzer.discover import Discovery, discover, excluded_python
from analyzer.drift import Drift, drift
from analyzer.drift.baseline import DEFAULT_FILE as BASELINE_FILE
from analyzer.drift.baseline import (
    Baseline,
    Outcome,
    compare,
    dump_baseline,
    load_baseline,
    vouch,
)
from analyzer.drift.export import Exported, export
from analyzer.drift.propose import propose_agreed
from analyzer.errors import ConfigError, UsageError
from analyzer.extract.runner import ExtractOptions, extract_files
from analyzer.findings import Finding, Findings, Partition, Project, find, silence, silencers
from analyzer.graph import BuiltGraph, HistoryOptions, build_graph, element_resolver
from analyzer.model import CodeModel, DataModel, Diagnostic, Severity
from analyzer.packs import Pack, vocabulary
from analyzer.render.atomic import write_atomic
from analyzer.render.json import (
    analysis_json,
    contexts_document,
    contracts_document,
    dumps,
    findings_document,
    summary,
)
from analyzer.render.json import diagnostics as all_diagnostics
from analyzer.render.outdir import staged, write_staged, write_unit
from analyzer.text import count, printable_path

# What only some commands need is imported where it is used, so that ``seamline check`` (a
# fresh process in CI, run often) does not pay for clustering, contracts (libcst's node
# classes) or the report (jinja2): tests/test_lazy_imports.py holds it to that.
if TYPE_CHECKING:
    from analyzer.cluster import Decomposition
    from analyzer.cluster.reference import Scored
    from analyzer.contracts import Contracts
    from analyzer.contracts.fieldlock import FieldNumbers
    from analyzer.graph.entrypoints import EntryPoint
    from analyzer.traces import Runtime

class Reporter(Protocol):
    """Told how the run goes, stage by stage (the CLI shows it on stderr; the api never
    prints). ``Sizes`` are (number, singular noun) pairs: ``((549, "module"),)``."""

    def start(self, stage: str, of: Sizes) -> None:
        """``stage`` begins, working on ``of`` (what it reads, when that is known)."""

    def advance(self, stage: str, done: int, total: int) -> None:
        """``done`` of ``total`` files through ``stage`` (parsing only, for now)."""

    def finish(self, stage: str, seconds: float, made: Sizes) -> None:
        """``stage`` ended after ``seconds`` and made ``made``."""


Sizes = Sequence[tuple[int, str]]


class _Silent:
    def start(self, stage: str, of: Sizes) -> None:
        pass

    def advance(self, stage: str, done: int, total: int) -> None:
        pass

    def finish(self, stage: str, seconds: float, made: Sizes) -> None:
        pass


@dataclass(slots=True)
class _Stages:
    """Times the stages into ``seconds`` (their names are the keys) and tells the reporter."""

    reporter: Reporter
    seconds: dict[str, float] = field(default_factory=dict)
    _stage: str = ""
    _started: float = 0.0

    def start(self, stage: str, of: Sizes = ()) -> None:
        self._stage, self._started = stage, time.perf_counter()
        self.reporter.start(stage, of)

    def finish(self, made: Sizes = ()) -> None:
        self.seconds[self._stage] = time.perf_counter() - self._started
        self.reporter.finish(self._stage, self.seconds[self._stage], made)


def _stages(reporter: Reporter | None) -> _Stages:
    return _Stages(reporter if reporter is not None else _Silent())

# ``analyzer.contracts.FORMATS``, for the command line's choices without importing the contracts
# (tests/test_lazy_imports.py holds the two equal).
CONTRACT_FORMATS = ("yaml", "json")


@dataclass(frozen=True, slots=True)
class RunStats:
    """How the run went: for the terminal, never for the (deterministic) outputs."""

    seconds: dict[str, float]
    cached: int
    parsed: int
    crashed: int


@dataclass(frozen=True, slots=True)
class Analysis:
    settings: Settings
    discovery: Discovery
    code: CodeModel
    data: DataModel
    graph: CouplingGraph
    entry_points: tuple[EntryPoint, ...]
    decomposition: Decomposition
    partition: Partition  # the decomposition's contexts, as the rules and contracts see them
    project: Project  # the models as the rules read them (who uses what, computed once)
    reference: Scored | None
    findings: Findings
    contracts: Contracts
    stats: RunStats
    runtime: Runtime | None = None  # what --traces read, None without traces


@dataclass(frozen=True, slots=True)
class Models:
    """The code and data models of a project: what every command starts from."""

    discovery: Discovery
    codebase: Codebase  # the files' facts, resolved (the per-file facts end with resolve)
    data: DataModel
    seconds: dict[str, float]
    cached: int  # files whose facts came from the cache
    parsed: int
    crashed: int

    @property
    def code(self) -> CodeModel:
        return self.codebase.code


@contextmanager
def _few_collections() -> Iterator[None]:
    """The models are hundreds of thousands of small objects that live until the run ends:
    CPython's cycle collector, run every 700 allocations by default, walks them again and
    again (0.3 s of a 1.25 s warm check on nova). While they are built, collect every
    200,000 allocations instead, as mypy does (for a caller of this module; a command of the
    command line runs with the collector off: its passes over nova's models cost 0.35 s of a
    warm analyze (0.58 s cold) and found 5 objects of garbage (45 cold))."""
    before = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@_few_collections()
def models(settings: Settings, reporter: Reporter | None = None) -> Models:
    stages = _stages(reporter)
    stages.start("discover")
    found = discover(settings.root, settings.exclude, settings.source_roots)
    if not found.files:
        raise UsageError(nothing_to_read(settings, found))
    stages.finish(((len(found.files), "module"),))

    stages.start("parse", ((len(found.files), "file"),))
    cache = FactCache(settings.cache_dir)
    try:
        options = ExtractOptions(settings.generated_marker, settings.include_generated,
                                 settings.max_file_bytes, vocabulary(settings.packs))
        extraction = extract_files(
            found.files, settings.root, options, settings.jobs, cache,
            lambda done, total: stages.reporter.advance("parse", done, total))
    finally:
        cache.close()
    stages.finish(((extraction.parsed, "parsed file"), (extraction.cached, "cached file")))

    notes: list[Diagnostic] = list(found.diagnostics)
    notes.extend(cache.problems)
    for path, reason in sorted(extraction.unreadable.items()):
        notes.append(Diagnostic(path, 0, "unreadable-file", f"cannot read file: {reason}",
                                Severity.ERROR))

    stages.start("resolve")
    codebase = resolve_codebase(found.files, extraction.facts, notes)
    code = codebase.code
    stages.finish(((sum(len(m.imports) for m in code.modules), "import"),
                   (sum(len(m.references) for m in code.modules), "reference")))

    stages.start("data")
    data = build_data(codebase, settings.packs)
    stages.finish(((len(data.tables), "table"), (len(data.accesses), "access")))
    return Models(found, codebase, data, stages.seconds, extraction.cached, extraction.parsed,
                  extraction.crashed)


def nothing_to_read(settings: Settings, found: Discovery) -> str:
    """Why a run found no module: where it looked, and what the exclude patterns hid."""
    where = f"no Python modules under {printable_path(str(settings.root))} (looked for *.py files"
    hidden = excluded_python(settings.root, settings.exclude)
    if hidden:
        patterns = ", ".join(f"{p} ({n})" for p, n in sorted(hidden.items()))
        where += (f": {count(sum(hidden.values()), 'file')} excluded by the exclude patterns "
                  f"{patterns}; --no-default-excludes or `exclude` in [tool.seamline] "
                  "reads them")
    elif found.diagnostics:
        where += (f": {count(len(found.diagnostics), 'file or folder', 'files or folders')} "
                  "skipped: " + "; ".join(d.render() for d in found.diagnostics[:3]))
    else:
        where += ": none there"
    return where + ")"


def analyze(settings: Settings, reporter: Reporter | None = None) -> Analysis:
    # An analysis makes few reference cycles (35,000 objects on nova with its tests) but
    # millions of objects: the collector's passes over them cost 1.65 s of a warm run at
    # 90be0fe, even every 200,000 allocations. The whole run goes without it; the cycles it
    # leaves are collected when it is back on (the command ends its process before that).
    with collector_off():
        return _analyze(settings, models(settings, reporter), reporter)


def _analyze(settings: Settings, built_models: Models, reporter: Reporter | None) -> Analysis:
    from analyzer.cluster import decompose
    from analyzer.contracts import contracts_for, project_name

    found = built_models.discovery
    codebase, data = built_models.codebase, built_models.data
    code = codebase.code
    stages = _stages(reporter)
    stages.seconds = seconds = built_models.seconds

    # the vocabulary's vectors and the Leiden runs an earlier run made on the same input
    memo = FactCache(settings.cache_dir)
    try:
        stages.start("graph", ((len(code.modules), "module"),))
        built = build_graph(settings.project, codebase, data, settings.root,
                            HistoryOptions(settings.history_since, settings.history_commits),
                            memo=memo if memo.enabled else None)
        stages.finish(((len(built.graph.nodes), "node"), (len(built.graph.edges), "edge")))
        graph, runtime = built.graph, None
        if settings.traces:
            graph, runtime = _with_traces(settings.traces, settings.root, built, code, data,
                                          stages, settings.packs)

        stages.start("cluster", ((len(graph.nodes), "node"), (len(graph.edges), "edge")))
        decomposition = decompose(graph, replace(settings.clustering,
                                                 memo=memo if memo.enabled else None))
    finally:
        memo.close()
    reference = _reference(settings.reference, graph, decomposition)
    stages.finish(((len(decomposition.contexts), "context"),))

    stages.start("findings")
    partition = Partition.proposed(decomposition, built.element_of)
    project = Project(code, data, built.element_of, graph=graph)
    findings = find(project, partition, settings.rules, codebase.suppressions)
    stages.finish(((len(findings.findings), "finding"),))
    owners = {o.table: o.owner for o in findings.ownership if o.owner is not None}
    # the contexts list the tables they own, as the findings and the contracts have them
    decomposition = decomposition.owning(owners)

    stages.start("contracts")
    contracts = contracts_for(settings.project, codebase, data, partition.domain_of,
                              list(partition.domains), owners, project_name(settings.root))
    stages.finish(((sum(c.operations for c in contracts.contexts), "operation"),))
    return Analysis(
        settings=settings, discovery=found, code=code, data=data, graph=graph,
        entry_points=built.entry_points, decomposition=decomposition, partition=partition,
        project=project, reference=reference, findings=findings, contracts=contracts,
        stats=RunStats(seconds=seconds, cached=built_models.cached, parsed=built_models.parsed,
                       crashed=built_models.crashed),
        runtime=runtime,
    )


def _source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _with_traces(paths: Sequence[Path], root: Path, built: BuiltGraph, code: CodeModel,
                 data: DataModel, stages: _Stages, packs: Sequence[Pack]
                 ) -> tuple[CouplingGraph, Runtime]:
    """The ``runtime`` signal: the trace exports read, mapped to this code, joined to the
    graph."""
    from analyzer.traces import read_traces, with_runtime
    from analyzer.traces.mapping import Mapper

    stages.start("traces", ((len(paths), "trace file"),))
    atoms = {n.id for n in built.graph.nodes if n.is_element}
    mapper = Mapper(code, built.entry_points, built.element_of, atoms,
                    (t.name for t in data.tables), lambda path: _source(root / path),
                    bookkeeping(packs))
    runtime = read_traces(paths, mapper, mapper.bookkeeping)
    graph = with_runtime(built.graph, runtime)
    stages.finish(((runtime.totals.spans, "span"),
                   (sum(1 for e in graph.edges if e.signal == "runtime"), "runtime edge")))
    return graph, runtime


def _reference(reference: str | None, graph: CouplingGraph,
               decomposition: Decomposition) -> Scored | None:
    if reference is None:
        return None
    from analyzer.cluster.reference import load_reference, packages_reference, score_against

    mapping = packages_reference(graph) if reference == "packages" else load_reference(
        Path(reference))
    return score_against(mapping, graph, decomposition)


def cluster_graph(path: Path, options: ClusterOptions,
                  reference: str | None = None) -> tuple[CouplingGraph, Decomposition,
                                                         Scored | None]:
    """``seamline cluster``: read a graph file (ours or made elsewhere) and cut it."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read graph {path}: {error.strerror}") from None
    from analyzer.cluster import decompose

    graph = loads_graph(text, str(path))
    decomposition = decompose(graph, options)
    return graph, decomposition, _reference(reference, graph, decomposition)


def diagnostics(analysis: Analysis) -> list[Diagnostic]:
    """Every diagnostic of the run (code model, data access, suppression comments, trace
    files), in order."""
    traced = analysis.runtime.diagnostics if analysis.runtime is not None else ()
    return sorted(set(all_diagnostics(analysis.code, analysis.data))
                  | set(analysis.findings.diagnostics) | set(traced))


def summarize(analysis: Analysis) -> dict[str, int]:
    """The counts shown at the end of a run (the same as in ``analysis.json``)."""
    notes = diagnostics(analysis)
    return summary(analysis.code, analysis.data) | {
        "errors": sum(d.severity is Severity.ERROR for d in notes),
        "warnings": sum(d.severity is Severity.WARNING for d in notes)}


CONTRACTS_FOLDER = "contracts"


@dataclass(frozen=True, slots=True)
class Written:
    files: list[Path]  # analysis.json, graph.json, then the report's pages
    notes: tuple[str, ...]  # what the terminal should say about them (no graphviz...)
    contracts: tuple[Path, ...] = ()  # the proposed API documents

    @property
    def report(self) -> Path:
        return next(p for p in self.files if p.name == "index.html")


def prepare_report(jobs: int) -> None:
    """With two jobs or more, a forked process compiles the report's templates while the run
    goes on, for ``write_analysis`` to take (the result is the same without)."""
    if jobs >= 2:
        from analyzer.render.html import compile_ahead  # jinja2

        compile_ahead()


@collector_off()
def write_analysis(analysis: Analysis, out_dir: Path,
                   reporter: Reporter | None = None) -> Written:
    """Write ``analysis.json``, ``graph.json``, the report's pages and the proposed contracts
    (``contracts/``) into ``out_dir``, as one unit: the previous run's files are replaced all
    together or not at all, and those this run does not write again are removed.

    With two jobs or more, one forked worker makes and writes ``analysis.json`` and the
    contracts while this process makes the report and ``graph.json`` (on nova with its tests
    0.31 and 0.05 s of CPU there, 0.4 and 0.2 s here, and the worker's first touches of the
    pages it shares cost it 0.3 s more; one module of 100,000 definitions about 0.9 and
    0.75 s there, 0.6 s here); each file is written by a thread while the next is made. One
    worker, not more: each forked process counts this one's pages again in the tree's
    resident memory (nova with its tests: 1,167 MiB with two workers, over the 1 GiB the
    tree may take). The bytes are the same whatever the number of jobs."""
    stages = _stages(reporter)
    stages.start("write")
    project = analysis.settings.project
    contexts = contexts_document(analysis.decomposition, analysis.graph,
                                 analysis.entry_points, analysis.reference)
    findings = findings_document(analysis.findings, analysis.settings.rules)
    protocols = ("openapi", *analysis.settings.protocols)
    contracts = contracts_document(analysis.contracts, CONTRACTS_FOLDER, protocols)
    notes = diagnostics(analysis)
    from analyzer.render.html import render_report  # jinja2

    with staged(out_dir, "analyze") as staging:  # analyze writes OUT only
        folder = staging.folder
        made = [partial(_make, folder, "analysis.json", partial(
                    analysis_json, project, analysis.discovery.source_roots, analysis.code,
                    analysis.data, contexts, findings, notes, contracts)),
                partial(_write_contracts, folder, analysis, protocols)]
        with _beside(made, analysis.settings.jobs) as wait:
            memo = FactCache(analysis.settings.cache_dir)  # drawings of an earlier run
            try:
                report = render_report(project, analysis.code, analysis.data, contexts,
                                       findings, analysis.findings.dependencies, notes,
                                       contracts, memo if memo.enabled else None)
            finally:
                memo.close()
            for name, html in report.pages:
                staging.add(name, html.encode("utf-8"))
            staging.add("graph.json", dumps_graph(analysis.graph))
            written = [name for names in wait() for name in names]
        staging.adopt(written)
        staging.commit()
    files = [written[0], "graph.json", *(name for name, _ in report.pages)]
    lock = f"{CONTRACTS_FOLDER}/{proto_lock(analysis.settings).name}"
    stages.finish(((len(staging.names), "file"),))
    return Written([out_dir / name for name in files], report.notes,
                   tuple(out_dir / name for name in written[1:] if name != lock))


def _make(folder: Path, name: str, content: Callable[[], bytes]) -> list[str]:
    write_staged(folder, name, content())
    return [name]


def _write_contracts(folder: Path, analysis: Analysis, protocols: Sequence[str]) -> list[str]:
    """Write the proposed contracts into the staging ``folder``, and the proto field lock's
    numbers with gRPC; returns their names."""
    lock = proto_lock(analysis.settings)
    numbers = _field_numbers(lock, protocols)  # the project's lock is read, never written:
    documents = _contract_files(analysis.contracts, "yaml", CONTRACTS_FOLDER, protocols, numbers)
    if numbers is not None:  # the numbers this run used, beside its documents
        documents[f"{CONTRACTS_FOLDER}/{lock.name}"] = numbers.dumps()
    for name, content in documents.items():
        write_staged(folder, name, content)
    return list(documents)


_ADOPTED: list[Callable[[], list[str]]] = []  # in a worker forked by _beside: the jobs


def _adopt(jobs: Sequence[Callable[[], list[str]]]) -> None:
    _ADOPTED[:] = jobs


def _run_adopted(index: int) -> list[str]:
    return _ADOPTED[index]()


@contextmanager
def _beside(jobs: Sequence[Callable[[], list[str]]], processes: int
            ) -> Iterator[Callable[[], list[list[str]]]]:
    """Start ``jobs`` in one forked worker when ``processes`` allows two (this one is the
    other; the worker inherits the jobs: nothing is pickled) while the block runs; the block
    calls what this yields to wait for them and get what each returned (the names of the
    files it wrote). With one process, where nothing can be forked (the platform, or the
    fork failing: no memory), for a worker that dies as it starts, or for the jobs of a
    worker that died (killed, out of memory; once it has stopped), the jobs run here."""
    from analyzer.workers import can_fork, worker_pool  # multiprocessing: not for check

    here = lambda: [job() for job in jobs]  # noqa: E731
    if processes < 2 or not can_fork():
        yield here
        return
    from concurrent.futures.process import BrokenProcessPool

    with ExitStack() as started:
        try:  # the pool is started apart from the block: only its own failures fall back
            pool = started.enter_context(worker_pool(1, _adopt, (tuple(jobs),)))
        except (BrokenProcessPool, OSError):
            pool = None
        if pool is None:
            yield here
            return
        futures = [pool.submit(_run_adopted, index) for index in range(len(jobs))]

        def wait() -> list[list[str]]:
            done: list[list[str] | None] = []
            for future in futures:
                try:
                    done.append(future.result())
                except BrokenProcessPool:
                    done.append(None)
            if None in done:
                pool.shutdown(wait=True)  # no worker may still be writing a lost job's file
            return [job() if names is None else names for job, names in zip(jobs, done,
                                                                            strict=True)]

        yield wait


def write_contexts(graph: CouplingGraph, decomposition: Decomposition,
                   reference: Scored | None, out_dir: Path) -> Path:
    """``seamline cluster``'s output: the contexts section alone, as ``contexts.json``."""
    document = dumps({"project": graph.project,
                      "contexts": contexts_document(decomposition, graph, (), reference)})
    return write_unit(out_dir, "cluster", {"contexts.json": document})[0]


# --------------------------------------------------------------------------- init and check


def init(settings: Settings, path: Path, reporter: Reporter | None = None) -> Agreed:
    """``seamline init``: analyse, turn the proposal into an agreed decomposition, write it."""
    analysis = analyze(settings, reporter)
    stages = _stages(reporter)
    stages.start("write")
    agreed = propose_agreed(analysis.project, analysis.decomposition,
                            analysis.findings.ownership)
    write_atomic(path, dump_agreed(agreed, settings.project).encode("utf-8"))
    stages.finish(((len(agreed.contexts), "context"),))
    return agreed


@dataclass(frozen=True, slots=True)
class CheckRun:
    agreed: Agreed
    drift: Drift
    outcome: Outcome
    unread: tuple[Diagnostic, ...]  # files that could not be read: their drift is unknown
    seconds: dict[str, float]


@_few_collections()
def check(settings: Settings, decomposition: Path, baseline: Path,
          update_baseline: bool = False, reporter: Reporter | None = None, *,
          baseline_named: bool = False, force: bool = False) -> CheckRun:
    """``seamline check``: the code against the agreed decomposition, and the baseline (which
    must exist when the user ``baseline_named`` it, and belong to this decomposition unless
    ``force``)."""
    agreed = load_agreed(decomposition)
    recorded = None if update_baseline else load_baseline(baseline, required=baseline_named)
    warnings = vouch(recorded, agreed, baseline, force)
    built = models(settings, reporter)
    stages = _stages(reporter)
    stages.seconds = built.seconds
    stages.start("check")
    found, _ = _drift(settings, agreed, built, decomposition, recorded)
    unread = tuple(d for d in built.code.diagnostics if d.severity is Severity.ERROR)
    if update_baseline:
        if unread:
            raise UsageError(f"{count(len(unread), 'file')} could not be read, so their violations "
                             f"are unknown (first: {unread[0].render()}); fix them before "
                             "recording a baseline")
        write_atomic(baseline, dump_baseline(found, agreed))
        recorded = load_baseline(baseline)
    outcome = compare(found, recorded, warnings)
    stages.finish(((len(outcome.new), "new violation"),))
    return CheckRun(agreed, found, outcome, unread, stages.seconds)


def _all_patterns_match(agreed: Agreed, code: CodeModel, decomposition: Path) -> None:
    """A pattern of the agreed decomposition that matches nothing is a mistake: say so."""
    elements = [f"{m.name}:{d.name}" for m in code.modules for d in m.definitions]
    problems = unmatched_patterns(agreed, [m.name for m in code.modules], elements)
    if problems:
        raise ConfigError("; ".join(problems), source=str(decomposition))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _agreed_partition(settings: Settings, agreed: Agreed, built: Models, decomposition: Path
                      ) -> Partition:
    """The agreed contexts over this code, once every pattern is known to match some of it."""
    _all_patterns_match(agreed, built.code, decomposition)
    return Partition.agreed_on(agreed, element_resolver(built.code, built.data),
                               _relative(decomposition, settings.root))


def _drift(settings: Settings, agreed: Agreed, built: Models, decomposition: Path,
           recorded: Baseline | None) -> tuple[Drift, Project]:
    """The violations of the code against the agreed decomposition (the coupling against the
    ``recorded`` baseline's among them), silenced ones left out."""
    partition = _agreed_partition(settings, agreed, built, decomposition)
    project = Project(built.code, built.data, partition.element_of,
                      baseline_coupling=recorded.coupling if recorded is not None else None)
    found = drift(project, partition, settings.rules)
    silenced, _ = silencers(built.codebase.suppressions)
    return replace(found, violations=tuple(silence(found.violations, silenced))), project


def export_agreed(settings: Settings, decomposition: Path, target: str,
                  baseline: Path | None = None, *, force: bool = False,
                  strict: bool = False) -> str:
    """``seamline export``: the agreed decomposition as import-linter contracts or tach.toml,
    the imports ``check`` accepts today (the baseline's known violations among them) excused,
    so that the tool passes on this code exactly when ``check`` (``--strict``) passes on its
    imports. ``baseline``: the named one, which must exist; by default the project's, if any."""
    agreed = load_agreed(decomposition)
    path = baseline or settings.root / BASELINE_FILE
    recorded = load_baseline(path, required=baseline is not None)
    warnings = vouch(recorded, agreed, path, force)
    built = models(settings)
    found, project = _drift(settings, agreed, built, decomposition, recorded)
    outcome = compare(found, recorded, warnings)
    failing_levels = ("error", "warning") if strict else ("error",)
    given = Exported(
        modules=[m.name for m in built.code.modules],
        packages=[m.name for m in built.code.modules if m.is_package],
        project=settings.project,
        edges=list(project.imports(IMPORT_KINDS)),
        failing=_use_pairs(outcome.new, failing_levels),
        known=_use_pairs(outcome.known, ("error", "warning", "info")),
        exclude=settings.exclude)
    return export(agreed, target, given)


def _use_pairs(findings: tuple[Finding, ...], levels: tuple[str, ...]) -> set[tuple[str, str]]:
    """(user, used) of the SL401 and SL402 violations at these levels."""
    return {(a, b) for f in findings if f.code in ("SL401", "SL402") and f.severity in levels
            for a, _, b in [f.subject.partition("->")]}


# --------------------------------------------------------------------------- contracts


def contracts(settings: Settings, decomposition: Path | None = None,
              reporter: Reporter | None = None) -> Contracts:
    """``seamline contracts``: the proposed API of each context, for the contexts seamline
    proposes or, with ``decomposition``, for the agreed ones (its tables' owners decide which
    writes become events)."""
    if decomposition is None:
        return analyze(settings, reporter).contracts
    agreed = load_agreed(decomposition)
    built = models(settings, reporter)
    stages = _stages(reporter)
    stages.start("contracts")
    partition = _agreed_partition(settings, agreed, built, decomposition)

    from analyzer.contracts import contracts_for, project_name

    found = contracts_for(settings.project, built.codebase, built.data, partition.domain_of,
                          list(partition.domains), agreed.owner_of(), project_name(settings.root))
    stages.finish(((sum(c.operations for c in found.contexts), "operation"),))
    return found


def _contract_files(found: Contracts, form: str, folder: str = "",
                    protocols: Sequence[str] = ("openapi",),
                    numbers: FieldNumbers | None = None) -> dict[str, bytes]:
    return {f"{folder}/{name}" if folder else name: content
            for name, content in found.files(form, protocols, numbers)}


def proto_lock(settings: Settings, decomposition: Path | None = None) -> Path:
    """Where the proto field numbers are kept: beside the agreed decomposition, else in the
    project's root (where ``seamline init`` puts the decomposition)."""
    from analyzer.contracts.fieldlock import DEFAULT_FILE as LOCK_FILE

    return (decomposition.parent if decomposition is not None else settings.root) / LOCK_FILE


def _field_numbers(lock: Path, protocols: Sequence[str]) -> FieldNumbers | None:
    if "grpc" not in protocols:
        return None
    from analyzer.contracts.fieldlock import FieldNumbers

    return FieldNumbers.load(lock)


def _keep_field_numbers(lock: Path, numbers: FieldNumbers | None) -> None:
    """Write the lock when the run gave a field a number it did not have."""
    if numbers is not None and numbers.changed:
        try:
            write_atomic(lock, numbers.dumps())
        except OSError as error:
            raise UsageError(f"cannot write the proto field lock {lock}: "
                             f"{error.strerror}") from None


def write_contracts(found: Contracts, out_dir: Path, form: str = "yaml",
                    reporter: Reporter | None = None, protocols: Sequence[str] = ("openapi",),
                    lock: Path | None = None) -> list[Path]:
    """``seamline contracts``'s output: each context's documents in ``protocols``, as one unit
    in ``out_dir`` (the previous run's documents that are not written again are removed);
    with ``grpc``, the field numbers kept in ``lock`` (and the new ones added to it)."""
    stages = _stages(reporter)
    stages.start("write")
    numbers = _field_numbers(lock, protocols) if lock is not None else None
    documents = _contract_files(found, form, "", protocols, numbers)
    if lock is not None:
        _keep_field_numbers(lock, numbers)  # first: no document has a number the lock lacks
    written = write_unit(out_dir, "contracts", documents)
    stages.finish(((len(written), "file"),))
    return written
