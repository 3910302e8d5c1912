"""Online geocoding, the answers kept (see :mod:`geo.geocode.services`): a persistent SQLite cache of
what a service said for a normalised query, so a place is asked once."""

from __future__ import annotations

import json
import sqlite3
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopy.exc
import geopy.geocoders

from geo.errors import GeocoderError

__all__ = ["AnswerCache", "CachedAnswer", "GeocodeResult", "normalise_country_codes", "normalise_query"]


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """Where an online service puts a place name, with the service's own answer kept as is."""

    query: str
    latitude: float
    longitude: float
    address: str
    provider: str
    raw: Mapping[str, Any] = field(hash=False, repr=False)


# ---------------------------------------------------------------------------------------------
# The cache


def normalise_query(query: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", query).split()).casefold()


def normalise_country_codes(country_codes: Sequence[str]) -> tuple[str, ...]:
    if isinstance(country_codes, str):  # one code, not a sequence of letters
        country_codes = (country_codes,)
    codes = []
    for code in country_codes:
        if not (isinstance(code, str) and len(code.strip()) == 2 and code.strip().isalpha()):
            raise ValueError(
                f"country codes should be ISO 3166-1 alpha-2 like 'sy', got {code!r} instead"
            )
        codes.append(code.strip().lower())
    return tuple(sorted(set(codes)))


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    result: GeocodeResult | None  # None: the service said there is no such place


class AnswerCache:
    """Answers by (provider, normalised query, country codes), committed one by one.

    WAL and a commit per answer: a process killed mid-run keeps every answer it got.
    ``path=None`` keeps answers for this process only.
    """

    _SCHEMA = """
        CREATE TABLE IF NOT EXISTS answers (
            provider TEXT NOT NULL,
            query TEXT NOT NULL,
            country_codes TEXT NOT NULL,
            found INTEGER NOT NULL,
            latitude REAL,
            longitude REAL,
            address TEXT,
            raw TEXT,
            answered_at TEXT NOT NULL,
            PRIMARY KEY (provider, query, country_codes)
        )
    """

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                ":memory:" if path is None else path, check_same_thread=False
            )
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
            self._db.execute(self._SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as err:
            raise GeocoderError(
                f"cannot open the geocoder cache {str(path)!r}: {err}; "
                f"delete it or pass another --geocoder-cache"
            ) from err

    def get(self, provider: str, query: str, country_codes: str) -> CachedAnswer | None:
        with self._lock:
            row = self._db.execute(
                "SELECT found, latitude, longitude, address, raw FROM answers"
                " WHERE provider = ? AND query = ? AND country_codes = ?",
                (provider, normalise_query(query), country_codes),
            ).fetchone()
        if row is None:
            return None
        found, latitude, longitude, address, raw = row
        if not found:
            return CachedAnswer(None)
        return CachedAnswer(
            GeocodeResult(
                query=query,
                latitude=latitude,
                longitude=longitude,
                address=address,
                provider=provider,
                raw=MappingProxyType(json.loads(raw)),
            )
        )

    def put(self, query: str, country_codes: str, answer: CachedAnswer, *, provider: str) -> None:
        result = answer.result
        row = (
            provider,
            normalise_query(query),
            country_codes,
            result is not None,
            None if result is None else result.latitude,
            None if result is None else result.longitude,
            None if result is None else result.address,
            None if result is None else json.dumps(dict(result.raw), ensure_ascii=False),
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()
