"""What the dashboard shows, as pure functions: the data set, the filter, the timeline, the link.

Streamlit only appears in the two cached loaders at the bottom; everything else takes plain
values and returns plain values, so ``tests/test_view.py`` covers it without a browser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.schema import EVENT_PROPERTIES, REPORT_COLUMNS, REVIEW_PROPERTIES

__all__ = [
    "Dataset",
    "Filters",
    "QUERY_KEYS",
    "TABLE_COLUMNS",
    "build_dataset",
    "combine_datasets",
    "data_signature",
    "default_filters",
    "events_fingerprint",
    "event_mask",
    "events_in_view",
    "filters_from_query",
    "filters_to_query",
    "read_filters",
    "load_dataset",
    "read_dataset",
    "table_rows",
    "next_window",
    "PLAY_STEPS",
    "timeline_counts",
    "timeline_freq",
    "window_from_brush",
    "window_mask",
]

_EPOCH = dt.date(1970, 1, 1)
#: Day number used for "no date": far outside any real window.
_NO_DAY = np.iinfo(np.int64).min // 2

#: The query-string keys that make a view shareable, in the order they appear in a link.
QUERY_KEYS: tuple[str, ...] = ("start", "end", "place", "type", "source", "q", "undated")

#: The columns of the events table, in the order an analyst reads them.
TABLE_COLUMNS: tuple[str, ...] = (
    "date",
    "date_precision",
    "place",
    "place_text",
    "country",
    "event_type",
    "fatalities",
    "title",
    "source",
    "excerpt",
    "article",
    "id",
)

#: Up to this many days of data the timeline counts per day, past it per week.
DAILY_TIMELINE_MAX_DAYS = 120
#: Past this many days of data the timeline counts per calendar month (weeks would be hairlines).
WEEKLY_TIMELINE_MAX_DAYS = 1100


# --------------------------------------------------------------------------- data set


@dataclass(frozen=True, eq=False)
class Dataset:
    """Events plus the arrays the filter needs, computed once per data set.

    Shared between sessions through ``st.cache_resource``: treat every member as read-only
    (the numpy arrays are flagged non-writeable).
    """

    events: gpd.GeoDataFrame
    report: pd.DataFrame
    summary: Mapping[str, Any]
    #: First and last day each event could be on (days since 1970-01-01); ``_NO_DAY`` if undated.
    start_day: np.ndarray
    end_day: np.ndarray
    #: True where the event has a date.
    dated: np.ndarray
    #: The event's best single day (for the timeline); ``_NO_DAY`` if undated.
    best_day: np.ndarray
    #: Title, excerpt, place and the place as written, case-folded: one string per event, for
    #: the text filter.
    search_text: pd.Series
    #: Sorted distinct values offered by the place / event type / source filters.
    places: tuple[str, ...] = field(default=())
    event_types: tuple[str, ...] = field(default=())
    sources: tuple[str, ...] = field(default=())
    #: How the place filter shows each place: the gazetteer's name, with the way the articles
    #: most often write it when that differs ("Tadmur (Palmyra)").
    place_labels: dict[str, str] = field(default_factory=dict)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of every value of ``events`` (:func:`events_fingerprint`), computed once.

        The map's payload is published under it; a data set read back from the disk cache
        (``dashboard.article_cache``) carries it, so a new server does not hash 36,000 events
        again before drawing the map. (A cached_property writes the instance's ``__dict__``,
        which a frozen dataclass allows, and pickles with it.)
        """
        return events_fingerprint(self.events)

    def place_label(self, place: str) -> str:
        """The label of a place in the place filter."""
        return self.place_labels.get(place, place)

    def __len__(self) -> int:
        return len(self.events)

    @property
    def first_day(self) -> dt.date | None:
        """The earliest day any dated event could be on, or None with no dated event."""
        return _to_date(int(self.start_day[self.dated].min())) if self.dated.any() else None

    @property
    def last_day(self) -> dt.date | None:
        """The latest day any dated event could be on, or None with no dated event."""
        return _to_date(int(self.end_day[self.dated].max())) if self.dated.any() else None

    def bounds(self, *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """The slider's range: first to last day, widened to two days when they coincide.

        With no dated event at all it is the week up to ``today`` (default: the clock's).
        """
        first, last = self.first_day, self.last_day
        if first is None or last is None:
            last = today or dt.date.today()
            first = last - dt.timedelta(days=7)
        if last <= first:
            last = first + dt.timedelta(days=1)
        return first, last


def events_fingerprint(events: gpd.GeoDataFrame) -> str:
    """A digest of every value in ``events`` (columns, values, geometry), in row order."""
    digest = hashlib.sha256()
    frame = pd.DataFrame(events.drop(columns=events.geometry.name))
    digest.update(repr(list(frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame.astype(object), index=False).to_numpy().tobytes())
    digest.update(b"".join(wkb or b"" for wkb in events.geometry.to_wkb()))
    return digest.hexdigest()


def _day_numbers(values: pd.Series) -> np.ndarray:
    """ISO date strings / dates / timestamps → days since 1970-01-01 (``_NO_DAY`` for null)."""
    parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=False)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    days = parsed.dt.floor("D").to_numpy(dtype="datetime64[D]", na_value=np.datetime64("NaT"))
    out = days.astype("int64")
    out[np.isnat(days)] = _NO_DAY
    return out


def _to_date(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=day)


def _to_day(day: dt.date) -> int:
    return (day - _EPOCH).days


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _options(values: pd.Series) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values.dropna().unique() if str(v) != ""}))


