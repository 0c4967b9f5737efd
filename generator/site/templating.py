"""Templating: the Jinja2 environment of the site's templates (templates/), with the formatters
as filters. Autoescape is on: every data value is escaped for HTML, and the `md` filter
escapes it for Markdown too where it lands in Markdown text."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .format import cell, change, facts_html, file_size, gbp, html_table, long_date, md, number, percent, plural

TEMPLATES = Path(__file__).resolve().parent / "templates"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates do not change during a build: not checking their files' times on each
        # page's get_template (and each import of macros.j2) saves ~8% of the entity pages' time.
        auto_reload=False,
    )
    env.filters.update(md=md, gbp=gbp, long_date=long_date, number=number, percent=percent,
                       file_size=file_size, cell=cell, plural=plural)
    env.globals.update(change=change, facts_html=facts_html, html_table=html_table)
    return env


def write_page(env: jinja2.Environment, docs_dir: Path, page: str, template: str, **context) -> None:
    path = docs_dir / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")
