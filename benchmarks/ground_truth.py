"""The vertical ground truth of ../shared/EVALUATION.md, as code: module -> domain, or None.

Run (from the repository root, with the project's virtualenv)::

    .venv/bin/python benchmarks/ground_truth.py                  # every project
    .venv/bin/python benchmarks/ground_truth.py oscar saleor      # some of them
    .venv/bin/python benchmarks/ground_truth.py --modules indico  # + every module's domain

prints, per project, the apps found, the layer apps the rule detects (and which subpackage
serves which app), and every scored domain with its number of modules.

Each project's truth is built from the protocol's RULES applied to the files of the project,
never from a hand list of modules:

* **Apps.** The name component right after the project's prefix: ``oscar.apps.*``,
  ``saleor.*`` (top-level *packages*: saleor's single top-level modules ``settings``, ``urls``
  and ``celeryconf`` are project wiring, not scored), ``indico.modules.*`` and ``trac.*``
  (packages *or* modules, as the protocol says for Trac).  Modules outside the prefix are not
  scored.
* **Layer apps.** An app with at least three subpackages (folders, not single modules) named
  after other apps, singular and plural folded (``orders`` = ``order``, ``categories`` =
  ``category``), is a layer: each such subpackage is scored with the app it serves, the
  layer's other modules are not scored.
* **Technical folders** (``models``, ``views``, ``api``, ``core``, ... :data:`TECHNICAL`) never
  form a domain: a technical folder inside an app stays with the app; an app that *is* a
  technical folder, or a layer subpackage with a technical name, is not scored.
* **Split apps.** indico's ``events`` (``indico.modules.events``): each subpackage that is not a
  technical folder is a domain of its own (``events.contributions``); the rest of the app
  (its single modules, ``events.models``, ``events.controllers``...) is ``events``.
* **Not scored:** tests and migrations (the components seamline excludes by default), and
  each project's kernel apps (saleor ``core``; Trac ``util``, ``core``, ``db``, ``web``,
  ``upgrades``).

The bundled samples' answer keys (``samples/*/expected.toml``) are their vertical truth by
construction; :func:`sample` reads one (``shared`` and ``split`` modules are not scored at
module level; atoms are scored with the key's ``[atoms]``, see ``cluster_accuracy.py``).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from _common import REPO_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SAMPLES_DIR = REPO_ROOT / "samples"
SAMPLES = ("tradepost", "shopfront", "atelier", "djshop")

# EVALUATION.md, "The ground truth is vertical": folders that are never a domain of their own.
TECHNICAL = frozenset({
    "models", "controllers", "views", "templates", "static", "api", "util", "utils", "forms",
    "schemas", "operations", "fields", "management", "admin", "tasks", "client", "core",
})

# Tests and migrations are not scored: the name components seamline's default excludes drop
# (rules/discovery.toml: tests, test, testing, test_*.py, *_test.py, *_tests.py,
# conftest.py, migrations, migration, alembic).
_NOT_SCORED_PARTS = frozenset({"tests", "test", "testing", "conftest", "migrations", "migration",
                               "alembic"})

def is_test_or_migration(module: str) -> bool:
    """Whether ``module`` is test or migration code (never scored)."""
    return any(
        part in _NOT_SCORED_PARTS or part.startswith("test_") or part.endswith(("_test", "_tests"))
        for part in module.split(".")
    )


def _singulars(word: str) -> set[str]:
    found = {word}
    if word.endswith("s"):
        found.add(word[:-1])  # orders -> order
    if word.endswith("es"):
        found.add(word[:-2])  # addresses -> address, boxes -> box
    if word.endswith("ies"):
        found.add(word[:-3] + "y")  # categories -> category
    return found


def same_noun(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` name the same thing, singular and plural folded
    (``orders`` = ``order``, ``categories`` = ``category``, ``addresses`` = ``address``)."""
    return a in _singulars(b) or b in _singulars(a)


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Tree:
    """The Python files of a project: every module name, and every folder (a directory that
    holds Python files somewhere below it, with or without ``__init__.py``) as a dotted name."""

    modules: frozenset[str]
    folders: frozenset[str]


