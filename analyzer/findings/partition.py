"""One ``Partition``: which context each piece of code belongs to, made either from a cut
seamline proposes (``cluster.Decomposition``) or from the decomposition a team agreed
(``decomposition.Agreed``), so that no rule, and no caller, bridges the two itself.

A partition answers for elements (``pkg.mod:f``, or ``pkg.mod`` for a module's own code) and,
through ``element_of``, for any atom the models name. Its domain contexts are the ones that get
contracts; the others (the shared kernel, code a cut left unplaced, agreed kernel contexts)
are ``None`` to ``domain`` and ``domain_of``. Each element is looked up once: a check on a
large project asks tens of thousands of times.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.coupling import KERNEL, UNPLACED
from analyzer.decomposition import Agreed

if TYPE_CHECKING:  # the clustering is not loaded by `seamline check`
    from analyzer.cluster import Decomposition


@dataclass(frozen=True, slots=True, eq=False)
class Partition:
    element_of: Callable[[str], str]  # atom -> the element it is part of
    domains: tuple[str, ...]  # the domain contexts, in the order they are listed
    place: Callable[[str], str | None]  # element -> its context, of any kind, if any
    kernels: frozenset[str]  # the contexts every context may use
    unplaced: frozenset[str] = frozenset()  # a cut's name for the code it left unplaced
    # the contexts of framework plumbing (commands, middleware): no service. A proposed one
    # owns a table only when no domain context touches it; an agreed one may work on the
    # tables of the contexts it uses (SL403, SL404)
    infrastructure: frozenset[str] = frozenset()
    # what the partition was made from: rules judging a proposed cut's shape read the
    # decomposition, rules of drift the agreed one; the other is None
    decomposition: Decomposition | None = None
    agreed: Agreed | None = None
    source: str = ""  # the file an agreed partition was read from, as findings cite it
    _contexts: dict[str, str | None] = field(default_factory=dict, repr=False)
    _public: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)

    @classmethod
    def proposed(cls, decomposition: Decomposition, element_of: Callable[[str], str]
                 ) -> Partition:
        """The contexts of a cut seamline proposes: every element it placed."""
        return cls(element_of,
                   tuple(c.name for c in decomposition.contexts if c.kind == "domain"),
                   decomposition.assignment().get, frozenset({KERNEL}), frozenset({UNPLACED}),
                   frozenset(c.name for c in decomposition.contexts
                             if c.kind == "infrastructure"),
                   decomposition=decomposition)

    @classmethod
    def agreed_on(cls, agreed: Agreed, element_of: Callable[[str], str], source: str = ""
                  ) -> Partition:
        """The agreed contexts: an element is its most specific pattern's (``Agreed.assign``)."""

        def place(element: str) -> str | None:
            return agreed.assign(element, element.partition(":")[0])

        return cls(element_of, tuple(c.name for c in agreed.contexts if not c.kernel), place,
                   frozenset(c.name for c in agreed.contexts if c.kernel),
                   infrastructure=frozenset(c.name for c in agreed.contexts if c.infrastructure),
                   agreed=agreed, source=source or agreed.source)

    @property
    def others(self) -> frozenset[str]:
        """The contexts that are not domain contexts."""
        return self.kernels | self.unplaced

    def context(self, element: str) -> str | None:
        """An element's context, of any kind; ``None`` when no context holds it."""
        try:
            return self._contexts[element]
        except KeyError:
            found = self._contexts[element] = self.place(element)
            return found

    def domain(self, element: str) -> str | None:
        """An element's domain context; ``None`` for kernel, unplaced and unassigned code."""
        context = self.context(element)
        return None if context is None or context in self.kernels or context in self.unplaced \
            else context

    def domain_of(self, atom: str) -> str | None:
        """The domain context of an atom's element."""
        return self.domain(self.element_of(atom))

    def is_public(self, context: str, module: str) -> bool:
        """Whether an agreed context lets others use ``module`` (a proposed cut: always)."""
        if self.agreed is None:
            return True
        key = (context, module)
        if key not in self._public:
            self._public[key] = self.agreed.context(context).is_public(module)
        return self._public[key]

    def may_use(self, context: str, other: str) -> bool:
        """Whether ``context`` may depend on ``other``: a kernel always, else what an agreed
        context's ``uses`` lists (a proposed cut allows every dependency)."""
        return other in self.kernels or self.agreed is None \
            or other in self.agreed.context(context).uses

    def owners(self) -> Mapping[str, str] | None:
        """table -> owner context, as agreed; ``None`` for a proposed cut, whose owners the
        code decides (``findings.ownership``)."""
        return None if self.agreed is None else self.agreed.owner_of()
