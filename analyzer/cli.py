"""The ``seamline`` command: options in, one api call, an exit code out.

Exit codes: 0 clean, 1 findings or drift (later commands), 2 usage or configuration error,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM). Every ``SeamlineError`` becomes one message
on stderr and exit code 2, here and nowhere else; an interruption becomes one line too.
"""

from __future__ import annotations

import enum
import gc
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

import click

from analyzer import __version__, api
from analyzer.api import CONTRACT_FORMATS
from analyzer.catalogue import SEVERITIES, catalogue, rule
from analyzer.collector import collector_off
from analyzer.config import PROTOCOLS, Overrides, load_cluster_settings, load_settings
from analyzer.coupling import SIGNALS
from analyzer.decomposition import DEFAULT_FILE as DECOMPOSITION_FILE
from analyzer.drift.baseline import DEFAULT_FILE as BASELINE_FILE
from analyzer.drift.export import TARGETS as EXPORT_TARGETS
from analyzer.errors import SeamlineError, UsageError
from analyzer.model import Severity
from analyzer.render.atomic import write_atomic
from analyzer.render.ci import FORMATS
from analyzer.render.ci import render as render_check
from analyzer.text import count, printable, printable_path

if TYPE_CHECKING:  # clustering is imported only by the commands that cluster
    from analyzer.cluster import Decomposition
    from analyzer.cluster.reference import Scored
    from analyzer.findings import Findings

_SHOWN_DIAGNOSTICS = 20
_OUT_NOTE = " What seamline wrote there last time is replaced; other files are kept."


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERRUPTED = 128 + signal.SIGINT
    TERMINATED = 128 + signal.SIGTERM


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that it unwinds like Ctrl-C: the workers are
    stopped and what was parsed stays cached."""


_MAIN_PID = os.getpid()
# The signals received, as the exceptions they raised. Python drops an exception raised in
# fork's bookkeeping (an at-fork callback prints "Exception ignored" and goes on), so a signal
# that lands while a pool forks its workers would be lost: the next stage raises it again.
_SIGNALLED: list[type[BaseException]] = []


def _terminate(signum: int, frame: FrameType | None) -> None:
    if os.getpid() != _MAIN_PID:
        # a worker forked a moment ago still carries this handler until its initializer
        # resets it: it ends at once, quietly, instead of raising inside fork's bookkeeping
        os._exit(ExitCode.TERMINATED)
    _SIGNALLED.append(_Terminated)
    raise _Terminated


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C: KeyboardInterrupt, as Python's own handler raises it, with the same care for
    a worker caught between its fork and its initializer (a terminal sends Ctrl-C to the
    whole process group)."""
    if os.getpid() != _MAIN_PID:
        os._exit(ExitCode.INTERRUPTED)
    _SIGNALLED.append(KeyboardInterrupt)
    raise KeyboardInterrupt


def _echo(message: str, err: bool = False, nl: bool = True) -> None:
    """Every line the commands write to a terminal or a log: names from the analysed project
    (files, tables, contexts) may hold control characters, shown, never acted on."""
    click.echo(printable(message), err=err, nl=nl)


def _still_running() -> None:
    """Raise again a signal whose exception was dropped (see ``_SIGNALLED``)."""
    if _SIGNALLED:
        raise _SIGNALLED[0]()


def _fail(error: SeamlineError) -> NoReturn:
    _echo(f"seamline: error: {error}", err=True)
    sys.exit(ExitCode.USAGE)


