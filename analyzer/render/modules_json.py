"""The ``modules`` of ``analysis.json`` written straight from the code model as JSON text.

They are most of the file (25 of nova's 33 MB with its tests). Made as dicts and then walked by
``jsonout`` they took a dict, a type test and a piece of text per field; here each import,
definition, method, parameter and reference is one formatted string. The bytes are those of
``jsonout.dumps(_module(m))`` in ``render/json.py`` at the same depth: ``render.json`` holds
the two equal on every sample, and ``tests/test_jsonout.py`` on random models.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring as _text

from analyzer.jsonout import array as _list
from analyzer.jsonout import strings as _strings
from analyzer.model import Definition, Import, Method, Module, Param, Reference, Variable

_int = int.__repr__


def _optional(text: str | None) -> str:
    return "null" if text is None else _text(text)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _param(param: Param, newline: str) -> str:
    key = newline + " "
    return (f'{{{key}"name": {_text(param.name)},{key}"kind": {_text(param.kind)},'
            f'{key}"annotation": {_optional(param.annotation)},'
            f'{key}"default": {_optional(param.default)}{newline}}}')


def _method(method: Method, newline: str) -> str:
    key = newline + " "
    return (f'{{{key}"name": {_text(method.name)},{key}"line": {_int(method.line)},'
            f'{key}"end_line": {_int(method.end_line)},'
            f'{key}"decorators": {_strings(method.decorators, key)},'
            f'{key}"async": {_flag(method.is_async)},'
            f'{key}"params": {_list(method.params, _param, key)},'
            f'{key}"returns": {_optional(method.returns)}{newline}}}')


def _definition(module: str, definition: Definition, newline: str) -> str:
    key = newline + " "
    return (f'{{{key}"id": {_text(module + ":" + definition.name)},'
            f'{key}"name": {_text(definition.name)},{key}"kind": {_text(definition.kind)},'
            f'{key}"line": {_int(definition.line)},{key}"end_line": {_int(definition.end_line)},'
            f'{key}"decorators": {_strings(definition.decorators, key)},'
            f'{key}"bases": {_strings(definition.bases, key)},'
            f'{key}"async": {_flag(definition.is_async)},'
            f'{key}"methods": {_list(definition.methods, _method, key)},'
            f'{key}"params": {_list(definition.params, _param, key)},'
            f'{key}"returns": {_optional(definition.returns)}{newline}}}')


def _import(item: Import, newline: str) -> str:
    key = newline + " "
    return (f'{{{key}"module": {_text(item.module)},{key}"symbol": {_optional(item.symbol)},'
            f'{key}"alias": {_optional(item.alias)},{key}"line": {_int(item.line)},'
            f'{key}"kind": {_text(item.kind.value)},{key}"level": {_int(item.level)},'
            f'{key}"star": {_flag(item.star)},{key}"conditional": {_flag(item.conditional)},'
            f'{key}"type_checking": {_flag(item.type_checking)},'
            f'{key}"in_function": {_flag(item.in_function)}{newline}}}')


def _reference(item: Reference, newline: str) -> str:
    key = newline + " "
    return (f'{{{key}"source": {_text(item.source)},{key}"target": {_text(item.target)},'
            f'{key}"count": {_int(item.count)},{key}"line": {_int(item.line)},'
            f'{key}"kinds": {_strings(item.kinds, key)},'
            f'{key}"members": {_strings(item.members, key)}{newline}}}')


def _variable(item: Variable, newline: str) -> str:
    key = newline + " "
    return f'{{{key}"name": {_text(item.name)},{key}"line": {_int(item.line)}{newline}}}'


def _module(module: Module, newline: str) -> str:
    key = newline + " "
    return (f'{{{key}"name": {_text(module.name)},{key}"path": {_text(module.path)},'
            f'{key}"is_package": {_flag(module.is_package)},{key}"lines": {_int(module.lines)},'
            f'{key}"status": {_text(module.status.value)},'
            f'{key}"imports": {_list(module.imports, _import, key)},'
            f'{key}"definitions": '
            f'{_list(module.definitions, lambda d, at: _definition(module.name, d, at), key)},'
            f'{key}"variables": {_list(module.variables, _variable, key)},'
            f'{key}"references": {_list(module.references, _reference, key)}{newline}}}')


def modules_text(modules: Sequence[Module], newline: str) -> Iterator[str]:
    """``[_module(m) for m in modules]`` of ``render/json.py`` as ``jsonout`` writes it with
    its ``]`` after ``newline``, a module at a time (``jsonout`` bounds what it joins)."""
    if not modules:
        yield "[]"
        return
    inner = newline + " "
    opener = "[" + inner
    for module in modules:
        yield opener + _module(module, inner)
        opener = "," + inner
    yield newline + "]"
