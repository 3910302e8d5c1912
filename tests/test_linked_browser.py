"""Linked views in headless Chromium: table row → popup, marker → row, links that reproduce a view.

One seeds server for the module (the browser is the session's one Chromium). Every test fails on
a request that leaves 127.0.0.1, a failed asset or a page error (browser_support.Guard).
Expected values come from the same pure functions the app uses (dashboard.view, dashboard.table).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest.register_assert_rewrite("browser_support")
from browser_support import (  # noqa: E402
    MAP_IFRAME,
    StreamlitServer,
    attach_server,
    new_guarded_page,
    wait_for_map,
    wait_idle,
)
from dashboard import table, view  # noqa: E402
from geo import ingest  # noqa: E402
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEEDS = ROOT / "seeds"
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


def table_rows_in_view(dataset: view.Dataset, start: dt.date, end: dt.date):
    mask = view.event_mask(dataset, view.Filters(start=start, end=end))
    return table.sorted_rows(dataset, mask)


def click_table_row(page, row: int) -> None:
    """Click the selection cell of the table's ``row``-th row (0-based) of the shown page.

    The grid is a canvas: the row is found from the header height and Streamlit's row height.
    """
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.evaluate("g => g.scrollIntoView({block: 'start'})")
    # The page may still be scrolling or laying out: use the box once it is still in view.
    page.wait_for_function(
        """() => { const g = document.querySelector('[data-testid="stDataFrame"]');
                   const r = g.getBoundingClientRect();
                   const still = window.__gridTop === r.top; window.__gridTop = r.top;
                   return still && r.top >= 0 && r.top < innerHeight - 200; }""",
        polling=100,
        timeout=30_000,
    )
    box = grid.bounding_box()
    header = 35  # Streamlit's header row, px
    row_height = 84  # app.TABLE_ROW_HEIGHT while the excerpt is shown
    page.mouse.click(box["x"] + 14, box["y"] + header + row_height * row + row_height / 2)


def test_a_table_row_opens_its_popup_and_pans_to_it(request, server, dataset, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    frame = open_app(page, server, MARCH_2016)
    rows = table_rows_in_view(dataset, dt.date(2016, 3, 1), dt.date(2016, 3, 31))
    target = int(rows[3])  # sorted by date: the fourth row
    click_table_row(page, 3)
    frame.wait_for_function(
        f"() => window.datelines.selected() === {target}"
        f" && !!document.querySelector('[data-testid=\"event-popup\"][data-event-index=\"{target}\"]')",
        timeout=60_000,
    )
    wait_idle(page)
    point = dataset.events.geometry.iloc[target]
    centre = frame.evaluate(
        "([lat, lng]) => { const m = window.datelines.map(), c = m.getCenter();"
        " return [c.lat, c.lng, m.getZoom(), m.getBounds().contains([lat, lng])]; }",
        [point.y, point.x],
    )
    # panned to it: the point is in view near the centre; a tall popup (a long excerpt) makes
    # Leaflet pan the map north so the popup fits, so the latitude may be off by more
    assert centre[3] and abs(centre[1] - point.x) < 0.5 and abs(centre[0] - point.y) < 1.5
    assert centre[2] >= 7
    page.wait_for_function(
        f"() => location.search.includes('event=' + encodeURIComponent({dataset.events['id'].iloc[target]!r}))",
        timeout=30_000,
    )
    guard.check()


def test_clicking_a_marker_selects_its_row(request, server, dataset, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    # One day with one Mosul report: a lone marker.
    frame = open_app(page, server, "?start=2016-03-24&end=2016-03-24&lat=36.34&lon=43.13&zoom=9")
    frame.wait_for_function(
        "() => window.datelines.eventPoints().length > 0", timeout=30_000
    )
    point = frame.evaluate("() => window.datelines.eventPoints()")[0]
    container = frame.locator(".leaflet-container").bounding_box()
    page.mouse.click(container["x"] + point["x"], container["y"] + point["y"])
    event_id = dataset.events["id"].iloc[point["index"]]
    page.wait_for_function(
        f"() => new URLSearchParams(location.search).get('event') === {event_id!r}",
        timeout=60_000,
    )
    wait_idle(page)
    # The table turned to the row's page and says which events it shows.
    caption = page.get_by_text(re.compile(r"Click a row to show it on the map")).inner_text()
    assert "page 1 of 1" in caption
    assert frame.evaluate("() => window.datelines.selected()") == point["index"]
    guard.check()


def test_a_link_reproduces_zoom_centre_and_selection(request, server, dataset, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    rows = table_rows_in_view(dataset, dt.date(2016, 3, 1), dt.date(2016, 3, 31))
    target = int(rows[1])
    event_id = dataset.events["id"].iloc[target]
    query = f"{MARCH_2016}&basemap=osm&lat=35.0000&lon=39.0000&zoom=6&event={event_id}"
    # OSM tiles would leave 127.0.0.1: the guard blocks them; only the link is checked here.
    frame = open_app(page, server, query)
    frame.wait_for_function(
        f"() => window.datelines.selected() === {target}", timeout=60_000
    )
    view_now = frame.evaluate(
        "() => { const m = window.datelines.map(), c = m.getCenter();"
        " return [c.lat, c.lng, m.getZoom()]; }"
    )
    # The link's view, not the event's (Leaflet rounds the centre to whole pixels: 0.02° here).
    assert view_now == pytest.approx([35.0, 39.0, 6], abs=0.05)
    popup = frame.locator('[data-testid="event-popup"]')
    assert int(popup.get_attribute("data-event-index")) == target
    wait_idle(page)
    shared = query_of(page)
    assert shared["event"] == [event_id]
    assert shared["basemap"] == ["osm"]
    assert float(shared["lat"][0]) == pytest.approx(35.0, abs=0.05)
    assert float(shared["lon"][0]) == pytest.approx(39.0, abs=0.05)
    assert shared["zoom"] == ["6"]
    assert (shared["start"], shared["end"]) == (["2016-03-01"], ["2016-03-31"])
    assert not page.get_by_text("This link could not be applied").count()
    assert all("tile.openstreetmap.org" in url for url in guard.external)


def test_a_link_that_cannot_be_applied_says_so(request, server, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    open_app(page, server, "?start=2016-13-45&source=No+Such+Wire&event=nope&zoom=99")
    warning = page.get_by_text("This link could not be applied")
    warning.wait_for(timeout=30_000)
    text = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "2016-13-45" in text and "No Such Wire" in text and "'nope'" in text
    assert "zoom" in text
    guard.check()


def test_the_table_pages_and_sorts_on_the_server(request, server, dataset, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    open_app(page, server)
    start, end = dataset.bounds()
    total = len(table_rows_in_view(dataset, start, end))
    caption = page.get_by_text(re.compile(r"Click a row to show it on the map"))
    assert f"Events 1–50 of {total} in view, by date; page 1 of 2" in caption.inner_text()
    page.get_by_label("Page", exact=True).fill("2")
    page.get_by_label("Page", exact=True).press("Enter")
    page.wait_for_function(
        "() => document.body.innerText.includes('page 2 of 2')", timeout=30_000
    )
    assert f"Events 51–{total} of {total}" in caption.inner_text()
    wait_idle(page)
    # The grid's accessible cells: the first row of page 2 is the 51st event by date.
    rows = table_rows_in_view(dataset, start, end)
    first_row = page.locator('[data-testid="stDataFrame"] table tbody tr').first
    expect(first_row).to_contain_text(dataset.events["date"].iloc[rows[50]], timeout=30_000)

    page.get_by_text("Descending").click()
    page.wait_for_function(
        "() => document.body.innerText.includes('by date (descending)')", timeout=30_000
    )
    wait_idle(page)
    newest = table.sorted_rows(
        dataset, view.event_mask(dataset, view.Filters(start=start, end=end)), descending=True
    )
    assert "page 1 of 2" in caption.inner_text()  # a new order starts on page 1
    expect(first_row).to_contain_text(dataset.events["date"].iloc[newest[0]], timeout=30_000)
    guard.check()


def test_download_only_the_maps_extent(request, server, dataset, guarded_page):
    import json

    from dashboard import downloads

    page, guard = guarded_page
    attach_server(request, server)
    frame = open_app(page, server, "?lat=36.2000&lon=37.1500&zoom=9")  # around Aleppo
    page.wait_for_function("() => location.search.includes('zoom=9')", timeout=30_000)
    wait_idle(page)
    extent = frame.evaluate(
        "() => { const b = window.datelines.map().getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    page.get_by_text("only those inside the map's current extent").click()
    page.wait_for_function(
        "() => document.body.innerText.match(/\\d+ events in the download/)", timeout=30_000
    )
    wait_idle(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download GeoJSON").click()
    features = json.loads(Path(info.value.path()).read_bytes())["features"]
    start, end = dataset.bounds()
    mask = view.event_mask(dataset, view.Filters(start=start, end=end))
    expected = mask & downloads.inside_extent(dataset.events, tuple(extent))
    assert 0 < expected.sum() < mask.sum()
    assert sorted(f["properties"]["id"] for f in features) == sorted(
        dataset.events.loc[expected, "id"]
    )
    guard.check()


def slider_window(page) -> tuple[dt.date, dt.date]:
    thumbs = page.get_by_role("slider")
    return tuple(
        dt.date.fromisoformat(thumbs.nth(k).get_attribute("aria-valuetext")) for k in (0, 1)
    )


def test_a_brush_on_the_timeline_sets_the_window_and_a_double_click_resets(
    request, server, dataset, guarded_page
):
    page, guard = guarded_page
    attach_server(request, server)
    open_app(page, server)
    whole = slider_window(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    wait_idle(page)
    box = chart.bounding_box()
    y = box["y"] + box["height"] * 0.5
    page.mouse.move(box["x"] + box["width"] * 0.45, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
    page.mouse.up()
    expect(page.get_by_role("slider").first).not_to_have_attribute(
        "aria-valuetext", whole[0].isoformat(), timeout=60_000
    )
    wait_idle(page)
    start, end = slider_window(page)
    assert whole[0] < start < end < whole[1]
    assert f"start={start.isoformat()}" in page.url  # the link follows the brush
    # The events in view are the new window's.
    mask = view.event_mask(dataset, view.Filters(start=start, end=end))
    caption = page.get_by_text(re.compile(r"events in view ·")).first.inner_text()
    assert caption.startswith(f"{int(mask.sum())} of")

    chart.dblclick(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    expect(page.get_by_role("slider").first).to_have_attribute(
        "aria-valuetext", whole[0].isoformat(), timeout=60_000
    )
    wait_idle(page)
    assert slider_window(page) == whole
    guard.check()


def test_typed_dates_set_the_window(request, server, guarded_page):
    page, guard = guarded_page
    attach_server(request, server)
    open_app(page, server)
    # Streamlit's date box is a segmented field: year, month and day are typed in turn.
    for segment, digits in (("year", "2016"), ("month", "03"), ("day", "01")):
        page.get_by_role("spinbutton", name=f"{segment}, From").click()
        page.keyboard.type(digits)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Datelines").click()  # leaving the box commits the date
    expect(page.get_by_role("slider").first).to_have_attribute(
        "aria-valuetext", "2016-03-01", timeout=60_000
    )
    wait_idle(page)
    assert slider_window(page)[0] == dt.date(2016, 3, 1)
    assert "start=2016-03-01" in page.url
    guard.check()


def test_a_big_folder_shows_progress_then_the_map_and_opens_again_from_the_cache(
    request, chromium_browser, tmp_path, monkeypatch
):
    from benchmarks.make_corpus import make_corpus
    from browser_support import new_guarded_page

    corpus = make_corpus(300, tmp_path / "corpus")
    cache = tmp_path / "article-cache"
    monkeypatch.setenv("DATELINES_ARTICLE_CACHE", str(cache))
    with StreamlitServer(corpus, log_dir=tmp_path) as first:
        attach_server(request, first)
        context, page, guard = new_guarded_page(chromium_browser)
        try:
            page.goto(first.url, timeout=90_000)
            progress = page.locator('[data-testid="stProgress"]')
            progress.wait_for(timeout=60_000)
            # its first words are "Listing the articles…"; the counts follow as articles are read
            expect(progress).to_contain_text(re.compile(r"\d[\d,]* / 30\d articles"), timeout=60_000)
            wait_for_map(page, timeout=300_000)
            assert progress.count() == 0  # gone once the map is there
            guard.check()
        finally:
            context.close()
    cached = [p for p in cache.rglob("*") if p.is_file()]
    assert len(cached) >= 250  # one entry per article read

    with StreamlitServer(corpus, log_dir=tmp_path) as second:  # a new process: nothing in memory
        attach_server(request, second)
        context, page, guard = new_guarded_page(chromium_browser)
        try:
            page.goto(second.url, timeout=90_000)
            frame = wait_for_map(page, timeout=120_000)
            assert page.get_by_text("Ingest summary").count() == 1
            # The page below the map came on the map's word that its events are drawn.
            reported = frame.evaluate("() => window.__GLOBAL_DATA__.last_object_clicked_tooltip")
            assert re.fullmatch(r"datelines-drawn:\d+", str(reported))
            guard.check()
        finally:
            context.close()
    assert sorted(p for p in cache.rglob("*") if p.is_file()) == sorted(cached)  # nothing new


# The widgets Streamlit draws, in page order: the first one must be the date slider.
_WIDGETS_IN_ORDER = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMain"] [data-testid^="st"][data-testid$="Slider"],'
    + '[data-testid="stMain"] [data-testid="stSelectbox"],'
    + '[data-testid="stMain"] [data-testid="stDateInput"],'
    + '[data-testid="stMain"] [data-testid="stButton"],'
    + '[data-testid="stMain"] [data-testid="stTextInput"],'
    + '[data-testid="stMain"] [data-testid="stNumberInput"]'))
    .filter(w => w.getBoundingClientRect().height > 0)
    .map(w => w.innerText.split('\\n')[0])"""


