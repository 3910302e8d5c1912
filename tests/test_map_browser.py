"""The event layer (datelines-map.js) in headless Chromium, without Streamlit.

The folium map from ``build_map`` is written to a temporary folder together with the static
files, exactly at the URLs Streamlit would serve (``/app/static/...``), and served by a real
``http.server`` on 127.0.0.1. Masks are handed over with the very script streamlit-folium
evals on a rerun. Any request that would leave 127.0.0.1, any failed request and any console
error fails the test; a failing test leaves a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import re
import http.server
import shutil
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pytest

from dashboard import assets, mapview
from test_mapview import HOSTILE_EXCERPT, event_row, events_frame

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
PALMYRA = (34.556, 38.2673)


# --------------------------------------------------------------------------- the site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        self.server.log.append(format % args)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A static site at http://127.0.0.1:<free port>/ mirroring Streamlit's /app/static/."""
    try:
        assets.check()
    except assets.AssetsMissing as err:
        pytest.fail(str(err))
    root = tmp_path_factory.mktemp("site")
    static = root / "app" / "static"
    shutil.copytree(assets.VENDOR_DIR, static / "vendor")
    shutil.copytree(assets.STATIC_DIR / "datelines", static / "datelines")
    (root / "favicon.ico").write_bytes(b"")  # Chromium asks for one; Streamlit serves its own
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.log = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(root, static, f"http://127.0.0.1:{server.server_address[1]}", server.log)
    server.shutdown()
    server.server_close()


class Site:
    def __init__(self, root: Path, static: Path, origin: str, log: list[str]) -> None:
        self.root, self.static, self.origin, self.log = root, static, origin, log

    def page_for(self, events, visible=None, *, name: str = "map", basemap: str = "natural-earth") -> str:
        """Publish ``events``, write the map page (with its first mask) and return its URL."""
        data_url = mapview.publish_events(events, static_dir=self.static)
        bounds = tuple(float(v) for v in events.total_bounds)
        m = mapview.build_map(data_url, bounds=bounds, basemap=basemap, height=600)
        if visible is not None:
            m.add_child(mapview.visibility_layer(visible))
        (self.root / f"{name}.html").write_text(m.get_root().render(), encoding="utf-8")
        return f"{self.origin}/{name}.html"


@pytest.fixture(scope="module")
def browser(chromium_browser):
    """The session's Chromium (tests/conftest.py): one Playwright instance per process."""
    return chromium_browser


class Watch:
    """Requests, failures and console errors seen by one page."""

    def __init__(self) -> None:
        self.offsite: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []

    def assert_clean(self) -> None:
        assert self.offsite == [], f"requests leaving 127.0.0.1: {self.offsite}"
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1100, "height": 720})
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = Watch()

    def route(route):
        if urlsplit(route.request.url).hostname != "127.0.0.1":
            watch.offsite.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: watch.failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and watch.failed.append(f"{r.url} HTTP {r.status}"))
    page.on("console", lambda m: m.type == "error" and watch.errors.append(m.text))
    page.on("pageerror", lambda err: watch.errors.append(f"pageerror: {err}"))
    page.watch = watch
    failed_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def open_map(page, url: str, *, mask_version: int = 1) -> None:
    page.goto(url)
    page.wait_for_function(
        "v => window.datelines && window.datelines.loaded && window.datelines.maskVersion >= v",
        arg=mask_version,
        timeout=10_000,
    )


def apply_mask(page, visible: np.ndarray) -> float:
    """Hand ``visible`` over as streamlit-folium does on a rerun; return the ms it took."""
    from streamlit_folium import _get_feature_group_string

    m = mapview.build_map("/unused.json")
    m.get_root().render()
    script = _get_feature_group_string(mapview.visibility_layer(visible), map=m)
    before = page.evaluate("window.datelines.maskVersion")
    # streamlit-folium evals the group's script with the map in `map_div`.
    elapsed = page.evaluate(
        """script => {
            const t0 = performance.now();
            new Function("map_div", script)(window.datelines.map());
            return performance.now() - t0;
        }""",
        script,
    )
    page.wait_for_function("v => window.datelines.maskVersion > v", arg=before)
    return elapsed


