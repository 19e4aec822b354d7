"""The agreed decomposition in other tools' terms, so teams can keep using them.

The guarantee: on the code it was exported from, the other tool passes exactly when
``seamline check`` passes on the imports. Both tools see a dependency as one module importing
another, so seamline judges every import between the project's modules the way the exported
file makes the tool judge it, and every import the tool would reject but ``check`` accepts
(a violation the baseline records, a definition that ``atoms`` place in the importing context,
a kind of import ``check.imports`` leaves out, a rule turned off or silenced) is excused with
the tool's own mechanism:

* import-linter: one ``forbidden`` contract per context, the kernel's included, forbidding the
  modules of the contexts it may not use and the private modules of those it may; excused
  imports are the contract's ``ignore_imports``;
* tach: one tach module per Python module, with the modules it may not import as
  ``cannot_depend_on``; an excused import is left out of that list (with a comment).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from analyzer.decomposition import Agreed, toml_string
from analyzer.findings.uses import ImportEdge
from analyzer.text import one_line

TARGETS = ("import-linter", "tach")
KNOWN = "known: the baseline records it"
ALLOWED = "seamline check accepts it"


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export needs besides the decomposition."""

    modules: Sequence[str]  # every module seamline reads
    packages: Sequence[str]  # those that are packages
    project: str
    edges: Sequence[ImportEdge]  # every import between the project's modules, any kind
    failing: Collection[tuple[str, str]]  # (user, used) of the uses check fails on
    known: Collection[tuple[str, str]]  # (user, used) of the violations the baseline records
    exclude: Sequence[str] = ()  # seamline's exclude patterns (for tach)


def _strings(items: Sequence[str], indent: str = "    ") -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f"{indent}{toml_string(i)},\n" for i in items) + "]"


def _note(agreed: Agreed) -> list[str]:
    split = [c.name for c in agreed.contexts if c.atoms]
    if not split:
        return []
    return [f"# Definitions that `atoms` place in {one_line(', '.join(split))} live in modules "
            "of other",
            "# contexts; these tools see modules only, so they go with their module here, and",
            "# an import seamline accepts because of that is excused below."]


def forbidden(agreed: Agreed, importer: str, imported: str) -> bool:
    """Whether the exported files make the tools reject ``importer`` importing ``imported``:
    the same verdict as SL401 and SL402, on modules."""
    return _forbidden(agreed, agreed.assign(importer, importer),
                      agreed.assign(imported, imported), imported)


def _forbidden(agreed: Agreed, a: str | None, b: str | None, imported: str) -> bool:
    """``forbidden`` once both modules' contexts are known."""
    if a is None or b is None or a == b:
        return False
    used = agreed.context(b)
    if used.kernel:  # everyone may use the kernel, through its public modules when it names them
        return not used.is_public(imported)
    return b not in agreed.context(a).uses or not used.is_public(imported)


def excused(agreed: Agreed, given: Exported, tool_counts: Collection[str]
            ) -> dict[tuple[str, str], str]:
    """(importer, imported) -> why, for each import the tool would reject and ``check``
    accepts. ``tool_counts``: the kinds of import the tool sees."""
    uses: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for edge in given.edges:
        if edge.use.kind.removeprefix("import (").rstrip(")") in tool_counts:
            uses[(edge.importer, edge.imported)].append((edge.use.source, edge.use.target))
    found: dict[tuple[str, str], str] = {}
    for pair, pairs in sorted(uses.items()):
        if not forbidden(agreed, *pair) or any(p in given.failing for p in pairs):
            continue
        found[pair] = KNOWN if any(p in given.known for p in pairs) else ALLOWED
    return found


