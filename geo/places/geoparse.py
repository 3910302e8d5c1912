"""Geoparsing: every place name of a text, with what it is and where.

:func:`geoparse` is the toponym-level view of the same machinery the event pipeline uses
(:func:`geo.places.find.find_places` then :func:`geo.places.resolve.resolve_places`), for users who want
the places themselves and for scoring against the field's benchmarks
(``benchmarks/geoparsing.py``). Unlike events, it keeps every mention: countries are placed at
the country, first-level regions at the region, nationality adjectives at their country.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from os import PathLike

from geo.gazetteer.index import Gazetteer, Place, load_gazetteer, name_key
from geo.places.find import _FUNCTION_WORDS, _NOT_PLACES, PlaceMention, find_places
from geo.places.resolve import ResolvedPlace, resolve_places

__all__ = ["Toponym", "geoparse"]


@dataclass(frozen=True, slots=True)
class Toponym:
    """One place mention: where it is in the text, what kind of place, and where on Earth.

    ``kind`` is "town", "admin1", "country", "demonym", "region" (continents and named areas
    such as "Middle East"), "county" (US counties and parishes) or "landmark". ``latitude``/``longitude`` are None when the name
    could not be placed; ``why`` then says why. ``candidates`` are the places it beat, as
    "geonameid name CC", best first.
    """

    start: int
    end: int
    text: str
    kind: str
    latitude: float | None
    longitude: float | None
    geonameid: int | None
    name: str = ""
    country: str = ""
    admin1: str = ""
    precision: str = ""
    why: str = ""
    candidates: tuple[str, ...] = ()


_KIND = {"place": "town", "country": "country", "demonym": "demonym", "region": "admin1", "area": "region"}


def geoparse(text: str, *, gazetteer: Gazetteer | str | PathLike[str] | None = None) -> list[Toponym]:
    """Every place mention of ``text``, in order, with its coordinates or why it has none.

    Parameters
    ----------
    text
        The article text.
    gazetteer
        A loaded :class:`geo.gazetteer.index.Gazetteer`; or the path of your own gazetteer files
        (GeoNames dump files with admin1CodesASCII.txt, or a CSV name,lat,lon[,country]),
        added to the built-in one and indexed once on disk; None for the built-in one.
    """
    if isinstance(gazetteer, Gazetteer):
        gaz = gazetteer
    else:
        gaz = load_gazetteer(user=gazetteer) if gazetteer is not None else load_gazetteer()
    mentions = find_places(text, gaz)
    resolved = {r.mention.start_char: r for r in resolve_places(mentions, gaz)}
    found = [_toponym(m, resolved.get(m.start_char), gaz) for m in mentions]
    # A one-word name that fits no candidate of the article's geography is a word or a person far
    # more often than an unknown place ("Levi", "Hydro"): left out, where events leave it out too.
    found = [t for t in found if not (t.kind == "town" and t.latitude is None and " " not in _SAINT.sub("", t.text))]
    found = _with_embedded(text, _with_landmarks(text, _with_counties(text, found, gaz)), gaz)
    return _side_by_side(found, gaz)


# "St. ", "Mt. ": an abbreviation before one word makes no longer a name ("St. Peter").
_SAINT = re.compile(r"^(?:St|Ste|Mt|Ft|Pt)\. ")

# "Monroe County", "LAUREL COUNTY", "Orleans Parish", "Plymouth Co.": up to three capitalised
# words before the word for a county.
_COUNTY = re.compile(r"\b((?:[A-Z][\w’'.-]*\s+){1,3})(?:County|COUNTY|Parish|PARISH|Co\.|CO\.)(?!\w)")


def _with_counties(text: str, found: list[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """Place US counties at the county (the mean of its ZIP codes) instead of a namesake town or
    the article's main town; of same-named counties ("Monroe County": 17), the one in the state
    the article names most (its states and its towns' states) unless the name is followed by
    its state ("Monroe County, Mo."), else the nearest to its towns, else the largest. A name the gazetteer knows whole ("Orange County") keeps its place."""
    counties = getattr(gazetteer, "counties", None)
    if counties is None:
        return found
    out = list(found)
    for hit in _COUNTY.finditer(text):
        words = hit.group(1).split()
        for k in range(len(words)):
            start = hit.start(1) + len(" ".join(words[:k])) + (1 if k else 0)
            key = name_key(" ".join(words[k:]) + " county")
            options = counties(key) or counties(re.sub(r"^saint ", "st ", key))
            if options:
                break
        else:
            continue
        end = hit.end()
        inside = [t for t in out if t.start < end and start < t.end]
        if any(t.start == start and t.end == end and t.latitude is not None for t in inside):
            continue
        after = next((t for t in out if t.kind == "admin1" and t.country == "US" and 0 < t.start - end <= 2), None)
        best = next((c for c in options if after and c.state == after.admin1), None) or _pick_county(options, out)
        out = [t for t in out if t not in inside]
        out.append(Toponym(
            start, end, text[start:end], "county", best.latitude, best.longitude, None, best.name,
            "US", best.state, "admin2", "", tuple(f"{c.name} {c.state}" for c in options if c is not best),
        ))
    return sorted(out, key=lambda t: t.start)


def _pick_county(options: tuple, found: list[Toponym]):
    """The county of the state the article names most (a state counts twice, a town's state
    once), then the one nearest the article's US towns, then the one with most ZIP codes."""
    states: dict[str, int] = {}
    for t in found:
        if t.country == "US" and t.admin1 and t.kind in {"admin1", "town"}:
            states[t.admin1] = states.get(t.admin1, 0) + (2 if t.kind == "admin1" else 1)
    towns = [(t.latitude, t.longitude) for t in found if t.country == "US" and t.kind == "town" and t.latitude is not None]

    def far(c) -> float:
        return min(((c.latitude - a) ** 2 + (c.longitude - b) ** 2 for a, b in towns), default=0.0)

    return min(options, key=lambda c: (-states.get(c.state, 0), far(c), -c.zips))


_PAIR_KM = 50.0  # namesakes this close lie "side by side"
_APART_KM = 1000.0  # two names placed this far apart with nothing else near either
_ALONE_KM = 300.0
_PAIR_POPULATION = 10_000


def _side_by_side(found: list[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """Two town names placed far apart, each alone on the article's map, whose namesakes lie
    side by side (both towns of some size, within 50 km) are those namesakes: "Edmonton" and
    "Enfield" with nothing else near them are the two north London districts, not Alberta and
    Nova Scotia. Names near any other place of the article, or in a country it names, keep
    their point."""
    towns = {}
    for t in found:
        if t.kind == "town" and t.latitude is not None:
            towns.setdefault(name_key(t.text), t)
    if len(towns) < 2 or len(towns) > 12:
        return found
    named = {t.country for t in found if t.kind in {"country", "demonym"}}
    moved: dict[str, Place] = {}
    keys = sorted(towns)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if a in moved or b in moved or not _alone(towns[a], found) or not _alone(towns[b], found):
                continue
            if towns[a].country in named or towns[b].country in named:
                continue  # placed in a country the article names: "London" beside "British"
            if _km(towns[a].latitude, towns[a].longitude, towns[b].latitude, towns[b].longitude) < _APART_KM:
                continue
            pair = _nearest_pair(gazetteer.places(a), gazetteer.places(b))
            if pair is not None:
                moved[a], moved[b] = pair
    if not moved:
        return found
    return [_moved_to(t, moved[name_key(t.text)]) if t.kind == "town" and name_key(t.text) in moved else t for t in found]


def _alone(town: Toponym, found: list[Toponym]) -> bool:
    return not any(
        t.latitude is not None and t.kind in {"town", "admin1", "county"} and name_key(t.text) != name_key(town.text)
        and _km(t.latitude, t.longitude, town.latitude, town.longitude) < _ALONE_KM
        for t in found
    )


def _nearest_pair(first: tuple[Place, ...], second: tuple[Place, ...]) -> tuple[Place, Place] | None:
    """The closest pair of sizeable namesakes within ``_PAIR_KM``, if any."""
    best, best_km = None, _PAIR_KM
    for p in (p for p in first if p.population >= _PAIR_POPULATION):
        for q in (q for q in second if q.population >= _PAIR_POPULATION and q.geonameid != p.geonameid):
            km = _km(p.latitude, p.longitude, q.latitude, q.longitude)
            if km < best_km:
                best, best_km = (p, q), km
    return best


def _moved_to(t: Toponym, p: Place) -> Toponym:
    return dataclasses.replace(
        t, latitude=p.latitude, longitude=p.longitude, geonameid=p.geonameid, name=p.name, country=p.country,
        admin1=p.admin1, why="", candidates=(f"{t.geonameid} {t.name} {t.country}",) + t.candidates,
    )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# A run of capitalised words ending in a word for a facility, street or lesser area: a
# landmark ("Royal Street", "Windsor Castle", "Metcalfe County", "Thomas Memorial Hospital").
_LANDMARK_WORDS = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Drive|Highway|Square|Bridge|County|Township|"
    "Parish|Borough|District|Park|Castle|Palace|Cathedral|Church|Mosque|Temple|Hospital|University|"
    "College|Stadium|Arena|Airport|Station|Museum|Gallery|Theatre|Theater|Valley|River|Lake|"
    "Mountain|Mountains|Hills|Island|Islands|Beach|Bay|Harbour|Harbor|Canyon|Forest|Base|Camp|Prison"
)
_LANDMARK = re.compile(
    r"\b(?:[A-Z][\w’'.-]*\s+(?:of\s+(?:the\s+)?)?){1,4}(?:" + _LANDMARK_WORDS + r")\b(?![’']s\b\s+[a-z])"
)
_NOT_LANDMARK_START = frozenset("The A An In At On Of For From To By With And But Or As If When While This That".split())


def _with_landmarks(text: str, found: list[Toponym]) -> list[Toponym]:
    """Add landmarks no gazetteer entry covers, placed at the town inside their name
    ("Vancouver Art Gallery") or else at the town the article names most (streets, hospitals
    and counties are in or near it); names overlapping a landmark give way to it."""
    towns = [t for t in found if t.kind == "town" and t.latitude is not None]
    focus = max(towns, key=lambda t: sum(u.geonameid == t.geonameid for u in towns), default=None)
    out = list(found)
    for hit in _LANDMARK.finditer(text):
        start, end = hit.start(), hit.end()
        first = hit.group().split()[0]
        if first in _NOT_LANDMARK_START:
            start += len(first) + 1
            if not _LANDMARK.fullmatch(text, start, end):
                continue
        inside = [t for t in out if t.start < end and start < t.end]
        if any(t.start == start and t.end == end for t in inside):
            continue  # the gazetteer knows the whole name ("Beverly Hills")
        if any(t.start <= start and t.end > end for t in inside):
            continue  # inside a longer name the gazetteer knows ("Fort St. John")
        if any(t.kind in {"country", "admin1", "region", "demonym", "county"} for t in inside):
            continue
        anchor = next((t for t in inside if t.latitude is not None), focus)
        out = [t for t in out if t not in inside]
        out.append(_landmark(text, start, end, anchor))
    return sorted(out, key=lambda t: t.start)


def _landmark(text: str, start: int, end: int, anchor: Toponym | None) -> Toponym:
    if anchor is None:
        return Toponym(start, end, text[start:end], "landmark", None, None, None, why="a landmark, and no town to place it by")
    return Toponym(
        start, end, text[start:end], "landmark", anchor.latitude, anchor.longitude, None, anchor.name,
        anchor.country, anchor.admin1, "city", f"placed at {anchor.name}, the town it is in or the article names most",
    )


def _toponym(m: PlaceMention, r: ResolvedPlace | None, gazetteer: Gazetteer) -> Toponym:
    kind = _KIND.get(m.kind, m.kind)
    if m.kind == "demonym":
        code = gazetteer.demonym(m.key)
        country = gazetteer.countries.get(code or "")
        if country is None:
            return _unplaced(m, kind, f"no country known for the adjective {m.text!r}")
        return Toponym(
            m.start_char, m.end_char, m.text, kind, country.latitude, country.longitude,
            country.geonameid, country.name, country.code, "", "country",
        )
    if m.kind in {"region", "area"}:
        region = gazetteer.region_info(m.key) if m.kind == "region" else gazetteer.area(m.key)
        if region is None or region.latitude is None:
            return _unplaced(m, kind, "no point for this region offline (GeoNames' admin1 points come with --gazetteer)")
        return Toponym(
            m.start_char, m.end_char, m.text, kind, region.latitude, region.longitude,
            region.geonameid, region.name, region.country, region.admin1,
            "admin1" if m.kind == "region" else "region",
        )
    if r is None:
        return _unplaced(m, kind, "no candidate fits the article")
    return Toponym(
        m.start_char, m.end_char, m.text, kind, r.latitude, r.longitude, r.geonameid, r.name,
        r.country, r.admin1, r.precision, "", r.candidates,
    )


def _unplaced(m: PlaceMention, kind: str, why: str) -> Toponym:
    return Toponym(m.start_char, m.end_char, m.text, kind, None, None, None, why=why)


# Words that make the place before them part of an organisation's name ("Washington Post",
# "Alexandria Police", "Toronto Star"): still a toponym, though never an event's place.
_EMBEDDING_WORDS = (
    "Times|Post|Star|Herald|Tribune|Journal|Gazette|Chronicle|Globe|Observer|Independent|Sun|"
    "Police|Council|University|College|FC|United|City Council|Airport|Port|Zoo|Symphony|Opera|"
    "Museum|Hospital|Assembly|Parliament|Government|Court|Stock Exchange|Mayor|Marathon"
)
_EMBEDDED = re.compile(r"\b((?:[A-Z][a-z]+[ -]){0,2}[A-Z][a-z]+) (?:" + _EMBEDDING_WORDS + r")\b")
_MIN_EMBEDDED_POPULATION = 100_000


def _with_embedded(text: str, found: list[Toponym], gazetteer: Gazetteer) -> list[Toponym]:
    """Add well-known places inside organisation names that the matcher left out: at the place
    the article already gave that name, else the candidate in a country the article names, else
    the largest (a region's namesake village would turn "Washington Post" into a New Jersey town)."""
    countries = {t.country for t in found if t.country}
    placed = {name_key(t.text): t for t in found if t.kind == "town" and t.latitude is not None}
    out = list(found)
    for hit in _EMBEDDED.finditer(text):
        words = hit.group(1).replace("-", " ").split()
        for k in range(len(words)):
            start = hit.start(1) + len(" ".join(words[:k])) + (1 if k else 0)
            end = hit.end(1)
            if any(t.start < end and start < t.end for t in out):
                break
            key = name_key(" ".join(words[k:]))
            ordinary = len(key) < 3 or key in _FUNCTION_WORDS or key in _NOT_PLACES or key in {"new", "old"}
            same = placed.get(key)
            if same is not None:  # "London Police" after "LONDON, Ky.": the article's London
                out.append(dataclasses.replace(same, start=start, end=end, text=text[start:end], candidates=()))
                break
            places = () if ordinary else gazetteer.places(key)
            if places and places[0].population >= _MIN_EMBEDDED_POPULATION:
                best = next((p for p in places if p.country in countries), places[0])
                out.append(Toponym(
                    start, end, text[start:end], "town", best.latitude, best.longitude, best.geonameid,
                    best.name, best.country, best.admin1, "city", "", (),
                ))
                break
    return sorted(out, key=lambda t: t.start)
