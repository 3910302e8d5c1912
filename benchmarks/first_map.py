"""First map and second open: how long a big folder takes to show, cold and from the cache.

Generates a corpus (benchmarks/make_corpus.py, default 4,000 articles), starts the real app
(`streamlit run dashboard/app.py -- --data FOLDER`) on 127.0.0.1 with an empty per-article
cache, and times in headless Chromium, from the page request:

- first progress: the progress bar is on the page (articles done / total);
- first map: the map has its events and a mask applied (``window.datelines`` in the map's
  frame; the page may still be finishing its run below the map);

then stops the server, starts a new one (a new process: nothing in memory) on the same folder
and cache, and times the second open's map. Prints figures only.

    .venv/bin/python benchmarks/first_map.py [--articles 4000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from benchmarks.make_corpus import make_corpus  # noqa: E402
from browser_support import StreamlitServer, launch_chromium, new_guarded_page  # noqa: E402


def open_once(browser, corpus: Path, log_dir: Path) -> tuple[float | None, float]:
    """(seconds to the progress bar or None if never shown, seconds to the map)."""
    with StreamlitServer(corpus, log_dir=log_dir) as server:
        context, page, _guard = new_guarded_page(browser)
        try:
            t0 = time.perf_counter()
            page.goto(server.url, timeout=600_000)
            progress = None
            while True:
                if page.locator('[data-testid="stProgress"]').count():
                    progress = time.perf_counter() - t0
                    break
                if page.locator('iframe[title="streamlit_folium.st_folium"]').count():
                    break
                time.sleep(0.05)
            page.wait_for_function(
                "() => { const f = document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]');"
                " const d = f && f.contentWindow && f.contentWindow.datelines;"
                " return !!(d && d.loaded && d.maskVersion > 0); }",
                timeout=600_000,
                polling=100,
            )
            shown = time.perf_counter() - t0
            return progress, shown
        finally:
            context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=4000)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="datelines-first-map-"))
    corpus = work / "corpus"
    make_corpus(args.articles, corpus)
    os.environ["DATELINES_ARTICLE_CACHE"] = str(work / "article-cache")  # empty: a cold start
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        first_progress, first_map = open_once(browser, corpus, work)
        _, second_map = open_once(browser, corpus, work)
        browser.close()
    progress = "never shown" if first_progress is None else f"{first_progress:.1f} s"
    print(f"first map, {args.articles:,} articles (cold cache): {first_map:.1f} s; progress shown at {progress}")
    print(f"second open (new server, per-article cache): {second_map:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
