"""Site stage: MkDocs (Material) turns the generated Markdown into the static site.

Runs `mkdocs build --strict` in-process with the project's mkdocs.yml, only
pointing docs_dir and site_dir at this build's folders. A warning fails the
build (strict); its text is reported as a finding, never a traceback.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .config import ROOT
from .findings import Finding

MKDOCS_YML = ROOT / "mkdocs.yml"


class SiteError(Exception):
    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(str(f) for f in findings))
        self.findings = findings


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def build_site(docs_dir: Path, site_dir: Path, settings) -> None:
    """MkDocs with mkdocs.yml, its title and address taken from config.yml."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material 9.8's banner about MkDocs 2.0
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    collector = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(collector)
    previous = log.level, log.propagate
    log.setLevel(logging.WARNING)
    log.propagate = False
    try:
        config = load_config(str(MKDOCS_YML), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True,
                             site_name=settings.site_title, site_url=settings.site_url or None)
        build(config)
    except (Abort, ConfigurationError, OSError) as exc:
        messages = collector.messages or [str(exc)]
        raise SiteError([Finding("mkdocs.yml", None, None, "mkdocs", m) for m in messages]) from None
    finally:
        log.removeHandler(collector)
        log.setLevel(previous[0])
        log.propagate = previous[1]


# --- pages rendered outside MkDocs, in the Material look -----------------------------
#
# MkDocs costs about 5-10 ms a page, most of it Python-Markdown parsing the tables and
# the theme rendering the navigation. The entity pages (one per organisation, contract,
# ...) are thousands, and need neither: MkDocs builds one "shell" page per folder depth
# with marker text for the title and the content, and each entity page is that shell with
# the markers replaced by its own title and HTML (rendered by Jinja2). Links in the shell
# are relative, so a shell serves every page at its depth.

SHELL = "shell"  # docs folder of the shell pages; removed from the published site
TITLE_MARK = "ShellTitleMarkQ7"
BODY_MARK = "ShellBodyMarkQ7"
SHELL_DEPTHS = (2, 3)


def write_shells(docs_dir: Path) -> None:
    for depth in SHELL_DEPTHS:
        path = docs_dir / SHELL / Path(*["d"] * (depth - 1)).with_suffix(".md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nhide:\n  - toc\n---\n# {TITLE_MARK}\n\n{BODY_MARK}\n", encoding="utf-8")


class Shell:
    """A built shell page, split at its markers."""

    def __init__(self, html: str, where: str):
        body = f"<p>{BODY_MARK}</p>"
        heading = html.find(f'<h1 id="{TITLE_MARK.lower()}">')
        if html.count(body) != 1 or heading < 0:
            raise SiteError([Finding(where, None, None, "mkdocs",
                                     "the theme did not render the page shell as expected (expected one heading "
                                     "and one paragraph of marker text; check site_src/overrides)")])
        end = html.index("</h1>", heading) + len("</h1>")
        self.head, self.tail = html[:heading], html[html.index(body) + len(body):]
        self.between = html[end:html.index(body)]

    def page(self, title: str, body: str, weight: float | None = None, indexed: bool = True) -> str:
        """The page: `title` is plain text, `body` is HTML starting after the h1. `weight`
        (Pagefind's, 0-10) ranks a match in the title against matches elsewhere; a page not
        `indexed` is left out of the search index."""
        from markupsafe import escape

        text = str(escape(title))
        attr = "" if weight is None else f' data-pagefind-weight="{weight}"'
        head = self.head if indexed else self.head.replace("<div data-pagefind-body>", "<div>")
        return (head.replace(TITLE_MARK, text) + f"<h1{attr}>{text}</h1>" + self.between + body
                + self.tail.replace(TITLE_MARK, text))


def load_shells(site_dir: Path) -> dict[int, Shell]:
    shells = {}
    for depth in SHELL_DEPTHS:
        path = site_dir / SHELL / Path(*["d"] * (depth - 1)) / "index.html"
        shells[depth] = Shell(path.read_text(encoding="utf-8"), str(path))
    return shells


def remove_shells(site_dir: Path, extra_urls: list[str], site_url: str) -> None:
    """Take the shells out of the published site and its sitemap, and put the pages
    rendered from them in (the sitemap exists when site.url is set)."""
    import gzip
    import re
    import shutil

    from markupsafe import escape

    shutil.rmtree(site_dir / SHELL, ignore_errors=True)
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return
    text = sitemap.read_text(encoding="utf-8")
    text = re.sub(r"\s*<url>\s*<loc>[^<]*/" + SHELL + r"/[^<]*</loc>.*?</url>", "", text, flags=re.S)
    base = site_url.rstrip("/") + "/"
    entries = "".join(f"\n    <url>\n         <loc>{escape(base + url)}</loc>\n    </url>" for url in extra_urls)
    text = text.replace("</urlset>", entries.lstrip("\n") + "\n</urlset>" if entries else "</urlset>")
    sitemap.write_text(text, encoding="utf-8")
    with open(site_dir / "sitemap.xml.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                                        filename="") as out:
        out.write(text.encode("utf-8"))


# --- Content-Security-Policy ------------------------------------------------------------
#
# A static host cannot always send headers (GitHub Pages cannot), so every page carries
# the policy in a <meta> tag as the first thing in its <head>. The theme's few inline
# scripts are allowed by their SHA-256 hashes, computed from each page as built; nothing
# else inline runs. 'wasm-unsafe-eval' lets Pagefind's WebAssembly search run.

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")

_INLINE = None


def csp_for(html: str) -> str:
    import base64
    import hashlib
    import re

    global _INLINE
    if _INLINE is None:
        _INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>(.*?)</script>", re.S)
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode() + "'"
                     for m in _INLINE.finditer(html)})
    return CSP.format(hashes=" ".join(hashes)).replace("  ", " ")


def add_csp(html: str) -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp_for(html)}">'
    head = html.index("<head>") + len("<head>")
    return html[:head] + "\n    " + meta + html[head:]


def apply_csp(site_dir: Path) -> None:
    """Put the policy into every page MkDocs built (the shells included, so every page
    made from a shell inherits a policy computed from the same scripts)."""
    for path in sorted(site_dir.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="Content-Security-Policy"' not in html:
            path.write_text(add_csp(html), encoding="utf-8")
