"""The MkDocs step: MkDocs (Material) turns the generated Markdown into the static site.

Runs `mkdocs build --strict` in-process with the project's mkdocs.yml, only
pointing docs_dir and site_dir at this build's folders. A warning fails the
build (strict); its text is reported as a finding, never a traceback.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import os
import re
import shutil
from pathlib import Path

from markupsafe import escape

from ..config import TOOL_DIR
from ..findings import Finding

MKDOCS_YML = TOOL_DIR / "mkdocs.yml"  # its custom_dir (the theme overrides) is relative to it


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


def present_nav(nav, docs_dir: Path):
    """mkdocs.yml's navigation without the pages this build did not write (the pages of empty
    datasets and kinds), and without sections left empty."""
    if isinstance(nav, str):
        return nav if (docs_dir / nav).is_file() else None
    if isinstance(nav, dict):
        kept = {title: present_nav(item, docs_dir) for title, item in nav.items()}
        kept = {title: item for title, item in kept.items() if item not in (None, [])}
        return kept or None
    if isinstance(nav, list):
        return [item for item in (present_nav(item, docs_dir) for item in nav) if item not in (None, [])]
    return nav


def build_site(docs_dir: Path, site_dir: Path, settings, published: Path | None = None,
               key: str | None = None) -> tuple[int, int]:
    """MkDocs with mkdocs.yml, its title and address taken from config.yml.

    With `key` (what MkDocs' pages are made from besides their Markdown: the code, theme,
    settings and packages, publish/incremental.site_key), the site gets STATE_FILE, and a page
    whose Markdown is the same as when `published` (the site last built into the same folder)
    was built is kept from there (kept_pages): MkDocs then builds only the other pages (its
    "dirty" build). Returns how many pages were kept, and how many there are."""
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
    kept: list[str] = []
    try:
        config = load_config(str(MKDOCS_YML), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True,
                             site_name=settings.site_title, site_url=settings.site_url or None)
        config["nav"] = present_nav(config["nav"], docs_dir)
        state = page_state(docs_dir, config, key) if key is not None else None
        if state is not None and published is not None:
            kept = kept_pages(state, docs_dir, site_dir, published, config)
        # MkDocs' strict mode counts its own notice of a dirty build as a warning: with pages
        # kept, any other warning fails the build here instead.
        config["strict"] = not kept
        build(config, dirty=bool(kept))
        problems = [m for m in collector.messages if not m.startswith(DIRTY_NOTICE)]
        if kept and problems:
            raise Abort(f"Aborted with {len(problems)} warnings in strict mode!")
    except (Abort, ConfigurationError, OSError) as exc:
        messages = [m for m in collector.messages if not m.startswith(DIRTY_NOTICE)] or [str(exc)]
        raise SiteError([Finding("mkdocs.yml", None, None, "mkdocs", m) for m in messages]) from None
    finally:
        log.removeHandler(collector)
        log.setLevel(previous[0])
        log.propagate = previous[1]
    if state is None:
        return 0, 0
    (site_dir / STATE_FILE).write_text(state[0] + "\n" + "".join(f"{src}\t{digest}\n" for src, digest in state[1].items()),
                                       encoding="utf-8")
    return len(kept), len(state[1])


# --- pages kept from the last build -------------------------------------------------------
#
# A MkDocs page is made from its Markdown, the navigation (the titles and addresses of the
# pages in it), the files in the docs folder (its links are checked against them and made
# relative), mkdocs.yml, the theme and the code. STATE_FILE records the key of all but the
# Markdown, and each page's Markdown's SHA-256. A page whose Markdown has not changed is
# hard-linked from the published site, its Markdown file dated 1970 so that MkDocs' dirty
# build takes its HTML as up to date; MkDocs builds the others. A page in the navigation
# without a title of its own there is always built: a dirty build does not read its title.

STATE_FILE = ".build-mkdocs"
STATE_FORMAT = "mkdocs-1"
DIRTY_NOTICE = "A 'dirty' build is being performed"


def page_state(docs_dir: Path, config, key: str) -> tuple[str, dict[str, str]]:
    """The state a site records in STATE_FILE: its key (`key`, the navigation and the docs
    folder's files) and each page's Markdown's SHA-256 (the shells are left out)."""
    paths = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file())
    pages = {path: hashlib.sha256((docs_dir / path).read_bytes()).hexdigest() for path in paths
             if path.endswith(".md") and not path.startswith(f"{SHELL}/")}
    # A page in the navigation without a title there is named in every page's navigation by its
    # front matter's title or else its first heading: they are part of every page's key.
    untitled = [f"{path}\t{_title_source(docs_dir / path)}" for path in _untitled(config["nav"])]
    whole = hashlib.sha256("\n".join([STATE_FORMAT, key, repr(config["nav"]), *paths, *untitled]).encode("utf-8"))
    return whole.hexdigest(), pages


