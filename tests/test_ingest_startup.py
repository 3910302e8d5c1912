"""What ingest's start-up leaves out, and what stands in for it: a constant for geopy's import, a
packed name index for the dict the gazetteer's cache file held.

Start-up is paid by every run (and by every worker of a pool): importing the pipeline must not
drag in libraries it does not use to find, date and write events (geopy's geocoders and
requests, pandas, geopandas, shapely). Behaviour only: no timing.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.gazetteer.index import Gazetteer, PackedKeys

ROOT = Path(__file__).resolve().parents[1]


def test_the_pipeline_imports_no_geocoder_and_no_frame_library():
    code = (
        "import sys\n"
        "import geo.corpus.ingest, geo.dates.find, geo.places.resolve\n"
        "print(sorted(m for m in ('geopy', 'requests', 'pandas', 'geopandas', 'shapely') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_the_resolver_measures_distances_with_geopys_earth_radius():
    from geopy.distance import EARTH_RADIUS, great_circle

    from geo.places import resolve

    assert resolve.EARTH_RADIUS == EARTH_RADIUS
    km = resolve._min_km([resolve.Place(0, 1, "Aleppo", 36.2, 37.15, "SY", "", 1)], [(33.51, 36.29), (35.0, 38.0)])[0]
    assert abs(km - great_circle((36.2, 37.15), (35.0, 38.0)).km) < 1e-6


_LATITUDES = st.floats(-89.9, 89.9, allow_nan=False)
_LONGITUDES = st.floats(-180.0, 180.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_LATITUDES, _LONGITUDES), min_size=1, max_size=4),
    st.lists(st.tuples(_LATITUDES, _LONGITUDES), max_size=5),
)
def test_each_candidate_is_measured_to_its_nearest_point_as_geopy_would(candidates, points):
    from geopy.distance import great_circle

    from geo.places import resolve

    places = [resolve.Place(i, i + 1, "X", lat, lon, "SY", "", 1) for i, (lat, lon) in enumerate(candidates)]
    got = resolve._min_km(places, points)
    for (lat, lon), km in zip(candidates, got):
        want = min((great_circle((lat, lon), p).km for p in points), default=float("inf"))
        assert km == want or abs(km - want) < 1e-3  # a metre: haversine loses digits near antipodes


@settings(max_examples=200, deadline=None)
@given(st.tuples(_LATITUDES, _LONGITUDES), st.tuples(_LATITUDES, _LONGITUDES))
def test_the_events_stage_measures_on_the_resolvers_earth(a, b):
    """"Far from the article's other places" (geo.places.filters.km) and the resolver's
    distances are one measure: the same Earth radius as geopy's great_circle."""
    from geopy.distance import great_circle

    from geo.places import filters, resolve

    assert abs(filters.km(a, b) - great_circle(a, b).km) < 1e-3
    assert abs(filters.km(a, b) - resolve._min_km([resolve.Place(0, 1, "X", *a, "SY", "", 1)], [b])[0]) < 1e-3


# --- The packed name index of the gazetteer's cache file ----------------------------------------

_KEY_LETTERS = "ab z"


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet=_KEY_LETTERS, min_size=1, max_size=6),
        st.one_of(st.integers(0, 10**6), st.lists(st.integers(0, 10**6), min_size=2, max_size=4).map(tuple)),
        max_size=30,
    ),
    st.lists(st.text(alphabet=_KEY_LETTERS, max_size=7), max_size=10),
)
def test_packed_keys_answer_as_the_dict_they_were_built_from(table, probes):
    """Built, and loaded from a pickle; asked in one order, then in reverse, so that a key's
    stretch (the cached range of keys that begin as it does) was found by another key."""
    for packed in (PackedKeys(table), pickle.loads(pickle.dumps(PackedKeys(table)))):
        assert len(packed) == len(table)
        asked = [*table, *probes, ""]
        for key in [*asked, *reversed(asked)]:
            assert (key in packed) == (key in table)
            assert packed.get(key) == table.get(key)
            assert packed.get(key, ()) == table.get(key, ())


def test_a_gazetteer_loaded_from_its_cache_answers_as_the_one_built(tmp_path):
    """The cache file holds the name index packed; loaded, it answers as the built one did."""
    towns = [
        {"geonameid": k, "name": name, "latitude": 36.0 + k, "longitude": 37.0, "countrycode": "SY",
         "population": 1000 * k, "admin1code": "09", "alternatenames": alternates, "timezone": ""}
        for k, (name, alternates) in enumerate(
            [("Oldtown", ["Old Town"]), ("Oldtown", []), ("Newfield", ["Oldtown"]), ("Al Bab", ["Bab"])], start=1
        )
    ]
    countries = [{"iso": "SY", "name": "Syria", "capital": "Damascus", "geonameid": 163843}]
    built = Gazetteer.from_records(towns, countries)
    loaded = pickle.loads(pickle.dumps(built))
    assert isinstance(loaded._keys, PackedKeys) and isinstance(built._keys, dict)
    for key in ("oldtown", "old town", "newfield", "bab", "syria", "nowhere", ""):
        assert loaded.has_key(key) == built.has_key(key)
        assert loaded.places(key) == built.places(key)
        assert loaded.places(key) == built.places(key)  # asked again: from the cache, misses too
        assert loaded.variant_keys(key) == built.variant_keys(key)
    assert pickle.loads(pickle.dumps(loaded)).places("oldtown") == built.places("oldtown")


def test_each_regions_largest_town_is_kept_in_the_index_and_answers_as_worked_out_later():
    """Worked out when the index is built (not on a run's first question); an index pickled
    before it was kept works it out then, with the same answers."""
    towns = [
        {"geonameid": k, "name": name, "latitude": 36.0, "longitude": 37.0, "countrycode": cc,
         "population": people, "admin1code": admin1, "alternatenames": [], "timezone": ""}
        for k, (name, cc, admin1, people) in enumerate(
            [("Seat", "SY", "09", 50_000), ("Village", "SY", "09", 800), ("Other", "SY", "10", 0),
             ("Faraway", "IQ", "09", 90_000)], start=1
        )
    ]
    built = Gazetteer.from_records(towns, [{"iso": "SY", "name": "Syria", "capital": "Damascus", "geonameid": 1}])
    assert built._largest_by_region == {("SY", "09"): 50_000, ("SY", "10"): 0, ("IQ", "09"): 90_000}
    older = pickle.loads(pickle.dumps(built))
    del older.__dict__["_largest_by_region"]
    for args in [("SY", "09", 50_000), ("SY", "09", 800), ("SY", "10", 0), ("IQ", "09", 50_000), ("SY", "", 10**6),
                 ("SY", "11", 1)]:
        assert older.is_largest_in_its_region(*args) == built.is_largest_in_its_region(*args)
    assert [built.is_largest_in_its_region(*a) for a in [("SY", "09", 50_000), ("SY", "09", 800), ("SY", "", 1)]] == [
        True, False, False]


def test_loading_the_gazetteer_leaves_the_garbage_collector_as_it_found_it():
    """The collector is paused while the cached gazetteer is unpickled, and set back after,
    even when the cache file is broken (it is then rebuilt)."""
    import gc

    import pytest

    from geo.gazetteer.index import _collector_paused

    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(pickle.UnpicklingError), _collector_paused():
        pickle.loads(b"not a pickle")
    assert gc.isenabled()
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()  # paused by its caller: left paused
    finally:
        gc.enable()
