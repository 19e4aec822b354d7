"""The agreed decomposition: the file ``seamline init`` writes and ``seamline check`` enforces.

A team's contexts, each with the modules (glob patterns) and, for modules it shares with other
contexts, the definitions it holds; the tables it owns; the contexts it may use; and its public
interface. Human-edited, so every key is checked and every mistake names its key::

    version = 1

    [check]
    reads = "warning"                  # reads of another context's tables: error, warning, off
    imports = ["module-level", "function-level"]  # imports that count as uses

    [contexts.orders]
    modules = ["shop.orders", "shop.orders.*"]
    atoms = ["shop.models:Order"]      # definitions of modules several contexts share
    public = ["shop.orders.api"]       # what other contexts may use (absent: everything)
    tables = ["orders", "order_lines"]
    uses = ["payments"]                # contexts it may depend on (the kernel: always)

    [contexts.shared-kernel]
    kernel = true
    modules = ["shop.utils.*"]

    [contexts.command]
    infrastructure = true              # framework plumbing: may touch the tables of its uses
    modules = ["shop.management.commands.*"]
    uses = ["orders", "payments"]
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import reprlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.text import one_line
from analyzer.tomlfile import read_toml

DEFAULT_FILE = "seamline-decomposition.toml"
VERSION = 1
_CONTEXT_KEYS = ("modules", "atoms", "public", "tables", "uses", "kernel", "infrastructure")
_CHECK_KEYS = ("reads", "max-coupling-increase", "imports")
# the imports that count as uses (analyzer/findings/uses.py): a module-level import runs when
# its module is imported, a function-level one when the function is called; an import under
# ``if TYPE_CHECKING:`` never runs
IMPORT_KINDS = ("module-level", "function-level", "type-checking")
DEFAULT_IMPORTS = ("module-level", "function-level")
_LEVELS = ("error", "warning", "off")
_QUOTED = reprlib.Repr()
_QUOTED.maxlevel, _QUOTED.maxlist, _QUOTED.maxdict = 3, 4, 4
_QUOTED.maxstring = _QUOTED.maxother = _QUOTED.maxlong = 60


def quoted(value: object) -> str:
    """A value as a message quotes it: its repr, cut short (a hand-edited or hostile file
    may hold a list of a million items, or lists nested hundreds deep)."""
    return _QUOTED.repr(value)


@dataclass(frozen=True, slots=True)
class AgreedContext:
    name: str
    modules: tuple[str, ...]  # module glob patterns
    atoms: tuple[str, ...] = ()  # definition patterns, "module:Name"
    public: tuple[str, ...] | None = None  # None: every module is public
    tables: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    kernel: bool = False
    # framework plumbing (management commands, middleware): the operators' tooling, run against
    # the databases of the contexts it uses, so it may read and write their tables
    infrastructure: bool = False

    def is_public(self, module: str) -> bool:
        return self.public is None or any(fnmatchcase(module, p) for p in self.public)


@dataclass(frozen=True, slots=True)
class Agreed:
    contexts: tuple[AgreedContext, ...]
    reads: str = "warning"  # how reads of another context's tables are reported
    max_coupling_increase: float = 0.02  # cross-context share of uses above the baseline
    source: str = ""
    imports: tuple[str, ...] = DEFAULT_IMPORTS  # the kinds of import that count as uses
    # the patterns indexed once (a check on a large project assigns tens of thousands of times)
    matcher: _Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matcher", _Matcher(self.contexts))

    def context(self, name: str) -> AgreedContext:
        return next(c for c in self.contexts if c.name == name)

    def owner_of(self) -> dict[str, str]:
        return {table: c.name for c in self.contexts for table in c.tables}

    def assign(self, element: str, module: str) -> str | None:
        """The context an element belongs to: the most specific matching pattern wins (a
        definition pattern over a module pattern, then the longest literal part)."""
        return self.matcher.assign(element, module)


def _literal(pattern: str) -> int:
    return sum(1 for c in pattern if c not in "*?[]")


def _wild(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


class _Matcher:
    """Patterns indexed once: a dict for literal names (most of them), compiled regular
    expressions for the rest. A check on a large project asks tens of thousands of times."""

    def __init__(self, contexts: Sequence[AgreedContext]) -> None:
        self.exact: list[dict[str, tuple[int, int, str]]] = [{}, {}]  # modules, atoms
        self.wild: list[list[tuple[re.Pattern[str], tuple[int, int, str]]]] = [[], []]
        for context in contexts:
            for kind, patterns in ((0, context.modules), (1, context.atoms)):
                for pattern in patterns:
                    rank = (kind, _literal(pattern), context.name)
                    if _wild(pattern):
                        self.wild[kind].append((re.compile(fnmatch.translate(pattern)), rank))
                    else:
                        self.exact[kind][pattern] = max(self.exact[kind].get(pattern, rank),
                                                        rank)

    def assign(self, element: str, module: str) -> str | None:
        ranks = [r for kind, name in ((0, module), (1, element))
                 for r in ([self.exact[kind][name]] if name in self.exact[kind] else [])
                 + [rank for regex, rank in self.wild[kind] if regex.match(name)]]
        return max(ranks)[2] if ranks else None


def _strings(value: Any, key: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{key} must be a list of strings, not {quoted(value)}",
                          source=source)
    return tuple(value)


def _unknown(key: str, allowed: Sequence[str], where: str, source: str) -> ConfigError:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"unknown key '{where}{key}'{hint}; known keys: {', '.join(allowed)}",
                       source=source)


def load_agreed(path: Path) -> Agreed:
    """Read and check a decomposition file; every mistake is a ``ConfigError`` naming its
    key."""
    source = str(path)
    if not path.is_file():
        raise ConfigError("no agreed decomposition here; write one with `seamline init`",
                          source=source)
    data = read_toml(path, "decomposition")
    for key in data:
        if key not in ("version", "check", "contexts"):
            raise _unknown(key, ("version", "check", "contexts"), "", source)
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise ConfigError(f"version must be {VERSION}, not {quoted(version)}", source=source)
    check = data.get("check", {})
    if not isinstance(check, dict):
        raise ConfigError("[check] must be a table", source=source)
    for key in check:
        if key not in _CHECK_KEYS:
            raise _unknown(key, _CHECK_KEYS, "check.", source)
    reads = check.get("reads", "warning")
    if not isinstance(reads, str) or reads not in _LEVELS:
        raise ConfigError(f"check.reads must be error, warning or off, not {quoted(reads)}",
                          source=source)
    increase = check.get("max-coupling-increase", 0.02)
    if isinstance(increase, bool) or not isinstance(increase, (int, float)) \
            or not 0 <= increase <= 1:  # a share of uses; NaN and infinity fail
        raise ConfigError("check.max-coupling-increase must be a number from 0 to 1 (a share "
                          f"of the uses), not {quoted(increase)}", source=source)
    imports = check.get("imports", list(DEFAULT_IMPORTS))
    if not isinstance(imports, list) or not all(isinstance(i, str) for i in imports):
        raise ConfigError(f"check.imports must be a list of import kinds ({', '.join(IMPORT_KINDS)}"
                          f"), not {quoted(imports)}", source=source)
    for kind in imports:
        if kind not in IMPORT_KINDS:
            close = difflib.get_close_matches(kind, list(IMPORT_KINDS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"check.imports: unknown import kind {quoted(kind)}{hint}; "
                              f"kinds: {', '.join(IMPORT_KINDS)}", source=source)
    raw = data.get("contexts")
    if not isinstance(raw, dict) or not raw:
        raise ConfigError("[contexts] must hold at least one context table", source=source)
    contexts: list[AgreedContext] = []
    for name, spec in raw.items():
        where = f"contexts.{name}."
        if not isinstance(spec, dict):
            raise ConfigError(f"contexts.{name} must be a table", source=source)
        for key in spec:
            if key not in _CONTEXT_KEYS:
                raise _unknown(key, _CONTEXT_KEYS, where, source)
        kernel = spec.get("kernel", False)
        infrastructure = spec.get("infrastructure", False)
        for key, value in (("kernel", kernel), ("infrastructure", infrastructure)):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}{key} must be true or false", source=source)
        if kernel and infrastructure:
            raise ConfigError(f"{where}infrastructure: a context cannot be both a kernel and "
                              "infrastructure (kernel = true)", source=source)
        public = spec.get("public")
        contexts.append(AgreedContext(
            name=name,
            modules=_strings(spec.get("modules", []), f"{where}modules", source),
            atoms=_strings(spec.get("atoms", []), f"{where}atoms", source),
            public=None if public is None else _strings(public, f"{where}public", source),
            tables=_strings(spec.get("tables", []), f"{where}tables", source),
            uses=_strings(spec.get("uses", []), f"{where}uses", source),
            kernel=kernel,
            infrastructure=infrastructure,
        ))
    names = {c.name for c in contexts}
    owners: dict[str, str] = {}
    for context in contexts:
        if not context.modules and not context.atoms:
            raise ConfigError(f"contexts.{context.name} holds nothing: give it modules or atoms",
                              source=source)
        for used in context.uses:
            if used not in names:
                raise ConfigError(f"contexts.{context.name}.uses names an unknown context "
                                  f"{used!r}; contexts: {', '.join(sorted(names))}",
                                  source=source)
        for table in context.tables:
            if table in owners:
                raise ConfigError(f"contexts.{context.name}.tables: {table!r} is already owned "
                                  f"by {owners[table]!r}; a table has one owner", source=source)
            owners[table] = context.name
    return Agreed(tuple(sorted(contexts, key=lambda c: c.name)), reads, float(increase), source,
                  tuple(k for k in IMPORT_KINDS if k in imports))


def unmatched_patterns(agreed: Agreed, modules: Iterable[str], elements: Iterable[str]
                       ) -> list[str]:
    """``contexts.X.modules`` entries that match no module (and the like for atoms and
    public), as messages naming the key: a pattern that matches nothing is a typo."""
    modules, elements = sorted(modules), sorted(elements)
    known = set(modules) | set(elements)
    problems: list[str] = []
    for context in agreed.contexts:
        for key, patterns, names in (("modules", context.modules, modules),
                                     ("atoms", context.atoms, elements),
                                     ("public", context.public or (), modules)):
            for index, pattern in enumerate(patterns):
                if not _wild(pattern):
                    if pattern not in known:
                        problems.append(f"contexts.{context.name}.{key}[{index}] = "
                                        f"{pattern!r} matches nothing")
                    continue
                regex = re.compile(fnmatch.translate(pattern))
                if not any(regex.match(n) for n in names):
                    problems.append(f"contexts.{context.name}.{key}[{index}] = {pattern!r} "
                                    "matches nothing")
    return problems


def dump_agreed(agreed: Agreed, project: str) -> str:
    """The file ``seamline init`` writes: TOML, commented, in a stable order."""
    lines = [
        f"# The agreed decomposition of {one_line(project)}: written by `seamline init`, then "
        "edited by",
        "# hand. `seamline check` fails when the code drifts from it (docs/check.md).",
        f"version = {VERSION}",
        "",
        "[check]",
        f"reads = {toml_string(agreed.reads)}  # reads of another context's tables: error, "
        "warning or off",
        f"max-coupling-increase = {agreed.max_coupling_increase}  # cross-context share of uses "
        "above the baseline",
        f"imports = {_list(agreed.imports)}  # imports that count as uses: module-level, "
        "function-level, type-checking",
    ]
    for context in agreed.contexts:
        lines += ["", f"[contexts.{_key(context.name)}]"]
        if context.kernel:
            lines.append("kernel = true")
        if context.infrastructure:
            lines.append("infrastructure = true")
        lines.append(f"modules = {_list(context.modules)}")
        if context.atoms:
            lines.append(f"atoms = {_list(context.atoms)}")
        if context.public is not None:
            lines.append(f"public = {_list(context.public)}")
        if context.tables:
            lines.append(f"tables = {_list(context.tables)}")
        if not context.kernel or context.uses:
            lines.append(f"uses = {_list(context.uses)}")
    return "\n".join(lines) + "\n"


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, everything
    else (accents, emoji) as it is."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out) + '"'


def _key(name: str) -> str:
    bare = name.replace("-", "").replace("_", "").isalnum() and name.isascii()
    return name if bare else toml_string(name)


def _list(items: Sequence[str]) -> str:
    if len(items) <= 2 and sum(len(i) for i in items) < 60:
        return "[" + ", ".join(toml_string(i) for i in items) + "]"
    return "[\n" + "".join(f"    {toml_string(i)},\n" for i in items) + "]"
