"""Who uses what, between elements (``pkg.mod:f``, or ``pkg.mod`` for a module's own code):
the one list every rule judges a cut by.

* ``collect_uses``: code references and framework links, at ``path:line``. A use that is only
  a type hint is left out (a shared type is not a call), and so is an element's use of itself.
* ``import_edges``: imports of one of the project's modules by another. Importing a module runs
  it, so an import couples two contexts even when nothing it names is used (import-linter and
  tach count it too). An import is one of three kinds, and ``check.imports`` in the
  decomposition file says which count as uses for SL401, SL402 and SL406:

  * ``module-level``: at the top of a module or in a class body (also under ``try``/``if``);
    runs when the module is imported;
  * ``function-level``: inside a function; runs when the function is called;
  * ``type-checking``: under ``if TYPE_CHECKING:``; never runs.

  The user of a module-level import is the module's own code (``pkg.a``); of an import inside
  a top-level definition, that definition (``pkg.a:f``). What it uses is the imported
  definition (``pkg.b:g``) when it names one, else the imported module (``pkg.b``), as the
  tools see it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass

from analyzer.model import CodeModel, DataModel, Import, ImportKind, Module
from analyzer.quickinit import quick_init


@quick_init
@dataclass(frozen=True, slots=True)
class Use:
    """Element ``source`` uses element ``target`` (code or a framework link) at path:line."""

    source: str
    target: str
    path: str
    line: int
    kind: str

    @property
    def imported(self) -> bool:
        """An import alone, not a call, a reference or a link."""
        return self.kind.startswith("import")


def collect_uses(code: CodeModel, data: DataModel, element_of: Callable[[str], str]
                 ) -> list[Use]:
    """Every use of one element by another: code references and framework links."""
    found: list[Use] = []
    for module in code.modules:
        for reference in module.references:
            if set(reference.kinds) <= {"annotation"}:
                continue
            source, target = element_of(reference.source), element_of(reference.target)
            if source != target:
                found.append(Use(source, target, module.path, reference.line,
                                 "+".join(reference.kinds)))
    for link in data.links:
        source, target = element_of(link.source), element_of(link.target)
        if source != target:
            found.append(Use(source, target, link.path, link.line, link.kind))
    return found


def import_kind(item: Import) -> str:
    if item.type_checking:
        return "type-checking"
    return "function-level" if item.in_function else "module-level"


@dataclass(frozen=True, slots=True)
class ImportEdge:
    """One import as the other tools see it: ``importer`` imports module ``imported``; ``use``
    is the same import as seamline judges it."""

    importer: str
    imported: str
    use: Use


def import_edges(code: CodeModel, element_of: Callable[[str], str],
                 kinds: Collection[str]) -> list[ImportEdge]:
    """Every import of one of the project's modules by another, of the given kinds."""
    defined = {m.name: frozenset(d.name for d in m.definitions) for m in code.modules}
    found: list[ImportEdge] = []
    for module in code.modules:
        holder = _Holder(module)
        for item in module.imports:
            if item.kind is not ImportKind.INTERNAL or item.module == module.name \
                    or import_kind(item) not in kinds:
                continue
            source = holder.at(item.line)
            target = item.module
            if item.symbol is not None and item.symbol in defined.get(item.module, ()):
                target = element_of(f"{item.module}:{item.symbol}")
            if source == target:
                continue
            found.append(ImportEdge(module.name, item.module, Use(
                source, target, module.path, item.line, f"import ({import_kind(item)})")))
    return found


def import_uses(code: CodeModel, element_of: Callable[[str], str],
                kinds: Collection[str]) -> list[Use]:
    return [edge.use for edge in import_edges(code, element_of, kinds)]


class _Holder:
    """The top-level definition a line is in, or the module's own code."""

    def __init__(self, module: Module) -> None:
        spans = sorted((d.line, d.end_line, d.name) for d in module.definitions)
        self.module = module.name
        self.starts = [s[0] for s in spans]
        self.spans = spans

    def at(self, line: int) -> str:
        index = bisect_right(self.starts, line) - 1
        if index >= 0:
            start, end, name = self.spans[index]
            if start <= line <= end:
                return f"{self.module}:{name}"
        return self.module
