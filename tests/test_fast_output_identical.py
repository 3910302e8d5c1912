"""The fast output and reading paths give exactly what the straightforward code gives.

Issue 15 made ingest faster without changing a byte of its output:

* batches carry plain rows (``EventRows``) and GeoJSON is written from them, where it was
  written from a GeoDataFrame built per batch (a shapely ``Point`` per event, a frame from dicts)
  and spooled to GeoParquet; the old frame builder is kept here as the reference;
* ``tokenize`` tests a trailing possessive with two character look-ups and builds named tuples,
  where it searched a regular expression per word and built frozen dataclasses;
* the gazetteer's cache shares equal strings, and its pickle round trip must answer every
  lookup as the original does.

Compared on the seed articles, on a generated corpus (benchmarks/make_corpus.py), on values
written here that JSON treats specially, and on generated text.
"""

from __future__ import annotations

import json
import math
import pickle
import re
import shutil
import string
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.make_corpus import make_corpus  # noqa: E402
from geo.corpus.ingest import ingest, ingest_to_file, process_batch, write_batches  # noqa: E402
from geo.gazetteer.index import Gazetteer, load_gazetteer  # noqa: E402
from geo.output.export import geojson_features, rows_features, to_csv_bytes, to_geojson_bytes  # noqa: E402
from geo.output.features import encoded_feature, feature_halves, joined_features  # noqa: E402
from geo.output.frame import INT_COLUMNS, EventRows, FeatureHalves, _row, events_to_frame, rows_to_frame  # noqa: E402
from geo.read.articles import read_corpus  # noqa: E402
from geo.read.text import Token, tokenize  # noqa: E402
from geo.schema import EVENT_PROPERTIES  # noqa: E402

SEEDS = ROOT / "seeds"


# --- The references: the code before the fast paths. ----------------------------------------

def reference_frame(events) -> gpd.GeoDataFrame:
    """events_to_frame as it was: a frame from dicts, a shapely Point per event."""
    rows = [_row(e) for e in events]
    geometry = [Point(e.place.longitude, e.place.latitude) for e in events]
    frame = pd.DataFrame(rows, columns=list(EVENT_PROPERTIES))
    for column in INT_COLUMNS:
        frame[column] = pd.array(frame[column], dtype="Int64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")


_POSSESSIVE = re.compile(r"['’ʼ][sS]$")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")


def reference_tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    out = []
    for m in _WORD.finditer(text, start, len(text) if end is None else end):
        word, s, e = m.group(), m.start(), m.end()
        possessive = _POSSESSIVE.search(word)
        if possessive and len(word) > 2:
            word, e = word[: possessive.start()], s + possessive.start()
        out.append((word, s, e))
    return out


# --- Fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, gazetteer) -> Path:
    """40 generated inputs and the seed articles (in a subfolder without their manifest)."""
    root = make_corpus(40, tmp_path_factory.mktemp("corpus"), seed=5, gazetteer=gazetteer)
    shutil.copytree(SEEDS, root / "seeds")
    (root / "seeds" / "articles.csv").unlink()
    return root


def _events(folder: Path, gazetteer) -> list:
    from geo.corpus.ingest import process_outcomes

    return [e for r in process_outcomes(read_corpus(folder), gazetteer) for e in r.events]


# --- Rows and frames --------------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["seeds", "generated"])
def test_rows_write_the_geojson_the_reference_frame_writes(folder, corpus, gazetteer):
    events = _events(SEEDS if folder == "seeds" else corpus, gazetteer)
    assert len(events) > 20
    reference = reference_frame(events)
    fast = events_to_frame(events)
    pd.testing.assert_frame_equal(pd.DataFrame(fast.drop(columns="geometry")),
                                  pd.DataFrame(reference.drop(columns="geometry")))
    assert fast.geometry.equals(reference.geometry) and fast.crs == reference.crs
    assert to_geojson_bytes(fast) == to_geojson_bytes(reference)
    assert to_csv_bytes(fast) == to_csv_bytes(reference)
    rows = process_batch(read_corpus(SEEDS if folder == "seeds" else corpus), gazetteer).events
    assert isinstance(rows, EventRows)
    assert list(rows_features(rows)) == list(geojson_features(reference))


