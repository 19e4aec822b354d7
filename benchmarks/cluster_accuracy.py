"""How well does the clustering recover real domain seams? Structure-blind, vertical truth.

For each project seamline runs through ``analyzer.api.analyze`` with exactly its defaults,
structure-blind (``Overrides(structure_blind=True)``: no package-layout signal, module and
package names never vocabulary), and its module plan is scored against the *vertical* ground
truth of ../shared/EVALUATION.md (``benchmarks/ground_truth.py``): the four bundled samples'
answer keys (modules, and atoms with the keys' ``[atoms]``), the app under ``oscar.apps.*``
(``dashboard`` a layer), the top-level package under ``saleor.*`` (``graphql`` a layer,
``core`` not scored), the package under ``indico.modules.*`` (each subpackage of ``events`` a
domain of its own) and the top-level package or module under ``trac.*`` (``util``, ``core``,
``db``, ``web``, ``upgrades`` not scored). In the same run the peers cut the same projects:
Louvain on grimp's import graph (the run of median ARI over five seeds) and, unless
``--no-emerge``, emerge's Louvain (the run of median ARI over its runs; it takes no seed).

Columns: K, the groups a tool proposes among the scored modules (seamline's shared kernel and
unplaced count as groups, as the protocol says); domains, the scored domains of the truth; ARI,
AMI, MoJoFM; n, the modules scored; seconds, the tool's wall time (seamline: the whole
``analyze``, per-file cache on); kernel and unplaced, the share of the scored modules seamline
put there. Every tool is scored on the same modules: those of seamline's module plan that the
truth scores (a module without definitions, such as an empty ``__init__``, is in no plan: the
note counts them, and gives the peer's score on all its modules too). ARI, AMI and MoJoFM are
computed in ``_common.py`` (scikit-learn, and MoJoFM as the protocol defines it), not by the
code being measured. The last lines check the targets of issue 17.

    .venv/bin/python benchmarks/cluster_accuracy.py --no-emerge     # samples, oscar, saleor,
                                                                   # indico, trac
    .venv/bin/python benchmarks/cluster_accuracy.py --projects oscar,saleor --json after.json
    .venv/bin/python benchmarks/cluster_accuracy.py --no-emerge --projects held-out
    .venv/bin/python benchmarks/cluster_accuracy.py --signal vocabulary=0 --override kernel=false
    .venv/bin/python benchmarks/cluster_accuracy.py --show-truth    # the truth, then stop
    .venv/bin/python benchmarks/cluster_accuracy.py --nova          # + clustering time on nova
    .venv/bin/python benchmarks/cluster_accuracy.py --at 67b3a4f    # seamline as committed there

``--projects`` takes ``samples`` (the four), a sample's name, ``oscar``, ``saleor``,
``indico``, ``trac``, and ``held-out`` or one of its projects (``flaskbb``, ``tcms``,
``pretalx``, ``wger``, ``weblate``, ``mayan``: Django and Flask monoliths no default was tuned
on, their truth by the same rules, ``ground_truth.py``), checked against the held-out target:
a mean ARI >= 0.45 and none below the peer; and ``held-out-2`` (``mezzanine``, ``misago``,
``label_studio``, ``tendenci``), a second set chosen on 2026-12-06 and checked against the
same target with its own mean (three defaults set after it were measured on it too).

``--signal NAME=W`` and ``--override KEY=VALUE`` (any field of ``analyzer.config.Overrides``:
``kernel=false``, ``resolution=0.8``, ``contexts=12``...) change seamline's run only; the
header and the JSON say which were given, and which seamline was measured (``--at REV``
measures a commit, exported to ``.corpus/_seamline/``, whatever the working tree holds). The
corpus is downloaded from PyPI into the git-ignored ``.corpus/`` on first use.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import ground_truth
import peers
from _common import Agreement, agreement, describe_code, measured_code, rerun_at

from analyzer import api
from analyzer.cluster import KERNEL, UNPLACED
from analyzer.config import Overrides, load_settings

DEFAULT_PROJECTS = "samples,oscar,saleor,indico,trac"

# issue 17's targets
MIN_ARI, MIN_MOJOFM, MIN_ARI_OVER_PEER, MAX_K_RATIO = 0.5, 65.0, 0.15, 1.5
MIN_SAMPLE_ARI = 0.8
MIN_HELD_OUT_ARI = 0.45  # the mean over the held-out projects, none below the peer
NO_PEER = "no peer score"


@dataclass(frozen=True)
class Target:
    key: str  # as on the command line
    name: str
    root: Path  # what seamline analyses; holds the top-level packages
    packages: tuple[str, ...]  # the top-level packages the peers read
    truth: Callable[[str], str | None]  # module -> domain, None when not scored
    answer_key: ground_truth.AnswerKey | None = None  # a sample's: atoms scored too
    held_out: bool = False  # scored against the held-out target, not the per-project one
    held_out_2: bool = False  # of the second held-out set: the same target, its own mean


@dataclass
class Row:
    project: str
    tool: str
    agreement: Agreement | None
    domains: int
    seconds: float
    kernel_share: float | None = None
    unplaced_share: float | None = None
    atoms: Agreement | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    modules: frozenset[str] = frozenset()  # the modules scored

    def as_json(self) -> dict[str, Any]:
        def agreement(found: Agreement | None) -> dict[str, Any] | None:
            return None if found is None else dataclasses.asdict(found)

        return {
            "project": self.project, "tool": self.tool, "agreement": agreement(self.agreement),
            "domains": self.domains, "seconds": round(self.seconds, 3),
            "kernel_share": self.kernel_share, "unplaced_share": self.unplaced_share,
            "atoms": agreement(self.atoms), "note": self.note, **self.extra,
        }


# --------------------------------------------------------------------------- targets


def _top_level_packages(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.parent.name for p in root.glob("*/__init__.py")))


def targets(names: Sequence[str]) -> list[Target]:
    wanted = [one for name in names for one in ground_truth.expand(name)]
    found: list[Target] = []
    for name in dict.fromkeys(wanted):
        if name in ground_truth.SAMPLES:
            root = ground_truth.SAMPLES_DIR / name
            key = ground_truth.sample(name)
            found.append(Target(name, f"{name} (sample)", root, _top_level_packages(root),
                                key, key))
        elif name in ground_truth.ALL_PROJECTS:
            project = ground_truth.ALL_PROJECTS[name]()
            root = corpus.ensure(name)
            found.append(Target(name, project.name, root, (project.prefix.split(".")[0],),
                                project, held_out=name in ground_truth.HELD_OUT,
                                held_out_2=name in ground_truth.HELD_OUT_2))
        else:
            raise SystemExit(f"unknown project {name!r} (known: {ground_truth.known()})")
    return found


# --------------------------------------------------------------------------- overrides


def _convert(kind: Any, text: str, key: str) -> Any:
    """``text`` as a value of the (resolved) annotation ``kind``."""
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        if text.lower() in ("none", "null", ""):
            return None
        return _convert(next(a for a in args if a is not type(None)), text, key)
    if kind is bool:
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{key}: expected true or false, not {text!r}")
    if kind in (int, float, str, Path):
        return kind(text)
    if typing.get_origin(kind) is tuple and args and args[-1] is Ellipsis:
        if args[0] in (str, Path):  # traces=a.json,b.json too
            return tuple(args[0](p) for p in text.split(",") if p)
        return tuple(_signal(p) for p in text.split(",") if p)  # signals: NAME=W,NAME=W
    raise ValueError(f"{key}: cannot be set from the command line")


def _signal(text: str) -> tuple[str, float]:
    name, sep, weight = text.partition("=")
    if not sep or not name:
        raise ValueError(f"expected NAME=WEIGHT, not {text!r}")
    return name.strip(), float(weight)


def overrides(signals: Sequence[str], pairs: Sequence[str]) -> tuple[Overrides, dict[str, Any]]:
    """``Overrides(structure_blind=True)`` with the command line's changes, and the changes."""
    hints = typing.get_type_hints(Overrides)
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in hints:
            known = ", ".join(sorted(hints))
            raise ValueError(f"--override {pair!r}: expected KEY=VALUE with KEY one of {known}")
        changes[key] = _convert(hints[key], value.strip(), key)
    if signals:
        given = tuple(_signal(s) for s in signals)
        changes["signals"] = tuple(changes.get("signals", ())) + given
    chosen = dataclasses.replace(Overrides(structure_blind=True), **changes)
    shown = {k: (str(v) if isinstance(v, Path) else v) for k, v in changes.items()}
    return chosen, shown