def read_tree(root: Path, packages: Iterable[str]) -> Tree:
    """Module and folder names of the ``.py`` files under ``root/<package>`` for each package
    (``root`` is the folder that holds the packages; names as Python would import them)."""
    modules: set[str] = set()
    folders: set[str] = set()
    for package in packages:
        base = root / package
        if not base.is_dir():
            raise FileNotFoundError(f"no package folder {base}")
        for path in base.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            for depth in range(1, len(parts)):
                folders.add(".".join(parts[:depth]))
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules.add(".".join(parts))
    return Tree(frozenset(modules), frozenset(folders))


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Project:
    """The vertical ground truth of one project; call it with a module name."""

    name: str
    prefix: str
    tree: Tree
    apps: frozenset[str]  # every app under the prefix (a folder, or a module if they count)
    kernel: frozenset[str]  # apps not scored
    layers: Mapping[str, Mapping[str, str]]  # layer app -> {its subpackage: the app it serves}
    split: frozenset[str]  # apps whose non-technical subpackages are domains of their own
    notes: tuple[str, ...] = field(default=())

    def is_folder(self, dotted: str) -> bool:
        return dotted in self.tree.folders

    def __call__(self, module: str) -> str | None:
        return self.domain(module)

    def domain(self, module: str) -> str | None:
        """The domain ``module`` belongs to, or None when the protocol does not score it."""
        head = f"{self.prefix}."
        if not module.startswith(head) or is_test_or_migration(module):
            return None
        parts = module[len(head):].split(".")
        app = parts[0]
        if app not in self.apps or app in self.kernel:
            return None
        if app in TECHNICAL and self.is_folder(head + app):
            return None
        if app in self.layers:
            return self.layers[app].get(parts[1]) if len(parts) > 1 else None
        if app in self.split and len(parts) > 1:
            sub = parts[1]
            if self.is_folder(f"{head}{app}.{sub}") and sub not in TECHNICAL:
                return f"{app}.{sub}"
        return app

    def scored(self, modules: Iterable[str] | None = None) -> dict[str, str]:
        """``{module: domain}`` of the scored modules (of the project's tree by default)."""
        names = sorted(self.tree.modules if modules is None else modules)
        return {m: d for m in names if (d := self.domain(m)) is not None}


def _apps(tree: Tree, prefix: str, modules_are_apps: bool) -> frozenset[str]:
    depth = prefix.count(".") + 1
    head = f"{prefix}."
    found = {f.split(".")[depth] for f in tree.folders
             if f.startswith(head) and f.count(".") >= depth}
    if modules_are_apps:
        found |= {m.split(".")[depth] for m in tree.modules
                  if m.startswith(head) and m.count(".") == depth}
    return frozenset(found)


def layer_matches(tree: Tree, prefix: str, app: str, apps: Iterable[str]) -> dict[str, str]:
    """The subpackages (folders) of ``app`` named after another app, singular and plural
    folded, technical names left out: ``{subpackage: the app it is named after}``."""
    others = [o for o in sorted(apps) if o != app and o not in TECHNICAL]
    head = f"{prefix}.{app}."
    matches: dict[str, str] = {}
    for folder in sorted(tree.folders):
        if not folder.startswith(head) or folder.count(".") != head.count("."):
            continue
        sub = folder[len(head):]
        if sub in TECHNICAL or is_test_or_migration(sub):
            continue
        named = [o for o in others if o == sub] or [o for o in others if same_noun(sub, o)]
        if named:
            matches[sub] = named[0]
    return matches


def build(name: str, tree: Tree, prefix: str, *, kernel: Iterable[str] = (),
          modules_are_apps: bool = False, split: Iterable[str] = ()) -> Project:
    """Apply the protocol's rules to ``tree``."""
    kernel, split = frozenset(kernel), frozenset(split)
    apps = _apps(tree, prefix, modules_are_apps)
    notes: list[str] = []
    for missing in sorted((kernel | split) - apps):
        notes.append(f"{missing!r} is named by the protocol but is not an app here")
    layers: dict[str, dict[str, str]] = {}
    for app in sorted(apps):
        if f"{prefix}.{app}" not in tree.folders:
            continue  # a single module has no subpackages
        matches = layer_matches(tree, prefix, app, apps)
        if len(matches) < 3:
            continue
        if app in split:
            notes.append(f"{app!r} would be a layer app by the rule ({len(matches)} "
                         f"subpackages named after apps: {', '.join(sorted(matches))}); the "
                         "protocol's explicit split rule is applied instead")
            continue
        if app in kernel:
            notes.append(f"kernel app {app!r} would be a layer app by the rule; not scored")
            continue
        layers[app] = {sub: served for sub, served in matches.items() if served not in kernel}
        for sub, served in sorted(matches.items()):
            if served in kernel:
                notes.append(f"{prefix}.{app}.{sub} serves kernel app {served!r}: not scored")
    return Project(name, prefix, tree, apps, kernel, layers, split, tuple(notes))


