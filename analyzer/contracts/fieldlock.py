"""Proto field numbers that never change: the lock file beside the decomposition.

The lock also keeps the project name the proto packages start with (``project``): the name
``[project].name`` of the project's ``pyproject.toml`` gives, else ``name`` in ``setup.cfg``'s
``[metadata]``, else the project's folder; once the lock has it, it is the lock's name that
counts, so a checkout in another folder (``proj-ci``) keeps the packages and their numbers.

A field number is a message's wire format: once a client has it, the number may never mean
another field. ``FieldNumbers`` keeps every number it ever gave (package -> message or enum ->
field or value name -> number) in ``seamline-proto-fields.json``: a rerun gives each known field
its number again, a new field the lowest number its message never gave, and a field that is
gone leaves its number and name ``reserved`` so that no later field takes them (protobuf's
practice for deleted fields).
"""

from __future__ import annotations

import configparser
import json
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.tomlfile import read_toml

DEFAULT_FILE = "seamline-proto-fields.json"
FORMAT = "seamline-proto-fields"
VERSION = 1
_IMPLEMENTATION = range(19000, 20000)  # protobuf keeps these numbers for itself
MAX_NUMBER = 536_870_911
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a protobuf identifier: what ``reserved`` quotes
_PACKAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


class FieldNumbers:
    def __init__(self, numbers: dict[str, dict[str, dict[str, int]]] | None = None,
                 source: str | None = None) -> None:
        self._numbers = numbers or {}
        self.source = source  # the lock file, for the errors
        self.project: str | None = None  # the name the packages start with; None: not yet
        self.types: dict[str, dict[str, dict[str, str]]] = {}  # package -> message -> field
        self.numbers_retired: dict[str, dict[str, list[int]]] = {}  # by a change of type
        self.changed = False

    @classmethod
    def load(cls, path: Path) -> FieldNumbers:
        """The lock at ``path``; none when the file does not exist. A file seamline cannot
        read, or that is not a lock it wrote, is a ``ConfigError`` naming it."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls()
        except OSError as error:
            raise ConfigError(f"cannot read the proto field lock: {error.strerror}",
                              source=str(path)) from None
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ConfigError(f"not a proto field lock (JSON): {error}",
                              source=str(path)) from None
        found = cls(_checked(document, str(path)), str(path))
        found.project = _project(document, found._numbers, str(path))
        found.types, found.numbers_retired = _types(document, found._numbers, str(path))
        return found

    def project_or(self, name: str) -> str:
        """The project name the packages start with: the lock's, else ``name`` (which the
        lock then keeps)."""
        if self.project is None:
            self.project, self.changed = name, True
        return self.project

    def number(self, package: str, message: str, field: str, kind: str | None = None) -> int:
        """``field``'s number in ``message``: the one it had (while its type, ``kind``, is
        the one it had), else the lowest number no field of ``message`` ever had (so never a
        retired one) outside protobuf's own 19000-19999. A message whose numbers are all
        taken is a ``ConfigError``."""
        fields = self._numbers.setdefault(package, {}).setdefault(message, {})
        types = self.types.setdefault(package, {}).setdefault(message, {})
        retired = self.numbers_retired.setdefault(package, {}).setdefault(message, [])
        known = fields.get(field)
        if known is not None:
            if kind is None or types.get(field) == kind:
                return known
            if field not in types:  # a lock written before it kept types
                types[field], self.changed = kind, True
                return known
            retired.append(known)  # a new type: a new number, the old one reserved
            del fields[field], types[field]
        taken = set(fields.values()) | set(retired)
        candidate = 1
        while candidate in taken or candidate in _IMPLEMENTATION:
            candidate = _IMPLEMENTATION.stop if candidate in _IMPLEMENTATION else candidate + 1
        if candidate > MAX_NUMBER:
            raise ConfigError(f"proto field lock: {package}.{message} has no field number "
                              f"left for {field} (1 to {MAX_NUMBER} are all taken or "
                              "reserved)", source=self.source)
        fields[field] = candidate
        if kind is not None:
            types[field] = kind
        self.changed = True
        return candidate

    def retired(self, package: str, message: str, present: Collection[str]
                ) -> list[tuple[str | None, int]]:
        """(name, number) of the fields ``message`` once had and has no more, by number; the
        name is None for a number a field left when its type changed (the field is there)."""
        fields = self._numbers.get(package, {}).get(message, {})
        found: list[tuple[str | None, int]] = [(name, number) for name, number in fields.items()
                                               if name not in present]
        found += [(None, n) for n in self.numbers_retired.get(package, {}).get(message, [])]
        return sorted(found, key=lambda item: item[1])

    def dumps(self) -> bytes:
        document = {"format": FORMAT, "version": VERSION,
                    "note": "proto field numbers seamline gave; keep this file with the "
                            "decomposition so that reruns keep them",
                    **({"project": self.project} if self.project is not None else {}),
                    "packages": {package: {message: dict(sorted(fields.items(),
                                                                key=lambda i: (i[1], i[0])))
                                           for message, fields in sorted(messages.items())}
                                 for package, messages in sorted(self._numbers.items())}}
        types = _nested(self.types, lambda fields: dict(sorted(fields.items())))
        retired = _nested(self.numbers_retired, sorted)
        document |= ({"types": types} if types else {}) | (
            {"retired": retired} if retired else {})
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _checked(document: Any, source: str) -> dict[str, dict[str, dict[str, int]]]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ConfigError(f"not a proto field lock: no \"format\": \"{FORMAT}\"", source=source)
    if document.get("version") != VERSION:
        raise ConfigError(f"proto field lock version {document.get('version')!r}; this "
                          f"seamline reads version {VERSION}", source=source)
    packages = document.get("packages")
    if not isinstance(packages, dict):
        raise ConfigError("proto field lock: \"packages\" must be an object", source=source)
    found: dict[str, dict[str, dict[str, int]]] = {}
    for package, messages in packages.items():
        if not _PACKAGE.fullmatch(package):
            raise ConfigError(f"proto field lock: package {package!r} is not a proto package "
                              "name (dotted words of letters, digits and underscores): fix "
                              "or remove it", source=source)
        if not isinstance(messages, dict):
            raise ConfigError(f"proto field lock: package {package!r} must be an object",
                              source=source)
        for message, fields in messages.items():
            where = f"{package}.{message}"
            names = [message, *(fields if isinstance(fields, dict) else ())]
            for index, name in enumerate(names):
                if not _NAME.fullmatch(name):
                    at = where if index else package  # a field's, or the message's own
                    raise ConfigError(f"proto field lock: {at}: {name!r} is not a proto "
                                      "name (a letter or underscore, then letters, digits and "
                                      "underscores): fix or remove it", source=source)
            if not isinstance(fields, dict) or not all(
                    isinstance(n, int) and not isinstance(n, bool) and 0 < n <= MAX_NUMBER
                    and n not in _IMPLEMENTATION for n in fields.values()):
                raise ConfigError(f"proto field lock: {where} must map field names to "
                                  f"numbers from 1 to {MAX_NUMBER} (19000-19999 excepted)",
                                  source=source)
            if len(set(fields.values())) < len(fields):
                raise ConfigError(f"proto field lock: {where} gives one number to two "
                                  "fields", source=source)
            found.setdefault(package, {})[message] = dict(fields)
    return found


def _nested(tree: dict[str, dict[str, Any]],
            order: Callable[[Any], Any]) -> dict[str, dict[str, Any]]:
    """package -> message -> value (in ``order``), sorted, without the empty ones."""
    return {package: {message: order(value) for message, value in sorted(messages.items())
                      if value}
            for package, messages in sorted(tree.items()) if any(messages.values())}


def _types(document: dict[str, Any], numbers: dict[str, dict[str, dict[str, int]]],
           source: str) -> tuple[dict[str, dict[str, dict[str, str]]],
                                 dict[str, dict[str, list[int]]]]:
    """The lock's field types and the numbers fields left when their type changed; a lock
    written before it kept them has none."""
    types, retired = document.get("types", {}), document.get("retired", {})
    bad = ConfigError("proto field lock: \"types\" must map package -> message -> field to a "
                      "type, and \"retired\" package -> message to a list of numbers no field "
                      "of that message has (fix them, or remove both)", source=source)
    if not isinstance(types, dict) or not isinstance(retired, dict):
        raise bad
    found_types: dict[str, dict[str, dict[str, str]]] = {}
    for package, messages in types.items():
        if not isinstance(messages, dict):
            raise bad
        for message, fields in messages.items():
            known = numbers.get(package, {}).get(message)
            if known is None or not isinstance(fields, dict) or not all(
                    name in known and isinstance(kind, str) and kind.isprintable()
                    for name, kind in fields.items()):
                raise bad
            found_types.setdefault(package, {})[message] = dict(fields)
    found_retired: dict[str, dict[str, list[int]]] = {}
    for package, messages in retired.items():
        if not isinstance(messages, dict):
            raise bad
        for message, listed in messages.items():
            known = numbers.get(package, {}).get(message)
            if known is None or not isinstance(listed, list) or len(set(listed)) < len(
                    listed) or not all(
                    isinstance(n, int) and not isinstance(n, bool) and 0 < n <= MAX_NUMBER
                    and n not in _IMPLEMENTATION and n not in known.values() for n in listed):
                raise bad
            found_retired.setdefault(package, {})[message] = list(listed)
    return found_types, found_retired


def _project(document: dict[str, Any], numbers: dict[str, dict[str, dict[str, int]]],
             source: str) -> str | None:
    """The lock's project name; a lock written before it kept one gives its packages' first
    part when they all share it."""
    project = document.get("project")
    if project is None:
        firsts = {package.split(".", 1)[0] for package in numbers}
        return firsts.pop() if len(firsts) == 1 else None
    if not isinstance(project, str) or not project.strip() or not project.isprintable():
        raise ConfigError("proto field lock: \"project\" must be the project's name, the "
                          "first part of every proto package (fix it, or remove it to take "
                          "the name from pyproject.toml)", source=source)
    return project


def project_name(root: Path) -> str | None:
    """The project's own name: ``[project].name`` in ``pyproject.toml``, else ``name`` in
    ``setup.cfg``'s ``[metadata]``; None when neither says (a file seamline cannot read says
    nothing: the name only names the proto packages, and the folder's name serves)."""
    pyproject = root / "pyproject.toml"
    try:
        table = read_toml(pyproject).get("project") if pyproject.is_file() else None
    except ConfigError:
        table = None
    name = table.get("name") if isinstance(table, dict) else None
    if isinstance(name, str) and name.strip():
        return name.strip()
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(root / "setup.cfg", encoding="utf-8")
        name = parser.get("metadata", "name", fallback=None)
    except (configparser.Error, UnicodeDecodeError):
        name = None
    return name.strip() if isinstance(name, str) and name.strip() else None