# --------------------------------------------------------------------------- scoring


def truth_of(modules: Iterable[str], truth: Callable[[str], str | None]) -> dict[str, str]:
    """``{module: domain}`` of the scored ones among ``modules``."""
    return {m: t for m in sorted(modules) if (t := truth(m)) is not None}


def scored(labels: Mapping[str, str], truths: Mapping[str, str]) -> Agreement | None:
    return agreement({m: labels[m] for m in truths if m in labels}, truths)


def run_seamline(target: Target, chosen: Overrides) -> Row:
    settings = load_settings(target.root, chosen)
    started = time.perf_counter()
    analysis = api.analyze(settings)
    seconds = time.perf_counter() - started
    plan = {p.module: p.context for p in analysis.decomposition.modules}
    truths = truth_of(plan, target.truth)
    known = truth_of((m.name for m in analysis.code.modules), target.truth)
    kernel = sum(1 for m in truths if plan[m] == KERNEL) / len(truths) if truths else 0.0
    unplaced = sum(1 for m in truths if plan[m] == UNPLACED) / len(truths) if truths else 0.0
    atoms = None
    if target.answer_key is not None:
        nodes = analysis.graph.node_map()
        placed = analysis.decomposition.assignment()
        atom_truth = {e: t for e in sorted(placed)
                      if (t := target.answer_key.atom(e, nodes[e].module)) is not None}
        atoms = agreement(placed, atom_truth)
    contexts = analysis.decomposition.contexts
    domain_contexts = sum(1 for c in contexts if c.kind == "domain")
    unscored = sorted(set(known) - set(truths))
    note = f"{domain_contexts} domain contexts in all"
    if unscored:
        note += f"; {len(unscored)} scored module(s) of the code model not in the module " \
                "plan (no definitions)"
    extra = {
        "domain_contexts": domain_contexts,
        "contexts": len(contexts),
        "stage_seconds": {k: round(v, 3) for k, v in analysis.stats.seconds.items()},
        "truth_modules_in_code_model": len(known),
        "truth_modules_not_planned": unscored,
        "choice": {"mode": analysis.decomposition.choice.mode,
                   "resolution": analysis.decomposition.choice.resolution},
    }
    return Row(target.name, "seamline (blind)", scored(plan, truths),
               len(set(truths.values())), seconds, kernel, unplaced, atoms, note, extra,
               frozenset(truths))