def map_click(page, x: float, y: float) -> None:
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def set_view(page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(
        """([lat, lon, zoom]) => new Promise(done => {
            const map = window.datelines.map();
            map.once("moveend", () => done());
            map.setView([lat, lon], zoom, {animate: false});
        })""",
        [lat, lon, zoom],
    )


# --------------------------------------------------------------------------- data


def scattered_events():
    """Six events in six towns, one hostile, one imprecise, one undated; 15 more at Palmyra."""
    towns = [
        ("Aleppo", 36.2021, 37.1343), ("Raqqa", 35.9528, 39.0079), ("Mosul", 36.335, 43.1189),
        ("Baghdad", 33.3406, 44.4009), ("Damascus", 33.5102, 36.2913), ("Beirut", 33.8938, 35.5018),
    ]  # fmt: skip
    rows = [
        event_row(place=name, lat=lat, lon=lon, id=f"t:{k}", event_group=f"town{k}",
                  event_type=["battles", "protests", "riots", "other", "strategic developments",
                              "explosions/remote violence"][k], fatalities=[0, None, 3, 40, 1, 150][k],
                  excerpt=f"Reports from {name} on 20 May 2015 said so.")
        for k, (name, lat, lon) in enumerate(towns)
    ]
    rows[0].update(title="<script>window.pwned=1</script> Aleppo", url="javascript:window.pwned=1",
                   excerpt=HOSTILE_EXCERPT, place_char_start=100 + HOSTILE_EXCERPT.find("Palmyra"),
                   place_char_end=100 + HOSTILE_EXCERPT.find("Palmyra") + 7,
                   date_char_start=100 + HOSTILE_EXCERPT.find("20 May"),
                   date_char_end=100 + HOSTILE_EXCERPT.find("20 May") + 6)
    rows[1].update(date_precision="month", date_start="2015-05-01", date_end="2015-05-31",
                   place_precision="admin1")
    rows[2].update(date_precision="undated", date=None, date_start=None, date_end=None, date_text="",
                   date_char_start=None, date_char_end=None)
    palmyra = [
        event_row(id=f"p:{k}", event_group="palmyra-fall" if k < 3 else f"p{k}",
                  source=f"Outlet {k}", title=f"Palmyra report {k}",
                  date=f"2015-05-{10 + k:02d}", date_start=f"2015-05-{10 + k:02d}",
                  date_end=f"2015-05-{10 + k:02d}")
        for k in range(15)
    ]
    return events_frame(rows + palmyra)


# --------------------------------------------------------------------------- tests


def test_map_shows_basemap_markers_and_legend(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="basic"))
    container = page.locator(".leaflet-container")
    assert container.get_attribute("data-visible-count") == str(len(events))
    assert page.evaluate("window.datelines.visibleCount()") == len(events)
    assert page.evaluate("window.datelines.renderedCount()") > 0
    page.wait_for_function("document.querySelector('.leaflet-dl-basemap-pane canvas') !== null")
    for lat, lon, zoom in [(20, 0, 2), (20, 170, 2), (34.5, 38.3, 6)]:  # world, antimeridian, Syria
        set_view(page, lat, lon, zoom)
        assert page.evaluate("window.datelines.renderedCount()") > 0, (lat, lon, zoom)
    assert page.locator(".dl-country-label", has_text="Syria").count() == 1
    assert page.get_by_test_id("map-legend").is_visible()
    assert "21 events shown" in page.get_by_test_id("map-status").inner_text()
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    page.screenshot(path=str(site.root / "basic.png"))
    page.watch.assert_clean()


def test_a_new_mask_changes_what_is_shown(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="mask"))
    only_towns = np.zeros(len(events), dtype=bool)
    only_towns[:6] = True
    apply_mask(page, only_towns)
    assert page.evaluate("window.datelines.visibleCount()") == 6
    assert page.locator(".leaflet-container").get_attribute("data-visible-count") == "6"
    apply_mask(page, np.zeros(len(events), dtype=bool))
    assert page.evaluate("window.datelines.visibleCount()") == 0
    assert page.evaluate("window.datelines.renderedCount()") == 0
    assert "No events" in page.get_by_test_id("map-status").inner_text()
    page.watch.assert_clean()


