"""Export is pure shaping: article text is data and comes back exactly as it went in, through
GeoJSON, CSV and GeoParquet, with the same bytes for the same events."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.output.export import read_events, to_csv_bytes, to_geojson_bytes, write_events
from geo.output.frame import empty_events_frame
from geo.schema import EVENT_PROPERTIES

from geo.output.frame import INT_COLUMNS  # noqa: E402  (the schema's whole-number columns)
DATE_COLUMNS = ("published", "date", "date_start", "date_end")
#: string columns that are null rather than "" when unknown
NULLABLE_TEXT = ("url", *DATE_COLUMNS)

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
    "`whoami` and ```code```",
    "${x} and #{x} and %(x)s and {0}",
    "\"double\" 'single' “curly” ‘quotes’ \\\"escaped\\\"",
    "line one\nline two\r\nline three\rline four\ttab",
    "Ḥalab حلب 🇸🇾 Zürich e\u0301 zero\u200bwidth \u2028separator",
    "=HYPERLINK(\"http://x\",\"y\"),;|",
    "</script><!-- -->]]>&amp;&lt;",
    "",
    "   leading and trailing spaces   ",
    "null",
    "NaN",
]


def hostile_events() -> gpd.GeoDataFrame:
    """A frame in the shared schema (as :func:`geo.output.frame.events_to_frame` makes it) whose every
    text column holds hostile text."""
    rows = []
    for i, text in enumerate(HOSTILE):
        row = {column: f"{text}" if i % 2 else f"{column}: {text}" for column in EVENT_PROPERTIES}
        for column in INT_COLUMNS:
            row[column] = None if (column == "fatalities" and i % 3 == 0) or (column.startswith("date_char") and i % 4 == 0) else 1000 * i + 7
        row["published"] = None if i == 2 else f"2016-03-{1 + i:02d}"
        dated = i % 5 != 0
        row["date"] = f"2016-04-{1 + i:02d}" if dated else None
        row["date_start"] = f"2016-04-{1 + i:02d}" if dated else None
        row["date_end"] = f"2016-04-{2 + i:02d}" if dated else None
        row["url"] = (text or None) if i % 4 else None  # an unknown url is null, never ""
        row["date_text"] = "" if i % 3 == 0 else row["date_text"]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(EVENT_PROPERTIES))
    for column in INT_COLUMNS:
        frame[column] = pd.array(frame[column], dtype="Int64")
    # shapely points are (x=lon, y=lat); coordinates already at 6 decimals, as the output keeps
    points = [Point(round(38.284021 - 3.1 * i, 6), round(34.562401 - 1.7 * i, 6)) for i in range(len(HOSTILE))]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, crs="EPSG:4326"), crs="EPSG:4326")


@pytest.fixture
def events() -> gpd.GeoDataFrame:
    return hostile_events()


def assert_same_events(back: gpd.GeoDataFrame, events: gpd.GeoDataFrame) -> None:
    assert list(back.columns) == [*EVENT_PROPERTIES, "geometry"]
    for column in INT_COLUMNS:
        assert back[column].dtype == "Int64", column
    for column in DATE_COLUMNS:
        assert all(pd.isna(v) or (isinstance(v, str) and len(v) == 10) for v in back[column]), column
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")).reset_index(drop=True),
        pd.DataFrame(events.drop(columns="geometry")).reset_index(drop=True),
    )
    assert back.crs.to_epsg() == 4326
    assert list(back.geometry.x) == list(events.geometry.x)
    assert list(back.geometry.y) == list(events.geometry.y)


@pytest.mark.parametrize("suffix", ["geojson", "csv", "parquet"])
def test_hostile_text_round_trips_exactly(events, tmp_path, suffix):
    path = write_events(events, tmp_path / f"events.{suffix}")
    assert_same_events(read_events(path), events)


@pytest.mark.parametrize("suffix", ["geojson", "csv", "parquet"])
def test_the_same_events_give_the_same_bytes(events, tmp_path, suffix):
    first = write_events(events, tmp_path / f"a.{suffix}").read_bytes()
    second = write_events(hostile_events(), tmp_path / f"b.{suffix}").read_bytes()
    assert first == second


@pytest.mark.parametrize("suffix", ["geojson", "csv", "parquet"])
def test_read_back_and_written_again_gives_the_same_bytes(events, tmp_path, suffix):
    first = write_events(events, tmp_path / f"a.{suffix}")
    again = write_events(read_events(first), tmp_path / f"b.{suffix}")
    assert first.read_bytes() == again.read_bytes()


def test_geojson_holds_the_text_as_json_strings_not_markup(events):
    doc = json.loads(to_geojson_bytes(events))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    titles = [f["properties"]["title"] for f in doc["features"]]
    assert titles == list(events["title"])
    assert doc["features"][0]["geometry"]["coordinates"] == [events.geometry.x[0], events.geometry.y[0]]


def test_csv_keeps_one_record_per_event_despite_newlines(events):
    frame = pd.read_csv(pd.io.common.BytesIO(to_csv_bytes(events)), dtype=str, keep_default_na=False)
    assert len(frame) == len(events)
    assert list(frame["excerpt"]) == list(events["excerpt"])
    assert list(frame.columns[-2:]) == ["longitude", "latitude"]


@pytest.mark.parametrize("suffix", ["geojson", "csv", "parquet"])
def test_no_events_round_trip_to_an_empty_frame_with_the_schema(tmp_path, suffix):
    path = write_events(empty_events_frame(), tmp_path / f"none.{suffix}")
    back = read_events(path)
    assert len(back) == 0
    assert list(back.columns) == [*EVENT_PROPERTIES, "geometry"]


def test_an_unknown_format_is_refused_by_name(events, tmp_path):
    with pytest.raises(ValueError, match="'shp'"):
        write_events(events, tmp_path / "events.shp")


def test_reading_a_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="datelines ingest"):
        read_events(tmp_path / "nothing.geojson")
