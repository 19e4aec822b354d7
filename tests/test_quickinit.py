"""``quick_init`` gives a frozen, slotted dataclass an ``__init__`` with the same parameters and
the same effect as the generated one, and refuses the shapes it does not make."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest

from analyzer import coupling, model
from analyzer.quickinit import quick_init


@dataclass(frozen=True, slots=True, order=True)
class Plain:
    name: str
    count: int = 1
    tags: tuple[str, ...] = ()


@quick_init
@dataclass(frozen=True, slots=True, order=True)
class Quick:
    name: str
    count: int = 1
    tags: tuple[str, ...] = ()


def test_the_same_object_as_the_dataclass_makes() -> None:
    make_plain: Any = Plain  # called with arguments of every shape, right and wrong
    make_quick: Any = Quick
    shapes: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        (("a",), {}), (("a", 2), {}), (("a",), {"tags": ("x",)}),
        ((), {"name": "b", "count": 3, "tags": ()})]
    for args, kwargs in shapes:
        plain, quick = make_plain(*args, **kwargs), make_quick(*args, **kwargs)
        assert dataclasses.astuple(plain) == dataclasses.astuple(quick)
        assert repr(quick) == repr(plain).replace("Plain", "Quick")
    assert Quick("a") == Quick("a", 1, ()) and hash(Quick("a")) == hash(Quick("a", 1))
    assert Quick("a") < Quick("b")
    assert dataclasses.replace(Quick("a"), count=5) == Quick("a", 5)
    assert pickle.loads(pickle.dumps(Quick("a", 2, ("t",)))) == Quick("a", 2, ("t",))
    assert str(inspect.signature(Quick.__init__)) == "(self, name, count=1, tags=())"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Quick("a").count = 2  # type: ignore[misc]
    for wrong in [(), ("a", 1, (), 4)]:
        with pytest.raises(TypeError):
            make_quick(*wrong)
    with pytest.raises(TypeError):
        make_quick("a", nope=1)


def test_the_shapes_it_does_not_make_are_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Later:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class Keyword:
        a: int = field(kw_only=True)

    @dataclass(frozen=True, slots=True)
    class NotInit:
        a: int = field(init=False, default=0)

    @dataclass(slots=True)
    class Thawed:
        a: int

    @dataclass(frozen=True)
    class NoSlots:
        a: int

    for cls in (Later, Factory, Keyword, NotInit, Thawed, NoSlots, int):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_seamlines_records_keep_their_parameters() -> None:
    # the records that take quick_init: the same signature as the dataclass would give them
    for cls in (model.Name, model.Call, model.Param, model.Reference, model.NameUse,
                coupling.Edge, coupling.Node):
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        expected = [(f.name, f.default) for f in dataclasses.fields(cls)]
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
        assert [(p.name, p.default if p.default is not p.empty else dataclasses.MISSING)
                for p in parameters] == expected
    edge = coupling.Edge("a", "b", "code", "call", 1.5)
    assert (edge.count, edge.evidence) == (1, ())


def test_a_shape_the_dataclass_would_take_otherwise_is_refused_not_mis_built() -> None:
    @dataclass(frozen=True, slots=True)
    class Base:
        a: int

    @dataclass(frozen=True, slots=True)
    class Derived(Base):  # a field of its parent's: not in its own slots
        b: int = 0

    @dataclass(frozen=True, slots=True)
    class Initvar:
        a: int
        b: dataclasses.InitVar[int]

    @dataclass(frozen=True, slots=True)
    class Shadows:
        a: int
        _set_a: int

    for cls in (Derived, Initvar, Shadows):
        with pytest.raises(TypeError):
            quick_init(cls)