class _Stages:
    """How the run goes, on stderr (stdout stays the same for the same input), as
    ``api.Reporter`` is told it. On a terminal: one line, rewritten as each stage starts (a bar
    while files are parsed), erased at the end. Elsewhere (a CI log): one line per finished
    stage, ``[12:01:33] seamline: cluster: 12 contexts (1.9 s)``. Nothing when ``quiet``;
    ``terminal_only`` for a command whose stderr a CI log should not fill (check)."""

    def __init__(self, quiet: bool = False, terminal_only: bool = False) -> None:
        self.started = time.perf_counter()
        terminal = sys.stderr.isatty()
        self.live = not quiet and terminal
        self.log = not quiet and not terminal and not terminal_only
        self.shown = False

    def start(self, stage: str, of: api.Sizes) -> None:
        _still_running()
        if self.live:
            self._show(f"{stage}: {_sizes(of)}..." if of else f"{stage}...")

    def advance(self, stage: str, done: int, total: int) -> None:
        _still_running()
        if self.live and total:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            self._show(f"{stage} [{bar}] {done:,}/{count(total, 'file')}")

    def finish(self, stage: str, seconds: float, made: api.Sizes) -> None:
        _still_running()
        if self.log:
            _echo(f"[{time.strftime('%H:%M:%S')}] seamline: {stage}: "
                       f"{_sizes(made) or 'done'} ({seconds:.1f} s)", err=True)

    @property
    def seconds(self) -> float:
        """The wall time of the command so far."""
        return time.perf_counter() - self.started

    def done(self, what: str) -> None:
        """The last line: the command's whole wall time, and ``what`` it went through."""
        self.close()
        if self.live or self.log:
            stamp = f"[{time.strftime('%H:%M:%S')}] " if self.log else ""
            _echo(f"{stamp}seamline: done in {self.seconds:.1f} s: {what}", err=True)

    def _show(self, line: str) -> None:
        width = shutil.get_terminal_size().columns - 1
        click.echo("\r" + printable(line)[:width].ljust(width), err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            width = shutil.get_terminal_size().columns - 1
            click.echo("\r" + " " * width + "\r", err=True, nl=False)
            self.shown = False


def _sizes(sizes: api.Sizes) -> str:
    return ", ".join(count(number, noun) for number, noun in sizes)


@contextmanager
def _failing(writing: str, progress: _Stages | None = None) -> Iterator[None]:
    """One place that turns a ``SeamlineError``, or an ``OSError`` while writing
    ``writing``, into one message and exit code 2 (closing the progress line first)."""
    try:
        yield
    except (KeyboardInterrupt, _Terminated):
        if progress is not None:
            progress.close()
        raise
    except SeamlineError as error:
        if progress is not None:
            progress.close()
        _fail(error)
    except OSError as error:
        if progress is not None:
            progress.close()
        _fail(SeamlineError(f"cannot write {writing}: {error}"))
    if progress is not None:
        progress.close()


def _collection() -> AbstractContextManager[None]:
    """No cycle collection while a command runs. A command makes hundreds of thousands of
    objects that live until it ends, and next to no cycles: the collector, run every 700 new
    objects, would walk them again and again (``seamline cluster`` of nova with its tests,
    whose 65,000 edges are read into objects: 2.11 -> 1.71 s, medians of five run for run; a
    warm ``init`` of nova 1.57 -> 1.49 s; a warm ``analyze`` of nova: 0.35 s, and 5 objects of
    garbage found). When the process ends with the command it stays off: turned back on, its
    first pass would walk every object the run made (0.1 s of a warm analyze of nova) for the
    process's end to free them anyway. A caller in the same process gets it back as it was.
    The process pool's workers collect their own garbage (``workers.worker_pool``)."""
    if _Process.ends_with_the_command:
        gc.disable()
        return nullcontext()
    return collector_off()


class _Commands(click.Group):
    """The command group: an interruption ends any command with one line, never a traceback
    or click's "Aborted!"."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _collection():
                result = super().invoke(ctx)
            _still_running()
            return result
        except KeyboardInterrupt:
            _stop("interrupted", ExitCode.INTERRUPTED)
        except _Terminated:
            _stop("terminated", ExitCode.TERMINATED)


def _stop(what: str, code: ExitCode) -> NoReturn:
    newline = "\n" if sys.stderr.isatty() else ""  # past the terminal's "^C"
    _echo(f"{newline}seamline: {what}", err=True)
    sys.exit(code)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="seamline")
def cli() -> None:
    """Find the seams in a Python monolith and propose how to cut it into services."""


def _signal(value: str) -> tuple[str, float]:
    name, equals, weight = value.partition("=")
    try:
        number = float(weight)
    except ValueError:
        number = -1.0
    if not equals or number < 0:
        raise click.BadParameter(f"{value!r} is not NAME=WEIGHT with a weight >= 0")
    return name.strip(), number


def _cluster_options(function: Any) -> Any:
    """The options ``analyze`` and ``cluster`` share: how to cut."""
    options = [
        click.option("--granularity", type=click.Choice(["atom", "module"]),
                     help="Cluster top-level definitions (atom, the default) or whole modules."),
        click.option("--contexts", type=click.IntRange(min=1), metavar="N",
                     help="Propose exactly N contexts (default: chosen automatically)."),
        click.option("--resolution", type=click.FloatRange(min=0.01), metavar="R",
                     help="Leiden resolution: above 1 cuts finer, below 1 coarser "
                          "(default: 1, modularity's own)."),
        click.option("--signal", "signals", multiple=True, metavar="NAME=WEIGHT",
                     help=f"Weigh a signal ({', '.join(SIGNALS)}); 0 switches it off. "
                          "Repeatable."),
        click.option("--structure-blind", is_flag=True,
                     help="Ignore the package layout (to see what the code alone says)."),
        click.option("--no-kernel", is_flag=True,
                     help="Do not set generic utilities apart in a shared kernel."),
        click.option("--reference", metavar="FILE|packages",
                     help="Score the cut against a mapping file or the current package "
                          "layout: MoJoFM, ARI, AMI."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


_QUIET = click.option("-q", "--quiet", is_flag=True,
                      help="Print only errors: no progress, no summary.")


def _parse_signals(values: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    try:
        return tuple(_signal(v) for v in values)
    except click.BadParameter as error:
        _fail(UsageError(f"--signal: {error.message}"))


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path())
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("seamline-out"), show_default=True,
              help="Folder for analysis.json (created if missing)."
                   + _OUT_NOTE)
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: PATH/seamline.toml, else [tool.seamline] in "
                   "PATH/pyproject.toml).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Also skip paths matching GLOB (repeatable; a name, or a path with '/').")
@click.option("--no-default-excludes", is_flag=True,
              help="Read tests, migrations, build output and the like too.")
@click.option("--include-generated/--skip-generated", default=None,
              help="Read files marked @generated (skipped by default).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where per-file facts are cached (default: $SEAMLINE_CACHE_DIR or "
                   "~/.cache/seamline).")
@click.option("--no-cache", is_flag=True, help="Parse every file afresh and store nothing.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes for "
              "parsing and for the clustering's Leiden runs; with 2 or more, one worker writes "
              "analysis.json and the contracts beside the report (default: the number of CPUs; "
              "the result is the same whatever the number).")
@click.option("--since", metavar="DATE",
              help="Git co-change: only commits since DATE (e.g. '2 years ago').")
@click.option("--max-commits", type=click.IntRange(min=0), metavar="N",
              help="Git co-change: read at most N commits (0 switches it off; default 1000).")
@click.option("--traces", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
              help="Runtime traces for the runtime signal: an OTLP JSON, Jaeger or Zipkin "
                   "export, or a folder of them, subfolders too (repeatable, each file read "
                   "once; replaces `traces` in the config).")
@_cluster_options
@_QUIET
def analyze(path: Path, out_dir: Path, config_file: Path | None, exclude: tuple[str, ...],
            no_default_excludes: bool, include_generated: bool | None, cache_dir: Path | None,
            no_cache: bool, jobs: int | None, since: str | None, max_commits: int | None,
            traces: tuple[Path, ...], granularity: str | None, contexts: int | None,
            resolution: float | None, signals: tuple[str, ...], structure_blind: bool,
            no_kernel: bool, reference: str | None, quiet: bool) -> None:
    """Analyse the Python project at PATH: code model, table access, coupling graph and the
    proposed bounded contexts. Writes OUT/analysis.json, OUT/graph.json and OUT/index.html.

    \b
    Examples:
      seamline analyze samples/tradepost --out seamline-out
      seamline analyze . --contexts 6 --reference packages
      seamline analyze . --granularity module --signal vocabulary=0
      seamline analyze . --traces otel-export.json --traces jaeger-traces.json
    """
    overrides = Overrides(
        config_file=config_file, extend_exclude=exclude, no_default_excludes=no_default_excludes,
        include_generated=include_generated, cache_dir=cache_dir, no_cache=no_cache, jobs=jobs,
        granularity=granularity, contexts=contexts, resolution=resolution,
        signals=_parse_signals(signals), structure_blind=structure_blind,
        kernel=False if no_kernel else None, reference=reference, since=since,
        max_commits=max_commits, traces=traces,
    )
    stages = _Stages(quiet)
    with _failing("output", stages):
        settings = load_settings(path, overrides)
        api.prepare_report(settings.jobs)
        analysis = api.analyze(settings, stages)
        written = api.write_analysis(analysis, out_dir, stages)
    _report(analysis, written, quiet)
    stats = analysis.stats
    stages.done(f"{count(stats.parsed, 'parsed file')}, {count(stats.cached, 'cached file')}")


def _report(analysis: api.Analysis, written: api.Written, quiet: bool) -> None:
    counts = api.summarize(analysis)
    diagnostics = [d for d in api.diagnostics(analysis) if d.severity is not Severity.INFO]
    for diagnostic in diagnostics[:_SHOWN_DIAGNOSTICS]:
        _echo(diagnostic.render(), err=True)
    if len(diagnostics) > _SHOWN_DIAGNOSTICS:
        _echo(f"... and {count(len(diagnostics) - _SHOWN_DIAGNOSTICS, 'more diagnostic')} "
                   f"in {written.files[0]}", err=True)
    for note in written.notes:
        _echo(f"seamline: {note}", err=True)
    if quiet:
        return
    rows = [
        ("modules", f"{counts['modules']:,}", "lines", f"{counts['lines']:,}"),
        ("parsed", f"{counts['parsed']:,}", "skipped", f"{counts['skipped']:,}"),
        ("imports", f"{counts['imports']:,}", "internal", f"{counts['internal_imports']:,}"),
        ("definitions", f"{counts['definitions']:,}", "methods", f"{counts['methods']:,}"),
        ("tables", f"{counts['tables']:,}", "accesses", f"{counts['accesses']:,}"),
        ("references", f"{counts['references']:,}", "diagnostics",
         f"{count(counts['errors'], 'error')}, {count(counts['warnings'], 'warning')}"),
    ]
    _echo(f"seamline {__version__}: analysed {printable_path(str(analysis.settings.root))}")
    for left, left_value, right, right_value in rows:
        _echo(f"  {left:<12}{left_value:>9}    {right:<12}{right_value}")
    if counts["skipped"]:
        _echo(f"  {count(counts['skipped'], 'file')} could not be analysed; "
                   "their diagnostics are listed above and in the JSON.")
    for note in analysis.runtime.notes() if analysis.runtime is not None else ():
        _echo(note)  # what the traces gave, and the spans that map to no code
    _report_contexts(analysis.decomposition, analysis.reference)
    _report_findings(analysis.findings)
    for path in written.files[:2]:
        _echo(f"wrote {path}")
    if written.contracts:
        operations = sum(c.operations for c in analysis.contracts.contexts)
        _echo(f"wrote {count(len(written.contracts), 'proposed API document')} "
                   f"({count(operations, 'operation')}) in {written.contracts[0].parent}")
    _echo(f"wrote {written.report} (the report: {count(len(written.files) - 2, 'page')}; "
               "open it in a browser)")


_SHOWN_FINDINGS = 15


def _report_findings(found: Findings) -> None:
    counts = {level: found.count(level) for level in SEVERITIES}
    _echo(f"findings: {count(counts['error'], 'error')}, "
               f"{count(counts['warning'], 'warning')}, {counts['info']} info "
               f"({found.suppressed} suppressed); `seamline rules CODE` explains a rule")
    for item in found.findings[:_SHOWN_FINDINGS]:
        path, line = item.location
        _echo(f"  {path}:{line}: {item.severity} {item.code} {item.name}: {item.message}")
    if len(found.findings) > _SHOWN_FINDINGS:
        _echo(f"  ... and {len(found.findings) - _SHOWN_FINDINGS} more in analysis.json "
                   "and the report")


def _report_contexts(decomposition: Decomposition, reference: Scored | None) -> None:
    from analyzer.cluster import PROPOSED

    domain = [c for c in decomposition.contexts if c.kind in PROPOSED]
    plumbing = sum(1 for c in domain if c.kind == "infrastructure")
    scores = decomposition.scores
    of_them = f", {plumbing} of them infrastructure" if plumbing else ""
    _echo(f"proposed {count(len(domain), 'context')}{of_them} ({decomposition.choice.mode}, "
               f"resolution {decomposition.choice.resolution:g}): modularity "
               f"{scores.modularity:.3f}, cross-context dependencies {scores.cross_ratio:.0%}, "
               f"{count(scores.multi_writer_tables, 'table')} written by several contexts")
    for context in decomposition.contexts:
        terms = ("infrastructure: " if context.kind == "infrastructure" else ""
                 ) + ", ".join(context.terms[:4])
        _echo(f"  {context.name:<22}{count(len(context.elements), 'atom'):>11} "
                   f"{count(context.lines, 'line'):>13}  {terms}")
    for conflict in decomposition.conflicts:
        _echo(f"  constraint conflict: {conflict}", err=True)
    if reference is not None:
        for level, found in (("modules", reference.modules), ("atoms", reference.atoms)):
            if found is not None:
                _echo(f"against {reference.reference} ({level}): MoJoFM {found.mojofm:.1f}, "
                           f"ARI {found.ari:.3f}, AMI {found.ami:.3f} over "
                           f"{count(found.n, level[:-1])}, {found.k_proposed} vs "
                           f"{count(found.k_truth, 'context')}")


@cli.command()
@click.argument("graph_file", metavar="GRAPH.json", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("seamline-out"), show_default=True,
              help="Folder for contexts.json (created if missing)."
                   + _OUT_NOTE)
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A seamline.toml (or pyproject.toml) whose clustering settings to use: "
                   "signal weights, pins, keep-together, keep-apart.")
@_cluster_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes for the Leiden runs "
              "(default: the number of CPUs; the cut is the same whatever the number).")
def cluster(graph_file: Path, out_dir: Path, config_file: Path | None, granularity: str | None,
            contexts: int | None, resolution: float | None, signals: tuple[str, ...],
            structure_blind: bool, no_kernel: bool, reference: str | None,
            jobs: int | None) -> None:
    """Cut a coupling graph into contexts: one written by `seamline analyze` (graph.json) or
    made elsewhere, e.g. from runtime traces (format: docs/graph-format.md).
    Writes OUT/contexts.json.

    \b
    Example:
      seamline cluster seamline-out/graph.json --contexts 5 --out cut-5
    """
    overrides = Overrides(
        config_file=config_file, granularity=granularity, contexts=contexts,
        resolution=resolution, signals=_parse_signals(signals),
        structure_blind=structure_blind, kernel=False if no_kernel else None,
        reference=reference, jobs=jobs,
    )
    with _failing("output"):
        options, reference_path = load_cluster_settings(overrides)
        graph, decomposition, scored = api.cluster_graph(graph_file, options, reference_path)
        written = api.write_contexts(graph, decomposition, scored, out_dir)
    _report_contexts(decomposition, scored)
    _echo(f"wrote {written}")


def _reading_options(function: Any) -> Any:
    """What ``init`` and ``check`` share with ``analyze``: where the code is, how to read it."""
    options = [
        click.argument("path", type=click.Path(path_type=Path), default=Path()),
        click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Config file (default: PATH/seamline.toml, else [tool.seamline] in "
                          "PATH/pyproject.toml)."),
        click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Where per-file facts are cached."),
        click.option("--no-cache", is_flag=True, help="Parse every file afresh."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _output_alias(function: Any) -> Any:
    """``--output``, the old spelling of ``--out`` for check and export: kept, not shown."""
    return click.option("--output", "output_alias", hidden=True,
                        type=click.Path(path_type=Path, dir_okay=False))(function)


def _emit(text: str, output: Path | None) -> None:
    """To a file (written atomically) or to stdout."""
    if output is not None:
        write_atomic(output, text.encode("utf-8"))
    else:
        _echo(text, nl=False)


@cli.command()
@_reading_options
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help=f"The decomposition file to write (default: PATH/{DECOMPOSITION_FILE}).")
@click.option("--force", is_flag=True, help="Overwrite an existing decomposition file.")
@_QUIET
def init(path: Path, config_file: Path | None, cache_dir: Path | None, no_cache: bool,
         jobs: int | None, out_file: Path | None, force: bool, quiet: bool) -> None:
    """Write the agreed decomposition to start from: seamline's proposed contexts as module
    patterns, the tables each owns, the contexts each uses today and its public modules.
    Edit it, commit it, and let `seamline check` hold the code to it.

    \b
    Example:
      seamline init samples/tradepost --out seamline-decomposition.toml
    """
    target = out_file or path / DECOMPOSITION_FILE
    if target.exists() and not force:
        _fail(UsageError(f"{target} exists; edit it, or pass --force to write it again"))
    overrides = Overrides(config_file=config_file, cache_dir=cache_dir, no_cache=no_cache,
                          jobs=jobs)
    stages = _Stages(quiet)
    with _failing(str(target), stages):
        agreed = api.init(load_settings(path, overrides), target, stages)
    if not quiet:
        for context in agreed.contexts:
            kind = "kernel" if context.kernel else (
                ("infrastructure, " if context.infrastructure else "")
                + f"uses {', '.join(context.uses) or 'nothing'}")
            _echo(f"  {context.name:<22}{count(len(context.modules), 'pattern'):>12} "
                       f"{count(len(context.tables), 'table'):>10}  {kind}")
        _echo(f"wrote {printable_path(str(target))}; review it, then record today's "
                   f"violations with `seamline check {printable_path(str(path))} "
                   "--update-baseline`")
    stages.done(count(len(agreed.contexts), "context"))


@cli.command()
@_reading_options
@click.option("--decomposition", type=click.Path(path_type=Path, dir_okay=False),
              help=f"The agreed decomposition (default: PATH/{DECOMPOSITION_FILE}).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help=f"Known violations that do not fail (default: PATH/{BASELINE_FILE}).")
@click.option("--update-baseline", is_flag=True,
              help="Record the current violations and coupling as the baseline; exit 0.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Report format.")
@click.option("--out", "output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to a file instead of stdout.")
@_output_alias
@click.option("--strict", is_flag=True, help="Fail on new warnings too, not only errors.")
@click.option("--force", is_flag=True,
              help="Use a baseline recorded for another decomposition (with a warning).")
def check(path: Path, config_file: Path | None, cache_dir: Path | None, no_cache: bool,
          jobs: int | None, decomposition: Path | None, baseline: Path | None,
          update_baseline: bool, fmt: str, output: Path | None, output_alias: Path | None,
          strict: bool, force: bool) -> None:
    """Check the code at PATH against its agreed decomposition: dependencies a context may
    not have, private modules used from outside, other contexts' tables written or read,
    modules no context claims, context cycles, coupling above the baseline.

    Exit codes: 0 no new violation, 1 drift, 2 usage or configuration error.

    \b
    Examples:
      seamline check .
      seamline check . --format sarif --out seamline.sarif
      seamline check . --update-baseline
    """
    output = output or output_alias
    overrides = Overrides(config_file=config_file, cache_dir=cache_dir, no_cache=no_cache,
                          jobs=jobs)
    stages = _Stages(terminal_only=True)
    with _failing("the report", stages):
        run = api.check(load_settings(path, overrides), decomposition or path / DECOMPOSITION_FILE,
                        baseline or path / BASELINE_FILE, update_baseline, stages,
                        baseline_named=baseline is not None, force=force)
        stages.close()
        for warning in run.outcome.warnings:
            _echo(f"seamline: warning: {warning}", err=True)
        report = render_check(run.outcome, fmt, version=__version__,
                              decomposition=str(decomposition or DECOMPOSITION_FILE),
                              strict=strict)
        _emit(report, output)
    for diagnostic in run.unread[:_SHOWN_DIAGNOSTICS]:
        _echo(diagnostic.render(), err=True)
    if run.unread:
        _echo(f"seamline: {count(len(run.unread), 'file')} could not be read; their "
                   "violations are unknown (a baseline entry of theirs may show as stale)",
                   err=True)
    if update_baseline:
        _echo(f"recorded {count(len(run.drift.violations), 'violation')} and coupling "
                   f"{run.drift.coupling:.1%} in {baseline or path / BASELINE_FILE}", err=True)
        return
    if run.outcome.failed(strict):
        sys.exit(ExitCode.FINDINGS)


@cli.command()
@_reading_options
@click.option("--to", "target", type=click.Choice(EXPORT_TARGETS), required=True,
              help="import-linter contracts (TOML for pyproject.toml) or a tach.toml.")
@click.option("--decomposition", type=click.Path(path_type=Path, dir_okay=False),
              help=f"The agreed decomposition (default: PATH/{DECOMPOSITION_FILE}).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help=f"Known violations the tool must let pass (default: PATH/{BASELINE_FILE}, "
                   "if it exists).")
@click.option("--out", "output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to a file instead of stdout.")
@_output_alias
@click.option("--strict", is_flag=True,
              help="Match `seamline check --strict`: new warnings fail the tool too.")
@click.option("--force", is_flag=True,
              help="Use a baseline recorded for another decomposition (with a warning).")
def export(path: Path, config_file: Path | None, cache_dir: Path | None, no_cache: bool,
           jobs: int | None, target: str, decomposition: Path | None, baseline: Path | None,
           output: Path | None, output_alias: Path | None, strict: bool,
           force: bool) -> None:
    """Export the agreed decomposition for import-linter or tach, to keep using them. On
    the code it is exported from, the tool passes exactly when `seamline check` passes on
    the imports: the violations the baseline records are excused in the tool's own terms.

    \b
    Examples:
      seamline export . --to import-linter >> pyproject.toml
      seamline export . --to tach --out tach.toml
    """
    output = output or output_alias
    overrides = Overrides(config_file=config_file, cache_dir=cache_dir, no_cache=no_cache,
                          jobs=jobs)
    with _failing(str(output)):
        text = api.export_agreed(load_settings(path, overrides),
                                 decomposition or path / DECOMPOSITION_FILE, target, baseline,
                                 force=force, strict=strict)
        _emit(text, output)


@cli.command()
@_reading_options
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("seamline-contracts"), show_default=True,
              help="Folder for the documents (created if missing)."
                   + _OUT_NOTE)
@click.option("--format", "fmt", type=click.Choice(CONTRACT_FORMATS), default="yaml",
              show_default=True, help="Document format.")
@click.option("--decomposition", type=click.Path(path_type=Path, dir_okay=False),
              help=f"The agreed decomposition whose contexts get APIs (default: "
                   f"PATH/{DECOMPOSITION_FILE} when it exists, as for check).")
@click.option("--proposed", is_flag=True,
              help="Propose APIs for the contexts seamline proposes, even when the project "
                   "has an agreed decomposition.")
@click.option("--protocol", "protocols", type=click.Choice(PROTOCOLS), multiple=True,
              help="Write the API in this protocol (repeatable; default: contracts.protocols "
                   "in the config, else openapi). grpc keeps its field numbers in "
                   "seamline-proto-fields.json beside the decomposition.")
@_cluster_options
@_QUIET
def contracts(path: Path, config_file: Path | None, cache_dir: Path | None, no_cache: bool,
              jobs: int | None, out_dir: Path, fmt: str, decomposition: Path | None,
              proposed: bool, protocols: tuple[str, ...], granularity: str | None,
              contexts: int | None, resolution: float | None, signals: tuple[str, ...],
              structure_blind: bool, no_kernel: bool, reference: str | None,
              quiet: bool) -> None:
    """Propose each context's API: an OpenAPI 3.1 document of the operations the other
    contexts call today (or a proto3 file for gRPC, a GraphQL schema: --protocol), and an
    AsyncAPI 3.0 document of the events that would replace their writes into its tables (or
    its writes into theirs). With grpc, the proto field numbers and the packages' project
    name are kept in seamline-proto-fields.json beside the decomposition (the project's root
    without one): commit it, so that reruns and other checkouts keep every number.

    \b
    Examples:
      seamline contracts samples/tradepost --out contracts
      seamline contracts samples/tradepost --protocol grpc --protocol graphql
      seamline contracts . --decomposition seamline-decomposition.toml --format json
    """
    overrides = Overrides(
        config_file=config_file, cache_dir=cache_dir, no_cache=no_cache, jobs=jobs,
        granularity=granularity, contexts=contexts, resolution=resolution,
        signals=_parse_signals(signals), structure_blind=structure_blind,
        kernel=False if no_kernel else None, reference=reference, protocols=protocols)
    if proposed and decomposition is not None:
        _fail(UsageError("--proposed and --decomposition contradict each other: choose one"))
    if decomposition is None and not proposed and (path / DECOMPOSITION_FILE).is_file():
        decomposition = path / DECOMPOSITION_FILE  # the committed cut, as check reads it
    stages = _Stages(quiet)
    with _failing(str(out_dir), stages):
        settings = load_settings(path, overrides)
        found = api.contracts(settings, decomposition, stages)
        lock = api.proto_lock(settings, decomposition)
        written = api.write_contracts(found, out_dir, fmt, stages, settings.protocols, lock)
    if not quiet:
        for contract in found.contexts:
            unmapped = len(contract.unmapped())
            _echo(f"  {contract.context:<22}{count(contract.operations, 'operation'):>15}  "
                       f"{count(contract.published, 'event'):>9} published"
                       + (f"  {unmapped} used without an operation" if unmapped else ""))
        source = f"the agreed decomposition {decomposition}" if decomposition else \
            f"the proposed contexts (none agreed: no {DECOMPOSITION_FILE})" if not proposed else \
            "the proposed contexts"
        _echo(f"wrote {count(len(written), 'document')} for {source} in {out_dir}")
        if "grpc" in settings.protocols:
            _echo(f"proto field numbers kept in {lock}")
    stages.done(count(len(written), "document"))


@cli.command()
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List the rules, or show the documentation of one (by code or name).

    \b
    Examples:
      seamline rules
      seamline rules SL101
      seamline rules god-module
    """
    try:
        known_rules = catalogue()
    except SeamlineError as error:
        _fail(error)
    if code is None:
        for known in known_rules:
            options = ", ".join(f"{o.name}={o.default}" for o in known.options)
            _echo(f"{known.code}  {known.name:<27}{known.severity:<9}{known.summary}"
                       + (f" [{options}]" if options else ""))
        return
    try:
        found = rule(code)
    except KeyError:
        _fail(UsageError(f"no rule {code!r}; `seamline rules` lists them"))
    try:
        _echo(found.doc.read_text(encoding="utf-8"), nl=False)
    except OSError as error:
        _fail(SeamlineError(f"cannot read the documentation of {found.code}: {error}"))


def run() -> None:
    """The command line, in this process: it ends with ``SystemExit``, as click's commands do."""
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        cli(prog_name="seamline")
    finally:
        # Exiting: a second Ctrl-C or SIGTERM must not print a traceback from the shutdown.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _Process:
    ends_with_the_command = False  # main() ends the process once the command is done


def main() -> NoReturn:
    """The ``seamline`` command. A run holds millions of small objects that the interpreter's
    teardown would free one by one (0.4 s after a warm analyze of nova with its tests): once
    the command is done and its output flushed, the process ends, as mypy's does. Every file
    is written and every cache closed by then; nothing of seamline waits for ``atexit``."""
    _Process.ends_with_the_command = True
    try:
        run()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    if not isinstance(code, int):  # what the interpreter does with sys.exit(None or "text")
        if code is not None and sys.stderr is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: the descriptor was closed when Python started
                stream.flush()
    except (OSError, ValueError):  # a closed pipe or file: the interpreter's own exit, as before
        sys.exit(code)
    os._exit(code)
