"""The GeoDataFrame: events as rows in the shared schema, points in EPSG:4326.

Pure and deterministic: no I/O. Dates are ISO 8601 strings (what GeoJSON and CSV carry), so a
frame read back from a file equals the one written.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.events.find import Event
from geo.schema import EVENT_PROPERTIES

__all__ = ["INT_COLUMNS", "events_to_frame", "empty_events_frame", "validate_lonlat"]

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


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


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
    }


def empty_events_frame() -> gpd.GeoDataFrame:
    """A frame with the schema's columns and no rows."""
    return events_to_frame([])


def events_to_frame(events: Sequence[Event]) -> gpd.GeoDataFrame:
    """Events as a GeoDataFrame (EPSG:4326) with exactly the schema's columns, in order."""
    rows = [_row(e) for e in events]
    geometry = []
    for e in events:
        validate_lonlat(e.place.longitude, e.place.latitude)
        geometry.append(Point(e.place.longitude, e.place.latitude))  # shapely is (x=lon, y=lat)
    frame = pd.DataFrame(rows, columns=list(EVENT_PROPERTIES))
    for column in INT_COLUMNS:
        frame[column] = pd.array(frame[column], dtype="Int64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")