def build_dataset(
    events: gpd.GeoDataFrame,
    *,
    report: pd.DataFrame | None = None,
    summary: Mapping[str, Any] | None = None,
) -> Dataset:
    """Wrap events (``EVENT_PROPERTIES`` + geometry) with the arrays the filter needs.

    An event's interval is ``date_start``..``date_end``; where one end is missing the other (or
    ``date``) stands in, so an event with any date is dated. ``events`` must not be changed
    afterwards: the dataset keeps a reference, not a copy.
    """
    missing = [name for name in EVENT_PROPERTIES if name not in events.columns]
    if missing:
        raise ValueError(
            f"events should have every column of geo.schema.EVENT_PROPERTIES, "
            f"missing {missing!r}: write them with `datelines ingest`"
        )
    start = _day_numbers(events["date_start"])
    end = _day_numbers(events["date_end"])
    best = _day_numbers(events["date"])
    # Fill a missing end from the other end, then from the best day.
    for target, fallbacks in ((start, (end, best)), (end, (start, best)), (best, (start,))):
        for other in fallbacks:
            gap = target == _NO_DAY
            target[gap] = other[gap]
    swapped = start > end
    start[swapped], end[swapped] = end[swapped], start[swapped].copy()
    dated = start != _NO_DAY

    def folded(name: str) -> pd.Series:
        return events[name].astype("string").fillna("").str.casefold()

    search_text = (
        folded("title")
        + "\x1f"
        + folded("excerpt")
        + "\x1f"
        + folded("place")
        + "\x1f"
        + folded("place_text")
    )
    if report is None:
        report = pd.DataFrame({name: pd.Series(dtype="object") for name in REPORT_COLUMNS})
    return Dataset(
        events=events,
        report=report,
        summary=dict(summary or {"events": len(events)}),
        start_day=_frozen(start),
        end_day=_frozen(end),
        dated=_frozen(dated),
        best_day=_frozen(best),
        search_text=search_text.reset_index(drop=True),
        places=_options(events["place"]),
        event_types=_options(events["event_type"]),
        sources=_options(events["source"]),
        place_labels=_place_labels(events),
    )


def _place_labels(events: pd.DataFrame) -> dict[str, str]:
    """Gazetteer name -> "Name (as written)", for places the articles spell otherwise."""
    if not len(events):
        return {}
    written = events[~events["place_text"].astype("string").fillna("").str.lower().str.startswith("the ")]
    labels: dict[str, str] = {}
    for place, texts in written.groupby("place", sort=True)["place_text"]:
        common = texts.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[0]
        if str(common).casefold() != str(place).casefold():
            labels[str(place)] = f"{place} ({common})"
    return labels


