"""The agreed decomposition in other tools' terms, so teams can keep using them.

* import-linter: one ``forbidden`` contract per context, forbidding the modules of the
  contexts it may not use and the private modules of those it may;
* tach: one tach module per module pattern of a context (a package held whole is one tach
  module), each depending on its own context's modules and the public modules of the
  contexts it uses; the kernel's modules are tach utilities anyone may use.

Both speak in modules: definitions placed by ``atoms`` (modules several contexts share) go
with the module's own context, and the file says so in a comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from analyzer.decomposition import Agreed, AgreedContext, toml_string

TARGETS = ("import-linter", "tach")


def _members(context: AgreedContext, agreed: Agreed, modules: Sequence[str]) -> list[str]:
    return [m for m in modules if agreed.assign(m, m) == context.name]


def _strings(items: Sequence[str], indent: str = "    ") -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f"{indent}{toml_string(i)},\n" for i in items) + "]"


def _note(agreed: Agreed) -> list[str]:
    split = [c.name for c in agreed.contexts if c.atoms]
    if not split:
        return []
    return [f"# Definitions that `atoms` place in {', '.join(split)} live in modules of other",
            "# contexts; these tools see modules only, so they go with their module here."]


def to_import_linter(agreed: Agreed, modules: Sequence[str], packages: Sequence[str],
                     project: str) -> str:
    """``packages``: the modules that are packages; import-linter's roots must be packages,
    so single-file top-level modules (``manage.py``) stay out of its contracts."""
    roots = sorted({m for m in packages if "." not in m})
    modules = [m for m in modules if m.split(".")[0] in roots]
    members = {c.name: _members(c, agreed, modules) for c in agreed.contexts}
    lines = [f"# import-linter contracts for {project}, from its agreed decomposition",
             "# (written by `seamline export --to import-linter`; paste into pyproject.toml).",
             *_note(agreed), "", "[tool.importlinter]",
             f"root_packages = {_strings(roots)}"]
    for context in agreed.contexts:
        if context.kernel or not members[context.name]:
            continue
        forbidden: list[str] = []
        for other in agreed.contexts:
            if other.name == context.name or other.kernel:
                continue
            if other.name in context.uses:
                forbidden += [m for m in members[other.name] if not other.is_public(m)]
            else:
                forbidden += members[other.name]
        if not forbidden:
            continue
        allowed = (f"may use only {', '.join(context.uses)} and the kernel" if context.uses
                   else "may use only the kernel")
        lines += ["", "[[tool.importlinter.contracts]]",
                  f"name = {toml_string(f'{context.name} {allowed}')}",
                  'type = "forbidden"',
                  "allow_indirect_imports = true  # a context may use what its neighbours use",
                  "as_packages = false  # each module alone: a package's public submodules "
                  "stay allowed",
                  f"source_modules = {_strings(members[context.name])}",
                  f"forbidden_modules = {_strings(sorted(forbidden))}"]
    return "\n".join(lines) + "\n"


def _tach_modules(context: AgreedContext) -> list[str]:
    """A context's module patterns as tach module paths: ``pkg`` stands for ``pkg.*``; other
    wildcards have no tach equivalent and are left out."""
    paths: list[str] = []
    for pattern in context.modules:
        path = pattern.removesuffix(".*")
        if not any(c in path for c in "*?[") and path not in paths:
            paths.append(path)
    return paths


def _public_under(context: AgreedContext, path: str) -> bool:
    """A tach module (``pkg`` stands for the package) holds public code: it or a module below
    it is public."""
    if context.public is None:
        return True
    return any(fnmatchcase(path, p) or p.startswith(path + ".") for p in context.public)


def to_tach(agreed: Agreed, modules: Sequence[str], project: str) -> str:
    paths = {c.name: _tach_modules(c) for c in agreed.contexts}
    roots = sorted({m.split(".")[0] for m in modules})
    lines = [f"# tach.toml for {project}, from its agreed decomposition",
             "# (written by `seamline export --to tach`).", *_note(agreed),
             'source_roots = ["."]', f"# top-level packages: {', '.join(roots)}"]
    for context in agreed.contexts:
        depends: list[str] = []
        if not context.kernel:
            for used in context.uses:
                other = agreed.context(used)
                depends += [p for p in paths[used] if _public_under(other, p)]
        for path in paths[context.name]:
            lines += ["", "[[modules]]", f"path = {toml_string(path)}"]
            if context.kernel:
                lines.append("utility = true")
            own = [p for p in paths[context.name] if p != path]
            lines.append(f"depends_on = {_strings(sorted(set(own + depends)))}")
            lines.append(f"# context: {context.name}")
    return "\n".join(lines) + "\n"


def export(agreed: Agreed, target: str, modules: Sequence[str], packages: Sequence[str],
           project: str) -> str:
    if target == "import-linter":
        return to_import_linter(agreed, sorted(modules), sorted(packages), project)
    if target == "tach":
        return to_tach(agreed, sorted(modules), project)
    raise ValueError(f"unknown export target {target!r}")
