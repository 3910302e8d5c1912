"""Shareable links (dashboard.link): a round trip keeps the view; what cannot apply is named."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_events import synthetic_events  # noqa: E402
from dashboard import link, view  # noqa: E402

BASEMAPS = ["natural-earth", "osm"]


@pytest.fixture(scope="module")
def dataset():
    return view.build_dataset(synthetic_events(300, seed=4, hostile_every=0))


def getter(query: dict):
    def get_all(key: str) -> list[str]:
        value = query.get(key)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    return get_all


def test_a_full_view_round_trips(dataset):
    first, _ = dataset.bounds()
    shared = link.Link(
        filters=view.Filters(
            start=first + dt.timedelta(days=10),
            end=first + dt.timedelta(days=40),
            places=(dataset.places[0],),
            sources=(dataset.sources[1],),
            text="clash",
        ),
        basemap="osm",
        map_view=link.MapView(lat=35.5, lon=38.25, zoom=8),
        event=str(dataset.events["id"].iloc[7]),
    )
    query = link.link_to_query(shared, default_basemap="natural-earth")
    assert list(query) == [k for k in link.LINK_KEYS if k in query]
    again = link.read_link(getter(query), dataset, basemaps=BASEMAPS)
    assert again == shared
    assert again.warnings == ()


def test_defaults_stay_out_of_the_link(dataset):
    shared = link.Link(filters=view.default_filters(dataset))
    query = link.link_to_query(shared, default_basemap="natural-earth")
    assert set(query) == {"start", "end"}


def test_what_cannot_be_applied_is_named(dataset):
    query = {
        "start": "2016-13-45",
        "end": "2999-01-01",
        "source": ["No Such Wire", dataset.sources[0]],
        "basemap": "satellite",
        "lat": "95",
        "lon": "10",
        "zoom": "4",
        "event": "nope",
    }
    shared = link.read_link(getter(query), dataset, basemaps=BASEMAPS)
    text = "\n".join(shared.warnings)
    assert len(shared.warnings) == 6
    assert "'2016-13-45' is not a date" in text
    assert "2999-01-01 is outside the data" in text
    assert "'No Such Wire' is not in this data set" in text
    assert "'satellite' is not one of natural-earth, osm" in text
    assert "lat='95'" in text
    assert "'nope' is not in this data set" in text
    # What could be applied is: the known source, the default basemap, no view, no event.
    assert shared.filters.sources == (dataset.sources[0],)
    assert (shared.basemap, shared.map_view, shared.event) == ("natural-earth", None, None)


def test_a_map_view_needs_all_three_values(dataset):
    shared = link.read_link(getter({"zoom": "5"}), dataset, basemaps=BASEMAPS)
    assert shared.map_view is None
    assert any("map view" in w for w in shared.warnings)


def test_filters_from_query_still_returns_only_the_filters(dataset):
    query = {"place": ["Atlantis"]}
    filters, warnings = view.read_filters(getter(query), dataset)
    assert filters == view.filters_from_query(getter(query), dataset)
    assert warnings == ["The link's place(s) 'Atlantis' is not in this data set: left out of the filter."]
