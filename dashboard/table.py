"""The events table: every event in view, sorted and paged on the server.

The browser only ever gets one page (``PAGE_SIZES``), so the table holds all the events in
view however many there are, and sorting is the server's (the browser's own column sort would
sort one page only). Pure functions: ``tests/test_table.py`` covers them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard import view

__all__ = [
    "DEFAULT_COLUMNS",
    "PAGE_SIZES",
    "SORT_KEYS",
    "page_count",
    "page_frame",
    "page_of",
    "page_rows",
    "sorted_rows",
]

#: What the table can be sorted by: label shown → column of the events (date: the best day).
SORT_KEYS: dict[str, str] = {
    "date": "date",
    "place": "place",
    "event type": "event_type",
    "fatalities": "fatalities",
    "source": "source",
    "title": "title",
}

#: Rows per page the analyst can choose.
PAGE_SIZES: tuple[int, ...] = (25, 50, 100, 250)

#: The columns shown until the analyst chooses others (all of view.TABLE_COLUMNS can be).
DEFAULT_COLUMNS: tuple[str, ...] = (
    "date",
    "place",
    "event_type",
    "fatalities",
    "source",
    "title",
    "excerpt",
)


def sorted_rows(
    dataset: view.Dataset, mask: np.ndarray, *, by: str = "date", descending: bool = False
) -> np.ndarray:
    """Positions (into ``dataset.events``) of the events in view, in table order.

    Sorted by ``by`` (a key of ``SORT_KEYS``); missing values (undated, no fatalities given)
    come last in either direction; ties keep the data set's order, so paging is stable.
    """
    if by not in SORT_KEYS:
        raise ValueError(f"'by' should be one of {list(SORT_KEYS)}, got {by!r} instead")
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    if by == "date":
        keys = pd.Series(dataset.best_day[rows], dtype="float64")
        keys[~dataset.dated[rows]] = np.nan
    else:
        values = dataset.events[SORT_KEYS[by]].iloc[rows].reset_index(drop=True)
        if by == "fatalities":
            keys = pd.to_numeric(values, errors="coerce").astype("float64")
        else:
            keys = values.astype("string").str.casefold().replace("", pd.NA)
    order = keys.sort_values(ascending=not descending, kind="stable", na_position="last").index
    return rows[order.to_numpy()]


def page_count(n_rows: int, page_size: int) -> int:
    """Pages needed for ``n_rows`` (at least one, so an empty table still has page 1)."""
    return max(1, math.ceil(n_rows / page_size))


def page_rows(rows: np.ndarray, *, page: int, page_size: int) -> np.ndarray:
    """The rows of page ``page`` (1-based, clamped to the pages there are)."""
    page = min(max(1, int(page)), page_count(len(rows), page_size))
    return rows[(page - 1) * page_size : page * page_size]


def page_of(rows: np.ndarray, position: int, *, page_size: int) -> int | None:
    """The 1-based page holding the event at ``position``, or None if it is not in ``rows``."""
    found = np.flatnonzero(rows == position)
    return None if not len(found) else int(found[0]) // page_size + 1


def page_frame(
    dataset: view.Dataset, rows: np.ndarray, *, columns: Sequence[str]
) -> pd.DataFrame:
    """The table for ``rows``: the chosen columns (in ``view.TABLE_COLUMNS`` order)."""
    unknown = [c for c in columns if c not in view.TABLE_COLUMNS]
    if unknown:
        raise ValueError(
            f"columns should be among {list(view.TABLE_COLUMNS)}, got {unknown!r} instead"
        )
    chosen = [c for c in view.TABLE_COLUMNS if c in columns] or ["date", "place"]
    return pd.DataFrame(dataset.events.iloc[rows][chosen]).reset_index(drop=True)
