"""dashboard.mapview without a browser: the payload, publishing, the rendered map, the mask."""

from __future__ import annotations

import gzip
import json
import re
import threading
from urllib.parse import unquote
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest

from dashboard import assets, mapview
from geo.schema import DATE_PRECISIONS, EVENT_PROPERTIES, EVENT_TYPES, PLACE_PRECISIONS

HOSTILE_EXCERPT = 'Fighting in Palmyra <img src=x onerror=window.pwned=1> on 20 May {{7*7}} `x` ${y}.'


def event_row(**overrides) -> dict:
    """One event with every schema property, as geo writes it; ``lat``/``lon`` set the point."""
    excerpt = overrides.pop("excerpt", "Islamic State fighters seized Palmyra on 20 May 2015.")
    place = overrides.get("place", "Palmyra")
    at, on = excerpt.find(place), excerpt.find("20 May 2015")
    row = {
        "article": "000_a",
        "title": "IS seizes Palmyra",
        "source": "Reuters",
        "published": "2015-05-21",
        "place": "Palmyra",
        "country": "SY",
        "geonameid": 163345,
        "date": "2015-05-20",
        "date_start": "2015-05-20",
        "date_end": "2015-05-20",
        "date_precision": "day",
        "excerpt": excerpt,
        "event_type": "battles",
        "fatalities": 12,
        "event_group": "g1",
        "id": "000_a:130",
        "url": "https://example.org/palmyra",
        "place_text": place,
        "place_char_start": 100 + at if at >= 0 else None,
        "place_char_end": 100 + at + len(place) if at >= 0 else None,
        "place_precision": "city",
        "admin1": "14",
        "date_text": "20 May 2015",
        "date_char_start": 100 + on if on >= 0 else None,
        "date_char_end": 100 + on + len("20 May 2015") if on >= 0 else None,
        "date_source": "text",
        "excerpt_char_start": 100,
        "place_candidates": "",
        "published_from": "manifest",
        "event_kind": "event",
        "confidence": 0.9,
        "review_reasons": "",
        "date_used_char_start": None,
        "date_used_char_end": None,
        "date_sentence_char_start": None,
        "date_sentence_char_end": None,
        "place_candidates_lost": "",
        "date_evidence": "",
        "lat": 34.556,
        "lon": 38.2673,
    }
    row.update(overrides)
    return row


def events_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """GeoDataFrame in the schema's column order, EPSG:4326, from :func:`event_row` dicts."""
    frame = gpd.GeoDataFrame(
        [{k: r[k] for k in EVENT_PROPERTIES} for r in rows],
        columns=list(EVENT_PROPERTIES),
        # shapely points are (x=lon, y=lat)
        geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
        crs="EPSG:4326",
    )
    return frame


def load(payload: bytes) -> dict:
    return json.loads(payload.decode("utf-8"))


# --------------------------------------------------------------------------- payload


def test_payload_has_one_entry_per_event_in_row_order():
    events = events_frame(
        [
            event_row(),
            event_row(place="Aleppo", lat=36.2021, lon=37.1343, event_type="protests",
                      fatalities=None, date_precision="month", date="2016-03-15",
                      date_start="2016-03-01", date_end="2016-03-31", place_precision="admin1"),
            event_row(place="Raqqa", lat=35.95, lon=39.0, date=None, date_start=None,
                      date_end=None, date_precision="undated", published=None, date_text="",
                      date_char_start=None, date_char_end=None),
        ]
    )
    data = load(mapview.events_payload(events))

    assert data["format"] == mapview.PAYLOAD_FORMAT
    assert data["count"] == 3
    assert data["event_types"] == list(EVENT_TYPES)
    assert data["date_precisions"] == list(DATE_PRECISIONS)
    assert data["place_precisions"] == list(PLACE_PRECISIONS)
    assert data["place"] == ["Palmyra", "Aleppo", "Raqqa"]
    assert data["lat"] == [34.556, 36.2021, 35.95]
    assert data["lon"] == [38.2673, 37.1343, 39.0]
    # days since 1970-01-01
    assert data["date_start"] == [16575, 16861, None]
    assert data["date_end"] == [16575, 16891, None]
    assert data["date"] == ["2015-05-20", "2016-03-15", None]
    assert data["date_precision"] == [0, 2, 4]
    assert data["place_precision"] == [0, 1, 0]
    assert data["event_type"] == [0, EVENT_TYPES.index("protests"), 0]
    assert data["fatalities"] == [12, None, 12]
    assert data["event_group"] == [0, 0, 0]
    assert data["date_span"][2] is None


