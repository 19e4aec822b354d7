"""One ``Partition``: which context each piece of code belongs to, made either from a cut
seamline proposes (``cluster.Decomposition``) or from the decomposition a team agreed
(``decomposition.Agreed``), so that the code judging a cut does not bridge the two itself.

A partition answers for elements (``pkg.mod:f``, or ``pkg.mod`` for a module's own code) and,
through ``element_of``, for any atom the models name. Its domain contexts are the ones that get
contracts; the others (the shared kernel, code a cut left unplaced, agreed kernel contexts)
are ``None`` to ``domain_of``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.coupling import KERNEL, UNPLACED
from analyzer.decomposition import Agreed

if TYPE_CHECKING:  # the clustering is not loaded by `seamline check`
    from analyzer.cluster import Decomposition


@dataclass(frozen=True, slots=True)
class Partition:
    element_of: Callable[[str], str]  # atom -> the element it is part of
    domains: tuple[str, ...]  # the domain contexts, in the order they are listed
    context: Callable[[str], str | None]  # element -> its context, of any kind, if any
    others: frozenset[str]  # the contexts that are not domain contexts

    @classmethod
    def proposed(cls, decomposition: Decomposition, element_of: Callable[[str], str]
                 ) -> Partition:
        """The contexts of a cut seamline proposes: every element it placed."""
        return cls(element_of,
                   tuple(c.name for c in decomposition.contexts if c.kind == "domain"),
                   decomposition.assignment().get,
                   frozenset({KERNEL, UNPLACED}))

    @classmethod
    def agreed(cls, agreed: Agreed, element_of: Callable[[str], str]) -> Partition:
        """The agreed contexts: an element is its most specific pattern's (``Agreed.assign``)."""

        def context(element: str) -> str | None:
            return agreed.assign(element, element.partition(":")[0])

        return cls(element_of, tuple(c.name for c in agreed.contexts if not c.kernel),
                   context, frozenset(c.name for c in agreed.contexts if c.kernel))

    def domain_of(self, atom: str) -> str | None:
        """The domain context of an atom's element; ``None`` for kernel, unplaced and
        unassigned code."""
        context = self.context(self.element_of(atom))
        return None if context is None or context in self.others else context