def test_rows_give_json_the_values_a_frame_gives():
    """Values JSON treats specially: numpy scalars, NaN and infinities, None in a whole-number
    column, a whole float in one, text JSON must escape."""
    row = {c: f"{c} “quoted” \\ \n\t\x00 ü" for c in EVENT_PROPERTIES}
    row.update({c: i for i, c in enumerate(INT_COLUMNS)})
    row.update(geonameid=np.int64(7), fatalities=None, place_char_start=3.0, confidence=float("nan"),
               date_char_start=np.int32(4), excerpt_char_start=12)
    other = dict(row, confidence=np.float64(0.25), fatalities=np.int64(2), title=None, url=float("inf"))
    rows = EventRows([tuple(r[c] for c in EVENT_PROPERTIES) for r in (row, other)], [(36.2, 37.1), (-0.1234567, 51.5)])
    frame = rows_to_frame(rows)
    assert list(rows_features(rows)) == list(geojson_features(frame))
    first = json.loads(next(rows_features(rows)))
    assert first["properties"]["confidence"] is None and first["properties"]["place_char_start"] == 3
    assert first["geometry"]["coordinates"] == [36.2, 37.1]  # [longitude, latitude]


_ANY_VALUE = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),  # quotes, controls, "%", astral
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.integers(-5, 5).map(np.int64),
    st.floats(-1e6, 1e6).map(np.float64),
)


_GROUP_AT = EVENT_PROPERTIES.index("event_group")


def _outcome(write):
    """What ``write()`` gives: its value, or the type of the error it raises."""
    try:
        return write()
    except (ValueError, TypeError) as error:  # text in a whole-number column, NaN where JSON has none
        return type(error)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.lists(_ANY_VALUE, min_size=len(EVENT_PROPERTIES), max_size=len(EVENT_PROPERTIES)),
                       st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=3)
)
def test_a_features_text_is_the_encoders_for_any_values(drawn):
    """rows_features writes a row of plain values into a template; any row, plain or not (a
    bool, a numpy scalar, NaN, a float or text in a whole-number column), gives the text, or
    the error, that building the feature's dicts and encoding them gives."""
    for values, x, y in drawn:
        one = EventRows([tuple(values)], [(x, y)])
        assert _outcome(lambda: list(rows_features(one))) == _outcome(lambda: [encoded_feature(tuple(values), x, y)])
    rows = EventRows([tuple(values) for values, _x, _y in drawn], [(x, y) for _values, x, y in drawn])
    if all(isinstance(_outcome(lambda: list(rows_features(EventRows([r], [p])))), list) for r, p in zip(rows.rows, rows.points)):
        assert list(rows_features(rows)) == [encoded_feature(r, x, y) for r, (x, y) in zip(rows.rows, rows.points)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_ANY_VALUE, min_size=len(EVENT_PROPERTIES), max_size=len(EVENT_PROPERTIES)),
    st.floats(-180, 180), st.floats(-90, 90), st.one_of(st.none(), st.text(max_size=12)),
)
def test_a_features_halves_around_its_group_are_the_encoders_text(values, x, y, group):
    """A batch's Features cut at event_group (made where the article was read) and joined
    around the group decided later give the text, or the error, of encoding the row that
    holds that group."""
    grouped = (*values[:_GROUP_AT], group, *values[_GROUP_AT + 1 :])

    def halved_then_joined():
        heads, tails = feature_halves(EventRows([tuple(values)], [(x, y)]))
        return list(joined_features(heads, tails, [group]))

    assert _outcome(halved_then_joined) == _outcome(lambda: [encoded_feature(grouped, x, y)])


def test_a_row_of_plain_values_takes_the_template_and_reads_back():
    """Plain values (the rows ingest builds) are written as the encoder writes them, and read
    back; so are their halves joined around a group."""
    row = {c: f"{c} %s “q” \\ \n \x00 ü 𝄞" for c in EVENT_PROPERTIES}
    row.update({c: i - 3 for i, c in enumerate(INT_COLUMNS)}, confidence=0.1 + 0.2, title=None)
    rows = EventRows([tuple(row[c] for c in EVENT_PROPERTIES)], [(36.1234567, -0.5)])
    (text,) = rows_features(rows)
    assert text == encoded_feature(rows.rows[0], 36.1234567, -0.5)
    assert json.loads(text) == {
        "type": "Feature", "properties": row, "geometry": {"type": "Point", "coordinates": [36.123457, -0.5]}
    }
    assert list(joined_features(*feature_halves(rows), [row["event_group"]])) == [text]


def test_grouped_rows_stream_the_bytes_of_the_whole(corpus, gazetteer, tmp_path):
    whole = ingest(corpus, gazetteer=gazetteer)
    written = ingest_to_file(corpus, tmp_path / "events.geojson", gazetteer=gazetteer, batch_size=3)
    assert written.output.read_bytes() == to_geojson_bytes(whole.events)
    assert whole.events["event_group"].notna().all()


