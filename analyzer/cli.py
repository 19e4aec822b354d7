"""The ``seamline`` command: options in, one api call, an exit code out.

Exit codes: 0 clean, 1 findings or drift (later commands), 2 usage or configuration error.
Every ``SeamlineError`` becomes one message on stderr and exit code 2, here and nowhere else.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import NoReturn

import click

from analyzer import __version__, api
from analyzer.config import Overrides, load_settings
from analyzer.errors import SeamlineError
from analyzer.model import Severity

_SHOWN_DIAGNOSTICS = 20


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


def _fail(error: SeamlineError) -> NoReturn:
    click.echo(f"seamline: error: {error}", err=True)
    sys.exit(ExitCode.USAGE)


class _Progress:
    """A one-line progress counter on stderr, shown only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.enabled and total:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            click.echo(f"\r{stage:<8} [{bar}] {done}/{total} files", err=True, nl=False)
            self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 70 + "\r", err=True, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="seamline")
def cli() -> None:
    """Find the seams in a Python monolith and propose how to cut it into services."""


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path())
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("seamline-out"), show_default=True,
              help="Folder for analysis.json (created if missing).")
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
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes "
              "(default: the number of CPUs).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def analyze(path: Path, out_dir: Path, config_file: Path | None, exclude: tuple[str, ...],
            no_default_excludes: bool, include_generated: bool | None, cache_dir: Path | None,
            no_cache: bool, jobs: int | None, quiet: bool) -> None:
    """Analyse the Python project at PATH and write OUT/analysis.json.

    \b
    Example:
      seamline analyze samples/shopfront --out seamline-out
    """
    overrides = Overrides(
        config_file=config_file, extend_exclude=exclude, no_default_excludes=no_default_excludes,
        include_generated=include_generated, cache_dir=cache_dir, no_cache=no_cache, jobs=jobs,
    )
    progress = _Progress()
    try:
        settings = load_settings(path, overrides)
        analysis = api.analyze(settings, progress=None if quiet else progress)
        written = api.write_analysis(analysis, out_dir)
    except SeamlineError as error:
        progress.close()
        _fail(error)
    except OSError as error:
        progress.close()
        _fail(SeamlineError(f"cannot write output: {error}"))
    progress.close()
    _report(analysis, written, quiet)


def _report(analysis: api.Analysis, written: list[Path], quiet: bool) -> None:
    counts = api.summarize(analysis)
    diagnostics = [d for d in api.diagnostics(analysis) if d.severity is not Severity.INFO]
    for diagnostic in diagnostics[:_SHOWN_DIAGNOSTICS]:
        click.echo(diagnostic.render(), err=True)
    if len(diagnostics) > _SHOWN_DIAGNOSTICS:
        click.echo(f"... and {len(diagnostics) - _SHOWN_DIAGNOSTICS} more diagnostics in "
                   f"{written[0]}", err=True)
    if quiet:
        return
    stats = analysis.stats
    seconds = sum(stats.seconds.values())
    rows = [
        ("modules", f"{counts['modules']:,}", "lines", f"{counts['lines']:,}"),
        ("parsed", f"{counts['parsed']:,}", "skipped", f"{counts['skipped']:,}"),
        ("imports", f"{counts['imports']:,}", "internal", f"{counts['internal_imports']:,}"),
        ("definitions", f"{counts['definitions']:,}", "methods", f"{counts['methods']:,}"),
        ("tables", f"{counts['tables']:,}", "accesses", f"{counts['accesses']:,}"),
        ("references", f"{counts['references']:,}", "diagnostics",
         f"{counts['errors']} errors, {counts['warnings']} warnings"),
        ("from cache", f"{stats.cached:,}", "time", f"{seconds:.1f} s"),
    ]
    click.echo(f"seamline {__version__}: analysed {analysis.settings.root}")
    for left, left_value, right, right_value in rows:
        click.echo(f"  {left:<12}{left_value:>9}    {right:<12}{right_value}")
    if counts["skipped"]:
        click.echo(f"  {counts['skipped']} file(s) could not be analysed; "
                   "their diagnostics are listed above and in the JSON.")
    for path in written:
        click.echo(f"wrote {path}")


def main() -> None:
    cli(prog_name="seamline")
