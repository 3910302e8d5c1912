"""Slider latency: from a key press on the date slider to the map showing the new set of events.

Starts the real app (`streamlit run dashboard/app.py -- --data ...`) on a free port on 127.0.0.1
for the seed corpus and for 10,000 and 100,000 synthetic events, opens it in headless Chromium,
and moves the first slider (the window's start) with the arrow keys. Each move is timed from the
key press until ``window.datelines.maskVersion`` in the map iframe goes up, i.e. the browser has
drawn the new set. The window starts on a day some events end on, so every Right press drops
them and every Left press brings them back: each move really changes the map.

    .venv/bin/python benchmarks/slider_latency.py [--moves 15] [--sizes seeds,10000,100000]

Prints figures only. Streamlit's slider waits for the keyboard to settle before it sends a
value (a debounce in its frontend), which is part of what an analyst feels, so it is included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import streamlit.logger  # noqa: E402

streamlit.logger.set_log_level("error")  # no "no runtime" warnings from the cached loaders here

from benchmarks.synthetic_events import synthetic_events, write_events  # noqa: E402
from browser_support import (  # noqa: E402
    StreamlitServer,
    launch_chromium,
    map_frame,
    mask_version,
    new_guarded_page,
    visible_count,
    wait_for_map,
    wait_idle,
)
from dashboard import view  # noqa: E402


def _dataset(data: Path) -> view.Dataset:
    from geo import ingest, read_events
    events = ingest(data).events if data.is_dir() else read_events(data)
    return view.build_dataset(events)


def _pivot_day(dataset: view.Dataset) -> dt.date:
    """A day after the first on which some dated events end: the window's start sits on it."""
    first, _ = dataset.bounds()
    ends = dataset.end_day[dataset.dated]
    ends = ends[ends > (first - dt.date(1970, 1, 1)).days]
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(sorted(ends)[len(ends) // 2]))


def measure(browser, data: Path, *, moves: int, log_dir: Path) -> dict[str, float]:
    dataset = _dataset(data)
    pivot = _pivot_day(dataset)
    _, last = dataset.bounds()
    with StreamlitServer(data, log_dir=log_dir) as server:
        context, page, guard = new_guarded_page(browser)
        try:
            t0 = time.perf_counter()
            page.goto(f"{server.url}?start={pivot}&end={last}", timeout=300_000)
            frame = wait_for_map(page, timeout=300_000)
            first_map = time.perf_counter() - t0
            page.get_by_role("slider").first.focus()
            timings = []
            for k in range(moves):
                version = mask_version(page)
                before = visible_count(page)
                key = "ArrowRight" if k % 2 == 0 else "ArrowLeft"
                start = time.perf_counter()
                page.keyboard.press(key)
                frame.wait_for_function(
                    f"() => window.datelines?.loaded && window.datelines.maskVersion > {version}",
                    timeout=120_000,
                )
                timings.append(time.perf_counter() - start)
                after = visible_count(page)
                if after == before:
                    raise RuntimeError(f"move {k} did not change the map ({before} events)")
                wait_idle(page, timeout=120_000)
            if guard.problems():
                raise RuntimeError("; ".join(guard.problems()))
            frame = map_frame(page)
            apply_ms = frame.evaluate("() => window.datelines.lastApplyMs")
        finally:
            context.close()
    timings.sort()
    return {
        "events": len(dataset),
        "first_map": first_map,
        "median": statistics.median(timings),
        "p90": timings[min(len(timings) - 1, int(round(0.9 * (len(timings) - 1))))],
        "min": timings[0],
        "max": timings[-1],
        "apply_ms": float(apply_ms or 0.0),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=15, help="key presses per data set")
    parser.add_argument("--sizes", default="seeds,10000,100000")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="datelines-slider-"))
    inputs: list[tuple[str, Path]] = []
    for size in args.sizes.split(","):
        if size == "seeds":
            inputs.append(("seeds", ROOT / "seeds"))
        else:
            n = int(size)
            path = write_events(synthetic_events(n, seed=7), work / f"events-{n}.parquet")
            inputs.append((f"synthetic {n:,}", path))

    print(f"slider latency: key press -> map shows the new set; {args.moves} moves per data set")
    print(f"{'data':<18}{'events':>9}{'first map':>11}{'median':>9}{'p90':>8}{'min':>8}"
          f"{'max':>8}{'JS apply':>10}")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for label, path in inputs:
                r = measure(browser, path, moves=args.moves, log_dir=work)
                print(
                    f"{label:<18}{r['events']:>9,}{r['first_map']:>10.2f}s{r['median']:>8.2f}s"
                    f"{r['p90']:>7.2f}s{r['min']:>7.2f}s{r['max']:>7.2f}s{r['apply_ms']:>8.0f}ms",
                    flush=True,
                )
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
