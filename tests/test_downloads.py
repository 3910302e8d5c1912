"""Downloads of what the analyst sees (dashboard.downloads): the map's extent, GeoParquet."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pytest

from dashboard import downloads
from test_mapview import event_row, events_frame


@pytest.fixture
def events():
    points = [("Aleppo", 36.2, 37.1), ("Suva", -18.1, 178.4), ("Apia", -13.8, -171.8), ("Mosul", 36.3, 43.1)]
    rows = [event_row(place=name, lat=lat, lon=lon, id=f"e:{k}") for k, (name, lat, lon) in enumerate(points)]
    return events_frame(rows)


def test_inside_extent_is_the_box_edges_included(events):
    assert downloads.inside_extent(events, (37.1, 30, 40, 40)).tolist() == [True, False, False, False]


def test_an_extent_across_the_antimeridian_wraps(events):
    # A map panned east past 180°: Leaflet reports east as 190 (= -170).
    assert downloads.inside_extent(events, (170, -20, 190, -10)).tolist() == [False, True, True, False]
    assert downloads.inside_extent(events, (-200, -90, 200, 90)).all()


def test_geoparquet_round_trips(events):
    frame = gpd.read_parquet(io.BytesIO(downloads.to_geoparquet_bytes(events)))
    assert frame["id"].tolist() == events["id"].tolist()
    assert frame.crs.to_epsg() == 4326
    np.testing.assert_allclose(frame.geometry.x, events.geometry.x)


def test_geojson_keeps_its_place_first():
    assert list(downloads.FORMATS) == ["GeoJSON", "CSV", "GeoParquet"]
