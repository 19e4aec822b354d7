"""A faster ``__init__`` for the frozen, slotted dataclasses a run makes by the hundred thousand.

A frozen dataclass's generated ``__init__`` stores each field with ``object.__setattr__(self,
"name", value)``, which looks the attribute up again for every object. ``quick_init`` gives the
class an ``__init__`` that stores each field through its slot's own descriptor instead: the same
object, 0.50 -> 0.31 µs for four fields (a warm analyze of nova makes 258,000 of them). The class
stays frozen: assigning to a field still raises ``FrozenInstanceError``.

Only the plain shape is taken (every field the class's own, in ``__init__``, positional, no
``default_factory``, no ``InitVar``, no ``__post_init__``); anything else is refused when the
class is made, never silently mis-built.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, TypeVar

_T = TypeVar("_T")


def quick_init(cls: type[_T]) -> type[_T]:
    """Replace ``cls.__init__`` (a frozen dataclass with slots) by one with the same
    parameters, defaults and effect that stores the fields through their slots."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__qualname__}: quick_init takes a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__qualname__}: quick_init does not run __post_init__")
    names: list[str] = []
    namespace: dict[str, Any] = {}
    for spec in dataclasses.fields(cls):  # type: ignore[arg-type]  # a dataclass, checked above
        if (not spec.init or spec.kw_only or spec.default_factory is not dataclasses.MISSING
                or spec.name not in cls.__dict__  # inherited
                or spec.name == "self" or spec.name.startswith(("_set_", "_default_"))):
            raise TypeError(f"{cls.__qualname__}.{spec.name}: quick_init takes plain fields "
                            "of the class's own")
        namespace[f"_set_{spec.name}"] = cls.__dict__[spec.name].__set__
        if spec.default is dataclasses.MISSING:
            names.append(spec.name)
        else:
            namespace[f"_default_{spec.name}"] = spec.default
            names.append(f"{spec.name}=_default_{spec.name}")
    fields = [spec.name for spec in dataclasses.fields(cls)]  # type: ignore[arg-type]
    body = "".join(f"    _set_{name}(self, {name})\n" for name in fields) or "    pass\n"
    # the source is made from the class's own field names, as dataclasses makes its own
    exec(f"def __init__(self, {', '.join(names)}):\n{body}", namespace)
    init = namespace["__init__"]
    if _parameters(init) != _parameters(cls.__init__):  # an InitVar, say
        raise TypeError(f"{cls.__qualname__}: quick_init would change __init__'s parameters")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    type.__setattr__(cls, "__init__", init)
    return cls


def _parameters(function: Any) -> list[tuple[str, Any, Any]]:
    """Each parameter's name, kind and default (not its annotation)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]
