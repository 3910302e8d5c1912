"""Issue 14's map options as pure functions: heatmap / colour in the link, Play's coarse dates.

Events are built here, a handful per test (no dev-set data).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from dashboard import frames, link, mapview, view
from geo.schema import EVENT_PROPERTIES


def _dataset(intervals: list[tuple[str | None, str | None]]) -> view.Dataset:
    rows = []
    for k, (start, end) in enumerate(intervals):
        row = {name: None for name in EVENT_PROPERTIES}
        row.update(id=f"e{k}", date_start=start, date_end=end, date=start, event_type="battles")
        rows.append(row)
    events = gpd.GeoDataFrame(rows, geometry=[Point(36.0, 34.0)] * len(rows), crs="EPSG:4326")
    return view.build_dataset(events)


def _getter(query: dict[str, str]):
    return lambda key: [query[key]] if key in query else []


def test_a_year_dated_event_is_left_out_of_a_month_frame_but_not_a_year_frame():
    ds = _dataset([("2016-03-05", "2016-03-05"), ("2016-01-01", "2016-12-31"), (None, None)])
    month = frames.fits_frame(ds, (dt.date(2016, 3, 1), dt.date(2016, 3, 31)))
    year = frames.fits_frame(ds, (dt.date(2016, 1, 1), dt.date(2016, 12, 31)))
    assert month.tolist() == [True, False, True]  # the undated one is the toggle's business
    assert year.tolist() == [True, True, True]


def test_a_month_dated_event_fits_a_window_exactly_as_wide():
    ds = _dataset([("2016-03-01", "2016-03-31")])
    assert frames.fits_frame(ds, (dt.date(2016, 3, 1), dt.date(2016, 3, 31))).tolist() == [True]
    assert frames.fits_frame(ds, (dt.date(2016, 3, 1), dt.date(2016, 3, 7))).tolist() == [False]


def test_colour_display_and_coarse_round_trip_through_the_link():
    ds = _dataset([("2016-03-05", "2016-03-05")])
    query = {"colour": "source", "display": "heat", "coarse": "1"}
    shared = link.read_link(_getter(query), ds, basemaps=["natural-earth", "osm"])
    assert (shared.colour_by, shared.display, shared.coarse_out) == ("source", "heat", True)
    assert shared.warnings == ()
    back = link.link_to_query(shared, default_basemap="natural-earth")
    assert {key: back[key] for key in query} == query


def test_defaults_leave_the_link_short():
    ds = _dataset([("2016-03-05", "2016-03-05")])
    shared = link.read_link(_getter({}), ds, basemaps=["natural-earth"])
    back = link.link_to_query(shared, default_basemap="natural-earth")
    assert not {"colour", "display", "coarse"} & set(back)


@pytest.mark.parametrize(
    ("key", "value"), [("display", "hexagons"), ("colour", "<b>x</b>"), ("coarse", "yes")]
)
def test_an_unknown_option_in_the_link_warns_and_falls_back(key, value):
    ds = _dataset([("2016-03-05", "2016-03-05")])
    shared = link.read_link(_getter({key: value}), ds, basemaps=["natural-earth"])
    assert len(shared.warnings) == 1 and key in shared.warnings[0]
    assert (shared.colour_by, shared.display, shared.coarse_out) == ("type", "markers", False)


def test_the_map_refuses_an_unknown_display():
    with pytest.raises(ValueError, match="display"):
        mapview.visibility_layer(np.ones(2, bool), display="hexbin")


def test_the_mask_script_carries_display_and_caption():
    group = mapview.visibility_layer(np.ones(3, bool), display="heat", caption="3 events · <x>")
    script = next(iter(group._children.values()))
    assert script.display == "heat" and script.caption == "3 events · <x>"


def test_a_new_server_reuses_the_payload_an_earlier_one_published(tmp_path, monkeypatch):
    """The second open of a big folder skips encoding the map's payload again (0.6 s at 4,000)."""
    monkeypatch.setenv("DATELINES_ARTICLE_CACHE", str(tmp_path / "cache" / "articles"))
    monkeypatch.setattr(mapview, "STATIC_DIR", tmp_path / "static")
    monkeypatch.setattr(mapview, "_by_identity", {})
    monkeypatch.setattr(mapview, "_by_fingerprint", {})
    from test_mapview import event_row, events_frame  # the map's own small event fixture

    events = events_frame([event_row()])
    first = mapview._published(events)
    # A new process: nothing in memory, and encoding would be a failure.
    monkeypatch.setattr(mapview, "_by_identity", {})
    monkeypatch.setattr(mapview, "_by_fingerprint", {})

    def refuse(_events):
        raise AssertionError("the payload was encoded again")

    monkeypatch.setattr(mapview, "events_payload", refuse)
    assert mapview._published(events) == first
    # The file gone (an upload's payload is deleted with its session): published afresh.
    mapview._file_of(first[0]).unlink()
    monkeypatch.setattr(mapview, "_by_fingerprint", {})
    monkeypatch.setattr(mapview, "_by_identity", {})
    with pytest.raises(AssertionError, match="encoded again"):
        mapview._published(events)
