"""Renders e-mail templates (``$placeholders``) into subject, HTML and text parts."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from string import Template
from typing import Any

from shopfront.utils.dates import format_date
from shopfront.utils.money import format_money
from shopfront.utils.text import *  # noqa: F403 - slugify, truncate, strip_html, ...

FOOTER_HTML = '<p style="color:#888">Shopfront B.V. · Keizersgracht 1 · Amsterdam</p>'


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_html: str
    body_text: str


def prepare_context(context: Mapping[str, Any], locale: str = "en") -> dict[str, str]:
    """Turn values into display strings: ``*_cents`` as money, datetimes as dates."""
    currency = str(context.get("currency", "EUR"))
    prepared: dict[str, str] = {}
    for key, value in context.items():
        if key.endswith("_cents") and isinstance(value, int):
            prepared[key.removesuffix("_cents")] = format_money(value, currency)
        elif isinstance(value, datetime):
            prepared[key] = format_date(value, locale)
        else:
            prepared[key] = "" if value is None else str(value)
    return prepared


def render(template: Mapping[str, str], context: Mapping[str, Any],
           locale: str = "en") -> RenderedEmail:
    values = prepare_context(context, locale)
    escaped = {key: html.escape(value) for key, value in values.items()}
    subject = normalize_whitespace(Template(template["subject"]).safe_substitute(values))  # noqa: F405
    body_html = Template(template["body_html"]).safe_substitute(escaped) + FOOTER_HTML
    if template.get("body_text"):
        body_text = Template(template["body_text"]).safe_substitute(values)
    else:
        body_text = strip_html(body_html)  # noqa: F405
    return RenderedEmail(subject=truncate(subject, 200), body_html=body_html,  # noqa: F405
                         body_text=body_text)


def render_lines_table(lines: list[Mapping[str, Any]], currency: str) -> str:
    """The HTML table of order lines used by several templates."""
    rows = "".join(
        f"<tr><td>{html.escape(str(line['name']))}</td><td>{line['quantity']}</td>"
        f"<td>{format_money(int(line['line_total_cents']), currency)}</td></tr>"
        for line in lines
    )
    return f'<table class="lines">{rows}</table>'