def combine_datasets(base: Dataset, extra: Dataset) -> Dataset:
    """One data set holding ``base``'s events then ``extra``'s (for one session's uploads)."""
    if len(extra) == 0 and len(extra.report) == 0:
        return base
    events = pd.concat([base.events, extra.events], ignore_index=True)
    events = gpd.GeoDataFrame(events, geometry="geometry", crs=base.events.crs or "EPSG:4326")
    report = pd.concat([base.report, extra.report], ignore_index=True)
    summary = dict(base.summary)
    summary["uploaded"] = dict(extra.summary)
    return build_dataset(events, report=report, summary=summary)


# --------------------------------------------------------------------------- filter


@dataclass(frozen=True)
class Filters:
    """One analyst's view: a date window (inclusive days) and optional narrowing filters."""

    start: dt.date
    end: dt.date
    show_undated: bool = False
    places: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    text: str = ""


def default_filters(dataset: Dataset) -> Filters:
    """The whole time span, nothing else narrowed."""
    start, end = dataset.bounds()
    return Filters(start=start, end=end)


def window_mask(
    start_day: np.ndarray,
    end_day: np.ndarray,
    dated: np.ndarray,
    window: tuple[dt.date, dt.date],
    *,
    show_undated: bool,
) -> np.ndarray:
    """True where an event's interval overlaps the inclusive window; undated ones if asked.

    Two inclusive intervals [s, e] and [lo, hi] overlap exactly when s <= hi and e >= lo.
    """
    lo, hi = (_to_day(d) for d in window)
    if lo > hi:
        lo, hi = hi, lo
    overlaps = dated & (start_day <= hi) & (end_day >= lo)
    if show_undated:
        overlaps |= ~dated
    return overlaps


def _isin(values: pd.Series, chosen: Sequence[str]) -> np.ndarray:
    return values.astype("string").isin(list(chosen)).to_numpy(dtype=bool, na_value=False)


def event_mask(dataset: Dataset, filters: Filters, *, use_window: bool = True) -> np.ndarray:
    """Boolean mask over ``dataset.events``: the events this view shows.

    Empty place / type / source selections mean "any". ``text`` matches case-insensitively
    anywhere in the title, excerpt or place (the gazetteer's name or the article's).
    ``use_window=False`` skips the date window but keeps the undated rule (the timeline counts
    everything else the analyst narrowed to).
    """
    events = dataset.events
    if use_window:
        mask = window_mask(
            dataset.start_day,
            dataset.end_day,
            dataset.dated,
            (filters.start, filters.end),
            show_undated=filters.show_undated,
        )
    else:
        mask = dataset.dated | filters.show_undated
        mask = np.array(mask, dtype=bool, copy=True)
    if filters.places:
        mask &= _isin(events["place"], filters.places)
    if filters.event_types:
        mask &= _isin(events["event_type"], filters.event_types)
    if filters.sources:
        mask &= _isin(events["source"], filters.sources)
    needle = filters.text.strip().casefold()
    if needle:
        mask &= dataset.search_text.str.contains(needle, regex=False).to_numpy(
            dtype=bool, na_value=False
        )
    return mask


def events_in_view(dataset: Dataset, mask: np.ndarray) -> gpd.GeoDataFrame:
    """The events the mask selects, in the data set's order, schema columns + geometry only."""
    selected = dataset.events.loc[np.asarray(mask, dtype=bool)]
    reviewed = [c for c in REVIEW_PROPERTIES if c in selected.columns]  # with a review applied
    return selected[[*EVENT_PROPERTIES, *reviewed, "geometry"]].reset_index(drop=True)


