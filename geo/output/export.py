"""Export: events to RFC 7946 GeoJSON, CSV and GeoParquet, and back.

GeoJSON: a FeatureCollection of Points, lon/lat order, no ``crs`` member, 6 decimals (about
10 cm), one feature a line. It is serialised here rather than by GDAL's writer because a run
over a large corpus writes its events part by part as it goes, and GDAL's GeoJSON driver
cannot append to a FeatureCollection; the same events always give the same bytes, whether
written whole or in parts. Reading goes through pyogrio.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import json
import math
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from geo.output.features import ENCODER, rows_features
from geo.output.frame import INT_COLUMNS, EventRows, rows_to_frame
from geo.schema import EVENT_PROPERTIES, REPORT_COLUMNS

if TYPE_CHECKING:  # imported where used: writing GeoJSON from rows needs neither
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "to_geojson_bytes",
    "to_csv_bytes",
    "write_events",
    "write_events_parts",
    "write_rows_parts",
    "write_features",
    "writes_geojson",
    "rows_features",
    "write_events_parquet",
    "read_events",
    "write_report",
    "sweep_debris",
    "check_events",
    "read_checked_events",
    "spool_folder",
]

_GEOJSON_HEAD = '{"type": "FeatureCollection", "features": [\n'
_GEOJSON_TAIL = "\n]}\n"
_PART_NAME = "part-{:05d}.parquet"


def _ordered(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    extra = [c for c in events.columns if c not in EVENT_PROPERTIES and c != events.geometry.name]
    return events[[*EVENT_PROPERTIES, *extra, events.geometry.name]]


_PANDAS_MISSING = frozenset({"NAType", "NaTType"})


def _plain(value):
    """A property value as JSON has it: missing values become null, numpy scalars Python's."""
    if value is None or type(value).__name__ in _PANDAS_MISSING:  # pd.NA, pd.NaT (pandas unimported)
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def geojson_features(events: gpd.GeoDataFrame) -> Iterator[str]:
    """Each event as one GeoJSON Feature (a line of text, no trailing comma)."""
    frame = _ordered(events)
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    xs, ys = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    for values, x, y in zip(frame[columns].itertuples(index=False, name=None), xs, ys):
        properties = {c: _plain(v) for c, v in zip(columns, values)}
        # RFC 7946 positions are [longitude, latitude]: shapely's x is the longitude.
        geometry = {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]}
        yield ENCODER.encode({"type": "Feature", "properties": properties, "geometry": geometry})


def write_rows_parts(parts: Iterable[EventRows], path: str | Path, *, fmt: str | None = None) -> Path:
    """:func:`write_events_parts` for events as rows: GeoJSON is written straight from them
    (no GeoDataFrame, no geopandas), CSV and GeoParquet through a frame per part."""
    target = Path(path)
    if not writes_geojson(target, fmt):
        return write_events_parts((rows_to_frame(p) for p in parts), target, fmt=fmt)
    return write_features((rows_features(part) for part in parts), target)


def write_features(parts: Iterable[Iterable[str]], path: str | Path) -> Path:
    """A GeoJSON FeatureCollection of Features already written as text (one JSON object a
    feature, :mod:`geo.output.features`), part by part, one feature a line."""
    target = Path(path)
    with _atomic_file(target) as fh:
        _write_feature_collection(fh, parts)
    return target


def writes_geojson(path: str | Path, fmt: str | None = None) -> bool:
    """Whether events written to ``path`` (in ``fmt``, or as its suffix says) are GeoJSON."""
    return (fmt or _format_of(Path(path))).lower() in {"geojson", "json"}


def _write_feature_collection(fh: BinaryIO, parts: Iterable[Iterable[str]]) -> None:
    """A FeatureCollection of the features' JSON texts, part by part, one feature a line:
    byte-identical however the features are split into parts."""
    fh.write(_GEOJSON_HEAD.encode())
    separator = b""
    for features in parts:
        for feature in features:
            fh.write(separator + feature.encode("utf-8"))
            separator = b",\n"
    fh.write(_GEOJSON_TAIL.encode())


def to_geojson_bytes(events: gpd.GeoDataFrame) -> bytes:
    """A FeatureCollection of Points as RFC 7946 GeoJSON bytes (UTF-8)."""
    return (_GEOJSON_HEAD + ",\n".join(geojson_features(events)) + _GEOJSON_TAIL).encode("utf-8")


