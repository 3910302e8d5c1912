"""The GeoDataFrame: events as rows in the shared schema, points in EPSG:4326.

Pure and deterministic: no I/O. Dates are ISO 8601 strings (what GeoJSON and CSV carry), so a
frame read back from a file equals the one written.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from geo.events.find import Event, GroupKeys
from geo.native import by_fields
from geo.schema import EVENT_PROPERTIES

if TYPE_CHECKING:  # geopandas is imported when a frame is built: writing GeoJSON needs none
    import geopandas as gpd

__all__ = [
    "INT_COLUMNS", "EventRows", "FeatureHalves", "events_to_frame", "events_to_rows", "rows_to_frame",
    "empty_events_frame", "validate_lonlat",
]

#: The schema's whole-number columns (nullable Int64).
INT_COLUMNS = (
    "geonameid", "fatalities", "place_char_start", "place_char_end", "date_char_start",
    "date_char_end", "excerpt_char_start", "date_used_char_start", "date_used_char_end",
    "date_sentence_char_start", "date_sentence_char_end",
)


def validate_lonlat(longitude: float, latitude: float) -> None:
    """Refuse a coordinate outside the globe, quoting it (folium's validate_location habit)."""
    if not (-180.0 <= longitude <= 180.0 and -90.0 <= latitude <= 90.0):
        raise ValueError(
            f"Expected longitude in [-180, 180] and latitude in [-90, 90], "
            f"instead got: ({longitude!r}, {latitude!r})"
        )


#: ISO texts of the days written so far. An article's events repeat its few days (4 a row,
#: 47,000 in 2,000 articles), and ``date.isoformat`` formats each through
#: ``PyUnicode_FromFormat`` (47,000 calls: 13-15 ms; looked up here: 3 ms).
_ISO_DAYS: Final[dict[dt.date, str]] = {}
#: Days kept before the table starts again (two centuries of days is 73,000).
_ISO_DAYS_KEPT: Final = 100_000


def _iso(value) -> str | None:
    """``value.isoformat()``, or None for None."""
    if value is None:
        return None
    if type(value) is not dt.date:  # a datetime: equal ones may differ in their time zone
        return value.isoformat()
    text = _ISO_DAYS.get(value)
    if text is None:
        if len(_ISO_DAYS) >= _ISO_DAYS_KEPT:
            _ISO_DAYS.clear()
        text = _ISO_DAYS[value] = value.isoformat()
    return text


def _date_evidence(e: Event) -> str:
    """The sentence an event's date was read from when that is not the event's own sentence
    (``date_source`` "context" or "lead"), so a reviewer sees the evidence without the article;
    "" otherwise. ``date_used_char_*`` minus ``date_sentence_char_start`` places the expression."""
    if e.date_source not in ("context", "lead") or e.date_sentence is None:
        return ""
    start, end = e.date_sentence
    if (start, end) == (e.sentence.start, e.sentence.end):
        return ""
    return e.article.text[start:end]


def _row(e: Event) -> dict:
    a, p, d = e.article, e.place, e.date_mention
    return {
        "article": a.id,
        "title": a.title,
        "source": a.source,
        "published": _iso(a.published),
        "place": p.name,
        "country": p.country,
        "geonameid": p.geonameid,
        "date": _iso(e.date),
        "date_start": _iso(e.date_start),
        "date_end": _iso(e.date_end),
        "date_precision": e.date_precision,
        "excerpt": e.excerpt,
        "event_type": e.event_type,
        "fatalities": e.fatalities,
        "event_group": e.event_group,
        "id": e.id,
        "url": a.url,
        "place_text": p.mention.text,
        "place_char_start": p.mention.start_char,
        "place_char_end": p.mention.end_char,
        "place_precision": p.precision,
        "admin1": p.admin1,
        "date_text": d.text if d is not None else "",
        "date_char_start": d.start_char if d is not None else None,
        "date_char_end": d.end_char if d is not None else None,
        "date_source": e.date_source,
        "excerpt_char_start": e.sentence.start,
        "place_candidates": ";".join(p.candidates),
        "published_from": a.published_from,
        "event_kind": e.event_kind,
        "confidence": e.confidence,
        "review_reasons": ";".join(e.review_reasons),
        "date_used_char_start": e.date_used.start_char if e.date_used is not None else None,
        "date_used_char_end": e.date_used.end_char if e.date_used is not None else None,
        "date_sentence_char_start": e.date_sentence[0] if e.date_sentence is not None else None,
        "date_sentence_char_end": e.date_sentence[1] if e.date_sentence is not None else None,
        "place_candidates_lost": ";".join(p.lost_because),
        "date_evidence": _date_evidence(e),
    }


#: A row's values in :data:`EVENT_PROPERTIES` order, as one tuple.
_in_schema_order = operator.itemgetter(*EVENT_PROPERTIES)

#: Where each column sits in a row of :class:`EventRows`.
COLUMN_INDEX = {name: i for i, name in enumerate(EVENT_PROPERTIES)}


@dataclass(frozen=True, slots=True)
class EventRows:
    """Events as plain rows, what batches carry between processes and to the writers.

    ``rows[i]`` holds event i's properties in :data:`geo.schema.EVENT_PROPERTIES` order, as
    Python values (str, int, float or None); ``points[i]`` is its (longitude, latitude). A
    GeoDataFrame costs about a millisecond a batch to build and geopandas 0.3 s to import;
    rows pickle fast and are written as GeoJSON directly (:func:`geo.output.export.rows_features`).
    """

    rows: list[tuple]
    points: list[tuple[float, float]]

    def __len__(self) -> int:
        return len(self.rows)

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)

    def column(self, name: str) -> list:
        """One property of every event, in order."""
        i = COLUMN_INDEX[name]
        return [row[i] for row in self.rows]

    def with_column(self, name: str, values: Sequence) -> EventRows:
        """The same events with property ``name`` set to ``values`` (one per event)."""
        i = COLUMN_INDEX[name]
        return EventRows([(*row[:i], v, *row[i + 1 :]) for row, v in zip(self.rows, values)], self.points)

    @staticmethod
    def concat(parts: Sequence[EventRows]) -> EventRows:
        return EventRows([r for p in parts for r in p.rows], [xy for p in parts for xy in p.points])