def test_a_mask_before_the_data_is_kept_until_it_loads(site, page):
    events = scattered_events()
    visible = np.zeros(len(events), dtype=bool)
    visible[[0, 3]] = True
    open_map(page, site.page_for(events, visible, name="early"))  # mask script runs first
    assert page.evaluate("window.datelines.visibleCount()") == 2
    assert page.evaluate("window.datelines.maskVersion") == 1  # applied once, not twice
    page.watch.assert_clean()


def test_clicking_an_event_opens_its_popup_with_the_highlighted_excerpt(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="click"))
    set_view(page, 33.3406, 44.4009, 9)  # Baghdad, alone in its part of the map
    points = page.evaluate("window.datelines.eventPoints()")
    baghdad = next(p for p in points if p["index"] == 3)
    map_click(page, baghdad["x"], baghdad["y"])
    popup = page.get_by_test_id("event-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert "Baghdad (SY)" in text
    assert "day of 2015-05-20" in text
    assert "other" in text and "40 fatalities" in text
    assert "Reports from Baghdad on 20 May 2015 said so." in text
    assert popup.locator("mark.dl-mark-place").inner_text() == "Baghdad"
    assert popup.locator("mark.dl-mark-date").inner_text() == "20 May 2015"
    link = popup.locator("a.dl-title")
    assert link.get_attribute("href") == "https://example.org/palmyra"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert link.get_attribute("target") == "_blank"
    assert "1 event, 1 report" in text
    page.watch.assert_clean()


def test_hostile_article_text_shows_as_text_and_never_runs(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="hostile"))
    page.evaluate("window.datelines.openEvent(0)")
    popup = page.get_by_test_id("event-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert "<img src=x onerror=window.pwned=1>" in text
    assert "{{7*7}} `x` ${y}" in text
    assert "<script>window.pwned=1</script> Aleppo" in text
    assert popup.locator("img, script").count() == 0
    assert popup.locator("a").count() == 0  # javascript: url: the title is not a link
    assert popup.locator("mark.dl-mark-place").inner_text() == "Palmyra"
    page.wait_for_timeout(200)  # an onerror would have fired by now
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.watch.assert_clean()


def test_imprecise_and_undated_events_say_so(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="precision"))
    page.evaluate("window.datelines.openEvent(1)")
    text = page.get_by_test_id("event-popup").inner_text()
    assert "month of 2015-05" in text
    assert "province-level place" in text
    page.evaluate("window.datelines.openEvent(2)")
    assert "undated" in page.get_by_test_id("event-popup").inner_text()
    legend = page.get_by_test_id("map-legend").inner_text()
    for words in ("hollow", "dashed", "undated"):
        assert words in legend
    page.watch.assert_clean()


def test_fifteen_reports_at_one_point_spread_out_and_each_opens(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="pile"))
    set_view(page, *PALMYRA, 10)
    cluster = page.locator('[data-testid="event-cluster"][data-count="15"]')
    cluster.click()
    page.wait_for_function("window.datelines.spiderfied().length === 15")
    legs = page.evaluate("window.datelines.spiderfied()")
    assert sorted(leg["index"] for leg in legs) == list(range(6, 21))
    assert len({(round(leg["x"]), round(leg["y"])) for leg in legs}) == 15  # all apart
    leg = next(leg for leg in legs if leg["index"] == 7)
    map_click(page, leg["x"], leg["y"])
    popup = page.get_by_test_id("event-popup")
    popup.wait_for()
    assert popup.get_attribute("data-event-index") == "7"
    assert "day of 2015-05-11" in popup.inner_text()
    # The other reports of the same event are listed and open their own popup.
    assert "1 event, 3 reports" in popup.inner_text()
    popup.locator('button[data-event-index="8"]').click()
    page.wait_for_function(
        "document.querySelector('[data-testid=event-popup]').dataset.eventIndex === '8'"
    )
    page.watch.assert_clean()


