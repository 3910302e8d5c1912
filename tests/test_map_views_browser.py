"""Issue 14's map options in headless Chromium: heatmap, colour by source, PNG, exact frames.

One seeds server for the module; the browser is the session's one Chromium. Every test fails
on a request that leaves 127.0.0.1, a failed asset or a page error (browser_support.Guard).
Tests wait on observable state (window.datelines, the URL), never on sleeps.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest.register_assert_rewrite("browser_support")
from browser_support import StreamlitServer, attach_server, wait_for_map, wait_idle  # noqa: E402
from dashboard import frames, view  # noqa: E402
from geo import ingest  # noqa: E402
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEEDS = ROOT / "seeds"
MARCH = (dt.date(2016, 3, 1), dt.date(2016, 3, 31))
MARCH_2016 = "?start=2016-03-01&end=2016-03-31"


@pytest.fixture(scope="module")
def server():
    with StreamlitServer(SEEDS) as running:
        yield running


@pytest.fixture(scope="module")
def dataset():
    return view.build_dataset(ingest(SEEDS).events)


def open_app(page, server: StreamlitServer, query: str = ""):
    page.goto(server.url + query, timeout=90_000)
    return wait_for_map(page)


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_a_heatmap_link_shows_a_heatmap_and_markers_come_back(request, server, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    frame = open_app(page, server, MARCH_2016 + "&display=heat&colour=source")
    frame.wait_for_function(
        "() => window.datelines.display() === 'heat' && window.datelines.visibleCount() > 0"
        " && window.datelines.heatCount() === window.datelines.visibleCount()"
        " && window.datelines.renderedCount() === 0"
        " && !!document.querySelector('canvas.leaflet-heatmap-layer')",
        timeout=60_000,
    )
    # Colour by source came from the link too: the legend lists sources, not event types.
    legend = frame.locator(".leaflet-control").filter(has_text="other sources")
    assert legend.count() >= 1
    page.get_by_text("markers", exact=True).first.click()
    frame.wait_for_function(
        "() => window.datelines.display() === 'markers' && window.datelines.renderedCount() > 0",
        timeout=60_000,
    )
    page.wait_for_function("() => !location.search.includes('display=')", timeout=30_000)
    assert query_of(page)["colour"] == ["source"]
    guard.check()


def test_a_bad_display_in_the_link_warns(request, server, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    frame = open_app(page, server, "?display=hexagons")
    page.get_by_text("display 'hexagons' is not one of", exact=False).first.wait_for(timeout=30_000)
    assert frame.evaluate("() => window.datelines.display()") == "markers"
    guard.check()


def _png_of_download(page, frame) -> Image.Image:
    with page.expect_download(timeout=30_000) as info:
        frame.locator('[data-testid="save-png"]').click()
    download = info.value
    assert download.suggested_filename == "datelines-map.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).convert("RGB")


def _has_colour(pixels: np.ndarray, hex_colour: str, tolerance: int = 12) -> bool:
    rgb = np.array([int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)])
    return bool((np.abs(pixels.astype(int) - rgb).max(axis=-1) <= tolerance).any())


def test_save_png_draws_the_view_its_legend_and_window(request, server, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    frame = open_app(page, server, MARCH_2016)
    frame.wait_for_function("() => window.datelines.renderedCount() > 0", timeout=60_000)
    size = frame.evaluate("() => { const s = window.datelines.map().getSize(); return [s.x, s.y]; }")
    image = _png_of_download(page, frame)
    if os.environ.get("DATELINES_SAVE_PNG"):  # to look at it: the test's PNG, kept
        image.save(os.environ["DATELINES_SAVE_PNG"])
    assert image.size == (size[0], size[1] + 44)  # the map plus a header with the window
    pixels = np.asarray(image)
    assert _has_colour(pixels, "#cadbe6") and _has_colour(pixels, "#f4f1e8")  # sea, land
    # The legend's swatches (event types) are drawn in the top right corner.
    corner = pixels[44 : 44 + 200, -260:]
    assert _has_colour(corner, "#D55E00", 4) and _has_colour(corner, "#0072B2", 4)
    # The header names the window: dark text pixels in the second line.
    assert (pixels[24:40, :200] < 80).all(axis=-1).any()
    guard.check()


def test_exact_frames_leaves_coarse_dates_out_and_goes_in_the_link(
    request, server, dataset, guarded_page
):
    page, guard = guarded_page
    attach_server(request, server)
    frame = open_app(page, server, MARCH_2016)
    in_window = view.event_mask(dataset, view.Filters(start=MARCH[0], end=MARCH[1]))
    exact = int((in_window & frames.fits_frame(dataset, MARCH)).sum())
    assert exact < int(in_window.sum())  # the seeds have a year-dated event in March 2016
    frame.wait_for_function(
        f"() => window.datelines.visibleCount() === {int(in_window.sum())}", timeout=60_000
    )
    page.get_by_text("Exact frames", exact=True).click()
    frame.wait_for_function(f"() => window.datelines.visibleCount() === {exact}", timeout=60_000)
    page.wait_for_function("() => location.search.includes('coarse=1')", timeout=30_000)
    wait_idle(page)
    guard.check()