def _title_source(path: Path) -> str:
    """What MkDocs names a page by when the navigation does not: its front matter (a `title`)
    and its first heading of level one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    front = text[:text.find("\n---", 4) + 4] if text.startswith("---\n") else ""
    heading = re.search(r"^#[ \t].*$", text, re.M)
    return repr((front, heading.group(0) if heading else None))


def _read_state(published: Path) -> tuple[str, dict[str, str]] | None:
    try:
        lines = (published / STATE_FILE).read_text(encoding="utf-8").splitlines()
        return lines[0], dict(line.split("\t") for line in lines[1:])
    except (OSError, IndexError, ValueError, UnicodeDecodeError):
        return None


def kept_pages(state: tuple[str, dict[str, str]], docs_dir: Path, site_dir: Path, published: Path,
               config) -> list[str]:
    """Link into `site_dir` the HTML of each page whose Markdown is as when `published` was
    built (with the same key), and date that Markdown 1970. Returns the pages kept."""
    from mkdocs.structure.files import File

    old = _read_state(published)
    if old is None or old[0] != state[0]:
        return []
    untitled = set(_untitled(config["nav"]))
    kept = []
    for src, digest in state[1].items():
        if old[1].get(src) != digest or src in untitled:
            continue
        dest = File(src, str(docs_dir), str(site_dir), config["use_directory_urls"]).dest_uri
        target = site_dir / dest
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(published / dest, target)
        except OSError:
            continue
        os.utime(docs_dir / src, ns=(0, 0))
        kept.append(src)
    return kept


def _untitled(nav) -> list[str]:
    """The pages in mkdocs.yml's navigation without a title there."""
    found: list[str] = []
    for item in nav if isinstance(nav, list) else [nav]:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                if not isinstance(value, str):
                    found += _untitled(value)
    return found


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
HEADING_ID = "page-title"  # the id of an entity page's heading, where "Skip to content" goes
SHELL_DEPTHS = (1, 2, 3)  # URL folder depths: organisations/x.html is 1, years/2024-25/grants-2.html 2