def to_csv_bytes(events: gpd.GeoDataFrame, *, header: bool = True) -> bytes:
    """The events as CSV: the schema's columns plus ``longitude`` and ``latitude``."""
    import pandas as pd

    frame = pd.DataFrame(_ordered(events).drop(columns=events.geometry.name))
    frame["longitude"] = events.geometry.x.round(6)
    frame["latitude"] = events.geometry.y.round(6)
    return frame.to_csv(index=False, header=header, lineterminator="\n").encode("utf-8")


def write_events_parts(parts: Iterable[gpd.GeoDataFrame], path: str | Path, *, fmt: str | None = None) -> Path:
    """Write events that arrive part by part, holding one part at a time.

    GeoJSON and CSV go to one file, byte-identical to writing all the events at once;
    GeoParquet (``fmt="parquet"``) to a folder of part files (see :func:`write_events_parquet`).
    The result appears atomically: a reader never sees half a file.
    """
    target = Path(path)
    fmt = (fmt or _format_of(target)).lower()
    if fmt == "parquet":
        return _write_parquet_parts(parts, target)
    if fmt not in {"geojson", "json", "csv"}:
        raise ValueError(f"'fmt' should be one of 'geojson', 'csv' or 'parquet', got {fmt!r} instead")
    with _atomic_file(target) as fh:
        if fmt == "csv":
            first = True
            for part in parts:
                if len(part) or first:
                    fh.write(to_csv_bytes(part, header=first))
                    first = False
        else:
            _write_feature_collection(fh, (geojson_features(part) for part in parts))
    return target


def write_events_parquet(events: gpd.GeoDataFrame, path: str | Path, *, rows_per_part: int = 100_000) -> Path:
    """Write events as partitioned GeoParquet: a folder of part files, in event order.

    ``path`` is a folder (``events/``, ``events.parquet``); its part files are named
    ``part-00000.parquet``, ``part-00001.parquet``, ... so their names sort in event order.
    :func:`read_events`, ``dask_geopandas.read_parquet`` and Spark read it back. A folder from
    an earlier run is replaced whole; a folder holding anything else is refused.
    """
    if rows_per_part < 1:
        raise ValueError(
            f"'rows_per_part' should be a positive number of rows, got {rows_per_part!r} instead"
        )
    starts = range(0, max(len(events), 1), rows_per_part)
    return _write_parquet_parts((events.iloc[s : s + rows_per_part] for s in starts), Path(path))


def _check_parquet_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise FileExistsError(
            f"{str(target)!r} is a file: partitioned GeoParquet is written to a folder; "
            "remove it or pick another path."
        )
    if target.is_dir():
        foreign = sorted(
            p.name for p in target.iterdir() if not (p.name.startswith("part-") and p.suffix == ".parquet")
        )
        if foreign:
            raise FileExistsError(
                f"{str(target)!r} holds other files ({', '.join(foreign[:3])}): "
                "pick an empty or new folder for the events."
            )