def run_grimp(target: Target, seeds: int, only: Collection[str] | None) -> Row:
    """The peer, scored on the modules in ``only`` (seamline's scored modules) when given,
    so that both tools are scored on the same modules; the full graph's score is noted."""
    started = time.perf_counter()
    try:
        graph = peers.import_graph(peers.grimp_graph(target.root, target.packages))
    except (UnicodeError, SyntaxError, ValueError) as error:  # grimp's parser refused a file
        return Row(target.name, "grimp + Louvain", None, 0, time.perf_counter() - started,
                   note=f"grimp failed: {' '.join(str(error).split())}")
    build = time.perf_counter() - started
    full = truth_of(graph.nodes, target.truth)
    same = {m: t for m, t in full.items() if only is None or m in only}
    runs: list[tuple[Agreement, float, Agreement | None]] = []
    for seed in range(seeds):
        started = time.perf_counter()
        labels = peers.louvain_labels(graph, seed)
        found = scored(labels, same)
        if found is not None:
            runs.append((found, time.perf_counter() - started, scored(labels, full)))
    if not runs:
        return Row(target.name, "grimp + Louvain", None, 0, build, note="no module scored")
    runs.sort(key=lambda r: r[0].ari)
    middle = runs[len(runs) // 2]
    note = f"median-ARI run of {len(runs)} seeds (ARI {runs[0][0].ari:.3f} to " \
           f"{runs[-1][0].ari:.3f})"
    whole = middle[2]
    if whole is not None and whole.n != middle[0].n:
        note += f"; on all its {whole.n} scored modules: ARI {whole.ari:.3f} MoJoFM " \
                f"{whole.mojofm:.1f}"
    return Row(target.name, "grimp + Louvain", middle[0], len(set(same.values())),
               build + middle[1], note=note,
               extra={"seed_aris": [round(r[0].ari, 4) for r in runs],
                      "all_modules": None if whole is None else dataclasses.asdict(whole)})


def run_emerge(target: Target, runs_wanted: int, only: Collection[str] | None) -> Row:
    emerged: list[tuple[Agreement, float]] = []
    reason = ""
    domains = 0
    for _ in range(runs_wanted):
        started = time.perf_counter()
        found, reason = peers.emerge_clusters(target.root, target.packages)
        if found is None:
            break
        same = {m: t for m, t in truth_of(found, target.truth).items()
                if only is None or m in only}
        domains = len(set(same.values()))
        result = scored(found, same)
        if result is not None:
            emerged.append((result, time.perf_counter() - started))
    if not emerged:
        return Row(target.name, "emerge (Louvain)", None, 0, 0.0, note=reason or "none scored")
    emerged.sort(key=lambda r: r[0].ari)
    middle = emerged[len(emerged) // 2]
    return Row(target.name, "emerge (Louvain)", middle[0], domains, middle[1],
               note=f"median-ARI run of {len(emerged)} (unseeded)")


# --------------------------------------------------------------------------- printing

HEADER = ("project", "tool", "K", "domains", "ARI", "AMI", "MoJoFM", "n", "seconds",
          "kernel", "unplaced", "atoms ARI", "atoms MoJoFM", "note")


def cells(row: Row) -> tuple[str, ...]:
    found = row.agreement

    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    if found is None:
        metrics = ("-",) * 6
    else:
        metrics = (str(found.k_proposed), str(row.domains), f"{found.ari:.3f}",
                   f"{found.ami:.3f}", f"{found.mojofm:.1f}", str(found.n))
    atoms = ("-", "-") if row.atoms is None else (f"{row.atoms.ari:.3f}",
                                                  f"{row.atoms.mojofm:.1f}")
    return (row.project, row.tool, *metrics, f"{row.seconds:.1f}", share(row.kernel_share),
            share(row.unplaced_share), *atoms, row.note)


def print_row(row: Row, widths: Sequence[int]) -> None:
    print("  ".join(c.rjust(w) if 2 <= i <= 12 else c.ljust(w)
                    for i, (c, w) in enumerate(zip(cells(row), widths, strict=True))).rstrip(),
          flush=True)


WIDTHS = (20, 17, 4, 7, 6, 6, 6, 5, 7, 6, 8, 9, 12, 0)


# --------------------------------------------------------------------------- targets


def verdict(target: Target, rows: Sequence[Row]) -> tuple[bool, str]:
    """Whether ``target`` meets issue 17's targets, and the reasons, on one line."""
    ours = next((r for r in rows if r.tool.startswith("seamline")), None)
    peer = next((r for r in rows if r.tool == "grimp + Louvain"), None)
    if ours is None or ours.agreement is None:
        return False, "no seamline score"
    found = ours.agreement
    checks: list[tuple[bool, str]] = []
    if target.held_out or target.held_out_2:  # its share of the held-out target
        if peer is None or peer.agreement is None:
            return True, f"ARI {found.ari:.3f}; {NO_PEER} ({peer.note if peer else '-'})"
        gap = found.ari - peer.agreement.ari
        return gap >= 0, (f"{'ok' if gap >= 0 else 'MISS'} ARI {found.ari:.3f} against the "
                          f"peer's {peer.agreement.ari:.3f} ({gap:+.3f}, >= 0)")
    if target.answer_key is not None:
        checks.append((found.ari >= MIN_SAMPLE_ARI, f"modules ARI {found.ari:.3f} (>= 0.8)"))
        atoms = ours.atoms
        checks.append((atoms is not None and atoms.ari >= MIN_SAMPLE_ARI,
                       f"atoms ARI {'-' if atoms is None else f'{atoms.ari:.3f}'} (>= 0.8)"))
    else:
        checks.append((found.ari >= MIN_ARI, f"ARI {found.ari:.3f} (>= 0.5)"))
        checks.append((found.mojofm >= MIN_MOJOFM, f"MoJoFM {found.mojofm:.1f} (>= 65)"))
        if peer is not None and peer.agreement is not None:
            gap = found.ari - peer.agreement.ari
            checks.append((gap >= MIN_ARI_OVER_PEER - 1e-9,
                           f"ARI - peer {gap:+.3f} (>= +0.15)"))
        else:
            checks.append((False, "no peer score"))
        k, d = found.k_proposed, ours.domains
        ratio = max(k, d) / max(min(k, d), 1)
        checks.append((ratio <= MAX_K_RATIO + 1e-9, f"K {k} vs {d} domains ({ratio:.2f}x, "
                                                     "<= 1.5x)"))
    met = all(ok for ok, _ in checks)
    text = "; ".join(f"{'ok' if ok else 'MISS'} {what}" for ok, what in checks)
    return met, text


def held_out_summary(rows: Sequence[Row], verdicts: Sequence[tuple[Target, bool, str]],
                     label: str = "held-out") -> str:
    """Issue 17's held-out target: a mean ARI >= 0.45, and none below the peer (a project the
    peer could not cut is named: there it is not known)."""
    if not verdicts:
        return ""
    names = {t.name for t, _, _ in verdicts}
    aris = [r.agreement.ari for r in rows if r.project in names
            and r.tool.startswith("seamline") and r.agreement is not None]
    mean = sum(aris) / len(aris) if aris else 0.0
    below = [t.key for t, met, _ in verdicts if not met]
    unknown = [t.key for t, _, text in verdicts if NO_PEER in text]
    met = mean >= MIN_HELD_OUT_ARI and not below and len(aris) == len(verdicts)
    return (f"{label}: {'met' if met else 'NOT met'}: mean ARI {mean:.3f} over {len(aris)} "
            f"projects (>= {MIN_HELD_OUT_ARI}); below the peer: {', '.join(below) or 'none'}"
            + (f"; no peer score: {', '.join(unknown)}" if unknown else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--projects", default=DEFAULT_PROJECTS,
                        help=f"comma-separated (default {DEFAULT_PROJECTS})")
    parser.add_argument("--seeds", type=int, default=5, help="seeds of the import Louvain")
    parser.add_argument("--emerge-runs", type=int, default=3)
    parser.add_argument("--no-emerge", action="store_true")
    parser.add_argument("--no-peer", action="store_true", help="seamline only (no targets)")
    parser.add_argument("--signal", action="append", default=[], metavar="NAME=W",
                        help="weigh a signal in seamline's run; repeatable")
    parser.add_argument("--override", action="append", default=[], metavar="KEY=VALUE",
                        help="set a field of analyzer.config.Overrides; repeatable")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the rows here")
    parser.add_argument("--show-truth", action="store_true",
                        help="print the ground truth's scored domains and stop")
    parser.add_argument("--nova", action="store_true",
                        help="also time clustering nova 34.0.0 against its code model")
    parser.add_argument("--at", metavar="REV",
                        help="measure seamline as committed at REV (exported to .corpus/"
                             "_seamline/), not the working tree")
    args = parser.parse_args(argv)
    rerun_at(args.at, sys.argv[1:] if argv is None else argv)
    names = [n.strip() for n in args.projects.split(",") if n.strip()]

    if args.show_truth:
        return ground_truth.main(names)
    try:
        chosen, changes = overrides(args.signal, args.override)
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    chosen_targets = targets(names)

    state = measured_code()
    print(f"{describe_code(state)}; structure-blind defaults"
          f"{f', overrides {changes}' if changes else ''}", flush=True)
    print("  ".join(h.rjust(w) if 2 <= i <= 12 else h.ljust(w)
                    for i, (h, w) in enumerate(zip(HEADER, WIDTHS, strict=True))), flush=True)
    rows: list[Row] = []
    verdicts: list[tuple[Target, bool, str]] = []
    for target in chosen_targets:
        mine: list[Row] = [run_seamline(target, chosen)]
        print_row(mine[-1], WIDTHS)
        only = mine[0].modules or None  # the peers are scored on the same modules
        if not args.no_peer:
            mine.append(run_grimp(target, args.seeds, only))
            print_row(mine[-1], WIDTHS)
        if not args.no_emerge:
            mine.append(run_emerge(target, args.emerge_runs, only))
            print_row(mine[-1], WIDTHS)
        rows.extend(mine)
        if not args.no_peer:
            met, text = verdict(target, mine)
            verdicts.append((target, met, text))

    if verdicts:
        print("\nissue 17 targets:")
        for target, met, text in verdicts:
            print(f"  {target.key:<10} {'MET    ' if met else 'not met'}  {text}")
        summary = ", ".join(f"{t.key} {'met' if met else 'NOT met'}" for t, met, _ in verdicts
                            if not (t.held_out or t.held_out_2))
        if summary:
            print(f"targets: {summary}")
        for label, group in (("held-out", [v for v in verdicts if v[0].held_out]),
                             ("held-out-2", [v for v in verdicts if v[0].held_out_2])):
            held = held_out_summary(rows, group, label)
            if held:
                print(held)
    if args.json:
        document = {
            "seamline": state, "overrides": changes, "seeds": args.seeds,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "rows": [r.as_json() for r in rows],
            "targets": {t.key: {"met": met, "checks": text} for t, met, text in verdicts},
        }
        args.json.write_text(json.dumps(document, indent=1) + "\n")
        print(f"wrote {args.json}")
    if args.nova:
        nova_timing()
    return 0


def nova_timing() -> None:
    """Clustering nova at definition granularity against building its code model (cold)."""
    root = corpus.ensure("nova")
    settings = load_settings(root, Overrides(no_cache=True))
    analysis = api.analyze(settings)
    code_model = sum(analysis.stats.seconds[s] for s in ("discover", "parse", "resolve"))
    cut = analysis.stats.seconds["graph"] + analysis.stats.seconds["cluster"]
    domain = sum(1 for c in analysis.decomposition.contexts if c.kind == "domain")
    graph, clustering = analysis.stats.seconds["graph"], analysis.stats.seconds["cluster"]
    print(f"\nnova 34.0.0: {len(analysis.graph.nodes):,} nodes, {len(analysis.graph.edges):,} "
          f"edges; code model {code_model:.1f} s (cold), graph {graph:.1f} s, clustering "
          f"{clustering:.1f} s; graph+clustering = {cut / code_model:.2f}x the code model; "
          f"{domain} contexts")


if __name__ == "__main__":
    raise SystemExit(main())
