"""The HTML report: Jinja2 templates from ``reports/``, autoescaped, loading nothing remote.

Everything taken from the analysed code reaches the page only through Jinja2's autoescaping;
the page's Content-Security-Policy forbids scripts and remote loads.
"""

from __future__ import annotations

import jinja2

from analyzer import __version__
from analyzer.model import CodeModel, ImportKind
from analyzer.render.json import SCHEMA_VERSION, summary
from analyzer.resources import reports_dir


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(reports_dir() / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def render_index(project: str, code: CodeModel) -> str:
    counts = summary(code)
    cards = [("modules", counts["modules"]), ("lines", counts["lines"]),
             ("definitions", counts["definitions"]), ("methods", counts["methods"]),
             ("internal imports", counts["internal_imports"]),
             ("references", counts["references"]), ("files skipped", counts["skipped"])]
    return _environment().get_template("index.html.j2").render(
        project=project, version=__version__, schema_version=SCHEMA_VERSION, cards=cards,
        diagnostics=code.diagnostics,
        modules=[(m, sum(i.kind is ImportKind.INTERNAL for i in m.imports)) for m in code.modules],
    )