def test_highlight_offsets_are_relative_to_the_excerpt():
    events = events_frame([event_row()])
    data = load(mapview.events_payload(events))
    excerpt = data["excerpt"][0]
    s, e = data["place_span"][0]
    assert excerpt[s:e] == "Palmyra"
    s, e = data["date_span"][0]
    assert excerpt[s:e] == "20 May 2015"


def test_highlight_offsets_count_utf16_units_like_javascript():
    excerpt = "\U0001F525 Clashes in Palmyra on 20 May 2015."  # an astral character first
    events = events_frame([event_row(excerpt=excerpt)])
    data = load(mapview.events_payload(events))
    s, e = data["place_span"][0]
    utf16 = data["excerpt"][0].encode("utf-16-le")
    assert utf16[2 * s : 2 * e].decode("utf-16-le") == "Palmyra"


def test_offsets_outside_the_excerpt_are_dropped_not_clamped():
    events = events_frame([event_row(place_char_start=5, place_char_end=12, date_char_end=10_000)])
    data = load(mapview.events_payload(events))
    assert data["place_span"] == [None]
    assert data["date_span"] == [None]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org/", True),
        ("HTTPS://EXAMPLE.ORG/x", True),
        ("javascript:window.pwned=1", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//example.org/protocol-relative", False),
        ("/relative/path", False),
        ("https:///no-host", False),
        ("https://exa mple.org/space", False),
        (None, False),
        ("", False),
    ],
)
def test_only_http_urls_are_kept(url, kept):
    data = load(mapview.events_payload(events_frame([event_row(url=url)])))
    assert data["articles"]["url"] == [url if kept else None]


def test_hostile_text_is_kept_verbatim_as_json_data():
    title = '<script>window.pwned=1</script> "quotes" {{ x }} `tick` ${y}'
    events = events_frame([event_row(title=title, excerpt=HOSTILE_EXCERPT)])
    payload = mapview.events_payload(events)
    data = load(payload)
    assert data["articles"]["title"] == [title]
    assert data["excerpt"] == [HOSTILE_EXCERPT]
    # The file is JSON only: it is fetched and parsed, never pasted into a page or a script.
    assert payload.startswith(b"{") and payload.endswith(b"}")


def test_articles_are_stored_once():
    events = events_frame([event_row(id=f"a:{i}") for i in range(5)] + [event_row(title="Other")])
    data = load(mapview.events_payload(events))
    assert data["article"] == [0, 0, 0, 0, 0, 1]
    assert data["articles"]["title"] == ["IS seizes Palmyra", "Other"]


def test_event_groups_become_small_ints_and_null_groups_stay_apart():
    rows = [event_row(event_group=g) for g in ("b", "a", "b", None, None)]
    data = load(mapview.events_payload(events_frame(rows)))
    codes = data["event_group"]
    assert codes[0] == codes[2] != codes[1]
    assert len({codes[3], codes[4], codes[0], codes[1]}) == 4


def test_payload_is_deterministic_and_plain_json():
    events = events_frame([event_row(), event_row(fatalities=float("nan"))])
    first = mapview.events_payload(events)
    assert first == mapview.events_payload(events.copy())
    assert b"NaN" not in first
    assert load(first)["fatalities"] == [12, None]


def test_empty_points_are_null_and_other_crs_are_reprojected():
    events = events_frame([event_row(), event_row()])
    events.loc[1, "geometry"] = None
    data = load(mapview.events_payload(events))
    assert data["lat"][1] is None and data["lon"][1] is None

    mercator = events_frame([event_row()]).to_crs("EPSG:3857")
    data = load(mapview.events_payload(mercator))
    assert data["lat"] == [pytest.approx(34.556)]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"event_type": "massacre"}, "'event_type' should be one of"),
        ({"date_precision": "fortnight"}, "'date_precision' should be one of"),
        ({"place_precision": "street"}, "'place_precision' should be one of"),
        ({"date_start": "20 May"}, "'date_start' should be an ISO date, got '20 May'"),
        ({"lat": 134.0}, r"Expected \(lat, lon\) within"),
    ],
)
def test_bad_values_are_quoted_in_the_error(override, message):
    with pytest.raises(ValueError, match=message):
        mapview.events_payload(events_frame([event_row(**override)]))


def test_missing_columns_are_named():
    events = events_frame([event_row()]).drop(columns=["excerpt", "url"])
    with pytest.raises(ValueError, match=r"\['excerpt', 'url'\]"):
        mapview.events_payload(events)