def test_a_pool_writes_the_file_one_process_writes(corpus, gazetteer, tmp_path):
    """Two workers write their batches' Features themselves (halves); the file is the one
    process's, in GeoJSON and in CSV (which is spooled as rows)."""
    for name in ("events.geojson", "events.csv"):
        alone = ingest_to_file(corpus, tmp_path / "alone" / name, gazetteer=gazetteer, batch_size=7)
        pooled = ingest_to_file(corpus, tmp_path / "pool" / name, gazetteer=gazetteer, batch_size=7, workers=2)
        assert pooled.output.read_bytes() == alone.output.read_bytes()
        assert pooled.report_rows == alone.report_rows and pooled.summary == alone.summary


def test_batches_of_rows_and_of_halves_write_the_same_geojson(corpus, gazetteer, tmp_path):
    """write_batches takes batches made either way (rows are halved as they are spooled), and
    the halves joined around the groups are the rows' Features with their groups."""
    outcomes = list(read_corpus(corpus))
    cuts = range(0, len(outcomes), 9)
    for as_features in (False, True):
        batches = [process_batch(outcomes[i : i + 9], gazetteer, as_features=as_features) for i in cuts]
        assert all(isinstance(b.events, FeatureHalves if as_features else EventRows) for b in batches)
        write_batches(batches, tmp_path / f"{as_features}.geojson")
    whole = ingest(corpus, gazetteer=gazetteer)
    assert (tmp_path / "True.geojson").read_bytes() == (tmp_path / "False.geojson").read_bytes()
    assert (tmp_path / "True.geojson").read_bytes() == to_geojson_bytes(whole.events)


def test_batches_of_features_are_refused_for_a_file_that_is_not_geojson(corpus, gazetteer, tmp_path):
    batch = process_batch(list(read_corpus(corpus))[:9], gazetteer, as_features=True)
    with pytest.raises(ValueError, match="without as_features"):
        write_batches([batch], tmp_path / "events.csv")
    assert not (tmp_path / "events.csv").exists()


def test_an_empty_run_builds_the_schema_frame():
    frame = rows_to_frame(EventRows([], []))
    assert list(frame.columns) == [*EVENT_PROPERTIES, "geometry"] and frame.crs == "EPSG:4326"
    assert to_geojson_bytes(frame) == b'{"type": "FeatureCollection", "features": [\n\n]}\n'


# --- Tokens -----------------------------------------------------------------------------------

def test_tokens_of_the_seeds_are_the_reference_tokens():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8")
        assert [tuple(t) for t in tokenize(text)] == reference_tokenize(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aSs'’ʼ`´x Éé\n-.", max_size=40))
def test_tokens_of_generated_text_are_the_reference_tokens(text):
    assert [tuple(t) for t in tokenize(text)] == reference_tokenize(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aSs'x \n-.,1_", max_size=40), st.integers(0, 5), st.integers(0, 45))
def test_tokens_of_generated_ascii_text_are_the_reference_tokens(text, start, end):
    """ASCII text takes the split path, and a word without an apostrophe its shortest way."""
    tokens = tokenize(text, start, end)
    assert all(type(t) is Token for t in tokens)
    assert [tuple(t) for t in tokens] == reference_tokenize(text, start, end)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=string.ascii_letters[:6] + "sS'`0_-. \n\t", max_size=60),
    st.integers(0, 8),
    st.one_of(st.none(), st.integers(0, 60)),
)
def test_tokens_of_ascii_text_and_its_stretches_are_the_reference_tokens(text, start, end):
    """ASCII text is split without the regex (str.translate and str.split): the same tokens,
    for the whole text and for any stretch of it."""
    stop = len(text) if end is None else end
    want = [(w, s, e) for w, s, e in reference_tokenize(text, start, stop)]
    assert [tuple(t) for t in tokenize(text, start, end)] == want


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="aBsS'x0_-. \n", min_size=0, max_size=90),  # ASCII stretches, long and short
            st.text(alphabet="’ʼ“”é\x95ü–", min_size=1, max_size=2),  # and what lies beyond ASCII
        ),
        max_size=5,
    ),
    st.text(alphabet="aBsS'x .", max_size=90),
    st.integers(0, 8),
    st.one_of(st.none(), st.integers(0, 400)),
)
def test_tokens_of_mostly_ascii_text_are_the_reference_tokens(pieces, tail, start, end):
    """Text with a few characters beyond ASCII (curly quotes, a stray control character) is
    split in its long ASCII stretches and read by the regex around the others: the same
    tokens, possessives across a curly apostrophe included, for any stretch of it."""
    text = "".join(a + b for a, b in pieces) + tail
    stop = len(text) if end is None else end
    assert [tuple(t) for t in tokenize(text, start, end)] == reference_tokenize(text, start, stop)