def table_rows(dataset: Dataset, mask: np.ndarray, *, limit: int) -> pd.DataFrame:
    """The first ``limit`` events in view, ``TABLE_COLUMNS`` only, as a plain DataFrame."""
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))[:limit]
    return pd.DataFrame(dataset.events.iloc[rows][list(TABLE_COLUMNS)]).reset_index(drop=True)


#: How Play can step the window: a day, a week, a calendar month, or the window's own width.
PLAY_STEPS: tuple[str, ...] = ("window", "day", "week", "month")


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by calendar months; a month's last day stays a month's last day (so
    31 Jan → 28 Feb → 31 Mar, never 28 Mar: no drift), other days clamp to the month."""
    index = day.year * 12 + day.month - 1 + months
    first = dt.date(index // 12, index % 12 + 1, 1)
    if day == _month_end(day):
        return _month_end(first)
    return first.replace(day=min(day.day, _month_end(first).day))


def _whole_months(window: tuple[dt.date, dt.date]) -> int:
    """How many calendar months the window spans exactly (1 Apr–31 May: 2), else 0."""
    start, end = window
    if start.day != 1 or end != _month_end(end):
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def next_window(
    window: tuple[dt.date, dt.date],
    bounds: tuple[dt.date, dt.date],
    *,
    step: str = "window",
) -> tuple[dt.date, dt.date]:
    """The window one step later (Play), clamped to ``bounds``; unchanged at the end.

    ``step`` is one of ``PLAY_STEPS``: ``"window"`` moves by the window's width — by calendar
    months when the window is whole months (1–30 Apr → 1–31 May, not 1–30 May), ``"month"`` by
    one calendar month, ``"day"`` and ``"week"`` by 1 and 7 days. The width is kept where the
    end of the data allows it.
    """
    if step not in PLAY_STEPS:
        raise ValueError(f"'step' should be one of {list(PLAY_STEPS)}, got {step!r} instead")
    start, end = window
    first, last = bounds
    if end >= last:
        return window
    months = {"month": 1, "window": _whole_months(window)}.get(step, 0)
    if months:
        new_start, new_end = _add_months(start, months), _add_months(end, months)
        if _whole_months(window):
            new_end = _month_end(_add_months(new_start, months - 1))
    else:
        days = {"day": 1, "week": 7}.get(step, (end - start).days + 1)
        new_start, new_end = start + dt.timedelta(days=days), end + dt.timedelta(days=days)
    if new_end > last:  # the last step: as wide as before, ending on the last day
        new_start = max(first, new_start - (new_end - last))
        new_end = last
    return max(first, new_start), new_end


# --------------------------------------------------------------------------- timeline


def timeline_freq(bounds: tuple[dt.date, dt.date]) -> Literal["day", "week", "month"]:
    """Per day for a short span (up to ``DAILY_TIMELINE_MAX_DAYS``), per week up to
    ``WEEKLY_TIMELINE_MAX_DAYS`` (about three years), per calendar month past it."""
    span = (bounds[1] - bounds[0]).days + 1
    if span <= DAILY_TIMELINE_MAX_DAYS:
        return "day"
    return "week" if span <= WEEKLY_TIMELINE_MAX_DAYS else "month"


def window_from_brush(
    interval: Sequence[Any] | None, bounds: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date] | None:
    """The window a brush on the timeline selects, clamped to ``bounds``; None if it is empty.

    Vega-Lite reports a temporal interval as two epoch milliseconds (or ISO strings); the
    window runs from the day the brush starts on to the day it ends on.
    """
    if not interval or len(interval) != 2:
        return None
    days = []
    for value in interval:
        if isinstance(value, (int, float)) and np.isfinite(value):
            stamp = pd.Timestamp(int(value), unit="ms")
        else:
            stamp = pd.to_datetime(str(value), errors="coerce")
        if pd.isna(stamp):
            return None
        days.append(stamp.date())
    start, end = sorted(days)
    start = min(max(start, bounds[0]), bounds[1])
    end = min(max(end, bounds[0]), bounds[1])
    return (start, max(start, end))


def timeline_counts(
    dataset: Dataset,
    mask: np.ndarray,
    window: tuple[dt.date, dt.date],
    *,
    freq: Literal["day", "week", "month"],
) -> pd.DataFrame:
    """Events per day, (Monday-starting) week or calendar month, each counted on its best day.

    Returns one row per bin from the first to the last bin of the data set (empty bins
    included) with columns ``bin_start`` (date), ``bin_end`` (date), ``events`` (int) and
    ``in_window`` (bool: the bin overlaps the window). ``mask`` selects the events to count;
    undated ones are never counted.
    """
    columns = {"bin_start": [], "bin_end": [], "events": [], "in_window": []}
    if freq not in ("day", "week", "month"):
        raise ValueError(
            f"'freq' should be one of 'day', 'week' or 'month', got {freq!r} instead"
        )
    first, last = dataset.first_day, dataset.last_day
    if first is None or last is None:
        return pd.DataFrame(columns)
    if freq == "month":
        return _monthly_counts(dataset, mask, window, first, last)
    step = 1 if freq == "day" else 7
    # 1970-01-01 was a Thursday: day d is weekday (d + 3) % 7, Monday = 0.
    origin = _to_day(first)
    if freq == "week":
        origin -= (origin + 3) % 7
    n_bins = (_to_day(last) - origin) // step + 1
    counted = np.asarray(mask, dtype=bool) & dataset.dated
    bins = (dataset.best_day[counted] - origin) // step
    bins = np.clip(bins, 0, n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    starts = origin + step * np.arange(n_bins)
    ends = starts + step - 1
    lo, hi = sorted(_to_day(d) for d in window)
    return pd.DataFrame(
        {
            "bin_start": [_to_date(int(s)) for s in starts],
            "bin_end": [_to_date(int(e)) for e in ends],
            "events": counts.astype("int64"),
            "in_window": (starts <= hi) & (ends >= lo),
        }
    )


def _monthly_counts(
    dataset: Dataset,
    mask: np.ndarray,
    window: tuple[dt.date, dt.date],
    first: dt.date,
    last: dt.date,
) -> pd.DataFrame:
    """:func:`timeline_counts` per calendar month (numpy's datetime64[M] does the calendar)."""
    first_month = np.datetime64(first, "M")
    months = np.arange(first_month, np.datetime64(last, "M") + 1)
    counted = np.asarray(mask, dtype=bool) & dataset.dated
    best = dataset.best_day[counted].astype("datetime64[D]").astype("datetime64[M]")
    bins = np.clip((best - first_month).astype("int64"), 0, len(months) - 1)
    counts = np.bincount(bins, minlength=len(months))
    starts = months.astype("datetime64[D]")
    ends = (months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    lo, hi = sorted(np.datetime64(d, "D") for d in window)
    return pd.DataFrame(
        {
            "bin_start": [d.item() for d in starts],
            "bin_end": [d.item() for d in ends],
            "events": counts.astype("int64"),
            "in_window": (starts <= hi) & (ends >= lo),
        }
    )


# --------------------------------------------------------------------------- query string


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def filters_from_query(
    get_all: Callable[[str], list[str]], dataset: Dataset, *, default: Filters | None = None
) -> Filters:
    """A view from the query string (``start``, ``end``, ``place``, ``type``, ``source``, ``q``).

    ``get_all(key)`` returns every value of a key (``st.query_params.get_all``). Values that do
    not fit this data set — unparseable dates, dates outside it, unknown places — are dropped,
    keeping the default, so an old link still opens. :func:`read_filters` also says which.
    """
    return read_filters(get_all, dataset, default=default)[0]


def read_filters(
    get_all: Callable[[str], list[str]], dataset: Dataset, *, default: Filters | None = None
) -> tuple[Filters, list[str]]:
    """:func:`filters_from_query` plus one sentence per value of the link that was not applied.

    The app shows those sentences as a warning: a link that silently shows everything would
    let an analyst read the wrong events as the ones a colleague meant.
    """
    view = default or default_filters(dataset)
    bounds = dataset.bounds()
    warnings: list[str] = []
    start = _link_day(get_all, "start", view.start, bounds, warnings)
    end = _link_day(get_all, "end", view.end, bounds, warnings)
    if start > end:
        start, end = end, start

    def known(key: str, options: tuple[str, ...], fallback: tuple[str, ...]) -> tuple[str, ...]:
        return _link_values(get_all, key, options, fallback, warnings)

    text_values = get_all("q")
    undated_values = get_all("undated")
    filters = replace(
        view,
        start=start,
        end=end,
        places=known("place", dataset.places, view.places),
        event_types=known("type", dataset.event_types, view.event_types),
        sources=known("source", dataset.sources, view.sources),
        text=text_values[-1][:200] if text_values else view.text,
        show_undated=(undated_values[-1] in {"1", "true", "yes"})
        if undated_values
        else view.show_undated,
    )
    return filters, warnings


def _link_day(
    get_all: Callable[[str], list[str]],
    key: str,
    fallback: dt.date,
    bounds: tuple[dt.date, dt.date],
    warnings: list[str],
) -> dt.date:
    """A date of the link, clamped to the data; a bad or clamped one adds a warning."""
    values = get_all(key)
    if not values:
        return fallback
    parsed = _parse_date(values[-1])
    if parsed is None:
        warnings.append(
            f"The link's {key} date {values[-1][:40]!r} is not a date like 2016-03-01: "
            f"{fallback:%Y-%m-%d} is used instead."
        )
        return fallback
    first, last = bounds
    clamped = min(max(parsed, first), last)
    if clamped != parsed:
        warnings.append(
            f"The link's {key} date {parsed:%Y-%m-%d} is outside the data "
            f"({first:%Y-%m-%d} to {last:%Y-%m-%d}): {clamped:%Y-%m-%d} is used instead."
        )
    return clamped


def _link_values(
    get_all: Callable[[str], list[str]],
    key: str,
    options: tuple[str, ...],
    fallback: tuple[str, ...],
    warnings: list[str],
) -> tuple[str, ...]:
    """The link's values of a filter that this data set has; the others add a warning."""
    values = get_all(key)
    if not values:
        return fallback
    allowed = set(options)
    unknown = [v for v in dict.fromkeys(values) if v not in allowed]
    if unknown:
        shown = ", ".join(repr(v[:60]) for v in unknown[:5])
        warnings.append(
            f"The link's {_KEY_NAMES[key]} {shown} {'is' if len(unknown) == 1 else 'are'} "
            f"not in this data set: left out of the filter."
        )
    return tuple(dict.fromkeys(v for v in values if v in allowed))


_KEY_NAMES = {"place": "place(s)", "type": "event type(s)", "source": "source(s)"}


def filters_to_query(filters: Filters) -> dict[str, str | list[str]]:
    """The query string for a view: only keys that carry something (no empty ``q=``)."""
    query: dict[str, str | list[str]] = {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
    }
    if filters.places:
        query["place"] = list(filters.places)
    if filters.event_types:
        query["type"] = list(filters.event_types)
    if filters.sources:
        query["source"] = list(filters.sources)
    if filters.text.strip():
        query["q"] = filters.text.strip()
    if filters.show_undated:
        query["undated"] = "1"
    return query


# --------------------------------------------------------------------------- loading


def data_signature(path: str | Path) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """``(resolved path, ((name, mtime_ns, size), ...))``: changes when any input changes.

    For a folder every regular, non-hidden file in it or its (non-hidden) subfolders counts, so
    adding, editing or removing an article anywhere in the corpus makes a new cache key.
    """
    resolved = Path(path).expanduser().resolve()
    if resolved.is_dir():
        # The walk ingest makes (no folder links, unreadable folders skipped), with os.scandir
        # and strings rather than a Path per file: it runs on every rerun, slider moves
        # included (4,000 files: 0.14 s -> 0.05 s).
        entries: list[tuple[str, int, int]] = []
        pending = [(str(resolved), "")]
        while pending:
            folder, prefix = pending.pop()
            try:
                listing = list(os.scandir(folder))
            except OSError:
                continue
            for entry in listing:
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file():
                    stat = entry.stat()
                    entries.append((prefix + entry.name, stat.st_mtime_ns, stat.st_size))
        return str(resolved), tuple(sorted(entries))
    stat = resolved.stat()  # FileNotFoundError says which path
    return str(resolved), ((resolved.name, stat.st_mtime_ns, stat.st_size),)


def _read(
    path: str, *, on_progress: Callable[[int, int, str], None] | None = None, cached: bool = False
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, dict[str, Any]]:
    """Ingest a corpus folder, or read an events file written by ``datelines ingest``.

    ``cached=True`` reuses each article's earlier result from the disk cache
    (``dashboard.article_cache``) and reports progress to ``on_progress(done, total, what)``.
    """
    source = Path(path)
    if source.is_dir() and not _is_partitioned_events(source):
        if cached:
            from dashboard.article_cache import cached_ingest

            result = cached_ingest(source, on_progress=on_progress)
        else:
            from geo import ingest
            result = ingest(source)
        from geo.output.export import check_events

        events, problems = check_events(result.events)  # e.g. a date in the text the timeline cannot hold
        return events, result.report, {**result.summary, "problems": problems}
    if source.suffix.lower() in {".geojson", ".json", ".parquet", ".geoparquet"} or source.is_dir():
        from geo.output.export import read_checked_events

        # A file may be hand-made: what the map cannot show is dropped, and the page says why.
        events, problems = read_checked_events(source)
        summary = {"file": source.name, "events": len(events), "problems": problems}
        return events, None, summary
    raise ValueError(
        f"--data should be a folder of articles, a .geojson/.parquet events file or a folder "
        f"of GeoParquet parts, "
        f"got {str(source)!r} instead"
    )


def _is_partitioned_events(folder: Path) -> bool:
    """A folder of GeoParquet part files (``datelines ingest -o events.parquet``), not articles."""
    if folder.suffix.lower() in {".parquet", ".geoparquet"}:
        return True
    names = [p.suffix.lower() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return bool(names) and all(suffix == ".parquet" for suffix in names)


def read_dataset(path: str | Path) -> Dataset:
    """The data set at ``path``, read now and not cached (one session's uploads)."""
    events, report, summary = _read(str(Path(path)))
    return build_dataset(events, report=report, summary=summary)


def load_dataset(
    path: str | Path, *, on_progress: Callable[[int, int, str], None] | None = None
) -> Dataset:
    """The data set at ``path``: ingested (folder) or read (file) once, then shared.

    Kept in this process by path and every file's mtime and size (``data_signature``), so a
    rerun or another session costs nothing; the finished data set is kept on disk under the
    same key (``dashboard.dataset_cache``), so a new server opening an unchanged path reads one
    file; a folder's articles are also cached on disk one by one (``dashboard.article_cache``),
    so a changed folder processes only the articles that changed. ``on_progress(done, total,
    what)`` hears how an ingest goes (never on a hit). This is a plain cache rather than
    ``st.cache_resource`` because Streamlit's caches refuse a function that updates a progress
    bar made outside it. Callers must not modify the result.
    """
    key = data_signature(path)
    with _LOAD_LOCK:  # one ingest at a time; a second session then finds it loaded
        found = _LOADED.get(key)
        if found is None:
            from dashboard import dataset_cache

            found = dataset_cache.load_snapshot(key)
            if found is None:
                events, report, summary = _read(key[0], on_progress=on_progress, cached=True)
                found = build_dataset(events, report=report, summary=summary)
                dataset_cache.store_snapshot(key, found)
            _LOADED[key] = found
            while len(_LOADED) > _LOADED_MAX:
                _LOADED.pop(next(iter(_LOADED)))  # the oldest
        return found


_LOADED: dict[tuple, Dataset] = {}
_LOADED_MAX = 4
_LOAD_LOCK = threading.Lock()
