"""Links between pages that only an endpoint's name makes (Flask's ``url_for``).

Each file's facts name the blueprints and apps it makes, the views it registers under an
endpoint, and the endpoints its code links to (``analyzer.extract.endpoints``). Here the names
meet: ``"abstracts.manage_tracks"`` is the endpoint ``manage_tracks`` of the blueprint named
``abstracts``, whichever module made it, and its view is the definition the registering
module's name for it resolves to. An endpoint two views claim is ambiguous and links nothing;
so is a relative one (``".display"``: the blueprint of the request, which code does not say).
"""

from __future__ import annotations

from analyzer.codebase import Codebase


def endpoint_links(codebase: Codebase) -> list[tuple[str, str]]:
    """``(source, view)`` for each atom (``"mod:name"``, or the module for module-level code)
    and the view of an endpoint it links to; sorted, each pair once."""
    views: dict[str, set[str]] = {}
    for module in sorted(codebase.endpoints):
        found = codebase.endpoints[module]
        names = {variable: name for variable, name, _ in found.blueprints}
        for variable, endpoint, view, _ in found.views:
            prefix = names.get(variable)
            if prefix is None:
                continue
            atom = _resolved(codebase, module, view)
            if atom is not None:
                views.setdefault(f"{prefix}.{endpoint}" if prefix else endpoint, set()).add(atom)
    links: set[tuple[str, str]] = set()
    for module in sorted(codebase.endpoints):
        for atom, endpoint, _ in codebase.endpoints[module].links:
            targets = views.get(endpoint, set())
            source = f"{module}:{atom}" if atom else module
            if len(targets) == 1 and source not in targets:
                links.add((source, next(iter(targets))))
    return sorted(links)


def _resolved(codebase: Codebase, module: str, view: str) -> str | None:
    """The definition ``view`` (as written in ``module``) names, if the project defines it."""
    name, internal, _ = codebase.names.qualify(module, view.split("."))  # a method: its class
    return name if internal and name in codebase.classes.definitions else None
