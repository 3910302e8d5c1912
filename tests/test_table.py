"""The events table's server-side sorting and paging (dashboard.table), without Streamlit."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_events import synthetic_events  # noqa: E402
from dashboard import table, view  # noqa: E402


@pytest.fixture(scope="module")
def dataset():
    events = synthetic_events(400, seed=7, hostile_every=0)
    events["date"] = events["date"].astype(object)
    events.loc[[5, 17], ["date", "date_start", "date_end"]] = None  # two undated events
    events.loc[[5, 17], "date_precision"] = "undated"
    return view.build_dataset(events)


def test_every_event_in_view_is_in_the_table_once(dataset):
    mask = np.zeros(len(dataset), dtype=bool)
    mask[::3] = True
    rows = table.sorted_rows(dataset, mask)
    assert sorted(rows.tolist()) == np.flatnonzero(mask).tolist()


def test_by_date_oldest_first_with_undated_last(dataset):
    mask = np.ones(len(dataset), dtype=bool)
    undated = set(np.flatnonzero(~dataset.dated).tolist())
    assert {5, 17} <= undated
    k = len(undated)
    rows = table.sorted_rows(dataset, mask)
    assert (np.diff(dataset.best_day[rows[:-k]]) >= 0).all()
    assert set(rows[-k:].tolist()) == undated
    newest = table.sorted_rows(dataset, mask, descending=True)
    assert (np.diff(dataset.best_day[newest[:-k]]) <= 0).all()
    assert set(newest[-k:].tolist()) == undated  # missing dates stay last


def test_ties_keep_the_data_sets_order(dataset):
    mask = np.ones(len(dataset), dtype=bool)
    rows = table.sorted_rows(dataset, mask, by="place")
    places = dataset.events["place"].iloc[rows].str.casefold().tolist()
    assert places == sorted(places)
    for place in set(places):
        same = rows[np.array(places) == place]
        assert (np.diff(same) > 0).all()


def test_fatalities_sort_numerically(dataset):
    mask = np.ones(len(dataset), dtype=bool)
    rows = table.sorted_rows(dataset, mask, by="fatalities", descending=True)
    values = pd.to_numeric(dataset.events["fatalities"].iloc[rows], errors="coerce").dropna()
    assert (np.diff(values.to_numpy()) <= 0).all()


def test_an_unknown_sort_key_says_which_there_are(dataset):
    with pytest.raises(ValueError, match="'by' should be one of .*'date'.*got 'colour'"):
        table.sorted_rows(dataset, np.ones(len(dataset), dtype=bool), by="colour")


def test_pages_cover_the_rows_and_clamp():
    rows = np.arange(120)
    assert table.page_count(120, 50) == 3 and table.page_count(0, 50) == 1
    pages = [table.page_rows(rows, page=p, page_size=50) for p in (1, 2, 3)]
    assert np.concatenate(pages).tolist() == rows.tolist()
    assert table.page_rows(rows, page=9, page_size=50).tolist() == pages[2].tolist()
    assert table.page_rows(rows, page=0, page_size=50).tolist() == pages[0].tolist()
    assert table.page_of(rows, 75, page_size=50) == 2
    assert table.page_of(rows, 500, page_size=50) is None


def test_page_frame_keeps_the_table_order_of_columns(dataset):
    frame = table.page_frame(dataset, np.array([3, 1]), columns=["excerpt", "date", "id"])
    assert list(frame.columns) == ["date", "excerpt", "id"]
    assert frame["id"].tolist() == dataset.events["id"].iloc[[3, 1]].tolist()
    with pytest.raises(ValueError, match="got \\['colour'\\]"):
        table.page_frame(dataset, np.array([1]), columns=["colour"])
