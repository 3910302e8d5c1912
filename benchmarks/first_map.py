"""First map and second open: how long a big folder takes to show, cold and from the cache.

Generates a corpus (benchmarks/make_corpus.py, default 4,000 articles), starts the real app
(`streamlit run dashboard/app.py -- --data FOLDER`) on 127.0.0.1 with an empty per-article
cache, and times in headless Chromium, from the page request:

- first progress: the progress bar is on the page (articles done / total);
- first map: the map has its events and a mask applied (``window.datelines`` in the map's
  frame; the page below the map follows once the map says it has drawn them);

then stops the server and, ``--repeat`` times, starts a new one (a new process: nothing in
memory) on the same folder and cache and times the second open. Each second open is broken
down: slider shown, map frame attached, the events requested / received / parsed / drawn in
the frame (``window.datelines.timings``), the page below the map there. The machine is shared:
repeat and read the range. Prints figures only.

    .venv/bin/python benchmarks/first_map.py [--articles 4000] [--repeat 3]
    .venv/bin/python benchmarks/first_map.py --work DIR --repeat 5   # DIR kept: corpus, caches

With ``--work DIR`` the corpus and caches in DIR are reused when there (the cold open is then
timed only the first time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from benchmarks.make_corpus import make_corpus  # noqa: E402
from browser_support import MAP_IFRAME, StreamlitServer, launch_chromium, new_guarded_page  # noqa: E402

_MAP_DRAWN = (
    "() => { const f = document.querySelector('%s');"
    " const d = f && f.contentWindow && f.contentWindow.datelines;"
    " return !!(d && d.loaded && d.maskVersion > 0); }" % MAP_IFRAME
)
# The frame's timings, in seconds from the page's own start (the frame has its own clock).
_FRAME_TIMINGS = (
    "() => { const w = document.querySelector('%s').contentWindow;"
    " const t = w.datelines.timings || {}; const shift = w.performance.timeOrigin - performance.timeOrigin;"
    " const out = {frame: shift / 1000};"
    " for (const k of ['requested', 'received', 'parsed', 'drawn'])"
    "   if (t[k] !== undefined) out[k] = (t[k] + shift) / 1000;"
    " out.bytes = t.bytes; return out; }" % MAP_IFRAME
)


def open_once(browser, corpus: Path, log_dir: Path) -> dict[str, float | None]:
    """Seconds from the page request to each step of one open (None: not seen)."""
    with StreamlitServer(corpus, log_dir=log_dir) as server:
        context, page, _guard = new_guarded_page(browser)
        try:
            t0 = time.perf_counter()
            page.goto(server.url, timeout=600_000)
            marks: dict[str, float | None] = {"progress": None}
            while not page.evaluate(_MAP_DRAWN):
                now = time.perf_counter() - t0
                for name, selector in (("progress", '[data-testid="stProgress"]'),
                                       ("slider", '[data-testid="stSlider"]')):  # fmt: skip
                    if marks.get(name) is None and page.locator(selector).count():
                        marks[name] = now
                time.sleep(0.03)
            marks["map"] = time.perf_counter() - t0
            page.wait_for_selector(".st-key-below_map", state="attached", timeout=600_000)
            marks["below"] = time.perf_counter() - t0
            timings = page.evaluate(_FRAME_TIMINGS)
            navigation = page.evaluate("performance.getEntriesByType('navigation')[0].startTime")
            offset = navigation / 1000  # goto's clock started just before the navigation
            for name in ("frame", "requested", "received", "parsed", "drawn"):
                if name in timings:
                    marks[name] = timings[name] - offset
            marks["bytes"] = timings.get("bytes")
            return marks
        finally:
            context.close()


def _span(values: list[float]) -> str:
    values = sorted(v for v in values if v is not None)
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.1f} s"
    return f"{values[0]:.1f}-{values[-1]:.1f} s (median {statistics.median(values):.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3, help="second opens, each on a new server")
    parser.add_argument("--work", type=Path, default=None, help="keep the corpus and caches here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = args.work or Path(tempfile.mkdtemp(prefix="datelines-first-map-"))
    corpus = work / "corpus"
    cold = not corpus.is_dir()
    if cold:
        make_corpus(args.articles, corpus)
    os.environ["DATELINES_ARTICLE_CACHE"] = str(work / "article-cache")  # empty when cold
    seconds = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        first = open_once(browser, corpus, work) if cold else None
        for _ in range(args.repeat):
            seconds.append(open_once(browser, corpus, work))
            print("  second open: " + ", ".join(
                f"{k} {v:.2f}" for k, v in seconds[-1].items() if v is not None and k != "bytes"
            ), flush=True)  # fmt: skip
        browser.close()
    if first is not None:
        progress = "never shown" if first["progress"] is None else f"{first['progress']:.1f} s"
        print(f"first map, {args.articles:,} articles (cold cache): {first['map']:.1f} s; progress shown at {progress}")
    print(f"second open (new server, caches warm), {len(seconds)} runs:")
    for name, what in (("slider", "slider shown"), ("frame", "map frame opened"),
                       ("requested", "events requested"), ("received", "events received"),
                       ("drawn", "events drawn"), ("map", "map seen drawn"),
                       ("below", "page below the map")):  # fmt: skip
        print(f"  {what:20s} {_span([s.get(name) for s in seconds])}")
    sizes = {s.get("bytes") for s in seconds if s.get("bytes")}
    if sizes:
        print(f"  events download: {max(sizes) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