def test_a_token_is_read_by_name_and_compared_by_value():
    token = tokenize("Syria's north")[0]
    assert (token.text, token.start, token.end) == ("Syria", 0, 5) and token == Token("Syria", 0, 5)
    with pytest.raises(AttributeError):
        token.text = "Iraq"  # type: ignore[misc]


# --- The gazetteer's cache --------------------------------------------------------------------

def test_a_pickled_gazetteer_shares_its_strings_and_answers_alike():
    towns = [
        {"geonameid": 1, "name": "Oldtown", "latitude": 36.2, "longitude": 37.1, "countrycode": "SY",
         "population": 5000, "admin1code": "09", "alternatenames": ["Old Town"], "timezone": ""},
        {"geonameid": 2, "name": "Oldtown", "latitude": 40.1, "longitude": -75.2, "countrycode": "US",
         "population": 900, "admin1code": "PA", "alternatenames": [], "timezone": ""},
        {"geonameid": 3, "name": "Newfield", "latitude": 36.5, "longitude": 37.3, "countrycode": "SY",
         "population": 700, "admin1code": "09", "alternatenames": [], "timezone": ""},
    ]
    countries = [{"iso": "SY", "name": "Syria", "capital": "Damascus", "geonameid": 163843},
                 {"iso": "US", "name": "United States", "capital": "Washington", "geonameid": 6252001}]
    original = Gazetteer.from_records(towns, countries)
    copy = pickle.loads(pickle.dumps(original))
    for key in ("oldtown", "old town", "newfield", "syria", "nowhere"):
        assert copy.has_key(key) == original.has_key(key)
        assert copy.places(key) == original.places(key)
    codes = [copy._country[i] for i in range(len(copy)) if copy._country[i] == "SY"]
    assert len(codes) == 2 and codes[0] is codes[1]  # one string object per distinct code
    assert not math.isnan(copy.places("newfield")[0].latitude)


# --- The report ---------------------------------------------------------------------------------

def test_report_rows_write_the_bytes_pandas_writes(tmp_path):
    """A streaming run writes its report from rows with the csv module: the bytes pandas wrote."""
    from geo.corpus.ingest import report_frame, report_rows, summarise, summarise_rows
    from geo.output.export import write_report

    rows = [("a.txt", "ok", 2, ""), ("b, c.txt", "unreadable", 0, 'not UTF-8 ("latin-1"?)\nsecond line'),
            ("feed.jsonl", "ok", 1, ""), ("feed.jsonl", "no_places", 0, "names Ünïcode, 'quoted'"),
            ("", "skipped", 0, " leading space"), ("d.txt", "undated", 3, "")]
    write_report(report_frame(rows), tmp_path / "frame.csv")
    write_report(report_rows(rows), tmp_path / "rows.csv")
    assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "frame.csv").read_bytes()
    assert summarise_rows(report_rows(rows)) == summarise(report_frame(rows))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="{}ab\"é\n", min_size=1, max_size=5), max_size=4), max_size=6))
def test_a_feature_collection_has_the_same_bytes_however_its_features_come_in_parts(parts):
    """Empty parts add nothing, not even a separator."""
    import io

    from geo.output.export import _GEOJSON_HEAD, _GEOJSON_TAIL, _write_feature_collection

    out = io.BytesIO()
    _write_feature_collection(out, (iter(part) for part in parts))
    features = [feature for part in parts for feature in part]
    assert out.getvalue() == (_GEOJSON_HEAD + ",\n".join(features) + _GEOJSON_TAIL).encode("utf-8")


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=30))
def test_a_remembered_float_is_written_as_its_own_repr(values):
    """Floats' texts are remembered across events; each is still its own repr, whatever came
    before it (0.0 and -0.0 are equal keys with two texts)."""
    from geo.output.features import _json_number

    for value in [*values, 0.0, -0.0, *values, -0.0, 0.0]:
        assert _json_number(value, False) == repr(value)


@given(st.lists(st.one_of(st.dates(), st.datetimes(timezones=st.none() | st.timezones())), min_size=1, max_size=30))
def test_a_remembered_day_is_written_as_its_own_isoformat(values):
    """Days' texts are remembered across events; datetimes (equal ones may differ in their
    time zone) are written each as its own."""
    import datetime as dt

    from geo.output.frame import _iso

    same_instant = [dt.datetime(2016, 3, 1, 12, tzinfo=dt.timezone.utc),
                    dt.datetime(2016, 3, 1, 13, tzinfo=dt.timezone(dt.timedelta(hours=1)))]
    for value in [*values, *same_instant, *values, None]:
        assert _iso(value) == (value.isoformat() if value is not None else None)