def _write_parquet_parts(parts: Iterable[gpd.GeoDataFrame], target: Path) -> Path:
    _check_parquet_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_debris(target)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=_temp_prefix(target), suffix=".part"))
    try:
        number = 0
        for part in parts:
            if len(part) or number == 0:
                _ordered(part).to_parquet(staging / _PART_NAME.format(number), index=False)
                number += 1
        _chmod_public(staging, folder=True)  # mkdtemp made it private (0700); files are 0644
        _swap_folder(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _swap_folder(staging: Path, target: Path) -> None:
    """Put ``staging`` in ``target``'s place, so a reader never sees a half-written set of
    parts. Writers of one output take turns (a lock on the folder holding it): the last one
    wins whole, and none fails on the other's half-swapped folders."""
    old = target.with_name(_temp_prefix(target) + f"old-{uuid.uuid4().hex}")
    with _locked(target.parent):
        _check_parquet_target(target)  # another writer may have put something there meanwhile
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` itself (flock on its descriptor; no lock file to leave)."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _temp_prefix(target: Path) -> str:
    """Temporary names beside ``target`` carry the writer's process id, so a later run can tell
    the debris of a killed writer (``kill -9``) from a live writer's files."""
    return f".{target.name}.{os.getpid()}."


def sweep_debris(target: str | Path) -> list[Path]:
    """Remove what killed runs left beside ``target`` (spool folders, ``.part`` files, old
    parquet folders) whose process is gone; a live writer's files are left alone."""
    target = Path(target)
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.")
    removed: list[Path] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None or _alive(int(m.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # someone else's live process (or an absurd number: leave it)
    return True


def spool_folder(target: Path) -> tempfile.TemporaryDirectory:
    """A temporary folder beside ``target`` for a run's intermediate parts (see sweep_debris)."""
    return tempfile.TemporaryDirectory(dir=target.parent, prefix=_temp_prefix(target) + "spool-")


def write_events(events: gpd.GeoDataFrame, path: str | Path, *, fmt: str | None = None) -> Path:
    """Write events to ``path`` as GeoJSON (default), CSV or GeoParquet, atomically."""
    target = Path(path)
    fmt = (fmt or _format_of(target)).lower()
    if fmt != "parquet":  # GeoJSON and CSV: the same writer as a run that writes in parts
        return write_events_parts([events], target, fmt=fmt)
    buffer = io.BytesIO()
    _ordered(events).to_parquet(buffer, index=False)
    _atomic_write(target, buffer.getvalue())
    return target


def read_events(path: str | Path) -> gpd.GeoDataFrame:
    """Events written by ``datelines ingest``: GeoJSON, CSV, GeoParquet, or a folder of partitions."""
    return _restore_types(_read_raw(path))


def read_checked_events(path: str | Path) -> tuple[gpd.GeoDataFrame, list[str]]:
    """:func:`read_events` for a file that may be hand-made: the events the map can show, and
    what was dropped or emptied and why (see :func:`check_events`)."""
    problems: list[str] = []
    frame = _restore_types(_read_raw(path), problems)
    return check_events(frame, problems=problems)


def _read_raw(path: str | Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(f"No events at {str(source)!r}: run `datelines ingest CORPUS -o FILE` first.")
    if source.is_dir() or source.suffix.lower() in {".parquet", ".geoparquet"}:
        frame = gpd.read_parquet(source)
    elif source.suffix.lower() == ".csv":
        frame = _read_csv(source)
    else:
        frame = gpd.read_file(source, engine="pyogrio")
    return frame


#: Text columns that are null, not "", when unknown; CSV writes both as an empty field.
_NULLABLE_TEXT = ("url", "published", "date", "date_start", "date_end")


def _read_csv(source: Path) -> gpd.GeoDataFrame:
    """A CSV written by :func:`to_csv_bytes`: every field as the text written ("NaN" and "null"
    are words, not missing values), points rebuilt from ``longitude`` and ``latitude``."""
    import geopandas as gpd
    import pandas as pd

    frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in _NULLABLE_TEXT:
        if column in frame.columns:
            frame[column] = frame[column].mask(frame[column] == "", None)
    # points_from_xy takes (x=lon, y=lat)
    points = gpd.points_from_xy(
        pd.to_numeric(frame.pop("longitude")), pd.to_numeric(frame.pop("latitude")), crs="EPSG:4326"
    )
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _restore_types(frame: gpd.GeoDataFrame, problems: list[str] | None = None) -> gpd.GeoDataFrame:
    """The schema's types; values an Int64 column cannot hold are left empty, noted in ``problems``."""
    import pandas as pd

    for column in EVENT_PROPERTIES:
        if column not in frame.columns:
            frame[column] = None
    problems = [] if problems is None else problems
    for column in INT_COLUMNS:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        # A hand-made file may hold 1e30 or 2.5: not a whole number an Int64 column can hold.
        bad = numbers.notna() & ((numbers.abs() > 2**53) | (numbers % 1 != 0))
        if bad.any():
            problems.append(
                f"{int(bad.sum())} {column} value(s) are not whole numbers in range "
                f"(e.g. {float(numbers[bad].iloc[0]):g}): left empty"
            )
            numbers = numbers.mask(bad)
        frame[column] = pd.array(numbers, dtype="Int64")
    for column in ("published", "date", "date_start", "date_end"):
        frame[column] = frame[column].map(_iso_text)
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return _ordered(frame)


#: More deaths than this in one event is a typo or hostile input, not news.
MAX_FATALITIES = 10_000_000


def check_events(
    events: gpd.GeoDataFrame, *, years: tuple[int, int] | None = None, problems: list[str] | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Events from a file someone may have made by hand, without what the map cannot show,
    and what was dropped or emptied and why (one sentence per reason).

    Dropped: geometries that are not points, coordinates off the globe, an event_type,
    date_precision or place_precision outside :mod:`geo.schema`'s lists, and dates that are not
    ISO 8601 or fall outside ``years`` (default :func:`geo.read.articles.plausible_years`). Emptied:
    an implausible ``published`` and fatalities over :data:`MAX_FATALITIES`.
    """
    import numpy as np
    import pandas as pd

    from geo.read.articles import plausible_years
    from geo.schema import DATE_PRECISIONS, EVENT_TYPES, PLACE_PRECISIONS

    first, last = years or plausible_years()
    problems = list(problems or [])
    keep = np.ones(len(events), dtype=bool)

    def drop(bad, why: str, column: str | None = None) -> None:
        bad = np.asarray(bad, dtype=bool) & keep
        if bad.any():
            example = f" (e.g. {events[column][bad].iloc[0]!r})" if column else ""
            problems.append(f"{int(bad.sum())} event(s) dropped: {why}{example}")
            keep[bad] = False

    geometry = events.geometry
    kinds = geometry.geom_type.fillna("no geometry")
    drop(kinds != "Point", f"not a point ({', '.join(sorted(set(kinds[kinds != 'Point'])))})")
    points = (kinds == "Point").to_numpy()
    xs, ys = np.zeros(len(events)), np.zeros(len(events))
    if points.any():
        xs[points], ys[points] = geometry[points].x.to_numpy(), geometry[points].y.to_numpy()
    drop(~(np.isfinite(xs) & np.isfinite(ys) & (np.abs(xs) <= 180) & (np.abs(ys) <= 90)),
         "coordinates off the globe (longitude -180..180, latitude -90..90)")
    for column, allowed in (("event_type", EVENT_TYPES), ("date_precision", DATE_PRECISIONS),
                            ("place_precision", PLACE_PRECISIONS)):
        drop(~events[column].isin(allowed), f"{column} is not one of {', '.join(allowed)}", column)
    for column in ("date", "date_start", "date_end"):
        drop(~events[column].map(lambda v: _no_value(v) or _in_years(v, first, last)),
             f"{column} is not an ISO 8601 date in {first}-{last}", column)
    frame = events[keep].copy()
    bad_published = ~frame["published"].map(lambda v: _no_value(v) or _in_years(v, first, last))
    if bad_published.any():
        problems.append(f"{int(bad_published.sum())} published date(s) outside {first}-{last} left empty")
        frame.loc[bad_published, "published"] = None
    huge = frame["fatalities"].fillna(0) > MAX_FATALITIES
    if huge.any():
        problems.append(f"{int(huge.sum())} fatalities value(s) over {MAX_FATALITIES:,} left empty")
        frame.loc[huge, "fatalities"] = pd.NA
    return frame, problems


def _no_value(value) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _in_years(value, first: int, last: int) -> bool:
    try:
        return first <= dt.date.fromisoformat(str(value)[:10]).year <= last
    except ValueError:
        return False


def _iso_text(value) -> str | None:
    import pandas as pd

    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)[:10]


def write_report(report: pd.DataFrame | list[tuple[str, str, int, str]], path: str | Path) -> Path:
    """The ingest report as CSV (one row per input: file, status, events, reason), from a
    frame or from rows in that order (``WrittenIngest.report_rows``): the same bytes."""
    if isinstance(report, list):
        buffer = io.StringIO()
        # pandas' to_csv writes through this same writer and dialect: the bytes are equal
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(report)
        data = buffer.getvalue().encode("utf-8")
    else:
        data = report[list(REPORT_COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")
    target = Path(path)
    _atomic_write(target, data)
    return target


def _chmod_public(path: str | Path, *, folder: bool = False) -> None:
    """The usual permissions (0666 or 0777 less the umask): temporary files and folders are
    created private, and a finished output should be readable like any other file."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if folder else 0o666) & ~umask)


def _publish(temporary: str, target: Path) -> None:
    """Move a finished temporary file into place with the usual permissions."""
    _chmod_public(temporary)
    os.replace(temporary, target)


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"geoparquet": "parquet", "json": "geojson"}.get(suffix, suffix or "geojson")


@contextlib.contextmanager
def _atomic_file(target: Path) -> Iterator:
    """A temporary file beside ``target`` that replaces it when the block ends, or is removed
    if anything fails (the block, the final flush on a full disk, the move): a reader never
    sees half a file, and nothing is left behind."""
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder: name a file for the output", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_debris(target)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix(target), suffix=".part")
    try:
        with open(fd, "wb") as fh:
            yield fh
        _publish(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _atomic_write(target: Path, data: bytes) -> None:
    with _atomic_file(target) as fh:
        fh.write(data)
