"""The whole dashboard in headless Chromium: `streamlit run dashboard/app.py` on 127.0.0.1.

Every test fails on a request that leaves 127.0.0.1, a failed asset or a page error (see
browser_support.Guard); a failing test leaves a screenshot in test-artifacts/ and its report
shows the server's log. Expected values come from the same pure functions the app uses
(dashboard.view) on the same data, so the map is checked against the app's own filter.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_events import synthetic_events, write_events  # noqa: E402

pytest.register_assert_rewrite("browser_support")
from browser_support import (  # noqa: E402
    StreamlitServer,
    attach_server,
    in_view_caption,
    map_frame,
    mask_version,
    visible_count,
    wait_for_map,
    wait_idle,
)
from dashboard import view  # noqa: E402
from geo import ingest, read_events  # noqa: E402
from geo.schema import EVENT_PROPERTIES  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEEDS = ROOT / "seeds"
SEED_PLACES = ("Palmyra", "Aleppo", "Mosul", "Raqqa", "Ramadi", "Jisr al-Shughour")

HOSTILE_TITLE_A = "<script>window.__pwned = 1</script> Fighters seize Palmyra"
HOSTILE_SOURCE_A = '<img src=x onerror="window.__pwned = 1">'
HOSTILE_TITLE_B = "{{7*7}} and ${window.__pwned = 1} and `whoami` in Aleppo"
HOSTILE_CORPUS = {
    "articles.csv": (
        "file,title,source,published,url\n"
        f'hostile_a.txt,"{HOSTILE_TITLE_A}","{HOSTILE_SOURCE_A.replace(chr(34), chr(34) * 2)}",'
        "2015-05-24,javascript:window.__pwned=1\n"
        f'hostile_b.txt,"{HOSTILE_TITLE_B}",**Bold** [link](javascript:alert(1)),2016-12-11,'
        "https://example.org/b\n"
    ),
    "hostile_a.txt": (
        f"{HOSTILE_TITLE_A}\n\n"
        "Islamic State fighters seized Palmyra on 20 May 2015 "
        '<img src=x onerror="window.__pwned = 1"> after days of fighting, officials said.\n\n'
        "Government troops shelled Ramadi on 17 May 2015, killing 12 people {{7*7}} "
        "witnesses said.\n"
    ),
    "hostile_b.txt": (
        "Aleppo report\n\n"
        "Rebels clashed with government forces in Aleppo on 10 December 2016 "
        "${window.__pwned = 1} and `whoami`, activists said.\n\n"
        'An air strike hit Mosul on 9 December 2016 <a href="javascript:window.__pwned=1">'
        "click</a> killing 4 people.\n"
    ),
}

_ALL_POPUPS_JS = """() => {
  const texts = [];
  for (let i = 0; ; i++) {
    let popup;
    try { popup = window.datelines.openEvent(i); } catch (e) { break; }
    texts.push(popup.textContent);
  }
  return texts;
}"""


# --------------------------------------------------------------------------- servers and data


@pytest.fixture(scope="module")
def seeds_server():
    with StreamlitServer(SEEDS) as server:
        yield server


@pytest.fixture(scope="module")
def seeds_dataset():
    return view.build_dataset(ingest(SEEDS).events)


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, text in HOSTILE_CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_server(hostile_corpus):
    with StreamlitServer(hostile_corpus) as server:
        yield server


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "events.geojson"
    return write_events(synthetic_events(2000, seed=5), path)


@pytest.fixture(scope="module")
def synthetic_server(synthetic_file):
    with StreamlitServer(synthetic_file) as server:
        yield server


def open_app(page, server: StreamlitServer, query: str = ""):
    page.goto(server.url + query, timeout=90_000)
    return wait_for_map(page)


def slider_window(page) -> tuple[dt.date, dt.date]:
    thumbs = page.get_by_role("slider")
    return tuple(
        dt.date.fromisoformat(thumbs.nth(k).get_attribute("aria-valuetext")) for k in (0, 1)
    )


_CENTRE_JS = """([lat, lon, zoom]) => {
  const map = window.datelines.map();
  const c = map.getCenter();
  if (Math.abs(c.lat - lat) > 1e-3 || Math.abs(c.lng - lon) > 1e-3 || map.getZoom() !== zoom) {
    map.setView([lat, lon], zoom, {animate: false});
    window.__centred = 0;
    return false;
  }
  window.__centred = (window.__centred || 0) + 1;
  return window.__centred >= 5;
}"""


def centre_map(frame, lat: float, lon: float, *, zoom: int) -> None:
    """Centre the map and wait until it stays there (the first fit to the data can come late)."""
    frame.wait_for_function(_CENTRE_JS, arg=[lat, lon, zoom], polling=100, timeout=30_000)


def expected_mask(dataset: view.Dataset, **filters):
    return view.event_mask(dataset, view.Filters(**filters))


def caption_count(page) -> int:
    return int(in_view_caption(page).split(" of ")[0].replace(",", ""))


# --------------------------------------------------------------------------- seeds


def test_seed_events_are_on_the_map(request, seeds_server, seeds_dataset, guarded_page):
    page, guard = guarded_page
    attach_server(request, seeds_server)
    frame = open_app(page, seeds_server)
    start, end = slider_window(page)
    expected = expected_mask(seeds_dataset, start=start, end=end)
    assert visible_count(page, expect=expected.sum()) == expected.sum() == caption_count(page) > 0
    popups = " ".join(frame.evaluate(_ALL_POPUPS_JS))
    for place in SEED_PLACES:
        assert place in popups, f"{place} is in no popup"
    guard.check()


def test_the_date_slider_comes_first_and_moves_with_the_keyboard(
    request, seeds_server, seeds_dataset, guarded_page
):
    page, guard = guarded_page
    attach_server(request, seeds_server)
    # Ramadi's report covers 2015-05-13..19: moving the start past the 19th drops it.
    open_app(page, seeds_server, "?start=2015-05-19&end=2016-12-12")
    before_window = slider_window(page)
    assert before_window == (dt.date(2015, 5, 19), dt.date(2016, 12, 12))
    before_count, before_version = visible_count(page), mask_version(page)

    page.get_by_role("slider").first.focus()  # the first slider on the page: the window start
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    map_frame(page).wait_for_function(
        f"() => window.datelines?.loaded && window.datelines.maskVersion > {before_version}",
        timeout=60_000,
    )
    wait_idle(page)
    start, end = slider_window(page)
    assert (start, end) == (dt.date(2015, 5, 22), before_window[1])
    expected = expected_mask(seeds_dataset, start=start, end=end)
    assert visible_count(page, expect=expected.sum()) == expected.sum() < before_count
    assert caption_count(page) == expected.sum()
    assert f"start={start.isoformat()}" in page.url  # the link follows the window
    guard.check()


def test_clicking_a_marker_shows_its_excerpt(request, seeds_server, seeds_dataset, guarded_page):
    page, guard = guarded_page
    attach_server(request, seeds_server)
    # One day on which Mosul has a single report: a lone marker, not a cluster.
    frame = open_app(page, seeds_server, "?start=2016-03-24&end=2016-03-24")
    wait_idle(page)
    mosul = seeds_dataset.events.geometry[seeds_dataset.events["place"] == "Mosul"].iloc[0]
    # Centre the map on Mosul (Leaflet takes [lat, lon]: shapely's y, x), clear of the legend.
    centre_map(frame, mosul.y, mosul.x, zoom=9)
    frame.wait_for_function(
        "() => window.datelines?.loaded && window.datelines.eventPoints().length > 0",
        timeout=30_000,
    )
    points = frame.evaluate("() => window.datelines.eventPoints()")
    point = min(points, key=lambda p: abs(p["x"] - 400) + abs(p["y"] - 280))
    container = frame.locator(".leaflet-container").bounding_box()  # in page coordinates
    page.mouse.click(container["x"] + point["x"], container["y"] + point["y"])
    popup = frame.locator('[data-testid="event-popup"]')
    popup.wait_for(timeout=15_000)
    index = int(popup.get_attribute("data-event-index"))
    assert index == point["index"]
    excerpt = seeds_dataset.events["excerpt"].iloc[index]
    assert " ".join(excerpt.split()) in " ".join(popup.inner_text().split())
    guard.check()


def test_download_geojson_is_the_events_in_view(
    request, seeds_server, seeds_dataset, guarded_page
):
    page, guard = guarded_page
    attach_server(request, seeds_server)
    open_app(page, seeds_server, "?place=Aleppo&start=2016-12-01&end=2016-12-31")
    wait_idle(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download GeoJSON").click()
    download = info.value
    assert download.suggested_filename.endswith(".geojson")
    collection = json.loads(Path(download.path()).read_bytes())
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    mask = expected_mask(
        seeds_dataset, start=dt.date(2016, 12, 1), end=dt.date(2016, 12, 31), places=("Aleppo",)
    )
    expected_ids = seeds_dataset.events.loc[mask, "id"].tolist()
    assert [f["properties"]["id"] for f in collection["features"]] == expected_ids
    assert expected_ids
    for feature in collection["features"]:
        assert list(feature["properties"]) == list(EVENT_PROPERTIES)
        lon, lat = feature["geometry"]["coordinates"]
        assert 36.5 < lon < 37.8 and 35.8 < lat < 36.6  # Aleppo, lon first (RFC 7946)
    guard.check()


def test_no_external_requests_and_no_page_errors(request, seeds_server, guarded_page):
    page, guard = guarded_page
    attach_server(request, seeds_server)
    open_app(page, seeds_server)
    # Touch the rest of the page: the toggle, a filter, the summary; each shows in the link.
    page.get_by_text("Show undated events").click()
    page.wait_for_function("() => location.search.includes('undated=1')", timeout=30_000)
    wait_idle(page)
    text_box = page.get_by_label("Text contains")
    text_box.fill("palmyra")
    text_box.press("Enter")
    page.wait_for_function("() => location.search.includes('q=palmyra')", timeout=30_000)
    wait_idle(page)
    page.get_by_text("Ingest summary").click()
    page.wait_for_function("() => !!document.querySelector('[data-testid=\"stMetric\"]')")
    guard.check()


# --------------------------------------------------------------------------- hostile text


def test_hostile_titles_and_excerpts_are_shown_as_text(request, hostile_server, guarded_page):
    page, guard = guarded_page
    attach_server(request, hostile_server)
    frame = open_app(page, hostile_server, "?undated=1")
    popups = frame.evaluate(_ALL_POPUPS_JS)
    text = " ".join(popups)
    for literal in (
        "<script>window.__pwned = 1</script>",
        HOSTILE_SOURCE_A,
        '<img src=x onerror="window.__pwned = 1">',
        "{{7*7}}",
        "${window.__pwned = 1}",
        "`whoami`",
        '<a href="javascript:window.__pwned=1">',
        "**Bold** [link](javascript:alert(1))",
    ):
        assert literal in text, f"{literal!r} is not shown as text"
    markup = frame.evaluate(
        """() => {
          window.datelines.openEvent(0);
          const found = [];
          for (const el of document.querySelectorAll('[data-testid="event-popup"] *')) {
            if (['SCRIPT', 'IMG', 'IFRAME'].includes(el.tagName)) found.push(el.outerHTML);
            if (el.tagName === 'A' && !/^https?:/.test(el.getAttribute('href') || '')) {
              found.push(el.outerHTML);
            }
          }
          return found;
        }"""
    )
    assert markup == []
    assert "49" not in text  # {{7*7}} was not evaluated by a template engine
    # The sidebar's source filter lists the hostile source as an option, as text.
    page.locator('[data-testid="stMultiSelect"]').nth(2).click()  # Place, Event type, Source
    option = page.get_by_role("option", name=HOSTILE_SOURCE_A, exact=True)
    option.wait_for(timeout=15_000)
    assert option.inner_text() == HOSTILE_SOURCE_A
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert page.locator('img[src="x"]').count() == 0
    assert frame.locator('img[src="x"]').count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert frame.evaluate("() => window.__pwned") is None
    guard.check()


# --------------------------------------------------------------------------- many sessions


def test_ten_sessions_keep_their_own_view(request, chromium_browser, synthetic_server, synthetic_file):
    from browser_support import new_guarded_page

    attach_server(request, synthetic_server)
    dataset = view.build_dataset(read_events(synthetic_file))
    places = dataset.places
    sessions = []
    try:
        for k in range(10):
            start = dt.date(2015, 1, 1) + dt.timedelta(days=60 * k)
            end = start + dt.timedelta(days=90 + 10 * k)
            place = places[k % len(places)]
            context, page, guard = new_guarded_page(chromium_browser)
            query = f"?start={start}&end={end}&place={place.replace(' ', '+')}"
            # All ten are opened before any has drawn its map, as a link shared with a team is:
            # ten first runs at once load the machine (11-15 on 2 cores), and a page that
            # draws a later run before the first one must still show its link's view.
            page.goto(synthetic_server.url + query, timeout=90_000)
            sessions.append((context, page, guard, start, end, place))
        expected = {}
        for k, (_, page, _, start, end, place) in enumerate(sessions):
            wait_for_map(page)
            mask = expected_mask(dataset, start=start, end=end, places=(place,))
            expected[k] = int(mask.sum())
            assert slider_window(page) == (start, end), (
                f"session {k}: {page.url}; warnings: {page.get_by_text('The link').all_inner_texts()[:3]}"
            )
            assert visible_count(page, expect=expected[k]) == expected[k] == caption_count(page)
        versions = {k: mask_version(page) for k, (_, page, *_) in enumerate(sessions)}

        # Session 0 moves its window; nobody else's map or view changes.
        _, page0, _, start0, end0, place0 = sessions[0]
        page0.get_by_role("slider").nth(1).focus()
        for _ in range(30):
            page0.keyboard.press("ArrowRight")
        map_frame(page0).wait_for_function(
            f"() => window.datelines?.loaded && window.datelines.maskVersion > {versions[0]}",
            timeout=60_000,
        )
        wait_idle(page0)
        new_window = slider_window(page0)
        assert new_window == (start0, end0 + dt.timedelta(days=30))
        mask = expected_mask(dataset, start=new_window[0], end=new_window[1], places=(place0,))
        assert visible_count(page0, expect=mask.sum()) == mask.sum()
        for k, (_, page, guard, start, end, _) in enumerate(sessions[1:], start=1):
            wait_idle(page)
            assert slider_window(page) == (start, end)
            assert visible_count(page, expect=expected[k]) == expected[k]
            assert mask_version(page) == versions[k]
            assert f"start={start}&end={end}" in page.url
        for _, _, guard, *_ in sessions:
            guard.check()
    finally:
        for context, *_ in sessions:
            context.close()


# --------------------------------------------------------------------------- play


def test_play_steps_the_window_by_its_width(request, synthetic_server, synthetic_file, guarded_page):
    page, guard = guarded_page
    attach_server(request, synthetic_server)
    open_app(page, synthetic_server, "?start=2015-03-01&end=2015-03-30")
    page.get_by_role("button", name="Play").click()
    # 30 days wide: the next window is 31 March .. 29 April.
    expect(page.get_by_role("slider").first).to_have_attribute(
        "aria-valuetext", "2015-03-31", timeout=30_000
    )
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    paused = slider_window(page)
    assert (paused[1] - paused[0]).days == 29
    assert paused[0] >= dt.date(2015, 3, 31)
    page.wait_for_timeout(3_000)  # longer than one Play step: nothing moves once paused
    wait_idle(page)
    assert slider_window(page) == paused
    dataset = view.build_dataset(read_events(synthetic_file))
    paused_count = expected_mask(dataset, start=paused[0], end=paused[1]).sum()
    assert visible_count(page, expect=paused_count) == paused_count
    guard.check()


# --------------------------------------------------------------------------- uploads


def test_an_upload_joins_the_map_of_its_own_session_only(
    request, chromium_browser, seeds_server, tmp_path, guarded_page
):
    from browser_support import new_guarded_page

    page, guard = guarded_page
    attach_server(request, seeds_server)
    article = tmp_path / "mosul_upload.txt"
    article.write_text(
        "Clashes in Mosul\n\nIraqi forces fought Islamic State fighters in Mosul on "
        "3 March 2016, officials said.\n",
        encoding="utf-8",
    )
    open_app(page, seeds_server)
    before = visible_count(page)
    page.get_by_text("Add articles").click()
    page.locator('input[type="file"]').set_input_files(str(article))
    page.wait_for_function(
        "() => document.body.innerText.includes('file(s) added')", timeout=60_000
    )
    wait_idle(page)
    # New data makes a new map document: wait for its layer, not the old one's.
    map_frame(page).wait_for_function(
        f"() => window.datelines?.loaded && window.datelines.visibleCount() > {before}",
        timeout=60_000,
    )
    assert caption_count(page) == visible_count(page, expect=caption_count(page))

    context, other, other_guard = new_guarded_page(chromium_browser)
    try:
        open_app(other, seeds_server)
        assert visible_count(other, expect=before) == before
        other_guard.check()
    finally:
        context.close()
    guard.check()