# --------------------------------------------------------------------------- the projects


def oscar(root: Path | None = None) -> Project:
    """django-oscar 4.2.1: the app under ``oscar.apps.*``; ``dashboard`` is a layer."""
    root = root or corpus.ensure("oscar")
    return build("django-oscar 4.2.1", read_tree(root, ["oscar"]), "oscar.apps")


def saleor(root: Path | None = None) -> Project:
    """saleor 2.10.1: the top-level package under ``saleor.*``; ``core`` not scored;
    ``graphql`` is a layer."""
    root = root or corpus.ensure("saleor")
    return build("saleor 2.10.1", read_tree(root, ["saleor"]), "saleor", kernel={"core"})


def indico(root: Path | None = None) -> Project:
    """indico 3.3.14: the package under ``indico.modules.*``; each non-technical subpackage
    of ``indico.modules.events`` is a domain of its own."""
    root = root or corpus.ensure("indico")
    return build("indico 3.3.14", read_tree(root, ["indico"]), "indico.modules",
                 split={"events"})


def trac(root: Path | None = None) -> Project:
    """Trac 1.6: the top-level package or module under ``trac.*``; ``util``, ``core``,
    ``db``, ``web`` and ``upgrades`` not scored."""
    root = root or corpus.ensure("trac")
    return build("Trac 1.6", read_tree(root, ["trac"]), "trac",
                 kernel={"util", "core", "db", "web", "upgrades"}, modules_are_apps=True)


PROJECTS: Mapping[str, Callable[[], Project]] = {
    "oscar": oscar, "saleor": saleor, "indico": indico, "trac": trac,
}


# Held-out checks (EVALUATION.md: "Other real projects, Django and Flask alike, are used for
# held-out checks with the same rules"): projects no default was ever tuned on. The same rules;
# per project only its prefix and its shared-kernel apps, decided from the project's layout
# before seamline was first run on it, and never changed after.
_HELD_OUT: Mapping[str, tuple[str, str, frozenset[str]]] = {
    # Flask: the app packages under flaskbb.*; the command line, settings, seed data, plugin
    # machinery, themes and navigation helpers are the kernel (core, utils, management:
    # technical folders)
    "flaskbb": ("FlaskBB 2.2.0", "flaskbb",
                frozenset({"cli", "configs", "fixtures", "plugins", "themes", "display"})),
    # Django: the apps under tcms.*; settings is the kernel (core, utils, management:
    # technical). The rpc app's API modules (rpc.api.testcase) are modules, not folders: by the
    # rule rpc is no layer app and is scored as one domain
    "tcms": ("Kiwi TCMS 12.4", "tcms", frozenset({"settings"})),
    # Django: the apps under pretalx.*; common is the kernel (api: technical)
    "pretalx": ("pretalx 2026.2.1", "pretalx", frozenset({"common"})),
    # Django: the apps under wger.* (core, utils: technical)
    "wger": ("wger 2.1", "wger", frozenset()),
    # Django: the apps under weblate.*; examples is sample code (api, utils: technical)
    "weblate": ("Weblate 2026.10.1", "weblate", frozenset({"examples"})),
    # Django: the apps under mayan.apps.*; common is the kernel (forms, views: technical)
    "mayan": ("Mayan EDMS 4.12.2", "mayan.apps", frozenset({"common"})),
}