# --------------------------------------------------------------------------- publishing


def test_publish_is_content_addressed_and_idempotent(tmp_path):
    events = events_frame([event_row()])
    url = mapview.publish_events(events, static_dir=tmp_path)
    name = url.rsplit("/", 1)[-1]
    assert re.fullmatch(r"/app/static/data/[0-9a-f]{64}\.json\.gz", url)
    path = tmp_path / "data" / name
    # Gzipped once here: Streamlit serves a .gz as it is instead of compressing it per request.
    assert gzip.decompress(path.read_bytes()) == mapview.events_payload(events)
    mtime = path.stat().st_mtime_ns

    assert mapview.publish_events(events.copy(), static_dir=tmp_path) == url
    assert path.stat().st_mtime_ns == mtime  # not rewritten
    other = mapview.publish_events(events_frame([event_row(title="x")]), static_dir=tmp_path)
    assert other != url
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == sorted(
        [name, other.rsplit("/", 1)[-1]]
    )  # no temporary files left behind


def test_concurrent_publishers_never_clash(tmp_path):
    events = events_frame([event_row(id=f"a:{i}") for i in range(200)])
    urls, errors = [], []

    def publish():
        try:
            urls.append(mapview.publish_events(events, static_dir=tmp_path))
        except Exception as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=publish) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(urls)) == 1
    files = list((tmp_path / "data").iterdir())
    assert [f.name for f in files] == [urls[0].rsplit("/", 1)[-1]]
    assert gzip.decompress(files[0].read_bytes()) == mapview.events_payload(events)


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(mapview.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        mapview.publish_events(events_frame([event_row()]), static_dir=tmp_path)
    assert list((tmp_path / "data").iterdir()) == []


def test_urls_honour_the_base_url_path(monkeypatch):
    from streamlit import config

    monkeypatch.setattr(config, "get_option", lambda name: "/datelines/" if name == "server.baseUrlPath" else None)
    assert assets.static_url("data/x.json") == "/datelines/app/static/data/x.json"
    assert assets.vendor_url("leaflet/leaflet.js") == "/datelines/app/static/vendor/leaflet/leaflet.js"


# --------------------------------------------------------------------------- the map

ASSET_URL = re.compile(r"""(?:src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)


def rendered(m: folium.Map) -> str:
    return m.get_root().render()


def test_map_loads_no_remote_asset():
    m = mapview.build_map("/app/static/data/abc.json", bounds=(35.0, 32.0, 44.0, 37.0))
    m.add_child(mapview.visibility_layer(np.ones(3, dtype=bool)))
    html = rendered(m)
    assert not ASSET_URL.findall(html), ASSET_URL.findall(html)
    assert "http://" not in html and "https://" not in html
    for lib in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers"):
        assert lib not in html.lower()
    assert '<script src="/app/static/vendor/leaflet/leaflet.js">' in html
    assert '<script src="/app/static/vendor/supercluster/supercluster.min.js">' in html
    assert '<script src="/app/static/datelines/datelines-map.js">' in html
    assert 'href="/app/static/vendor/leaflet/leaflet.css"' in html
    assert 'href="/app/static/datelines/datelines-map.css"' in html
    assert '"dataUrl": "/app/static/data/abc.json"' in html
    assert '"basemapUrl": "/app/static/vendor/world-atlas/countries-50m.json"' in html
    # Leaflet wants [[south, west], [north, east]]
    assert re.search(r"fitBounds\(\s*\[\[32\.0, 35\.0\], \[37\.0, 44\.0\]\]", html)
    assert '"maxZoom": 14' in html and '"minZoom": 2' in html


def test_every_linked_asset_is_an_installed_file():
    m = mapview.build_map("/app/static/data/abc.json")
    html = rendered(m)
    linked = re.findall(r'(?:src|href)="/app/static/([^"?]+)', html)
    # The prefetch script names the others in its query string: they must be files too.
    linked += re.findall(r"=%2Fapp%2Fstatic%2F([^&\"]+)", html)
    assert "datelines/datelines-prefetch.js" in linked and "datelines/datelines-map.js" in linked
    for path in (unquote(p) for p in linked):
        if path.startswith("data/"):
            continue  # the events: published by show_map, not an asset
        if path.startswith("vendor/"):
            assert path.removeprefix("vendor/") in assets.VENDOR_FILES
        else:
            assert (assets.STATIC_DIR / path).is_file(), path


def test_osm_basemap_is_opt_in_and_the_only_remote_url():
    html = rendered(mapview.build_map("/app/static/data/abc.json", basemap="osm"))
    assert "tile.openstreetmap.org" in html
    assert not ASSET_URL.findall(html)
    assert '"basemapUrl": null' in html
    assert "openstreetmap" not in rendered(mapview.build_map("/app/static/data/abc.json"))


def test_map_script_does_not_depend_on_the_mask_or_on_object_ids():
    """streamlit-folium keeps the map while the map script is the same: it must be stable."""
    from streamlit_folium import _get_map_string, generate_js_hash

    def script(mask):
        m = mapview.build_map("/app/static/data/abc.json", bounds=(35.0, 32.0, 44.0, 37.0))
        m.get_root().render()
        mapview.visibility_layer(mask)  # built, as show_map does, outside the map script
        return generate_js_hash(_get_map_string(m), "map")

    assert script(np.ones(10, dtype=bool)) == script(np.zeros(10, dtype=bool))


def test_map_does_not_carry_the_events():
    m = mapview.build_map("/app/static/data/abc.json")
    assert "Palmyra" not in rendered(m)


@pytest.mark.parametrize(
    "bounds", [(40.0, 30.0, 35.0, 37.0), (35.0, -95.0, 44.0, 37.0), (1.0, 2.0, 3.0), "west"]
)
def test_bad_bounds_are_quoted(bounds):
    with pytest.raises(ValueError, match="Expected bounds as \\(west, south, east, north\\)"):
        mapview.build_map("/x.json", bounds=bounds)


def test_unknown_basemap_is_refused():
    with pytest.raises(ValueError, match="'basemap' should be one of \\['natural-earth', 'osm'\\], got 'google'"):
        mapview.build_map("/x.json", basemap="google")


# --------------------------------------------------------------------------- the mask


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1000, 100_003])
def test_mask_round_trips_through_packbits_and_base64(n):
    rng = np.random.default_rng(n)
    visible = rng.random(n) < 0.4
    text, count = mapview._encode_mask(visible)
    assert count == n
    assert re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text)  # no "_": streamlit-folium renames those
    np.testing.assert_array_equal(mapview._decode_mask(text, count), visible)


def test_mask_bits_are_big_endian_as_the_browser_reads_them():
    text, _ = mapview._encode_mask(np.array([True, False, False, False, False, False, False, True, True]))
    assert text == "gYA="  # 0b10000001, 0b10000000


def test_mask_at_100k_events_is_small():
    text, _ = mapview._encode_mask(np.ones(100_000, dtype=bool))
    assert len(text) < 17_000


def test_visibility_layer_script_hands_the_mask_to_the_layer():
    from streamlit_folium import _get_feature_group_string

    m = mapview.build_map("/app/static/data/abc.json")
    m.get_root().render()
    visible = np.array([True, False, True])
    script = _get_feature_group_string(mapview.visibility_layer(visible), map=m)
    text, _ = mapview._encode_mask(visible)
    assert f'L.datelines.setMask("{text}", 3);' in script
    assert "map_div.addLayer(feature_group_feature_group_0)" in script


@pytest.mark.parametrize("bad", [np.ones((2, 2), dtype=bool), np.array(["a", "b"]), np.array([0.5])])
def test_bad_masks_are_refused(bad):
    with pytest.raises(ValueError, match="'visible' should be a 1-D boolean array"):
        mapview.visibility_layer(bad)


# --------------------------------------------------------------------------- assets


def test_check_names_the_fix(tmp_path):
    with pytest.raises(assets.AssetsMissing, match="run `make setup`"):
        assets.check(vendor_dir=tmp_path)
    with pytest.raises(FileNotFoundError):  # also the builtin a caller would catch
        assets.check(vendor_dir=tmp_path)


def test_install_copies_exactly_the_listed_files(tmp_path):
    if not (assets.NODE_MODULES / "leaflet").is_dir():
        pytest.skip("dashboard/node_modules is not installed (run `make setup`)")
    copied = assets.install(vendor_dir=tmp_path / "vendor")
    assert sorted(p.relative_to(tmp_path / "vendor").as_posix() for p in copied) == sorted(assets.VENDOR_FILES)
    assert not any(p.is_symlink() for p in (tmp_path / "vendor").rglob("*"))
    assets.check(vendor_dir=tmp_path / "vendor")


def test_install_without_npm_says_what_to_run(tmp_path):
    with pytest.raises(assets.AssetsMissing, match="npm ci"):
        assets.install(node_modules=tmp_path, vendor_dir=tmp_path / "vendor")


def test_show_map_publishes_once_per_data_set(tmp_path, monkeypatch):
    """Identity and fingerprint caches: a rerun with the same frame re-encodes nothing."""
    calls = []
    real = mapview.events_payload

    def counting(events):
        calls.append(len(events))
        return real(events)

    monkeypatch.setattr(mapview, "events_payload", counting)
    monkeypatch.setattr(mapview, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(mapview, "_by_identity", {})
    monkeypatch.setattr(mapview, "_by_fingerprint", {})
    monkeypatch.setattr(mapview, "publish_events", lambda ev, static_dir: mapview._publish_bytes(counting(ev), static_dir=static_dir))
    events = events_frame([event_row()])
    first = mapview._published(events)
    assert mapview._published(events) == first
    assert mapview._published(events.copy()) == first
    assert calls == [1]
    changed = events.copy()
    changed.loc[0, "excerpt"] = "Different text."
    assert mapview._published(changed) != first
    assert calls == [1, 1]


def test_public_names():
    assert set(mapview.__all__) >= {"events_payload", "publish_events", "build_map", "visibility_layer", "show_map"}
    assert isinstance(mapview.STATIC_DIR, Path)


# --------------------------------------------------------------------------- linked views


def test_dense_bounds_leave_out_far_outliers():
    rng = np.random.default_rng(2)
    lat = np.concatenate([34 + rng.random(97) * 3, [51.5, -33.9, 40.7]])  # Syria + 3 far away
    lon = np.concatenate([36 + rng.random(97) * 5, [-0.1, 151.2, -74.0]])
    west, south, east, north = mapview.dense_bounds(lat, lon)
    assert 36 <= west < east <= 41 and 34 <= south < north <= 37


def test_dense_bounds_keep_every_point_of_a_small_set_and_skip_nan():
    lat = np.array([34.5, 36.2, np.nan, 51.5])
    lon = np.array([38.3, 37.1, 10.0, -0.1])
    assert mapview.dense_bounds(lat, lon) == (-0.1, 34.5, 38.3, 51.5)
    assert mapview.dense_bounds(np.array([np.nan]), np.array([1.0])) is None


def test_map_state_reads_clicks_centre_zoom_and_bounds():
    value = {
        "last_object_clicked_tooltip": "datelines-event:12:3",
        "center": {"lat": 35.1, "lng": 38.2},
        "zoom": 6,
        "bounds": {"_southWest": {"lat": 30, "lng": 30}, "_northEast": {"lat": 40, "lng": 45}},
    }
    state = mapview.map_state(value)
    assert (state.clicked, state.click_token) == (12, "12:3")
    assert (state.centre, state.zoom, state.bounds) == ((35.1, 38.2), 6, (30.0, 30.0, 45.0, 40.0))
    assert mapview.map_state(None) == mapview.MapState()
    # Tooltip text of anything else (or hostile text) is not a click on an event.
    odd = mapview.map_state({"last_object_clicked_tooltip": "<img src=x>", "center": None})
    assert odd.clicked is None and odd.centre is None and not odd.drawn


def test_map_state_reads_that_the_events_are_drawn():
    """The map's first draw comes as a token in the click report: not a click, but 'drawn'."""
    drawn = mapview.map_state({"last_object_clicked_tooltip": "datelines-drawn:35260"})
    assert drawn.drawn and drawn.clicked is None and drawn.click_token is None
    assert not mapview.map_state({"last_object_clicked_tooltip": "datelines-event:1:2"}).drawn
    assert not mapview.map_state({"last_object_clicked_tooltip": "datelines-drawn:x"}).drawn


def test_visibility_layer_carries_the_selection():
    from streamlit_folium import _get_feature_group_string

    m = mapview.build_map("/app/static/data/abc.json")
    m.get_root().render()
    visible = np.array([True, False, True])
    script = _get_feature_group_string(
        mapview.visibility_layer(visible, selected=2, pan=False), map=m
    )
    assert "L.datelines.select(2, false);" in script
    plain = _get_feature_group_string(mapview.visibility_layer(visible), map=m)
    assert "L.datelines.select(null, true);" in plain
    with pytest.raises(ValueError, match="'selected' should be an event position below 3"):
        mapview.visibility_layer(visible, selected=3)


def test_a_links_centre_replaces_the_fit():
    m = mapview.build_map("/d.json", bounds=(36, 34, 41, 37), centre=(35.5, 38.0, 8))
    html = m.get_root().render()
    assert "fitBounds" not in html
    assert "[35.5, 38.0]" in html and '"zoom": 8' in html
