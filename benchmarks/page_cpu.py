"""How much CPU the entity pages take to render, without the file system.

    .venv/bin/python benchmarks/page_cpu.py                        # the bundled data
    .venv/bin/python benchmarks/page_cpu.py --data DIR --repeats 5  # e.g. a `sample --grants 20000`

It builds the site from the data, as `python -m generator build` does, into a temporary folder;
then, in this one process, it renders every entity page again (`entity_pages._render_jobs` over
every entity, with the further pages of their lists) `--repeats` times with each file's write
left out, and prints the CPU time of each pass and the least of them per page. The build's own
pages stage mixes that work with the file system, forked workers and what else runs on the
cores, which vary from run to run on a shared machine by more than a change to the rendering
moves them: this isolates the rendering. Compare two versions of the code by running each a
few times, alternating, and taking the least.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import cli  # noqa: E402
from generator.site import entity_pages  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT / "data"), help="the data folder (default: the bundled data)")
    parser.add_argument("--repeats", type=int, default=3, help="passes over every entity page (default: 3)")
    args = parser.parse_args(argv)
    rendered = entity_pages.render_html
    passes: list[float] = []
    files: list[int] = [0, 0]

    def render_html(w, site_dir, shells, **options):
        urls = rendered(w, site_dir, shells, **options)
        jobs = [entity for kind in entity_pages.KINDS for entity in w.entities.by_kind[kind].values()]
        written = entity_pages.write_bytes

        def count(path: str, data: bytes) -> None:
            files[0] += 1
            files[1] += len(data)

        entity_pages.write_bytes = count
        try:
            w.prepare()
            w.previous = None  # every page rendered, none kept from a published site
            for _ in range(args.repeats):
                w.html_pages, w.written, w.deferred = [], [], []
                w.__dict__.update({name: type(value)() for name, value in vars(w).items()
                                   if name in ("_links", "_made")})  # what a worker starts without
                files[:] = [0, 0]
                gc.collect()
                start = time.process_time()
                entity_pages._render_jobs(w, jobs)
                passes.append(time.process_time() - start)
        finally:
            entity_pages.write_bytes = written
        print(f"entity pages: {len(jobs):,} jobs, {files[0]:,} files, {files[1] / 1e6:,.1f} MB; CPU per pass: "
              + ", ".join(f"{p:.2f}" for p in passes) + f" s; least {min(passes):.2f} s, "
              f"{min(passes) / max(len(jobs), 1) * 1e6:,.0f} µs a job", flush=True)
        return urls

    entity_pages.render_html = render_html
    try:
        with tempfile.TemporaryDirectory(prefix="page-cpu-") as folder:
            code = cli.main(["build", "--data", args.data, "--out", str(Path(folder) / "site"), "--quiet", "--force"])
    finally:
        entity_pages.render_html = rendered
    return code or (0 if passes else 1)


if __name__ == "__main__":
    sys.exit(main())