# The second held-out set (corpus.HELD_OUT_2), its prefixes and kernels written down from each
# project's layout on 2026-12-06, before seamline was first run on it.
_HELD_OUT_2: Mapping[str, tuple[str, str, frozenset[str]]] = {
    # Django CMS: the apps under mezzanine.*; settings, app loading, the project template,
    # template machinery and the URL root are the kernel (core, utils: technical)
    "mezzanine": ("Mezzanine 6.1.1", "mezzanine",
                  frozenset({"conf", "bin", "boot", "project_template", "template", "urls"})),
    # Django forum: the apps under misago.*; settings, the cache versioning, the plugin and
    # hook machinery, test data and helpers, the URL root and static files are the kernel
    # (core, admin: technical)
    "misago": ("Misago 0.39.6", "misago",
               frozenset({"conf", "cache", "conftest", "test", "settings", "urls", "hooks",
                          "hooktypes", "plugins", "static", "templates", "locale", "faker"})),
    # Django: the apps under label_studio.*; the server, settings helpers, constants and
    # templates are the kernel (core: technical)
    "label_studio": ("Label Studio 1.23.2", "label_studio",
                     frozenset({"server", "constants", "sitecustomize", "conftest", "manage",
                                "templates", "annotation_templates", "tests"})),
    # Django: the apps under tendenci.apps.*; the base app, the app registry, permissions,
    # site settings, themes, the API frameworks and the site plumbing are the kernel
    "tendenci": ("Tendenci 16.30", "tendenci.apps",
                 frozenset({"base", "registry", "perms", "site_settings", "theme",
                            "theme_editor", "handler404", "robots", "sitemaps", "api",
                            "api_drf", "api_tasty", "meta", "mobile", "explorer_extensions"})),
}


def held_out(key: str, root: Path | None = None) -> Project:
    """A held-out project's truth: its prefix and kernel (:data:`_HELD_OUT`,
    :data:`_HELD_OUT_2`), the same rules."""
    name, prefix, kernel = {**_HELD_OUT, **_HELD_OUT_2}[key]
    root = root or corpus.ensure(key)
    return build(name, read_tree(root, [prefix.split(".")[0]]), prefix, kernel=kernel)


HELD_OUT: Mapping[str, Callable[[], Project]] = {
    key: functools.partial(held_out, key) for key in _HELD_OUT}
HELD_OUT_2: Mapping[str, Callable[[], Project]] = {
    key: functools.partial(held_out, key) for key in _HELD_OUT_2}
ALL_PROJECTS: Mapping[str, Callable[[], Project]] = {**PROJECTS, **HELD_OUT, **HELD_OUT_2}


# An answer key's contexts that are not scored (as seamline's reference files say).
NOT_SCORED = frozenset({"shared", "kernel", "shared-kernel", "split"})


@dataclass(frozen=True)
class AnswerKey:
    """A bundled sample's answer key: ``[modules]`` (names or glob patterns -> context) and
    ``[atoms]`` (``module:Name`` -> context). Call it with a module name."""

    name: str
    modules: tuple[tuple[str, str], ...]
    atoms: Mapping[str, str]

    def module_context(self, module: str) -> str | None:
        """The key's context of ``module``: an exact entry, else the longest matching
        pattern (the first of equal length); None when the key does not name it."""
        best: tuple[str, str] | None = None
        for pattern, context in self.modules:
            if pattern == module:
                return context
            if (any(c in pattern for c in "*?[") and fnmatchcase(module, pattern)
                    and (best is None or len(pattern) > len(best[0]))):
                best = (pattern, context)
        return best[1] if best else None

    def __call__(self, module: str) -> str | None:
        """Module level: ``shared`` and ``split`` modules, and those left out, not scored."""
        found = self.module_context(module)
        return None if found is None or found in NOT_SCORED else found

    def atom(self, element: str, module: str) -> str | None:
        """Atom level: the key's ``[atoms]`` entry, else its module's context (unless the
        module is ``split``); ``shared`` and unnamed atoms not scored."""
        found = self.atoms.get(element)
        if found is None:
            found = self.module_context(module)
            found = None if found == "split" else found
        return None if found is None or found in NOT_SCORED else found


def sample(name: str) -> AnswerKey:
    """The answer key ``samples/<name>/expected.toml``."""
    path = SAMPLES_DIR / name / "expected.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    modules, atoms = data.get("modules", {}), data.get("atoms", {})
    return AnswerKey(name, tuple((str(k), str(v)) for k, v in modules.items()),
                     {str(k): str(v) for k, v in atoms.items()})


# --------------------------------------------------------------------------- printing


