"""Bring your own gazetteer: GeoNames dump files or a CSV of your places, indexed on disk.

The built-in gazetteer is GeoNames' cities500. Users who need villages, camps, airbases
(S.AIRB), named regions (L.RGN), mountains (T.MT) or neighbourhoods (P.PPLX) download GeoNames
dump files themselves (a country file such as ``SY.txt``, or ``allCountries.txt``, with
``admin1CodesASCII.txt`` beside it) or write a CSV ``name,lat,lon[,country]``. These are read
once, streaming, into an SQLite index in the cache folder (keyed by the files' sizes and times,
so a changed file is indexed again); look-ups then query the index on disk, so even
allCountries' 13 million rows are never held in memory. SQLite is in the standard library and
does exactly this (an indexed key-value table on disk), so no other store is needed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo.errors import GazetteerError

__all__ = ["UserGazetteer", "open_user_gazetteer", "GEONAMES_COLUMNS"]

#: Bump when the index layout or what is indexed changes: old indexes are then rebuilt.
_USER_INDEX_VERSION = 1
#: Columns of a GeoNames dump row (https://download.geonames.org/export/dump/readme.txt).
GEONAMES_COLUMNS = (
    "geonameid name asciiname alternatenames latitude longitude feature_class feature_code"
    " country_code cc2 admin1_code admin2_code admin3_code admin4_code population elevation dem"
    " timezone modification_date"
).split()
_ADMIN1_FILE = "admin1CodesASCII.txt"
_BATCH = 20_000

Row = tuple[str, int, str, float, float, str, str, int, str]  # key, id, name, lat, lon, cc, a1, pop, fcode


class UserGazetteer:
    """Look-ups in the on-disk index of a user's gazetteer files.

    Picklable (worker processes reopen the index by its path); a connection is opened per
    process, read-only.
    """

    def __init__(self, index: Path) -> None:
        self.index = Path(index)
        self._db: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._cache: dict[str, tuple[Row, ...]] = {}

    def __getstate__(self) -> dict:
        return {"index": self.index}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["index"])

    def _connection(self) -> sqlite3.Connection:
        # One connection per process: a connection carried across fork() must not be used.
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(f"file:{self.index}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def rows(self, key: str) -> tuple[Row, ...]:
        """Every indexed entry whose name or alternate name folds to ``key``, most populous
        first."""
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            found = self._cache[key] = tuple(
                self._connection().execute(
                    "SELECT key, geonameid, name, lat, lon, country, admin1, population, fcode"
                    " FROM names WHERE key = ? ORDER BY population DESC, geonameid LIMIT 50",
                    (key,),
                )
            )
        return found

    def admin1_name(self, country: str, admin1: str) -> str | None:
        """The name admin1CodesASCII.txt gives a first-level region, if it was supplied."""
        hit = self._connection().execute(
            "SELECT name FROM admin1 WHERE country = ? AND code = ?", (country, admin1)
        ).fetchone()
        return hit[0] if hit else None

    def admin1_regions(self) -> list[tuple[str, str, str, int | None]]:
        """(name, country, admin1 code, geonameid) of every region admin1CodesASCII.txt names."""
        return list(self._connection().execute("SELECT name, country, code, geonameid FROM admin1"))


def open_user_gazetteer(path: str | os.PathLike[str], *, cache_dir: Path | None = None) -> UserGazetteer:
    """Index ``path`` once (a GeoNames dump file, a folder of them, or a CSV
    ``name,lat,lon[,country]``) and open the index.

    Raises :class:`geo.errors.GazetteerError` with what to do when the files cannot be used.
    """
    from geo.gazetteer.index import _cache_dir

    files = _gazetteer_files(Path(path))
    stamp = hashlib.sha256(repr([(str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files]).encode())
    folder = cache_dir or _cache_dir()
    index = folder / f"user-gazetteer-{stamp.hexdigest()[:16]}-v{_USER_INDEX_VERSION}.sqlite"
    if not index.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _build(files, index)
    return UserGazetteer(index)


def _gazetteer_files(path: Path) -> list[Path]:
    if not path.exists():
        raise GazetteerError(f"Gazetteer {path} not found: give a GeoNames dump file (e.g. SY.txt), a folder of them, or a CSV name,lat,lon[,country].")
    files = sorted(p for p in path.iterdir() if p.suffix in {".txt", ".csv"}) if path.is_dir() else [path]
    if path.is_file() and path.name != _ADMIN1_FILE and (path.parent / _ADMIN1_FILE).exists():
        files.append(path.parent / _ADMIN1_FILE)  # the region names beside a country file
    if not files:
        raise GazetteerError(f"No .txt or .csv gazetteer files in {path}.")
    return files


def _build(files: list[Path], index: Path) -> None:
    """Stream every file into a new SQLite index, then move it into place atomically."""
    fd, tmp = tempfile.mkstemp(dir=index.parent, suffix=".sqlite.tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE names (key TEXT, geonameid INTEGER, name TEXT, lat REAL, lon REAL,"
            " country TEXT, admin1 TEXT, population INTEGER, fcode TEXT);"
            "CREATE TABLE admin1 (country TEXT, code TEXT, name TEXT, geonameid INTEGER);"
        )
        for f in files:
            if f.name == _ADMIN1_FILE:
                db.executemany("INSERT INTO admin1 VALUES (?, ?, ?, ?)", _admin1_rows(f))
                continue
            rows = _csv_rows(f) if f.suffix == ".csv" else _dump_rows(f)
            for batch in _batches(rows):
                db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        db.execute("CREATE INDEX names_key ON names (key)")
        db.execute("CREATE INDEX admin1_code ON admin1 (country, code)")
        db.commit()
        db.close()
        os.replace(tmp, index)
    except (OSError, ValueError, sqlite3.Error, UnicodeDecodeError) as err:
        Path(tmp).unlink(missing_ok=True)
        raise GazetteerError(f"Cannot index the gazetteer files {', '.join(map(str, files))}: {err}") from err


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _dump_rows(path: Path) -> Iterator[Row]:
    """Rows of a GeoNames dump file, one per usable name of each entry."""
    from geo.gazetteer.index import _usable_names, name_key

    with path.open("r", encoding="utf-8", newline="") as fh:
        for number, line in enumerate(fh, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 15:
                raise ValueError(f"{path.name} line {number}: {len(cols)} columns, a GeoNames dump row has 19")
            if cols[6] in {"H", "U", "V"} or cols[7] in {"ADM2", "ADM3", "ADM4", "ADM5", "ADMD", "PCLI"}:
                continue  # water, undersea and vegetation features; lower admin units; countries
            entry = {"name": cols[1], "alternatenames": [a for a in cols[3].split(",") if a] + [cols[2]]}
            pop = int(cols[14] or 0)
            keys = {name_key(n) for n in _usable_names(entry)} - {""}
            for key in keys:
                yield (key, int(cols[0]), cols[1], float(cols[4]), float(cols[5]), cols[8], cols[10], pop, f"{cols[6]}.{cols[7]}")


def _csv_rows(path: Path) -> Iterator[Row]:
    """Rows of a user's CSV: name,lat,lon[,country]; a header line is allowed."""
    from geo.gazetteer.index import name_key

    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        for number, rec in enumerate(csv.reader(fh), 1):
            if not rec or (number == 1 and rec[0].strip().lower() == "name"):
                continue
            if len(rec) < 3:
                raise ValueError(f"{path.name} line {number}: expected name,lat,lon[,country]")
            lat, lon = float(rec[1]), float(rec[2])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"{path.name} line {number}: coordinates out of range")
            key = name_key(rec[0])
            if key:
                # Own places get ids below zero (never a GeoNames id) and count as well known.
                gid = -int(hashlib.sha1(f"{rec[0]}|{lat}|{lon}".encode()).hexdigest()[:12], 16)
                yield (key, gid, rec[0].strip(), lat, lon, (rec[3].strip().upper() if len(rec) > 3 else ""), "", 0, "user")


def _admin1_rows(path: Path) -> Iterator[tuple[str, str, str, int | None]]:
    """admin1CodesASCII.txt: ``CC.CODE <tab> name <tab> ascii name <tab> geonameid``."""
    with io.open(path, "r", encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and "." in cols[0]:
                country, code = cols[0].split(".", 1)
                yield (country, code, cols[1], int(cols[3]) if len(cols) > 3 and cols[3].isdigit() else None)