def write_shells(docs_dir: Path) -> None:
    for depth in SHELL_DEPTHS:
        path = docs_dir / SHELL / (Path(*["d"] * (depth - 1)).with_suffix(".md") if depth > 1 else Path("index.md"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nhide:\n  - toc\n---\n# {TITLE_MARK}\n\n{BODY_MARK}\n", encoding="utf-8")


def _squeeze(html: str) -> str:

    if re.search(r"<(pre|textarea)\b", html):
        return html
    return re.sub(r"\n\s+", "\n", html)


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
        # The theme's indentation is a fifth of every page: each run of it becomes one
        # line break (the shells hold no <pre> or <textarea>, where it would matter).
        self.head, self.tail = _squeeze(html[:heading]), _squeeze(html[html.index(body) + len(body):])
        # Material's "Skip to content" link goes to the first heading's id.
        self.head = self.head.replace(f'href="#{TITLE_MARK.lower()}"', f'href="#{HEADING_ID}"')
        self.between = _squeeze(html[end:html.index(body)])
        # The same, as UTF-8 and split at the title, for `page`: the shell is most of a page's
        # bytes, so it is encoded once, not for each of hundreds of thousands of pages.
        self._head = [part.encode("utf-8") for part in self.head.split(TITLE_MARK)]
        self._tail = [part.encode("utf-8") for part in self.tail.split(TITLE_MARK)]
        self._between = f'</h1>{self.between}'.encode("utf-8")

    def page(self, title: str, body: str) -> bytes:
        """The page, as UTF-8: `title` is plain text, `body` is HTML starting after the h1."""
        text = str(escape(title)).encode("utf-8")
        return b"".join([text.join(self._head), _HEADING, text, self._between, body.encode("utf-8"),
                         text.join(self._tail)])


_HEADING = f'<h1 id="{HEADING_ID}">'.encode("utf-8")


def load_shells(site_dir: Path) -> dict[int, Shell]:
    shells = {}
    for depth in SHELL_DEPTHS:
        path = site_dir / SHELL / Path(*["d"] * (depth - 1)) / "index.html"
        shells[depth] = Shell(path.read_text(encoding="utf-8"), str(path))
    return shells


SITEMAP_URLS = 50_000  # the most URLs one sitemap file may list (sitemaps.org)


def remove_shells(site_dir: Path, extra_urls: list[str], site_url: str) -> None:
    """Take the shells out of the published site, and write the sitemap of every page.

    sitemap.xml is a sitemap index naming sitemaps/sitemap-1.xml, -2.xml ..., each listing at
    most SITEMAP_URLS pages (the pages MkDocs built, then the pages rendered from shells). The
    index stays a few hundred bytes whatever the size of the site: Material's JavaScript fetches
    sitemap.xml on every page that has a `<link rel="alternate">` (the Atom feed link), and a
    sitemap of every page would be 1.2 MB at 20k grants, 60 MB at 1M. Without site.url the
    addresses are relative to the site's root, as MkDocs writes them."""

    shutil.rmtree(site_dir / SHELL, ignore_errors=True)
    sitemap = site_dir / "sitemap.xml"
    built = re.findall(r"<loc>([^<]*)</loc>", sitemap.read_text(encoding="utf-8")) if sitemap.exists() else []
    base = site_url.rstrip("/") + "/"
    locations = [str(escape(loc)) for loc in built if f"/{SHELL}/" not in loc]
    locations += [str(escape(base + url)) for url in extra_urls]
    folder = site_dir / "sitemaps"
    folder.mkdir(exist_ok=True)
    parts = []
    for n, start in enumerate(range(0, max(len(locations), 1), SITEMAP_URLS), start=1):
        body = "".join(f"<url><loc>{loc}</loc></url>\n" for loc in locations[start:start + SITEMAP_URLS])
        (folder / f"sitemap-{n}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + body + "</urlset>\n", encoding="utf-8")
        parts.append(f"<sitemap><loc>{escape(base)}sitemaps/sitemap-{n}.xml</loc></sitemap>\n")
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(parts) + "</sitemapindex>\n")
    sitemap.write_text(text, encoding="utf-8")
    with open(site_dir / "sitemap.xml.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                                        filename="") as out:
        out.write(text.encode("utf-8"))


# --- Content-Security-Policy ------------------------------------------------------------
#
# A static host cannot always send headers (GitHub Pages cannot), so every page carries
# the policy in a <meta> tag as the first thing in its <head>. The theme's few inline
# scripts are allowed by their SHA-256 hashes, computed from each page as built; nothing
# else inline runs.

CSP = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")

_INLINE = None


def csp_for(html: str) -> str:

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


# --- the large downloads, kept out of MkDocs' copy -------------------------------


def stand_ins(large: Path, docs_downloads: Path) -> None:
    """An empty file in the docs folder for each large download, for MkDocs' link checks."""
    docs_downloads.mkdir(parents=True, exist_ok=True)
    for path in large.iterdir():
        (docs_downloads / path.name).touch()


def move_downloads(large: Path, site_downloads: Path, docs_downloads: Path) -> None:
    """Put each large download in the site (over MkDocs' copy of its stand-in) and, as a hard
    link, in the docs folder too, so the kept Markdown folder builds on its own."""
    for path in sorted(large.iterdir()):
        target = site_downloads / path.name
        os.replace(path, target)
        stand_in = docs_downloads / path.name
        stand_in.unlink()
        try:
            os.link(target, stand_in)
        except OSError:  # a file system without hard links
            shutil.copyfile(target, stand_in)
