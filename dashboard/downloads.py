"""What "Download" offers: the events in view, or only those inside the map's current extent,
as GeoJSON, CSV or GeoParquet. Pure functions; ``tests/test_downloads.py`` covers them."""

from __future__ import annotations

import io
from collections.abc import Callable

import geopandas as gpd
import numpy as np

from geo.output.export import to_csv_bytes, to_geojson_bytes

__all__ = ["FORMATS", "inside_extent", "to_geoparquet_bytes"]


def to_geoparquet_bytes(events: gpd.GeoDataFrame) -> bytes:
    """GeoParquet (geopandas' writer: WKB geometry, GeoParquet metadata, EPSG:4326) in memory."""
    buffer = io.BytesIO()
    events.to_parquet(buffer, index=False)
    return buffer.getvalue()


#: Format → (file extension, MIME type, writer). GeoJSON first: its button keeps its label.
FORMATS: dict[str, tuple[str, str, Callable[[gpd.GeoDataFrame], bytes]]] = {
    "GeoJSON": ("geojson", "application/geo+json", to_geojson_bytes),
    "CSV": ("csv", "text/csv", to_csv_bytes),
    "GeoParquet": ("parquet", "application/vnd.apache.parquet", to_geoparquet_bytes),
}


def inside_extent(
    events: gpd.GeoDataFrame, extent: tuple[float, float, float, float]
) -> np.ndarray:
    """True where an event's point lies in ``(west, south, east, north)`` (degrees, edges in).

    Longitudes outside ±180 (a map panned round the world) are wrapped; an extent 360° wide or
    more holds every longitude; ``west > east`` after wrapping crosses the antimeridian.
    Events without a point are never inside.
    """
    west, south, east, north = (float(v) for v in extent)
    geoms = events.geometry
    present = (geoms.notna() & ~geoms.is_empty).to_numpy()
    # shapely points are (x=lon, y=lat)
    lon = np.where(present, geoms.x.to_numpy(dtype=float, na_value=np.nan), np.nan)
    lat = np.where(present, geoms.y.to_numpy(dtype=float, na_value=np.nan), np.nan)
    with np.errstate(invalid="ignore"):
        in_lat = (lat >= south) & (lat <= north)
        if east - west >= 360:
            in_lon = np.isfinite(lon)
        else:
            w, e = ((west + 180) % 360) - 180, ((east + 180) % 360) - 180
            in_lon = (lon >= w) & (lon <= e) if w <= e else (lon >= w) | (lon <= e)
    return np.asarray(present & in_lat & in_lon, dtype=bool)