@dataclass(frozen=True, slots=True)
class FeatureHalves:
    """Events already written as GeoJSON Features but for their ``event_group``: what a batch
    carries when the run writes GeoJSON (:mod:`geo.output.features`, "Halves").

    The group is decided over the whole corpus, so it is the one property a batch cannot write;
    ``keys`` and ``ids`` are what deciding it needs (:func:`geo.events.find.group_labels`).
    ``heads[i] + group + tails[i]`` is event i's Feature, ``group`` written as JSON.
    """

    keys: GroupKeys
    ids: list[str]
    heads: list[str]
    tails: list[str]

    def __len__(self) -> int:
        return len(self.heads)

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


def events_to_rows(events: Sequence[Event]) -> EventRows:
    """Events as :class:`EventRows` (coordinates checked here, once)."""
    rows, points = [], []
    for e in events:
        validate_lonlat(e.place.longitude, e.place.latitude)
        rows.append(_in_schema_order(_row(e)))
        points.append((e.place.longitude, e.place.latitude))  # (lon, lat): shapely's (x, y)
    return EventRows(rows, points)


def empty_events_frame() -> gpd.GeoDataFrame:
    """A frame with the schema's columns and no rows."""
    return rows_to_frame(EventRows([], []))


def events_to_frame(events: Sequence[Event]) -> gpd.GeoDataFrame:
    """Events as a GeoDataFrame (EPSG:4326) with exactly the schema's columns, in order."""
    return rows_to_frame(events_to_rows(events))


def rows_to_frame(events: EventRows) -> gpd.GeoDataFrame:
    """:class:`EventRows` as a GeoDataFrame (EPSG:4326), whole-number columns as Int64."""
    import geopandas as gpd
    import pandas as pd

    frame = pd.DataFrame(events.rows, columns=list(EVENT_PROPERTIES))
    for column in INT_COLUMNS:
        frame[column] = pd.array(frame[column], dtype="Int64")
    # points_from_xy takes (x=lon, y=lat), as the rows keep them
    xs = [x for x, _ in events.points]
    ys = [y for _, y in events.points]
    geometry = gpd.points_from_xy(xs, ys, crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")