def test_a_big_pile_opens_a_list_whose_entries_open_each_event(site, page):
    rows = [event_row(id=f"p:{k}", event_group=f"p{k}", title=f"Report {k}") for k in range(130)]
    events = events_frame(rows + [event_row(place="Aleppo", lat=36.2, lon=37.13, id="a")])
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="list"))
    set_view(page, *PALMYRA, 10)
    page.locator('[data-testid="event-cluster"][data-count="130"]').click()
    listing = page.get_by_test_id("event-list")
    listing.wait_for()
    assert "130 events at this point" in listing.inner_text()
    assert listing.locator("li button").count() == 130
    listing.locator('button[data-event-index="77"]').click()
    popup = page.get_by_test_id("event-popup")
    popup.wait_for()
    assert "Report 77" in popup.inner_text()
    page.watch.assert_clean()


def test_clicking_a_cluster_that_can_split_zooms_in(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="zoom"))
    set_view(page, 35.0, 40.0, 3)
    zoom = page.evaluate("window.datelines.map().getZoom()")
    biggest = page.locator('[data-testid="event-cluster"]').first
    biggest.click()
    page.wait_for_function("z => window.datelines.map().getZoom() > z", arg=zoom)
    page.watch.assert_clean()


def test_no_request_leaves_the_machine_even_for_osm_off(site, page):
    """The default page fetches only from 127.0.0.1 (the route would record anything else)."""
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="offline"))
    assert any("/app/static/vendor/world-atlas/countries-50m.json" in line for line in site.log)
    assert any("/app/static/data/" in line for line in site.log)
    page.watch.assert_clean()