def _members(agreed: Agreed, modules: Sequence[str]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {c.name: [] for c in agreed.contexts}
    for module in modules:
        context = agreed.assign(module, module)
        if context is not None:
            members[context].append(module)
    return members


def to_import_linter(agreed: Agreed, given: Exported) -> str:
    """import-linter's roots must be packages, so single-file top-level modules
    (``manage.py``) stay out of its contracts."""
    roots = sorted({m for m in given.packages if "." not in m})
    modules = sorted(m for m in given.modules if m.split(".")[0] in roots)
    members = _members(agreed, modules)
    counted = set(agreed.imports) | {"module-level", "function-level"}  # it counts them all
    skip = excused(agreed, given, counted)
    lines = [f"# import-linter contracts for {one_line(given.project)}, from its agreed "
             "decomposition",
             "# (written by `seamline export --to import-linter`; paste into pyproject.toml).",
             "# On this code, lint-imports passes exactly when `seamline check` passes on the",
             "# imports; export again when the decomposition, the baseline or the modules change.",
             *_note(agreed), "", "[tool.importlinter]",
             f"root_packages = {_strings(roots)}"]
    if "type-checking" not in agreed.imports:
        lines.append("exclude_type_checking_imports = true  # as check.imports")
    for context in agreed.contexts:
        if not members[context.name]:
            continue
        banned = sorted(m for m in modules if forbidden(agreed, members[context.name][0], m))
        if not banned:
            continue
        own = set(members[context.name])
        ignored = sorted(p for p in skip if p[0] in own)
        allowed = (f"may use only {', '.join(context.uses)} and the kernel" if context.uses
                   else "may use only the kernel")
        lines += ["", "[[tool.importlinter.contracts]]",
                  f"name = {toml_string(f'{context.name} {allowed}')}",
                  'type = "forbidden"',
                  "allow_indirect_imports = true  # a context may use what its neighbours use",
                  "as_packages = false  # each module alone: a package's public submodules "
                  "stay allowed",
                  f"source_modules = {_strings(members[context.name])}",
                  f"forbidden_modules = {_strings(banned)}"]
        if ignored:
            lines.append("ignore_imports = [")
            for why in (KNOWN, ALLOWED):
                chosen = [p for p in ignored if skip[p] == why]
                if chosen:
                    lines.append(f"    # {why}")
                    lines += [f"    {toml_string(f'{a} -> {b}')}," for a, b in chosen]
            lines.append("]")
            lines.append('unmatched_ignore_imports_alerting = "none"  # seamline reports stale '
                         "entries")
    return "\n".join(lines) + "\n"


def _tach_exclude(patterns: Sequence[str]) -> list[str]:
    """seamline's exclude patterns as tach's globs: a name matches anywhere on the path."""
    return [p if "/" in p else f"**/{p}" for p in patterns]


def to_tach(agreed: Agreed, given: Exported) -> str:
    modules = sorted(given.modules)
    counted = set(agreed.imports) | {"module-level", "function-level"}
    skip = excused(agreed, given, counted)
    by_importer: Mapping[str, list[str]] = _group(skip)
    roots = sorted({m.split(".")[0] for m in modules})
    lines = [f"# tach.toml for {one_line(given.project)}, from its agreed decomposition",
             "# (written by `seamline export --to tach`). On this code, `tach check` passes",
             "# exactly when `seamline check` passes on the imports; export again when the",
             "# decomposition, the baseline or the modules change.", *_note(agreed),
             'source_roots = ["."]', f"# top-level packages: {', '.join(roots)}",
             f"exclude = {_strings(_tach_exclude(given.exclude))}",
             "ignore_type_checking_imports = "
             + ("false" if "type-checking" in agreed.imports else "true"),
             "respect_gitignore = false  # the files seamline reads, whatever git ignores"]
    # a verdict depends on the importer's context only: one banned list per context
    context_of = {module: agreed.assign(module, module) for module in modules}
    banned_from = {context: [m for m in modules if _forbidden(agreed, context, context_of[m], m)]
                   for context in sorted({c for c in context_of.values() if c is not None})}
    for module in modules:
        context = context_of[module]
        if context is None:
            continue
        let_in = set(by_importer.get(module, ()))
        banned = [m for m in banned_from[context] if m not in let_in]
        lines += ["", "[[modules]]", f"path = {toml_string(module)}"]
        lines.append(f"# context: {one_line(context)}")
        for why in (KNOWN, ALLOWED):
            let = [b for b in by_importer.get(module, ()) if skip[(module, b)] == why]
            if let:
                lines.append(f"# not forbidden here, {why}: {one_line(', '.join(let))}")
        if banned:
            lines.append(f"cannot_depend_on = {_strings(banned)}")
    return "\n".join(lines) + "\n"


def _group(pairs: Collection[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(pairs):
        grouped[a].append(b)
    return grouped


def export(agreed: Agreed, target: str, given: Exported) -> str:
    if target == "import-linter":
        return to_import_linter(agreed, given)
    if target == "tach":
        return to_tach(agreed, given)
    raise ValueError(f"unknown export target {target!r}")
