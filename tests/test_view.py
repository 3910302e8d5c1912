"""Pure tests of the dashboard's view logic: the filter, the timeline, the link, the data key."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_events import synthetic_events  # noqa: E402
from dashboard import view  # noqa: E402

D0 = dt.date(2015, 1, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def with_intervals(intervals: list[tuple[int, int] | None]):
    """Synthetic events whose date intervals are exactly ``intervals`` (None: undated)."""
    events = synthetic_events(len(intervals), seed=1, hostile_every=0)
    for column in ("date", "date_start", "date_end", "published"):
        events[column] = events[column].astype(object)
    for i, interval in enumerate(intervals):
        if interval is None:
            events.loc[i, ["date", "date_start", "date_end"]] = None
            events.loc[i, "date_precision"] = "undated"
        else:
            start, width = interval
            events.loc[i, "date_start"] = day(start).isoformat()
            events.loc[i, "date_end"] = day(start + width).isoformat()
            events.loc[i, "date"] = day(start + width // 2).isoformat()
    return events


@pytest.fixture(scope="module")
def synthetic():
    return view.build_dataset(synthetic_events(2000, seed=3))


# ----------------------------------------------------------------------------- window


intervals_strategy = st.lists(
    st.one_of(st.none(), st.tuples(st.integers(0, 400), st.integers(0, 60))),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    intervals=intervals_strategy,
    lo=st.integers(-10, 470),
    width=st.integers(0, 120),
    show_undated=st.booleans(),
)
def test_mask_equals_brute_force_overlap(intervals, lo, width, show_undated):
    dataset = view.build_dataset(with_intervals(intervals))
    window = (day(lo), day(lo + width))
    filters = view.Filters(start=window[0], end=window[1], show_undated=show_undated)
    mask = view.event_mask(dataset, filters)
    expected = []
    for interval in intervals:
        if interval is None:
            expected.append(show_undated)
        else:
            start, w = day(interval[0]), day(interval[0] + interval[1])
            # brute force: some day of the event's interval is a day of the window
            days = {start + dt.timedelta(days=k) for k in range((w - start).days + 1)}
            window_days = {window[0] + dt.timedelta(days=k) for k in range(width + 1)}
            expected.append(bool(days & window_days))
    assert mask.tolist() == expected


def test_interval_touching_the_window_edge_is_in_view():
    dataset = view.build_dataset(with_intervals([(0, 6), (7, 0), (8, 3)]))
    mask = view.event_mask(dataset, view.Filters(start=day(6), end=day(7)))
    assert mask.tolist() == [True, True, False]


def test_undated_events_only_with_the_toggle():
    dataset = view.build_dataset(with_intervals([None, (5, 0)]))
    window = dict(start=day(0), end=day(10))
    assert view.event_mask(dataset, view.Filters(**window)).tolist() == [False, True]
    assert view.event_mask(dataset, view.Filters(**window, show_undated=True)).tolist() == [
        True,
        True,
    ]


def test_an_event_with_only_a_best_day_is_dated():
    events = with_intervals([(3, 0)])
    events.loc[0, ["date_start", "date_end"]] = None
    dataset = view.build_dataset(events)
    assert dataset.dated.tolist() == [True]
    assert view.event_mask(dataset, view.Filters(start=day(3), end=day(3))).tolist() == [True]


def test_dataset_arrays_are_read_only(synthetic):
    with pytest.raises(ValueError):
        synthetic.start_day[0] = 0


def test_missing_schema_columns_are_named():
    events = synthetic_events(3).drop(columns=["excerpt"])
    with pytest.raises(ValueError, match="excerpt"):
        view.build_dataset(events)


# ----------------------------------------------------------------------------- other filters


def test_place_type_and_source_filters(synthetic):
    events = synthetic.events
    base = view.default_filters(synthetic)
    for field, column, value in (
        ("places", "place", "Palmyra"),
        ("event_types", "event_type", "battles"),
        ("sources", "source", "Reuters"),
    ):
        filters = view.Filters(**{**base.__dict__, field: (value,)})
        mask = view.event_mask(synthetic, filters)
        assert mask.any()
        assert set(events.loc[mask, column]) == {value}
        assert mask.sum() == (view.event_mask(synthetic, base) & (events[column] == value)).sum()


def test_empty_selection_means_any(synthetic):
    base = view.default_filters(synthetic)
    assert view.event_mask(synthetic, base).sum() == synthetic.dated.sum()


def test_text_filter_is_case_insensitive_over_title_excerpt_place(synthetic):
    base = view.default_filters(synthetic)
    events = synthetic.events
    for needle in ("PALMYRA", "air STRIKE", "{{7*7}}", "<script>"):
        mask = view.event_mask(synthetic, view.Filters(**{**base.__dict__, "text": needle}))
        haystack = (events["title"] + "|" + events["excerpt"] + "|" + events["place"]).str.lower()
        expected = view.event_mask(synthetic, base) & haystack.str.contains(
            needle.lower(), regex=False
        ).to_numpy()
        assert mask.any(), needle
        assert mask.tolist() == expected.tolist()


def test_text_filter_is_not_a_regex(synthetic):
    base = view.default_filters(synthetic)
    mask = view.event_mask(synthetic, view.Filters(**{**base.__dict__, "text": ".*"}))
    assert not mask.any()


def test_events_in_view_keeps_schema_and_order(synthetic):
    mask = np.zeros(len(synthetic), dtype=bool)
    mask[[5, 2, 9]] = True
    selected = view.events_in_view(synthetic, mask)
    assert list(selected.columns) == [*view.EVENT_PROPERTIES, "geometry"]
    assert selected["id"].tolist() == synthetic.events["id"].iloc[[2, 5, 9]].tolist()


def test_combined_dataset_has_both(synthetic):
    extra = view.build_dataset(with_intervals([(1, 0), None]))
    both = view.combine_datasets(synthetic, extra)
    assert len(both) == len(synthetic) + 2
    assert both.events["id"].tolist()[-2:] == extra.events["id"].tolist()
    assert len(synthetic) == 2000  # the shared one is untouched


# ----------------------------------------------------------------------------- play


def test_next_window_steps_by_its_width_and_stops_at_the_end():
    bounds = (day(0), day(29))
    assert view.next_window((day(0), day(6)), bounds) == (day(7), day(13))
    assert view.next_window((day(21), day(27)), bounds) == (day(23), day(29))
    assert view.next_window((day(23), day(29)), bounds) == (day(23), day(29))
    assert view.next_window((day(5), day(5)), bounds) == (day(6), day(6))


# ----------------------------------------------------------------------------- timeline


def test_timeline_frequency_follows_the_span():
    assert view.timeline_freq((day(0), day(60))) == "day"
    assert view.timeline_freq((day(0), day(400))) == "week"


@settings(max_examples=30, deadline=None)
@given(intervals=intervals_strategy, lo=st.integers(0, 400), width=st.integers(0, 90))
def test_timeline_counts_every_dated_event_once(intervals, lo, width):
    dataset = view.build_dataset(with_intervals(intervals))
    window = (day(lo), day(lo + width))
    mask = np.ones(len(dataset), dtype=bool)
    for freq in ("day", "week"):
        counts = view.timeline_counts(dataset, mask, window, freq=freq)
        assert counts["events"].sum() == sum(i is not None for i in intervals)
        if len(counts):
            assert (counts["bin_end"] >= counts["bin_start"]).all()
            highlighted = counts[counts["in_window"]]
            for start, end in zip(highlighted["bin_start"], highlighted["bin_end"]):
                assert start <= window[1] and end >= window[0]
            if freq == "week":
                assert {d.weekday() for d in counts["bin_start"]} == {0}


def test_timeline_respects_the_mask(synthetic):
    mask = np.zeros(len(synthetic), dtype=bool)
    mask[:10] = True
    counts = view.timeline_counts(synthetic, mask, synthetic.bounds(), freq="week")
    assert counts["events"].sum() == (mask & synthetic.dated).sum()
    assert counts["in_window"].all()


def test_timeline_of_undated_data_is_empty():
    dataset = view.build_dataset(with_intervals([None, None]))
    counts = view.timeline_counts(dataset, np.ones(2, bool), dataset.bounds(), freq="day")
    assert counts.empty and list(counts.columns) == ["bin_start", "bin_end", "events", "in_window"]
    first, last = dataset.bounds(today=dt.date(2020, 1, 8))
    assert first < last


# ----------------------------------------------------------------------------- query string


def getter(query: dict[str, str | list[str]]):
    def get_all(key: str) -> list[str]:
        value = query.get(key)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    return get_all


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_query_string_round_trips(synthetic, data):
    first, last = synthetic.bounds()
    span = (last - first).days
    a, b = sorted(data.draw(st.tuples(st.integers(0, span), st.integers(0, span))))
    filters = view.Filters(
        start=first + dt.timedelta(days=a),
        end=first + dt.timedelta(days=b),
        show_undated=data.draw(st.booleans()),
        places=tuple(data.draw(st.lists(st.sampled_from(synthetic.places), unique=True))),
        event_types=tuple(
            data.draw(st.lists(st.sampled_from(synthetic.event_types), unique=True))
        ),
        sources=tuple(data.draw(st.lists(st.sampled_from(synthetic.sources), unique=True))),
        text=data.draw(st.text(max_size=30)).strip(),
    )
    query = view.filters_to_query(filters)
    assert set(query) <= set(view.QUERY_KEYS)
    assert view.filters_from_query(getter(query), synthetic) == filters


def test_query_string_with_junk_keeps_defaults(synthetic):
    default = view.default_filters(synthetic)
    query = {"start": "not-a-date", "end": "2999-01-01", "place": ["Atlantis", "Palmyra"]}
    filters = view.filters_from_query(getter(query), synthetic)
    assert filters.start == default.start
    assert filters.end == default.end  # clamped to the data
    assert filters.places == ("Palmyra",)


def test_query_string_swaps_reversed_dates(synthetic):
    query = {"start": "2016-02-01", "end": "2015-03-01"}
    filters = view.filters_from_query(getter(query), synthetic)
    assert (filters.start, filters.end) == (dt.date(2015, 3, 1), dt.date(2016, 2, 1))


def test_empty_query_is_the_default_view(synthetic):
    assert view.filters_from_query(getter({}), synthetic) == view.default_filters(synthetic)
    assert view.filters_to_query(view.default_filters(synthetic)).keys() == {"start", "end"}


# ----------------------------------------------------------------------------- cache key


def test_data_signature_changes_with_the_files(tmp_path):
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / ".hidden").write_text("ignored")
    before = view.data_signature(tmp_path)
    assert [name for name, *_ in before[1]] == ["a.txt"]
    assert view.data_signature(tmp_path) == before
    stat = (tmp_path / "a.txt").stat()
    os.utime(tmp_path / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert view.data_signature(tmp_path) != before
    (tmp_path / "b.txt").write_text("two")
    assert len(view.data_signature(tmp_path)[1]) == 2


def test_data_signature_of_a_missing_path_says_which(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        view.data_signature(tmp_path / "nope.geojson")


def test_table_rows_are_the_first_events_in_view(synthetic):
    mask = np.zeros(len(synthetic), dtype=bool)
    mask[[3, 7, 11, 20]] = True
    rows = view.table_rows(synthetic, mask, limit=3)
    assert list(rows.columns) == list(view.TABLE_COLUMNS)
    assert rows["id"].tolist() == synthetic.events["id"].iloc[[3, 7, 11]].tolist()


def test_place_filter_shows_how_the_articles_write_a_place():
    from pathlib import Path

    from geo import ingest
    result = ingest(Path(__file__).resolve().parent.parent / "seeds")
    dataset = view.build_dataset(result.events, report=result.report, summary=result.summary)
    assert dataset.place_label("Tadmur") == "Tadmur (Palmyra)"
    assert dataset.place_label("Aleppo") == "Aleppo"


def test_a_folder_of_geoparquet_parts_opens_as_events_not_as_a_corpus(tmp_path):
    from pathlib import Path

    from geo.corpus.ingest import ingest_to_file

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    parts = ingest_to_file(seeds, tmp_path / "events.parquet", batch_size=2).output
    dataset = view.read_dataset(parts)
    assert len(dataset) > 50
    assert "Tadmur" in dataset.places


def test_play_steps_by_calendar_months_without_drift():
    bounds = (dt.date(2015, 1, 1), dt.date(2017, 12, 31))
    april = (dt.date(2016, 4, 1), dt.date(2016, 4, 30))
    assert view.next_window(april, bounds) == (dt.date(2016, 5, 1), dt.date(2016, 5, 31))
    window = (dt.date(2016, 1, 1), dt.date(2016, 1, 31))
    for _ in range(13):
        window = view.next_window(window, bounds, step="month")
        assert window[0].day == 1 and (window[1] + dt.timedelta(days=1)).day == 1
    assert window == (dt.date(2017, 2, 1), dt.date(2017, 2, 28))
    # Two whole months step by two; a 31-day window that is not a month steps by 31 days.
    spring = (dt.date(2016, 3, 1), dt.date(2016, 4, 30))
    assert view.next_window(spring, bounds) == (dt.date(2016, 5, 1), dt.date(2016, 6, 30))
    odd = (dt.date(2016, 4, 1), dt.date(2016, 5, 1))
    assert view.next_window(odd, bounds) == (dt.date(2016, 5, 2), dt.date(2016, 6, 1))
    assert view.next_window(odd, bounds, step="month") == (dt.date(2016, 5, 1), dt.date(2016, 6, 1))


def test_play_steps_by_a_day_or_a_week_and_stops_at_the_end():
    bounds = (day(0), day(30))
    assert view.next_window((day(0), day(9)), bounds, step="day") == (day(1), day(10))
    assert view.next_window((day(0), day(9)), bounds, step="week") == (day(7), day(16))
    assert view.next_window((day(18), day(27)), bounds, step="week") == (day(21), day(30))
    with pytest.raises(ValueError, match="'step' should be one of"):
        view.next_window((day(0), day(1)), bounds, step="fortnight")