@pytest.mark.slow
@pytest.mark.parametrize(("n", "budget_ms"), [(10_000, 300), (100_000, 1000)])
def test_mask_apply_time(site, page, n, budget_ms):
    """Slider move -> map shows the new set, browser side: decode, re-cluster, redraw."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic_events import synthetic_events

    events = synthetic_events(n)
    # Spread the 33 synthetic towns over ~50 km each: distinct points cluster slower.
    jitter = np.random.default_rng(1).normal(0, 0.25, (2, n))
    events = events.set_geometry(gpd.points_from_xy(events.geometry.x + jitter[0],
                                                    np.clip(events.geometry.y + jitter[1], -89, 89)))
    open_map(page, site.page_for(events, np.ones(n, dtype=bool), name=f"speed{n}"))
    load_ms = page.evaluate("performance.now()")  # navigation start to events drawn
    days = np.arange(n) % 731
    rng = np.random.default_rng(0)
    masks = [(days >= start) & (days < start + 60) for start in range(0, 700, 70)]
    masks += [np.ones(n, dtype=bool), rng.random(n) < 0.5]  # the worst cases: all, half
    times = []
    for visible in masks:  # a 60-day window moved along, as the slider does, then all / half
        elapsed = apply_mask(page, visible)
        # wait for the frame that paints the canvas
        elapsed += page.evaluate("new Promise(r => { const t = performance.now(); "
                                 "requestAnimationFrame(() => r(performance.now() - t)); })")
        times.append(elapsed)
        assert page.evaluate("window.datelines.visibleCount()") == int(visible.sum())
    median = statistics.median(times)
    print(f"\n{n} events: first load {load_ms:.0f} ms; mask apply median {median:.0f} ms, "
          f"max {max(times):.0f} ms (all visible {times[-2]:.0f} ms, random half {times[-1]:.0f} ms)")
    assert median < budget_ms
    assert max(times) < 2 * budget_ms
    page.watch.assert_clean()


# --------------------------------------------------------------------------- linked views


def test_zoom_to_events_in_view_fits_the_visible_events(site, page):
    events = scattered_events()
    visible = np.zeros(len(events), dtype=bool)
    visible[[2, 3]] = True  # Mosul and Baghdad only
    open_map(page, site.page_for(events, visible, name="fit"))
    page.evaluate("() => { window.datelines.map().setView([0, -60], 3, {animate: false}); }")
    page.get_by_test_id("zoom-to-events").click()
    bounds = page.evaluate(
        "() => { const b = window.datelines.map().getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    west, south, east, north = bounds
    # Both towns inside (Leaflet takes [lat, lon]; shapely x is lon), Beirut's longitude not.
    assert west < 43.1189 < east and west < 44.4009 < east
    assert south < 33.3406 < north and south < 36.335 < north
    assert west > 35.5018
    page.watch.assert_clean()


def test_a_selection_opens_the_popup_and_pans_there_once(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="select"))
    page.evaluate("L.datelines.select(3, true)")  # Baghdad
    popup = page.locator('[data-testid="event-popup"]')
    popup.wait_for()
    assert popup.get_attribute("data-event-index") == "3"
    centre = page.evaluate("() => { const c = window.datelines.map().getCenter(); return [c.lat, c.lng]; }")
    zoom = page.evaluate("window.datelines.map().getZoom()")
    assert zoom >= 7 and abs(centre[1] - 44.4009) < 1.0
    # The same selection again (a rerun) does not move a map the analyst has moved since.
    page.evaluate("() => { window.datelines.map().setView([30, 30], 4, {animate: false}); }")
    page.evaluate("L.datelines.select(3, true)")
    assert page.evaluate("window.datelines.map().getZoom()") == 4
    page.watch.assert_clean()


def test_a_marker_click_is_reported_to_streamlit_folium(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="report"))
    # streamlit-folium binds its click listener on every layer of the map; stand in for it.
    page.evaluate(
        """() => { window.__clicks = [];
          window.datelines.map().eachLayer(l => { if (l.fitVisible) l.on('click', e =>
            window.__clicks.push(e.sourceTarget.getTooltip().getContent())); }); }"""
    )
    page.evaluate("() => { window.datelines.map().setView([33.3406, 44.4009], 9, {animate: false}); }")
    page.wait_for_function("() => window.datelines.eventPoints().some(p => p.index === 3)")
    point = next(p for p in page.evaluate("window.datelines.eventPoints()") if p["index"] == 3)
    map_click(page, point["x"], point["y"])
    page.locator('[data-testid="event-popup"]').wait_for()
    clicks = page.evaluate("window.__clicks")
    assert len(clicks) == 1 and re.fullmatch(r"datelines-event:3:\d+", clicks[0])
    assert mapview.map_state({"last_object_clicked_tooltip": clicks[0]}).clicked == 3
    page.watch.assert_clean()


def test_colour_by_source_recolours_markers_and_legend(site, page):
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="colour"))
    assert "battles" in page.get_by_test_id("map-legend").text_content()
    page.evaluate("L.datelines.colourBy('source')")
    legend = page.get_by_test_id("map-legend").text_content()
    assert "other sources" in legend and "battles" not in legend
    assert "Reuters" in legend  # the towns' reports share one outlet: it has a colour
    page.evaluate("L.datelines.colourBy('type')")
    assert "battles" in page.get_by_test_id("map-legend").text_content()
    page.watch.assert_clean()


def test_type_colours_and_labels_come_with_the_data(site, page, monkeypatch):
    """geo/lexicons/event_types.tsv reaches the browser through the payload: a changed colour
    and label show in the legend with no JavaScript edit."""
    from dashboard import mapview

    monkeypatch.setitem(mapview.TYPE_COLOURS, "riots", "#123456")
    monkeypatch.setitem(mapview.TYPE_LABELS, "riots", "riots and looting")
    events = scattered_events()
    open_map(page, site.page_for(events, np.ones(len(events), dtype=bool), name="lexicon-colours"))
    page.wait_for_function("document.querySelector('[data-testid=map-legend]').textContent.includes('riots and looting')")
    dot = page.locator(".dl-legend-row", has_text="riots and looting").locator(".dl-legend-dot")
    assert dot.evaluate("d => d.style.background") == "rgb(18, 52, 86)"  # #123456
    page.watch.assert_clean()
