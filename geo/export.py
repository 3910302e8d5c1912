"""Export: events to RFC 7946 GeoJSON, CSV and GeoParquet, and back.

GeoJSON is written by GDAL's own RFC 7946 writer through pyogrio (lon/lat order, no ``crs``
member, 6 decimals — about 10 cm); the same frame always gives the same bytes.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.schema import EVENT_PROPERTIES, REPORT_COLUMNS

__all__ = [
    "to_geojson_bytes",
    "to_csv_bytes",
    "write_events",
    "read_events",
    "write_report",
]

_GEOJSON_OPTIONS = {"RFC7946": "YES", "COORDINATE_PRECISION": 6, "WRITE_NAME": "NO"}


def _ordered(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    extra = [c for c in events.columns if c not in EVENT_PROPERTIES and c != events.geometry.name]
    return events[[*EVENT_PROPERTIES, *extra, events.geometry.name]]


def to_geojson_bytes(events: gpd.GeoDataFrame) -> bytes:
    """A FeatureCollection of Points as RFC 7946 GeoJSON bytes (UTF-8)."""
    buffer = io.BytesIO()
    if events.empty:
        return b'{\n"type": "FeatureCollection",\n"features": [\n]\n}\n'
    frame = _ordered(events).to_crs("EPSG:4326")
    pyogrio.write_dataframe(frame, buffer, driver="GeoJSON", layer_options=_GEOJSON_OPTIONS)
    return buffer.getvalue()


def to_csv_bytes(events: gpd.GeoDataFrame) -> bytes:
    """The events as CSV: the schema's columns plus ``longitude`` and ``latitude``."""
    frame = pd.DataFrame(_ordered(events).drop(columns=events.geometry.name))
    frame["longitude"] = events.geometry.x.round(6)
    frame["latitude"] = events.geometry.y.round(6)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_events(events: gpd.GeoDataFrame, path: str | Path, *, fmt: str | None = None) -> Path:
    """Write events to ``path`` as GeoJSON (default), CSV or GeoParquet, atomically."""
    target = Path(path)
    fmt = (fmt or _format_of(target)).lower()
    if fmt in {"geojson", "json"}:
        data = to_geojson_bytes(events)
    elif fmt == "csv":
        data = to_csv_bytes(events)
    elif fmt == "parquet":
        buffer = io.BytesIO()
        _ordered(events).to_parquet(buffer, index=False)
        data = buffer.getvalue()
    else:
        raise ValueError(f"'fmt' should be one of 'geojson', 'csv' or 'parquet', got {fmt!r} instead")
    _atomic_write(target, data)
    return target


def read_events(path: str | Path) -> gpd.GeoDataFrame:
    """Events written by ``datelines ingest``: GeoJSON, CSV, GeoParquet, or a folder of partitions."""
    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(f"No events at {str(source)!r}: run `datelines ingest CORPUS -o FILE` first.")
    if source.is_dir() or source.suffix.lower() in {".parquet", ".geoparquet"}:
        frame = gpd.read_parquet(source)
    elif source.suffix.lower() == ".csv":
        frame = _read_csv(source)
    else:
        frame = gpd.read_file(source, engine="pyogrio")
    return _restore_types(frame)


#: Text columns that are null, not "", when unknown; CSV writes both as an empty field.
_NULLABLE_TEXT = ("url", "published", "date", "date_start", "date_end")


def _read_csv(source: Path) -> gpd.GeoDataFrame:
    """A CSV written by :func:`to_csv_bytes`: every field as the text written ("NaN" and "null"
    are words, not missing values), points rebuilt from ``longitude`` and ``latitude``."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in _NULLABLE_TEXT:
        if column in frame.columns:
            frame[column] = frame[column].mask(frame[column] == "", None)
    # points_from_xy takes (x=lon, y=lat)
    points = gpd.points_from_xy(
        pd.to_numeric(frame.pop("longitude")), pd.to_numeric(frame.pop("latitude")), crs="EPSG:4326"
    )
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _restore_types(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    for column in EVENT_PROPERTIES:
        if column not in frame.columns:
            frame[column] = None
    for column in ("geonameid", "fatalities", "place_char_start", "place_char_end",
                   "date_char_start", "date_char_end", "excerpt_char_start"):
        frame[column] = pd.array(pd.to_numeric(frame[column], errors="coerce"), dtype="Int64")
    for column in ("published", "date", "date_start", "date_end"):
        frame[column] = frame[column].map(_iso_text)
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return _ordered(frame)


def _iso_text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)[:10]


def write_report(report: pd.DataFrame, path: str | Path) -> Path:
    """The ingest report as CSV (one row per input: file, status, events, reason)."""
    data = report[list(REPORT_COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")
    target = Path(path)
    _atomic_write(target, data)
    return target


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"geoparquet": "parquet", "json": "geojson"}.get(suffix, suffix or "geojson")


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as fh:
        fh.write(data)
    os.replace(fh.name, target)
