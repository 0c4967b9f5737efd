"""An entity page in its shell (mkdocs.Shell): the page MkDocs built around the marker text,
with the page's title and body in their places."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.site.mkdocs import BODY_MARK, TITLE_MARK, Shell, SiteError

SHELL = (f"<!doctype html>\n<html>\n  <head>\n    <title>{TITLE_MARK} - Open data £</title>\n"
         f'    <meta property="og:title" content="{TITLE_MARK}">\n  </head>\n  <body>\n'
         f'    <a href="#{TITLE_MARK.lower()}" class="skip">Skip to content</a>\n    <article>\n'
         f'      <h1 id="{TITLE_MARK.lower()}">{TITLE_MARK}</h1>\n      <nav>between</nav>\n'
         f"      <p>{BODY_MARK}</p>\n    </article>\n    <footer>{TITLE_MARK} · café</footer>\n  </body>\n</html>\n")


def test_a_page_has_its_title_everywhere_the_shell_had_the_mark_and_its_body_in_place():
    page = Shell(SHELL, "shell/index.html").page('Café & "Bar" <Ltd>', "<p>£1,200 in 2 grants…</p>\n")
    assert isinstance(page, bytes)
    html = page.decode("utf-8")
    assert TITLE_MARK not in html and BODY_MARK not in html
    soup = BeautifulSoup(html, "html.parser")
    title = 'Café & "Bar" <Ltd>'
    assert soup.title.get_text() == f"{title} - Open data £"
    assert soup.find("meta", property="og:title")["content"] == title
    assert (soup.h1["id"], soup.h1.get_text()) == ("page-title", title)
    assert soup.find("a", class_="skip")["href"] == "#page-title"
    assert [p.get_text() for p in soup.article.find_all("p")] == ["£1,200 in 2 grants…"]
    assert soup.article.nav.find_previous_sibling("h1") is soup.h1  # the heading, then what the shell had
    assert soup.footer.get_text() == f"{title} · café"
    # The theme's indentation is squeezed out: a run of it is one line break.
    assert "\n  " not in html


def test_a_shell_without_its_markers_is_an_error():
    with pytest.raises(SiteError):
        Shell(SHELL.replace(BODY_MARK, "something else"), "shell/index.html")