def test_a_narrow_window_gives_the_map_the_width(request, server, dataset, chromium_browser):
    """At 800 px the sidebar starts collapsed, the map takes the width and a popup fits in it."""
    context, page, guard = new_guarded_page(chromium_browser, viewport={"width": 800, "height": 900})
    try:
        attach_server(request, server)
        frame = open_app(page, server, MARCH_2016)
        page.wait_for_function(
            """() => { const s = document.querySelector('[data-testid="stSidebar"]');
                       return s && s.getBoundingClientRect().right <= 1; }""",
            timeout=30_000,
        )
        box = page.locator(MAP_IFRAME).bounding_box()
        assert box["width"] >= 0.9 * 800
        assert page.evaluate(_WIDGETS_IN_ORDER)[0] == "Date window"
        rows = table_rows_in_view(dataset, dt.date(2016, 3, 1), dt.date(2016, 3, 31))
        frame.evaluate(f"() => window.datelines.openEvent({int(rows[0])})")
        frame.wait_for_selector('[data-testid="event-popup"]', timeout=30_000)
        frame.wait_for_timeout(500)  # Leaflet's autopan settles
        popup = frame.locator(".leaflet-popup-content-wrapper").bounding_box()
        inside = frame.locator(".leaflet-container").bounding_box()
        assert popup["x"] >= inside["x"] and popup["x"] + popup["width"] <= inside["x"] + inside["width"]
        guard.check()
    finally:
        context.close()
