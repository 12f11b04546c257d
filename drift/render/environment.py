"""The one Jinja2 environment every report is rendered with.

Templates ship inside the package (``drift/templates``) so an installed drift
finds them. ``StrictUndefined``: a misspelt field is an error, not an empty
cell. Autoescape is on for ``*.html.j2`` (and off for Markdown, whose escaping
is the ``md``/``md_cell`` filters' job, since HTML escaping is not Markdown
escaping).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from drift.render.filters import FILTERS, mermaid_attribute


def _autoescape(name: str | None) -> bool:
    return bool(name) and (name or "").endswith((".html.j2", ".svg.j2", ".html"))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("drift", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals["mermaid_attribute"] = mermaid_attribute
    return env


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
