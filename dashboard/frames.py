"""Play frames and coarse dates: which events are too vaguely dated for a narrow window.

An event known only as "2016" overlaps every week of 2016, so a week-by-week Play shows it in
52 frames running, as if it happened each week. With the "leave out coarse dates" option on,
an event is shown in a window only if its possible dates span no more days than the window
does: a year-dated event drops out of month and week frames, a month-dated one out of weeks.
Pure functions on :class:`dashboard.view.Dataset`; ``tests/test_frames.py`` covers them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from dashboard import view

__all__ = ["fits_frame"]


def fits_frame(dataset: view.Dataset, window: tuple[dt.date, dt.date]) -> np.ndarray:
    """One bool per event: True unless its dated interval is wider than ``window``.

    The interval is ``date_start``..``date_end`` inclusive (as the date filter reads it), so a
    day-precise event always fits and a "year of 2016" event (366 days) fits only windows of a
    year or more. Undated events are True: the "Show undated events" toggle decides for them.
    """
    start, end = sorted(window)
    width = (end - start).days + 1
    span = np.asarray(dataset.end_day) - np.asarray(dataset.start_day) + 1
    dated = np.asarray(dataset.dated)
    return ~dated | (np.where(dated, span, 0) <= width)