def describe(project: Project, *, modules: bool = False) -> list[str]:
    """What :func:`main` prints for one project."""
    tree, head = project.tree, f"{project.prefix}."
    under = sorted(m for m in tree.modules if m.startswith(head))
    scored = project.scored()
    counts = Counter(scored.values())
    outside = Counter(m.split(".")[: project.prefix.count(".") + 1][-1]
                      for m in tree.modules if not m.startswith(head) and m != project.prefix)
    lines = [f"== {project.name}: {len(counts)} scored domains, {len(scored)} of "
             f"{len(tree.modules)} modules scored ({len(under)} under {project.prefix}.*)"]
    lines.append(f"  apps ({len(project.apps)}): {', '.join(sorted(project.apps))}")
    if outside:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(outside.items()))
        lines.append(f"  not scored, outside {project.prefix}.*: {parts}")
    tests = sum(1 for m in under if is_test_or_migration(m))
    kernel = sorted(project.kernel & project.apps)
    technical = sorted(a for a in project.apps
                       if a in TECHNICAL and project.is_folder(head + a))
    lines.append(f"  not scored under {project.prefix}.*: {tests} test/migration modules; "
                 f"kernel apps: {', '.join(kernel) or '-'}; technical-folder apps: "
                 f"{', '.join(technical) or '-'}")
    for layer, served in sorted(project.layers.items()):
        inside = [m for m in under if m.startswith(f"{head}{layer}.") or m == head + layer]
        placed = sum(1 for m in inside if m in scored)
        lines.append(f"  layer app {layer!r}: {len(inside)} modules, {placed} scored with the "
                     f"app they serve, {len(inside) - placed} not scored")
        lines.append("    " + ", ".join(f"{sub} -> {app}" for sub, app in sorted(served.items())))
    for app in sorted(project.split):
        subs = sorted({d for d in counts if d.startswith(f"{app}.")})
        lines.append(f"  split app {app!r}: {len(subs)} subpackage domains + {app!r} itself")
    for note in project.notes:
        lines.append(f"  note: {note}")
    lines.append("  scored domains (modules):")
    width = max((len(d) for d in counts), default=0)
    for domain, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"    {domain:<{width}} {count:>4}")
    if modules:
        lines.append("  every module under the prefix:")
        lines.extend(f"    {m} -> {project.domain(m)}" for m in under)
    return lines


def describe_sample(name: str) -> list[str]:
    """The scored domains of a sample's answer key (modules it names; patterns not expanded)."""
    key = sample(name)
    named = [m for m, _ in key.modules if not any(c in m for c in "*?[")]
    counts = Counter(d for m in named if (d := key(m)) is not None)
    atoms = Counter(d for a in key.atoms if (d := key.atom(a, a.partition(":")[0])))
    lines = [f"== {name} (sample): {len(counts)} scored domains, {sum(counts.values())} of "
             f"{len(named)} modules in the answer key scored (shared and split: not scored); "
             f"{sum(atoms.values())} of {len(key.atoms)} listed atoms scored"]
    width = max((len(d) for d in counts), default=0)
    for domain, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"    {domain:<{width}} {count:>4} modules {atoms[domain]:>4} atoms")
    return lines


def expand(name: str) -> tuple[str, ...]:
    """``samples``, ``held-out`` and ``held-out-2`` stand for their projects; any other name
    for itself."""
    if name in ("sample", "samples"):
        return SAMPLES
    if name == "held-out-2":
        return tuple(HELD_OUT_2)
    return tuple(HELD_OUT) if name == "held-out" else (name,)


def known() -> str:
    return ", ".join(["samples", *SAMPLES, *PROJECTS, "held-out", *HELD_OUT, "held-out-2",
                      *HELD_OUT_2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("projects", nargs="*",
                        help=f"default: {' '.join(PROJECTS)}; also samples, a sample's name, "
                             f"held-out, held-out-2 or a held-out project's name")
    parser.add_argument("--modules", action="store_true", help="also list every module")
    args = parser.parse_args(argv)
    names: list[str] = []
    for name in args.projects or list(PROJECTS):
        names.extend(expand(name))
    for name in names:
        if name not in ALL_PROJECTS and name not in SAMPLES:
            parser.error(f"unknown project {name!r} (known: {known()})")
    for name in names:
        print("\n".join(describe_sample(name) if name in SAMPLES
                        else describe(ALL_PROJECTS[name](), modules=args.modules)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
