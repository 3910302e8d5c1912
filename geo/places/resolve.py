"""Resolving places: which of the places that share a name the article means.

Population alone is wrong for news: "Palmyra" barely beats Santos Dumont, Brazil (51k vs 42k)
and a dozen US towns. Each candidate is scored by the article's context instead:

- countries the article names, and nationality adjectives ("Syrian troops", "Iraqi army");
- the countries of names in the article that are unambiguous (one candidate only);
- closeness to the other places of the article (geopy's geodesic distance);
- population, as a tie-breaker on a log scale.

A small place from a country the article never evokes is not accepted at all: that is how
"Mason" or "Lemont" (alternate names "Palmyra") and towns named after common words stay off the
map. Every resolution keeps the candidates it beat, for the user to audit.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from geo.gazetteer.index import Country, Place, PlaceIndex, name_key, skeleton_key
from geo.places.find import PlaceMention, remembered
from geo.native import by_fields

__all__ = ["ResolvedPlace", "resolve_places", "article_countries"]

_MIN_POPULATION_WITHOUT_CONTEXT: Final = 100_000
_MAX_CANDIDATES_KEPT: Final = 3
_NEIGHBOUR_KM: Final = 100.0
_NEIGHBOUR_WEIGHT: Final = 2.0
_MAIN_NAME_WEIGHT: Final = 2.0  # as much as being beside the article's places
_SAINT_WORD: Final = re.compile(r"\bsaint\b")
#: The mean Earth radius in km, the value geopy's ``geopy.distance.EARTH_RADIUS`` holds (the
#: distances stay geopy's to the last bit); written here because importing geopy.distance
#: imports all its geocoders and requests: about 80 ms of every run's start-up.
EARTH_RADIUS: Final = 6371.009


@dataclass(frozen=True, slots=True, init=False)
class ResolvedPlace:
    """A place mention tied to one gazetteer entry (a populated place or a country)."""

    mention: PlaceMention
    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    precision: str  # "city" | "admin1" | "country"
    candidates: tuple[str, ...]  # "geonameid name CC" of the runners-up, best first
    online: str = ""  # what an online geocoder said, when one was asked
    capital: bool = False  # the capital of its country ("Moscow said" speaks for a state)
    population: int = 0
    lost_because: tuple[str, ...] = ()  # why each of ``candidates`` lost, in the same order
    seat: bool = False  # a province's namesake and its largest town ("Dar'a province"): drawn there

    def __init__(
        self,
        mention: PlaceMention,
        geonameid: int,
        name: str,
        latitude: float,
        longitude: float,
        country: str,
        admin1: str,
        precision: str,
        candidates: tuple[str, ...],
        online: str = "",
        capital: bool = False,
        population: int = 0,
        lost_because: tuple[str, ...] = (),
        seat: bool = False,
    ) -> None:
        # written out: compiled, each field is stored directly (geo.native, "Frozen dataclasses")
        object.__setattr__(self, "mention", mention)
        object.__setattr__(self, "geonameid", geonameid)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "latitude", latitude)
        object.__setattr__(self, "longitude", longitude)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "admin1", admin1)
        object.__setattr__(self, "precision", precision)
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "online", online)
        object.__setattr__(self, "capital", capital)
        object.__setattr__(self, "population", population)
        object.__setattr__(self, "lost_because", lost_because)
        object.__setattr__(self, "seat", seat)

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


def article_countries(mentions: Sequence[PlaceMention], gazetteer: PlaceIndex) -> Counter[str]:
    """How strongly the article evokes each country (ISO code -> weight)."""
    weights: Counter[str] = Counter()
    for m in mentions:
        if m.kind == "country":
            country = gazetteer.country(m.key)
            if country:
                weights[country.code] += 2
        elif m.kind == "demonym":
            code = gazetteer.demonym(m.key)
            if code:
                weights[code] += 1
        elif m.kind == "region":
            region = gazetteer.region(m.key)
            if region:
                weights[region[0]] += 1
        elif m.kind == "area":
            continue  # a continent says nothing of the country
        elif not (m.initial and " " not in m.key):  # a first word proves nothing by itself
            candidates = gazetteer.places(m.key)
            if len({c.country for c in candidates}) == 1 and candidates[0].population >= 10_000:
                weights[candidates[0].country] += 1
    return weights


def resolve_places(
    mentions: Sequence[PlaceMention],
    gazetteer: PlaceIndex,
    *,
    geocoder: object | None = None,
) -> list[ResolvedPlace]:
    """Resolve every place and country mention; mentions that fit no context are dropped.

    Parameters
    ----------
    mentions
        The article's mentions, from :func:`geo.places.find.find_places`.
    gazetteer
        The offline gazetteer.
    geocoder
        Optional :class:`geo.geocode.services.OnlineGeocoder`: asked to confirm ambiguous names; on
        any failure, or an answer far from every candidate, the offline choice stands.
    """
    gazetteer = remembered(gazetteer)  # the same answers, without a call into the index each
    context = article_countries(mentions, gazetteer)
    anchors = _unambiguous_points(mentions, gazetteer, context)
    regions = _article_regions(mentions, gazetteer)
    out: list[ResolvedPlace] = []
    by_key: dict[tuple[str, bool, bool, str, bool], ResolvedPlace | None] = {}
    first: dict[tuple[str, bool, bool, str, bool], PlaceMention] = {}
    for m in mentions:
        if m.kind == "place":
            memo = (m.key, m.province, m.locative, m.qualifier, m.initial)
            if memo not in by_key:  # the same name means the same place throughout an article
                by_key[memo] = _resolve_one(m, gazetteer, context, anchors, None, regions)
                first[memo] = m
    by_key = _as_qualified(_coherent(by_key, first, gazetteer, context, anchors, geocoder, regions))
    for m in mentions:
        if m.kind in {"demonym", "region", "area"}:
            continue
        if m.kind == "country":
            country = gazetteer.country(m.key)
            if country is not None:
                out.append(_country_place(m, country))
            continue
        resolved = by_key[(m.key, m.province, m.locative, m.qualifier, m.initial)]
        if resolved is not None:
            out.append(replaced(resolved, mention=m))
    return out


def replaced(
    resolved: ResolvedPlace,
    *,
    mention: PlaceMention | None = None,
    precision: str | None = None,
    candidates: tuple[str, ...] | None = None,
) -> ResolvedPlace:
    """``dataclasses.replace(resolved, ...)`` for the fields the stages change (None: kept),
    built directly: replace() inspects the fields at every call, for every place of every
    article (about five times slower)."""
    r = resolved
    return ResolvedPlace(
        r.mention if mention is None else mention, r.geonameid, r.name, r.latitude, r.longitude, r.country,
        r.admin1, r.precision if precision is None else precision, r.candidates if candidates is None else candidates,
        r.online, r.capital, r.population, r.lost_because, r.seat,
    )


def _as_qualified(by_key: dict) -> dict:
    """A bare name is the place the article named with its state or country ("NEWARK, N.J."
    ... "Newark"), when it named only one such."""
    qualified: dict[str, set] = {}
    for memo, r in by_key.items():
        if memo[3] and r is not None:
            qualified.setdefault(memo[0], set()).add(r)
    out = dict(by_key)
    for memo in by_key:
        same = qualified.get(memo[0], set())
        if not memo[3] and len({r.geonameid for r in same}) == 1:
            out[memo] = next(iter(same))
    return out


def _coherent(by_key: dict, first: dict, gazetteer: PlaceIndex, context: Counter[str], anchors: list, geocoder, regions) -> dict:
    """Resolve each name again with the article's other places, as first resolved, among its
    anchors: namesakes that lie together win together ("Edmonton" and "Enfield" in north London,
    not Alberta and Nova Scotia). The geocoder, if any, is asked in this pass only."""
    points = {memo: (r.latitude, r.longitude) for memo, r in by_key.items() if r is not None}
    out = {}
    for memo, m in first.items():
        others = [pt for other, pt in points.items() if other[0] != memo[0]]
        if geocoder is None and not _neighbour_may_change(by_key[memo], m, gazetteer, context, others):
            out[memo] = by_key[memo]  # the first answer stands: skip the second scoring
            continue
        out[memo] = _resolve_one(m, gazetteer, context, anchors, geocoder, regions, others)
    return out


def _neighbour_may_change(
    first: ResolvedPlace | None, m: PlaceMention, gazetteer: PlaceIndex, context: Counter[str], others: list
) -> bool:
    """Whether some candidate other than the first answer lies beside another place of the
    article (only then can the neighbour term change the answer): one vectorised distance
    matrix instead of scoring every candidate again."""
    if not others:
        return False
    candidates = _variant_places(m, gazetteer, context) if m.variant else gazetteer.places(m.key)
    rivals = [p for p in candidates if first is None or p.geonameid != first.geonameid]
    if not rivals:
        return False
    return min(_min_km(rivals, others)) < _NEIGHBOUR_KM


def _article_regions(mentions: Sequence[PlaceMention], gazetteer: PlaceIndex) -> frozenset[tuple[str, str]]:
    """(country, admin1) of the first-level regions the article names ("Kentucky", "Ky.")."""
    found = set()
    for m in mentions:
        if m.kind == "region":
            region = gazetteer.region(m.key)
            if region and region[1]:
                found.add(region)
    return frozenset(found)


def _score_parts(
    place: Place,
    context: Counter[str],
    regions: frozenset[tuple[str, str]],
    distances: tuple[float, float],
    key: str = "",
) -> dict[str, float]:
    """A candidate's score terms by name (:func:`_total` adds them up; the best total wins),
    named for what the loser lacks, to say why a place lost.

    Weights: a tenfold population is worth 1.5; the article's main country 3 (a country it
    names in passing, such as "US officials", proportionally less); being in a region the
    article names 2.5 (Edmonton, Kentucky beside "Kentucky"); being within 300 km of the
    article's unambiguous places 2; being within 100 km of another place the article names, as
    first resolved, 2; being known by that very name, not only as an alternate name, 2
    (Salisbury, England, not Harare; ``key`` "" leaves the term out, see :func:`_own_name_key`).
    ``distances``: the place's km to the nearest of those unambiguous places (the anchors) and
    to the nearest of those other places (the neighbours), computed for all candidates at once
    by :func:`_min_km`."""
    top = max(context.values(), default=0)
    nearest, beside = distances
    near = 2.0 if nearest < 300 else (1.0 if nearest < 1000 else 0.0)
    return {
        "smaller": 1.5 * math.log10(place.population + 10),
        "outside the region the article names": 2.5 if (place.country, place.admin1) in regions else 0.0,
        "in a country the article is less about": 3.0 * context.get(place.country, 0) / top if top else 0.0,
        "farther from the article's other places": near,
        "known by that name only as an alternate": _MAIN_NAME_WEIGHT if not key or _main_name_is(place, key) else 0.0,
        "not beside the article's other named places": _NEIGHBOUR_WEIGHT if beside < _NEIGHBOUR_KM else 0.0,
    }


def _why_lost(
    parts: dict[int, dict[str, float]], best: Place, others: Sequence[Place], *, moved: bool
) -> tuple[str, ...]:
    """A few words for each of ``others`` on why it lost to ``best``: the score term that
    favoured the winner most ("smaller", "farther from the article's other places", ...), or
    the online geocoder. ``parts``: :func:`_score_parts` of each candidate, by ``id``."""
    if not others:
        return ()
    if moved:
        return ("the online geocoder chose another",) * len(others)
    won = parts[id(best)]
    reasons = []
    for other in others:
        lost = parts[id(other)]
        reason, margin = max(((k, won[k] - lost[k]) for k in won), key=lambda kv: kv[1])
        reasons.append(reason if margin > 0 else "tied; the lower GeoNames id won")
    return tuple(reasons)


def _total(parts: dict[str, float]) -> float:
    """The score from its terms, added in order (population first, as the ranking always did)."""
    total = 0.0
    for value in parts.values():
        total += value
    return total


def _min_km(places: Sequence[Place], points: Sequence[tuple[float, float]]) -> list[float]:
    """Each place's great-circle km to the nearest of ``points`` (inf when there are none): the
    haversine formula with geopy's Earth radius, in scalar ``math``. A name has a few candidates
    and the article a few points (192,000 pairs in 2,000 articles): numpy's fixed cost per
    call was most of the resolver's time, and geopy's ``great_circle`` builds Point objects at
    ~25 µs a pair. Only thresholds are read from these distances (:func:`_score_parts`)."""
    if not points:
        return [math.inf] * len(places)
    radians = [(math.radians(lat), math.radians(lon)) for lat, lon in points]
    cosines = [math.cos(lat) for lat, _ in radians]
    out = []
    for place in places:
        lat1, lon1 = math.radians(place.latitude), math.radians(place.longitude)
        cos1 = math.cos(lat1)
        least = math.inf
        for (lat2, lon2), cos2 in zip(radians, cosines):
            h = math.sin((lat2 - lat1) / 2) ** 2 + cos1 * cos2 * math.sin((lon2 - lon1) / 2) ** 2
            least = min(least, h)
        out.append(2 * EARTH_RADIUS * math.asin(math.sqrt(min(least, 1.0))))
    return out


def _acceptable(place: Place, mention: PlaceMention, context: Counter[str]) -> bool:
    if place.geonameid < 0:
        return True  # a place of the user's own list: they listed it to be found
    if mention.qualifier.startswith(place.country) and mention.qualifier:
        return True
    if mention.initial and " " not in mention.key:
        # A capitalised first word ("Dam collapse ...", "Twin car bombs ...") is a place only in
        # a country the article is about.
        return context.get(place.country, 0) > 0
    if context.get(place.country, 0) > 0:
        return True
    if place.population >= _MIN_POPULATION_WITHOUT_CONTEXT:
        return True
    return mention.locative and place.population >= 20_000 and len(mention.key) >= 5


def _candidates(mention: PlaceMention, gazetteer: PlaceIndex, context: Counter[str]) -> Sequence[Place]:
    """The gazetteer's places a mention may be, narrowed to the state or country it was
    written with ("Newark, N.J.")."""
    candidates: Sequence[Place] = (
        _variant_places(mention, gazetteer, context) if mention.variant else gazetteer.places(mention.key)
    )
    if mention.qualifier:
        country, _, admin1 = mention.qualifier.partition(".")
        named = [p for p in candidates if p.country == country and (not admin1 or p.admin1 == admin1)]
        # "HOLLIDAY, Mo." with no Holliday in Missouri known is no Holliday of another state;
        # "Saipan, Guam" (a neighbouring territory named as the country) keeps its candidates
        candidates = named if named or admin1 else candidates
    return candidates


def _wire_capital_first(
    ranked: list[Place], mention: PlaceMention, gazetteer: PlaceIndex
) -> tuple[list[Place], bool]:
    """"WASHINGTON (Reuters) -": a wire dateline naming a country's capital, the largest
    place of that name, is the capital whatever countries the story is about. Returns the
    ranking and whether that rule chose the first place."""
    if not mention.dateline or mention.qualifier:
        return ranked, False
    largest = max(ranked, key=lambda p: p.population)
    if _main_name_is(largest, mention.key) and gazetteer.is_capital(name_key(largest.name), largest.country):
        return [largest] + [p for p in ranked if p is not largest], True
    return ranked, False


def _resolve_one(
    mention: PlaceMention,
    gazetteer: PlaceIndex,
    context: Counter[str],
    anchors: list[tuple[float, float]],
    geocoder: object | None,
    regions: frozenset[tuple[str, str]] = frozenset(),
    neighbours: Sequence[tuple[float, float]] = (),
) -> ResolvedPlace | None:
    candidates = _candidates(mention, gazetteer, context)
    if not candidates:
        return None
    if len(candidates) == 1:  # most names: nothing to rank, and no runner-up to say why it lost
        ranked, parts = list(candidates), {}
    else:
        # each candidate's score terms, asked once: they rank the candidates and say why one lost
        to_anchor, to_neighbour = _min_km(candidates, anchors), _min_km(candidates, neighbours)
        own_key = _own_name_key(mention.key, candidates, context)
        parts = {
            id(p): _score_parts(p, context, regions, (a, b), own_key)
            for p, a, b in zip(candidates, to_anchor, to_neighbour)
        }
        ranked = sorted(candidates, key=lambda p: (-_total(parts[id(p)]), p.geonameid))
    ranked = _capital_first(ranked, mention, gazetteer)
    ranked, wire_capital = _wire_capital_first(ranked, mention, gazetteer)
    online, index = "", None
    if geocoder is not None and len(ranked) > 1:
        from geo.geocode.services import confirm_candidate

        codes = [code for code, _ in context.most_common(3)]
        index, online = confirm_candidate(  # a Place has all a Candidate needs; geocoder is checked by the caller
            mention.text, ranked, geocoder=geocoder, country_codes=codes  # type: ignore[arg-type]
        )
        if index is not None:
            ranked.insert(0, ranked.pop(index))
    best = ranked[0]
    if not wire_capital and not _acceptable(best, mention, context):
        return None
    return ResolvedPlace(
        mention=mention,
        geonameid=best.geonameid,
        name=best.name,
        latitude=best.latitude,
        longitude=best.longitude,
        country=best.country,
        admin1=best.admin1,
        precision="admin1" if mention.province else "city",
        candidates=tuple(
            f"{p.geonameid} {p.name} {p.country}" for p in ranked[1 : 1 + _MAX_CANDIDATES_KEPT]
        ),
        lost_because=_why_lost(parts, best, ranked[1 : 1 + _MAX_CANDIDATES_KEPT], moved=bool(index)),
        online=online,
        capital=gazetteer.is_capital(name_key(best.name), best.country),
        population=best.population,
        seat=mention.province and _largest_in_its_region(gazetteer, best),
    )


def _largest_in_its_region(gazetteer: PlaceIndex, place: Place) -> bool:
    """Whether the gazetteer says ``place`` is the largest town of its first-level region (an
    index without that question: no)."""
    ask = getattr(gazetteer, "is_largest_in_its_region", None)
    return bool(ask and ask(place.country, place.admin1, place.population))


def _own_name_key(key: str, candidates: Sequence[Place], context: Counter[str]) -> str:
    """``key`` when some candidate bearing that very name could stand on its own (in a country
    the article evokes, or large enough to need no context), else "": "Palmyra" with no
    country named is Tadmur, Syria (Palmyra is its English name, an alternate in GeoNames),
    not a Palmyra village of a country the story never mentions."""
    if any(
        (context.get(p.country, 0) > 0 or p.population >= _MIN_POPULATION_WITHOUT_CONTEXT) and _main_name_is(p, key)
        for p in candidates
    ):
        return key
    return ""


def _main_name_is(place: Place, key: str) -> bool:
    """Whether ``key`` is the place's own name, not one of its alternate names: "Salisbury" is
    Salisbury, England before Harare (once Salisbury), "Manchester" Manchester before Richmond,
    Virginia (which counts an old Manchester among its names). Spelling differences of
    transliteration ("Hamah"/"Hama"), "Saint"/"St." and a trailing "City" do not count."""
    return _same_name(place.name, key)


@lru_cache(maxsize=65_536)
def _same_name(name: str, key: str) -> bool:
    """:func:`_main_name_is` on a name and a key, cached: asked for every candidate of every
    mention, and a few thousand names recur across articles."""
    own = _SAINT_WORD.sub("st", name_key(name))
    key = _SAINT_WORD.sub("st", key)
    if own == key or own.removesuffix(" city") == key or key.removesuffix(" city") == own:
        return True
    return skeleton_key(own) == skeleton_key(key)


def _capital_first(ranked: list[Place], mention: PlaceMention, gazetteer: PlaceIndex) -> list[Place]:
    """A country's capital before its smaller namesakes in the same country: a bare
    "Washington" in an article that names West Virginia is still the capital (the region term
    would pick Washington, W.Va.); "Washington, Pa." (a qualifier) keeps its town."""
    if mention.qualifier or len(ranked) < 2:
        return ranked
    best = ranked[0]
    capital = next(
        (p for p in ranked[1:] if p.country == best.country and p.population > best.population
         and gazetteer.is_capital(name_key(p.name), p.country)),
        None,
    )
    if capital is None:
        return ranked
    return [capital] + [p for p in ranked if p is not capital]


def _variant_places(mention: PlaceMention, gazetteer: PlaceIndex, context: Counter[str]) -> tuple[Place, ...]:
    """Places a spelling variant may stand for ("Kafr Zeita" for Kafr Zayta): only those in a
    country the article is about (at least half the weight of its main country) or that its
    qualifier names (a one-word variant: its main country only), so a loose spelling can never
    bring in a far-away namesake."""
    top = max(context.values(), default=0)
    country = mention.qualifier.partition(".")[0]
    share = 1 if " " not in mention.key else 2  # one word, looser still: the main country only
    found: dict[int, Place] = {}
    for key in mention.variant:
        for p in gazetteer.places(key):
            if p.country == country or (top and share * context.get(p.country, 0) >= top):
                found.setdefault(p.geonameid, p)
    return tuple(sorted(found.values(), key=lambda p: (-p.population, p.geonameid)))


def _country_place(mention: PlaceMention, country: Country) -> ResolvedPlace:
    c = country
    return ResolvedPlace(mention, c.geonameid, c.name, c.latitude, c.longitude, c.code, "", "country", ())


def _unambiguous_points(
    mentions: Sequence[PlaceMention], gazetteer: PlaceIndex, context: Counter[str]
) -> list[tuple[float, float]]:
    """Coordinates of the article's places that can only be one place in a context country."""
    points: dict[int, tuple[float, float]] = {}
    for m in mentions:
        if m.kind != "place":
            continue
        in_context = [p for p in gazetteer.places(m.key) if context.get(p.country, 0) > 0]
        if len(in_context) == 1:
            p = in_context[0]
            points[p.geonameid] = (p.latitude, p.longitude)
    return [points[k] for k in sorted(points)]
