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
