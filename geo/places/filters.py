"""Place filters of the event stage: which places a sentence can map.

A resolved place becomes an event's place only where it is where something happened: not an
affiliation, an outlet or a far landmark ("London-based", "told Capital TV", "40 km south of
X", "Oldmill, a town near Bigcity", "the road linking X and Y"), not a capital speaking for
its government ("Moscow said"), not a stray homonym far from the article's other places or
from the town the text locates it by ("Oldmill north of Bigcity" resolved 300 km away), not
the first word of a longer name the gazetteer lacks ("the Bab al-Hadid quarter"), not page
furniture, not a wire dateline when the sentence names another place. "The city" stands for
the town named just before it, and a province gives way to the town the sentence names. Each
rule is declared with its examples (geo.rules).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Final, TypeVar

from geo.lexicons import column
from geo.read.document import Document, dateline_at, is_caption, is_furniture
from geo.places.resolve import EARTH_RADIUS, ResolvedPlace, replaced
from geo.rules import braced, example
from geo.read.text import CaselessPattern, Sentence, lowered_as_ignorecase
from geo.read.wordlist import Guard

__all__ = [
    "FAR_KM",
    "anaphora",
    "as_region",
    "descriptor",
    "inside_a_smaller_place",
    "km",
    "landmarks_of_named_places",
    "mappable",
    "misplaced_homonyms",
    "not_where_it_happened",
    "part_of_a_longer_name",
    "places_by_sentence",
    "regions_give_way",
    "speaks_for_a_state",
    "strays",
]


#: How many sentences back "the city" may look for the town it stands for: the nearest
#: sentence naming a town it fits decides, so a town named in between is found first; with
#: two towns named there, it stands for neither. Background sentences about the victims or
#: the monitor often stand between the town and "the same city" (six covers a paragraph).
_ANAPHORA_REACH: Final = 6


# Written "[Tt](?<!\w.)he" rather than "\b[Tt]he" (the same test, moved after the first letter):
# a pattern that opens with a letter class lets the regex engine skip to the T's, twice as fast
# on every sentence of every article.
_TOWN_NOUN: Final = re.compile(
    r"[Tt](?<!\w.)he (?:(?:[a-z]+|[A-Z][a-z]+n|[A-Z][a-z]+i)[ -]){0,3}?(?:city|town|village)\b(?! of [A-Z])"
)
# Every _TOWN_NOUN match holds one of these: a sentence with none is not searched (a few
# substring tests cost a fraction of the search, which tries every "t").
# tests/test_fast_regex_identical.py generates its matches and checks.
TOWN_NOUNS: Final = ("city", "town", "village")


_NAMED_NOUN: Final = re.compile(r"[A-Z][\w'’]+[ -][A-Z]")


_LOCATED_AFTER: Final = re.compile(r"\s+(?:in|of|near|outside)\s+(?:the\s+)?[A-Z]")


#: What counted() counts: country codes, GeoNames ids.
_Counted = TypeVar("_Counted", str, int)


def counted(values: Iterable[_Counted]) -> dict[_Counted, int]:
    """How often each value occurs, in the order first met: ``Counter(values)`` as a dict.

    Counted here rather than by Counter, whose construction and most_common run as
    interpreted Python: the three "which country does the article name most" questions an
    article asks, and the events' count of each place's mentions, cost 5.6 million of the
    pipeline's 1,037 million instructions over the dev-set articles (callgrind) that way."""
    counts: dict[_Counted, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def commonest(counts: dict[_Counted, int]) -> _Counted | None:
    """The most counted value, the first of those tied; None for none: what
    ``Counter.most_common(1)[0][0]`` gives."""
    best: _Counted | None = None
    most = 0
    for value, n in counts.items():
        if n > most:  # strictly: a later value with as many does not take the first's place
            best, most = value, n
    return best


def places_by_sentence(doc: Document, places: Sequence[ResolvedPlace]) -> dict[int, list[ResolvedPlace]]:
    """The places each sentence can map, once affiliations, speakers, landmarks and page
    furniture are set aside."""
    text = doc.text
    found: dict[int, list[ResolvedPlace]] = {}
    stray_starts = strays(places)
    # the country whose towns and provinces the article names most ("US-trained" names no town)
    countries = counted(p.country for p in places if p.precision != "country")
    home = commonest(countries) or ""
    named_countries = {p.country for p in places if p.precision == "country"}
    misplaced = misplaced_homonyms(text, places)
    for p in places:
        if not mappable(p) or speaks_for_a_state(text, p) or not_where_it_happened(text, p):
            continue
        if p.geonameid in misplaced:
            continue
        if foreign_government(p, home) or homonym_abroad(p, home, named_countries):
            continue
        if p.mention.start_char in stray_starts:
            continue
        index = doc.sentence_of(p.mention.start_char)
        if doc.sentences and doc.is_furniture(index):
            continue
        found.setdefault(index, []).append(p)
    foreign: dict[int, set[str]] = {}  # countries a sentence names through any place
    for p in places:
        foreign.setdefault(doc.sentence_of(p.mention.start_char), set()).add(p.country)
    # the country the article is mostly about (home): a dateline in another one is where the
    # story was filed ("BEIRUT - Air strikes on rebel towns killed 44", in a story about Syria)
    for index, named in list(found.items()):
        # A wire dateline says where the story was filed; it is the event's place only when
        # the sentence it opens names no other town, and no other country ("MOGADISHU (AP) -
        # Bombs hit Somalia's capital", not "KYIV (Reuters) - troops left Avdiivka", nor
        # "AMMAN - Air strikes in Syria ...").
        named_elsewhere = any(not p.mention.dateline for p in named)
        kept = []
        for p in named:
            abroad = foreign.get(index, set()) - {p.country}
            filed_abroad = p.country != home and countries.get(home, 0) > countries.get(p.country, 0)
            if not p.mention.dateline or not (named_elsewhere or abroad or filed_abroad):
                kept.append(p)
        found[index] = kept
    return found


# "Oldmill north of Bigcity", "Oldmill, just outside Bigcity": where the text says a place lies.
_LOCATED_FROM: Final = re.compile(
    r",?\s+(?:(?:just|right|about|some)\s+)?(?:(?:(?:north|south|east|west)(?:-?(?:east|west))?|near|outside|close to)\s+)"
    r"(?:of\s+)?(?:the\s+(?:[a-z]+\s+)?(?:city|town)\s+of\s+)?",
    re.IGNORECASE,
)


#: How far a place said to be near or north of a town may lie from it (beyond: a homonym).
_LOCATED_FROM_KM: Final = 100.0


def misplaced_homonyms(text: str, places: Sequence[ResolvedPlace]) -> set[int]:
    """Gazetteer ids of towns the text locates from another town ("battles around Oldmill
    north of Bigcity") that lie far (> :data:`_LOCATED_FROM_KM`) from it: the resolver took a
    namesake elsewhere, so none of the article's mentions of it is mapped."""
    found = set()
    ordered = sorted(places, key=lambda p: p.mention.start_char)
    for p, q in zip(ordered, ordered[1:]):
        if p.precision != "city" or q.precision == "country" or p.geonameid == q.geonameid:
            continue
        if _LOCATED_FROM.fullmatch(text, p.mention.end_char, q.mention.start_char) is None:
            continue
        if km((p.latitude, p.longitude), (q.latitude, q.longitude)) > _LOCATED_FROM_KM:
            found.add(p.geonameid)
    return found


def foreign_government(place: ResolvedPlace, home: str) -> bool:
    """A foreign capital not written as a place ("given by Washington", "Moscow was
    responsible") in an article about another country (``home``, the one whose towns it names
    most) stands for its government; "talks in Moscow" (a place word before it) stays."""
    m = place.mention
    return place.capital and bool(home) and place.country != home and not (m.locative or m.dateline)


def homonym_abroad(place: ResolvedPlace, home: str, named_countries: set[str]) -> bool:
    """A town put in a country the article never names although a namesake in the article's
    own country (``home``) was a candidate ("Madaya" in Myanmar in a story about Syria): a
    homonym against its context, better off the map than abroad."""
    if not home or place.country == home or place.country in named_countries or place.precision != "city":
        return False
    return any(candidate.endswith(f" {home}") for candidate in place.candidates)


def strays(places: Sequence[ResolvedPlace]) -> set[int]:
    """Start offsets of names that need stronger evidence than they have: a town far
    (> :data:`FAR_KM`) from every other place of the article, in a country the article neither
    names nor is mostly about (or any far name that merely opens a sentence, where a capital
    letter proves nothing), and not written where a place is expected ("in", "near", ...).
    "Peace talks" read as a town abroad, "the White House" as a foreign city: a homonym
    against its context. A far place the article introduces as a place ("talks in Geneva")
    stays."""
    towns = [p for p in places if p.precision != "country"]
    home = {p.country for p in places if p.precision == "country"}
    most = commonest(counted(p.country for p in towns))
    if most is not None:
        home.add(most)
    found = set()
    for p in towns:
        if p.mention.locative or p.mention.dateline or (p.country in home and not p.mention.initial):
            continue
        others = [(o.latitude, o.longitude) for o in towns if o.geonameid != p.geonameid]
        if others and min(km((p.latitude, p.longitude), o) for o in others) > FAR_KM:
            found.add(p.mention.start_char)
    # a name the article has already placed with evidence ("the consulate in Benghazi")
    # needs none where it opens a sentence ("Benghazi was the cradle of the uprising")
    placed = {p.geonameid for p in towns if p.mention.start_char not in found}
    return {p.mention.start_char for p in towns if p.mention.start_char in found and p.geonameid not in placed}


# What stands just after a place that makes it an affiliation, an outlet or an actor:
# "London-based group", "Ankara-backed fighters", "Capital TV", "the Harbour News Agency".
_AFFILIATION_AFTER: Final = re.compile(
    r"(?:[-\s](?:based|backed|led|allied|funded|sponsored|supported|aligned|affiliated|headquartered)\b"
    r"|\s+(?:news agency|agency|TV|television|radio|channel|newspaper|daily|news|times|post|reporter|correspondent"
    r"|regime|government|administration|authorities)\b"
    r"|\s+(?:reported|reports|quoted|cited|broadcast|aired))",
    re.IGNORECASE,
)


# What stands just before it: "told Capital TV", "according to X", "pro-X", "brokered by X".
# Guarded (geo.read.wordlist.Guard): searched before every place, and slow to say no.
_AFFILIATION_BEFORE: Final = Guard(re.compile(
    r"(?:\b(?:told|according to|quoted by|cited by|reported by|brokered by|backed by|sponsored by|supported by"
    r"|allied (?:to|with)|loyal to|speaking (?:to|from)|interview with)|\bpro-|\banti-"
    # where people come from: "families from X", "refugees from X"
    # (and the rest of a list it heads: "families from Oldtown Newtown and X")
    r"|\b(?:families|refugees|people|natives|migrants) (?:who fled )?from\s+(?:(?-i:[A-Z][\w'’-]+),?\s+){0,4}(?:and\s+)?"
    # an office held for a place: "the Governor of X", "the mayor of X", "X's envoy to Y"
    r"|\b(?:governor|mayor|ambassador|envoy|consul|representative|minister|prefect)s?\s+(?:of|to|in)"
    # an outlet's name after its noun: "TV station X", "the news website X"
    r"|\b(?:TV|television|radio|satellite) (?:station|channel|network)|\bnews (?:agency|website|channel)"
    # where the speaker is: "said in X", "told reporters in X", "said on a visit to X"
    r"|\b(?:said|says|told (?:reporters|journalists|a news conference)|speaking|spoke|added)"
    r"\s+(?:(?:on|during) (?:a|an official|his|her) (?:visit|trip) to"
    # "during a visit to the Westland city of X": the town the speaker visited
    r"(?:\s+the(?:\s+(?-i:[A-Z][\w'’-]+)){0,3}\s+(?:city|town|capital) of)?|in|from))\s*(?:the\s+|[Aa]l-|[Ee]l-)?$",
    re.IGNORECASE,
))


# "40 km south of X", "12 miles from X": X is a landmark, the event is elsewhere.
_LANDMARK_BEFORE: Final = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>km|kms|kilometres|kilometers|miles|mi)\b[^.;]{0,30}?"
    r"\b(?:of|from)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:(?:city|town|village) of\s+)?$",
    re.IGNORECASE,
)


_DIGIT: Final = re.compile(r"\d")


def _landmark(before: str) -> re.Match[str] | None:
    """_LANDMARK_BEFORE's search, after a quick no: its matches open with a number, and the
    regex engine skips to a digit at C speed where the pattern is tried at every position
    (9.5 -> 6.5 us an article over the dev set's windows, pure Python: most hold a number)."""
    return _LANDMARK_BEFORE.search(before) if _DIGIT.search(before) is not None else None


#: How far a landmark may be and still stand for the place of the event (the scoring radius).
_LANDMARK_KM: Final = 25.0


_REGION_NOUNS: Final = frozenset("countryside province governorate region district suburbs outskirts".split())


def not_where_it_happened(text: str, place: ResolvedPlace) -> bool:
    """A place named as an affiliation, an outlet, an actor, a far landmark, a road's end or
    where people were heading, or an acronym that is not the place's written name ("SANA" is
    an agency, not Sanaa)."""
    m = place.mention
    written = m.text
    if written.lower() in _REGION_NOUNS:
        return True
    if written.isupper() and len(written) <= 5 and not m.dateline and written != place.name.upper():
        return True
    after = text[m.end_char : m.end_char + 40]
    if _AFFILIATION_AFTER.match(after):
        return True
    before = text[max(0, m.start_char - 60) : m.start_char]
    if _AFFILIATION_BEFORE.search(before):
        return True
    landmark = _landmark(before)
    if landmark is not None:
        distance = float(landmark.group("n")) * (1.609 if landmark.group("unit").lower().startswith("mi") else 1.0)
        return distance > _LANDMARK_KM
    if _route_end(before):
        return True
    if _may_name_a_destination(before) and _DESTINATION_BEFORE.search(before) and not _MEETING_AFTER.match(after):
        return True
    return part_of_a_longer_name(text, place)


# "the road linking X and Y", "a highway runs between X and Y", "a supply route to Y": the
# towns a road joins name the road, not where something happened on it.
_ROUTE_NOUNS: Final = ("road", "highway", "motorway", "route", "railway", "pipeline", "corridor")
_ROUTE_END_BEFORE: Final = re.compile(
    rf"\b(?:{'|'.join(_ROUTE_NOUNS)})s?\s+(?:that\s+|which\s+)?(?:runs?\s+|running\s+)?"
    r"(?:linking|links|between|connecting|connects|from|to|towards?)\s+"
    r"(?:(?:the\s+)?(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+))?\s+(?:and|to|with)\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# Its quick no: every match holds one of the nouns, so the lower-cased words before a place
# (where lower-casing reads as the case-insensitive pattern does) must. A pattern that opens
# with words the regex engine skips to at C speed: 14.6 -> 6.5 us an article over the dev set's
# windows (pure Python).
_ROUTE_NOUN: Final = re.compile("|".join(_ROUTE_NOUNS))


def _route_end(before: str) -> bool:
    """Whether ``before`` ends as the words before a road's end do (_ROUTE_END_BEFORE)."""
    lowered = lowered_as_ignorecase(before)
    if lowered is not None and _ROUTE_NOUN.search(lowered) is None:
        return False
    return _ROUTE_END_BEFORE.search(before) is not None


# Where people or a convoy were going: "residents fled north towards X", "fleeing Oldtown for
# X", "a boat travelling upstream to X", "heading for X and Y". The happening is where they
# were, or on the way; the place they were bound for is named for its direction.
_DESTINATION_BEFORE: Final = re.compile(
    r"\b(?:fled|flee|flees|fleeing|fled\s+(?:north|south|east|west)(?:wards)?|heading|headed|heads|travell?ing"
    r"|sailing|driving|bound|en\s+route|on\s+(?:their|its|the)\s+way|escaping|escaped"
    # the wounded or the evacuated, carried elsewhere: "taken to X for treatment"
    r"|taken|evacuated|transferred|rushed|airlifted|transported)"
    r"(?:\s+(?:north|south|east|west|upstream|downstream|back|home)(?:wards)?)?"
    r"(?:\s+from\s+(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){0,2})?"  # "fleeing from Oldtown for X"
    r"(?:\s+(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+))?)?"  # "fleeing Oldtown for X"
    r"\s+(?:towards?|for|to|into)\s+(?:the\s+)?"
    r"(?:(?-i:[A-Z][\w'’-]+)\s+(?:and|or)\s+)?$",  # the second of two: "towards X and Y"
    re.IGNORECASE,
)


# Where a trip ends in what the story is about: "headed to Geneva for talks", "travelling to
# Oldtown to meet the rebels": the destination is then where the happening is.
_MEETING_AFTER: Final = re.compile(r",?\s+(?:for\s+(?:talks|a\s+meeting|meetings|negotiations|a\s+summit)|to\s+(?:meet|attend|sign|negotiate))\b", re.IGNORECASE)


def _may_name_a_destination(before: str) -> bool:
    """A quick no for :data:`_DESTINATION_BEFORE` (asked for every place of every sentence
    with an action word): its last word before the place is one of these."""
    return " to " in before or "oward" in before or " for " in before or " into " in before


# The further part of a longer Arabic name: "al-Nayrab", "el-Sabaa", "Al-Dusham".
_NAME_PART_AFTER: Final = re.compile(
    r"[ -](?i:al|el|ad|ar|as|ash|at|az|ed|en|er|es|ez|ul|um)-(?-i:[A-Z])[\w'’]*(?:\s+(?-i:[A-Z])[\w'’]*)?"
)


# What a named feature inside a town or province is called, just after or before its name:
# "the Oldgate al-Nour neighbourhood", "the hills of Oldhill al-Jadid".
_FEATURES: Final = (
    r"neighbou?rhoods?|district|quarter|areas?|villages?|hills?|farms?|camps?|mountains?|streets?"
    r"|squares?|markets?|crossings?|checkpoints?|dam|airbase|base|axis|roads?|bridge|plain|valley"
)
_FEATURE_AFTER: Final = re.compile(rf"\s+(?i:{_FEATURES})\b")
_FEATURE_OF_BEFORE: Final = re.compile(rf"\b(?i:{_FEATURES})\s+of\s+$")


#: Words opening many Arabic place names that are a town's whole name too (Bab, Tal, Kafr).
_NAME_HEADS: Final = frozenset(column("name_heads"))


def part_of_a_longer_name(text: str, place: ResolvedPlace) -> bool:
    """Did the gazetteer match only the first word of a longer name it does not know? "The
    Bab al-Nayrab neighbourhood" is not the town of Al-Bab: a name followed by an "al-" part is
    a longer name when its word opens many names ("Bab", "Tal": geo/lexicons/name_heads.tsv)
    or the whole is a named feature ("Oldhill al-Jadid village", "the farms of X al-Y");
    "Talbisa al-Rastan" (two towns in stripped text) stays."""
    m = place.mention
    part = _NAME_PART_AFTER.match(text, m.end_char)
    if part is None:
        return False
    if m.text.lower() in _NAME_HEADS:
        return True
    return bool(_FEATURE_AFTER.match(text, part.end())) or bool(
        _FEATURE_OF_BEFORE.search(text, max(0, m.start_char - 30), m.start_char)
    )


# A region named around a town's name: "X province", "the countryside of X", "eastern X".
_REGION_AFTER: Final = re.compile(r"\s+(?:province|governorate|countryside|region|district|suburbs|outskirts)\b", re.I)


# Guarded, like _AFFILIATION_BEFORE: asked of every place a sentence names.
_REGION_BEFORE: Final = Guard(re.compile(
    r"\b(?:(?:province|governorate|countryside|suburbs|outskirts|region)s? of\s+(?:the\s+)?"
    # the second of two: "the countryside of Oldmere and Y", "the provinces of X, Y"
    r"(?:(?-i:[A-Z][\w'-]+)(?:,\s+|\s+and\s+))?"
    r"|(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east"
    r"|south-west|central)(?:ern)?\s+(?:rural\s+)?|rural\s+"
    # "north of Y", "the outskirts of Y": Y locates the happening, a named town carries it
    r"|(?<!the )(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of\s+)$",
    re.IGNORECASE,
))
# "Newtown in Y", "the Newtown district in Y": Y is the area around the named place, when Y is
# a town large enough to name a province ("Jaish al-Fatah in Oldham", a small town, is the town).
_NAMED_PLACE_IN_BEFORE: Final = re.compile(
    r"(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b)(?-i:[A-Z][\w'-]+)\s+"
    r"(?:(?:city|town|village|area|district|neighbou?rhood|camp)\s+)?in\s+$",
    re.IGNORECASE,
)
# How every match of _NAMED_PLACE_IN_BEFORE ends. Searched first: it skips to an "i" (the
# regex engine's own quick scan for a pattern that begins with a letter), where the full
# pattern tries its list of weekdays and months at every position (43.7 -> 3.6 us an article).
_ENDS_IN: Final = re.compile(r"in\s+$", re.IGNORECASE)
#: The least population of a town whose name may stand for its province after "Newtown in":
#: provinces are named after regional capitals, which are cities.
PROVINCE_TOWN_POPULATION: Final = 50_000


def as_region(text: str, place: ResolvedPlace) -> bool:
    """Is the name used for the province around the town rather than the town itself?"""
    m = place.mention
    if m.province or place.precision == "admin1":
        return True
    if _REGION_AFTER_CASELESS.matches_at(text, m.end_char):
        return True
    if _TOWN_AFTER_CASELESS.matches_at(text, m.end_char, m.end_char + 8):
        return False  # "Y city": the town itself
    before = text[max(0, m.start_char - 40) : m.start_char]
    if _TOWN_OF_BEFORE_CASELESS.found(before):
        return False
    if _REGION_BEFORE.search(before):
        return True
    return (
        place.population >= PROVINCE_TOWN_POPULATION
        and _ENDS_IN_CASELESS.found(before)  # a quick no: the search below ends so
        and _NAMED_PLACE_IN_BEFORE.search(before) is not None
    )


_TOWN_AFTER: Final = re.compile(r"\s+(?:city|town)\b", re.IGNORECASE)


# What stands between a place and a town named as its landmark: "Oldmill near", "Oldmill, a
# town near", "Oldmill a village outside".
_LANDMARK_OF_NAMED: Final = re.compile(
    r",?\s+(?:(?:a|an|the)\s+(?:[a-z-]+\s+){0,2}?(?:town|village|city|suburb|area|district|camp)\s+)?"
    r"(?:(?:just|right)\s+)?(?:near|outside|close to)\s+(?:the\s+(?:(?:city|town)\s+of\s+)?)?",
    re.IGNORECASE,
)


# "north of Bigcity (city) in Oldmill": Bigcity locates Oldmill.
_DIRECTION_OF_BEFORE: Final = re.compile(
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:-?(?:east|west))?\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_THEN_IN: Final = re.compile(r"\s+(?:(?:city|town)\s+)?in\s+(?:the\s+(?:town|village)\s+of\s+)?", re.IGNORECASE)


def landmarks_of_named_places(text: str, places: Sequence[ResolvedPlace]) -> set[int]:
    """Start offsets of towns a sentence names only to locate another place it names: in
    "safe passage out of Oldmill, a town near Bigcity" or "a mosque north of Bigcity in
    Oldmill", Oldmill carries the event and Bigcity is its landmark. A landmark of a place the
    gazetteer does not know stays (it may be close)."""
    found = set()
    for p in places:
        for q in places:
            if q.geonameid == p.geonameid:
                continue
            end = q.mention.end_char
            if end <= p.mention.start_char and _LANDMARK_OF_NAMED.fullmatch(text, end, p.mention.start_char):
                found.add(p.mention.start_char)
            elif (p.mention.end_char <= q.mention.start_char
                  and _THEN_IN.fullmatch(text, p.mention.end_char, q.mention.start_char)
                  and _DIRECTION_OF_BEFORE.search(text, max(0, p.mention.start_char - 30), p.mention.start_char)):
                found.add(p.mention.start_char)
    return found


_TOWN_IN: Final = re.compile(r"\s+(?:(?:city|town|village|area|district|neighbou?rhood|camp)\s+)?in\s+(?:the\s+)?", re.IGNORECASE)


def inside_a_smaller_place(place: ResolvedPlace, places: Sequence[ResolvedPlace], text: str) -> bool:
    """Is ``place`` written after a larger town as where that town is ("Bigcity city in
    Oldmill")? Then it is not the area around the town (as "Newtown in Oldshire" is): a
    village does not contain a city, so the name is the village itself."""
    if place.precision != "city":
        return False
    for q in places:
        if q.mention.end_char <= place.mention.start_char and q.population > place.population:
            if _TOWN_IN.fullmatch(text, q.mention.end_char, place.mention.start_char):
                return True
    return False


_TOWN_OF_BEFORE: Final = re.compile(r"\b(?:city|town|village) of\s+$", re.I)


# as_region's four searched case-sensitively in the lower-cased text where that finds the same
# (see CaselessPattern): asked of every place of every sentence with an action word. The text
# after the place is read in the article (remembered lower-cased); the 40 characters before it
# are a stretch of their own, lower-cased once for the three patterns that read it.
_REGION_AFTER_CASELESS: Final = CaselessPattern(_REGION_AFTER)
_TOWN_AFTER_CASELESS: Final = CaselessPattern(_TOWN_AFTER)
_TOWN_OF_BEFORE_CASELESS: Final = CaselessPattern(_TOWN_OF_BEFORE)
_ENDS_IN_CASELESS: Final = CaselessPattern(_ENDS_IN)


def regions_give_way(
    text: str, places: list[ResolvedPlace], sentence: Sentence, known: dict[int, bool] | None = None
) -> list[ResolvedPlace]:
    """A province is never its capital's point: where the sentence names a town inside it,
    the town carries the event (and a town the gazetteer does not know, "the village of
    Oldmill", takes the event off the map rather than put it on the capital); a province the
    sentence names with no town of its own is one event at ``admin1`` precision. ``known``:
    :func:`as_region` already asked, by ``id`` of the place."""
    known = known or {}
    regions = [p for p in places if (known[id(p)] if id(p) in known else as_region(text, p))]
    if not regions:
        return places
    towns = [p for p in places if p not in regions]
    if towns:
        # "one killed in Oldshire province and another in Newtown in Westshire province":
        # a province gives way only to a town inside it; one with no town of its own keeps its event
        inside = {(t.country, t.admin1) for t in towns}
        alone = [r for r in regions if r.admin1 and (r.country, r.admin1) not in inside]
        town_ids = {t.geonameid for t in towns}
        return towns + [p for p in _at_admin1(alone) if p.geonameid not in town_ids]
    spans = [(p.mention.start_char, p.mention.end_char) for p in places]
    # A quick no: every match holds one of the nouns (the search, tried at every character of the
    # sentence, cost 190,000 instructions a sentence; see lowered_as_ignorecase for why the
    # lower-cased sentence tells).
    lowered = lowered_as_ignorecase(text[sentence.start : sentence.end])
    if lowered is not None and not any(noun in lowered for noun in _SETTLEMENT_NOUNS):
        return _at_admin1(regions)
    for m in _UNKNOWN_TOWN.finditer(text, sentence.start, sentence.end):
        group = "name" if m.group("name") else "name2"
        start, end = m.span(group)
        if not any(a < end and start < b for a, b in spans) and not _DEMONYM_LIKE.search(m.group(group)):
            return []
    return _at_admin1(regions)


def _at_admin1(regions: list[ResolvedPlace]) -> list[ResolvedPlace]:
    """Each province once, at ``admin1`` precision."""
    first: dict[int, ResolvedPlace] = {}
    for p in regions:
        if p.geonameid not in first:
            first[p.geonameid] = replaced(p, precision="admin1")
    return list(first.values())


# A settlement named with its noun: "the village of Oldmill", "Oldmill village", "al-Oldmill area"
# (a neighbourhood, district or camp belongs to its city, which stays the right point).
_UNKNOWN_TOWN: Final = re.compile(
    r"\b(?i:village|town|city|area)s?\s+of\s+(?P<name>(?:[Aa]l-|[Ee]l-)?[A-Z][\w'’-]+)"
    r"|(?P<name2>(?:[Aa]l-|[Ee]l-)?[A-Z][\w'’-]+)\s+(?i:village|town|city|area|hills?)\b"
)


_SETTLEMENT_NOUNS: Final = ("village", "town", "city", "area", "hill")  # one is in every match above
_DEMONYM_LIKE: Final = re.compile(r"(?:ian|ean|ese|ish|an|i)$")


#: A place this far from every other place of its article is suspect (a homonym, a far landmark).
FAR_KM: Final = 300.0


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points (haversine), on the same
    Earth as the resolver's distances (:data:`geo.places.resolve.EARTH_RADIUS`, geopy's)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h)))


_SPEECH: Final = re.compile(
    r"\s*(?:has |had |have |would |will |is |was )?(?:said|says|say|warned|warns|denied|denies"
    r"|accused|accuses|claimed|claims|insisted|insists|urged|urges|responded|rejected|rejects"
    r"|condemned|condemns|welcomed|welcomes|announced|announces|blamed|blames|demanded|demands"
    r"|wants|hopes|fears|believes|argued|argues|vowed|vows|called on|agreed|signalled|described"
    r"|describes|called|calls|added|noted|stated|told|confirmed|acknowledged|maintains|maintained"
    r"|threatened|threatens|promised|promises|pledged|pledges|sought|seeks|backed|backs|sent|sends"
    # a government keeping or breaking its word: "whether Eastport is adhering to the deal"
    r"|adher(?:es|ed|ing)|compl(?:ies|ied|ying)|refus(?:es|ed|ing))\b",
    re.IGNORECASE,
)


#: A province is mapped at its namesake town only where that town is its likely capital.
_PROVINCE_CAPITAL_MIN_POPULATION: Final = 100_000


def mappable(place: ResolvedPlace) -> bool:
    """Towns, and provinces whose namesake town is large enough to be their capital
    ("Idlib province" at Idlib) or is the largest town of its province ("Daraa province" at
    Daraa, a town of 98,000); a state or region whose namesake is a small town elsewhere
    ("Guerrero state") is context only."""
    if place.precision == "city":
        return True
    return place.precision == "admin1" and (place.population >= _PROVINCE_CAPITAL_MIN_POPULATION or place.seat)


def speaks_for_a_state(text: str, place: ResolvedPlace) -> bool:
    """"Moscow said", "Washington warned", "Lisbon and Madrid say": a capital standing for
    its government is an actor, not where something happened. A list of capitals ("a deal
    brokered by Oslo, Rome and Vienna") is a list of governments unless a word for a place
    introduces it ("talks in Oslo and Rome")."""
    if place.mention.dateline:
        return False
    if not place.capital:
        # a seat of any authority, as a sentence's subject: "Oldtown accused the government"
        return place.mention.initial and bool(_ACTOR_VERB.match(text, place.mention.end_char))
    end = place.mention.end_char
    listed = _CAPITAL_LIST_TAIL.match(text, end)
    if listed and " and " not in f" {listed.group()} ":
        listed = None  # "Nairobi, Kenya": a town and its country, not a list
    if _SPEECH.match(text, listed.end() if listed else end):
        return True
    before = text[max(0, place.mention.start_char - 60) : place.mention.start_char]
    in_list = bool(listed) or bool(_CAPITAL_LIST_HEAD.search(before))
    return in_list and not _PLACE_WORD_BEFORE_LIST.search(before)


# What only a government or an authority does, said of a town that starts a sentence.
_ACTOR_VERB: Final = re.compile(
    r"\s+(?:has |had )?(?:accused|accuses|condemned|condemns|denied|denies|demanded|demands|rejected"
    r"|rejects|vowed|vows|blamed|blames|urged|urges|warned|warns)\b"
)


# "and Rome", ", Rome and Vienna" after a capital; "Oslo and " / "Oslo, Rome and " before it.
_CAPITAL_LIST_TAIL: Final = re.compile(r"(?:,?\s+(?:and\s+)?[A-Z][a-z]+){1,3}(?=\s)")


_CAPITAL_LIST_HEAD: Final = re.compile(r"[A-Z][a-z]+(?:,?\s+[A-Z][a-z]+){0,2},?\s+and\s+$")


_PLACE_WORD_BEFORE_LIST: Final = re.compile(r"\b(?:in|at|to|from|near|between|visit(?:ed|s)?)\s+(?:[A-Z][a-z]+,?\s+){0,3}(?:and\s+)?$")


_DESCRIBED: Final = re.compile(r"\b(city|town|village)\s+of\s+(?:[a-z]+\s+)?$")


def descriptor(text: str, place: ResolvedPlace) -> str:
    """The noun an article gave a town by name: "the northern city of Aleppo" -> "city"."""
    m = _DESCRIBED.search(text, max(0, place.mention.start_char - 40), place.mention.start_char)
    return m.group(1) if m else ""


def anaphora(
    text: str,
    sentence: Sentence,
    named_towns: Sequence[tuple[int, ResolvedPlace, str]],
    index: int,
    *,
    before: int,
) -> list[ResolvedPlace]:
    """"The ancient city", "the town": the town it stands for, if one can be told.

    Looking back sentence by sentence (at most :data:`_ANAPHORA_REACH`), the first sentence
    that names a town the noun fits (a town the article called a "city" is not "the town")
    decides: one such town is the antecedent; two make it ambiguous, and nothing is mapped.
    Hand-written because no coreference model runs offline; the excerpt shows the words it
    stood on, so the reader can judge.
    """
    if all(text.find(noun, sentence.start, sentence.end) < 0 for noun in TOWN_NOUNS):
        return []
    m = _TOWN_NOUN.search(text, sentence.start, sentence.end)
    if m is None or m.start() > before:  # after a named town, "the city" means that town
        return []
    if _NAMED_NOUN.search(m.group()) or _LOCATED_AFTER.match(text, m.end()):
        return []  # "the Old Mill town", "the town in Y": a town of its own, not one named before
    noun = m.group().rsplit(None, 1)[-1].lower()
    for back in range(index - 1, max(index - _ANAPHORA_REACH, 0) - 1, -1):
        fitting = {p.geonameid: p for i, p, said in named_towns if i == back and said in {"", noun}}
        if len(fitting) > 1:
            return []
        if fitting:
            antecedent = next(iter(fitting.values()))
            mention = replace(
                antecedent.mention, text=m.group(), start_char=m.start(), end_char=m.end(), locative=False
            )
            return [replaced(antecedent, mention=mention, candidates=())]
    return []


# ---------------------------------------------------------------- the rules' examples (geo.rules)
# Written for Datelines; the span the rule is about is marked with {braces}.


def _region_words(text: str, start: int, end: int) -> bool:
    """The words around a name that make it the province around a town (see :func:`as_region`)."""
    if _REGION_AFTER.match(text, end):
        return True
    if _TOWN_AFTER.match(text[end : end + 8]):
        return False
    before = text[max(0, start - 40) : start]
    return bool(_REGION_BEFORE.search(before)) and not _TOWN_OF_BEFORE.search(before)


def _stand_in(text: str, start: int, end: int) -> ResolvedPlace:
    """A resolved place for a rule's example: the name at text[start:end], a town of that name."""
    from geo.places.find import PlaceMention

    mention = PlaceMention(text[start:end], start, end, text[start:end].lower(), "place", False, False)
    return ResolvedPlace(mention, 1, text[start:end], 0.0, 0.0, "XX", "", "city", ())


def _town_anaphor(text: str) -> bool:
    """Is there a "the city"/"the town" that may stand for a town named before (see :func:`anaphora`)?"""
    m = _TOWN_NOUN.search(text)
    return m is not None and not _NAMED_NOUN.search(m.group()) and not _LOCATED_AFTER.match(text, m.end())


def _unknown_town(text: str) -> bool:
    """Does the text name a settlement with its noun ("the village of Oldmill"), not a demonym?"""
    for m in _UNKNOWN_TOWN.finditer(text):
        if not _DEMONYM_LIKE.search(m.group("name") or m.group("name2")):
            return True
    return False


def _far_landmark(before: str) -> bool:
    """Is the name a landmark more than :data:`_LANDMARK_KM` from the happening ("40 km south of X")?"""
    landmark = _landmark(before)
    if landmark is None:
        return False
    distance = float(landmark.group("n")) * (1.609 if landmark.group("unit").lower().startswith("mi") else 1.0)
    return distance > _LANDMARK_KM


example(
    "places.affiliation_after", braced(lambda t, s, e: _AFFILIATION_AFTER.match(t, e)),
    fires=["the {Harbourton}-based monitor", "{Eastport}-backed fighters", "the {Harbourton} News Agency said",
           "{Capital} TV reported"],
    holds=["fighting in {Oldtown} on Monday", "{Oldtown} fell to the rebels", "the {Oldtown} countryside"],
)
example(
    "places.affiliation_before", braced(lambda t, s, e: _AFFILIATION_BEFORE.search(t[max(0, s - 60) : s])),
    fires=["he told {Capital} Radio", "according to {Eastport}", "pro-{Eastport} forces",
           "the minister said in {Geneva} that", "a truce brokered by {Eastport}",
           "an interview with the local TV station al-{Harbourton}", "the news website {Eastport} reported",
           "the Governor of {Oldshire} told reporters", "the ambassador to {Eastport} said",
           "a school sheltering families from {Oldtown} was hit",
           "a school sheltering families from Oldtown Newtown and {Eastport} was hit",
           "he told reporters during a visit to the Westland city of {Harbourton}"],
    holds=["shelling in {Oldtown}", "troops entered {Oldtown}", "talks in {Geneva}",
           "civilians were evacuated from {Oldtown}", "civilians fled from Oldtown to {Newtown}",
           "during a visit to {Harbourton} the minister was attacked"],
)
example(
    "places.part_of_a_longer_name",
    braced(lambda t, s, e: part_of_a_longer_name(t, _stand_in(t, s, e))),
    fires=["a barrel bomb hit the {Bab} al-Hadid neighbourhood", "terrorists were killed in {Oldhill} al-Kabir village",
           "troops took the hills of {Oldhill} al-Gharbi", "a strike on {Tal} al-Ward on Monday"],
    holds=["a barrel bomb hit {Oldtown} on Monday", "jets struck {Oldtown} al-Rastan and Newtown",
           "fighting in {Oldtown} al-Balad", "shelling of the {Bab} neighbourhood"],
)
example(
    "places.landmark_of_a_named_place",
    lambda text: bool(_LANDMARK_OF_NAMED.fullmatch(text)),
    fires=[" near ", ", a town near ", " a village just outside the ", " a mountain town near the city of "],
    holds=[" and ", " in ", " was shelled near ", ", where fighting raged near "],
)
example(
    "places.located_from_another_town",
    lambda text: bool(_LOCATED_FROM.fullmatch(text)),
    fires=[" north of ", ", just outside ", " south-east of the city of ", " near "],
    holds=[" and ", " in ", " was shelled north of "],
)
example(
    "places.direction_of_a_town_then_the_place",
    braced(lambda t, s, e: _DIRECTION_OF_BEFORE.search(t[:s]) and _THEN_IN.match(t, e)),
    fires=["a mosque north of {Bigcity} city in Oldmill was destroyed", "a checkpoint south of {Bigcity} in Oldmill"],
    holds=["strikes north of {Bigcity} on Monday", "a mosque in {Bigcity} in the north", "fighting in {Bigcity} in May"],
)
example(
    "places.route_end",
    braced(lambda t, s, e: _ROUTE_END_BEFORE.search(t[max(0, s - 60) : s])),
    fires=["positions along the main road linking Oldtown and {Newtown}", "the road linking {Oldtown} and Newtown",
           "a highway runs between Oldtown and {Newtown}", "the supply route to {Newtown} was cut"],
    holds=["troops entered {Newtown} by road", "the road was cut in {Newtown}", "fighting between rebels and troops in {Newtown}"],
)
example(
    "places.far_landmark", braced(lambda t, s, e: _far_landmark(t[max(0, s - 60) : s])),
    fires=["a village 40 km south of {Oldtown}", "a checkpoint 30 miles from the {Newtown}"],
    holds=["a village 5 km from {Oldtown}", "a village south of {Oldtown}", "in {Oldtown}"],
)
example(
    "places.province_not_town", braced(_region_words),
    fires=["fighting in {Oldshire} province", "the countryside of {Oldtown}", "in eastern {Oldshire}",
           "strikes north of {Oldtown}", "the countryside of Oldmere and {Oldtown}"],
    holds=["the city of {Oldtown}", "shelling in {Oldtown}", "{Oldtown} city was shelled",
           "fighting on Monday in {Oldtown}", "the countryside of Oldmere and in {Oldtown} city"],
)
example(
    "places.capital_speaks", braced(lambda t, s, e: _SPEECH.match(t, e)),
    fires=["{Eastport} said on Monday", "{Eastport} has warned the rebels", "{Eastport} condemned the raid",
           "whether {Eastport} is adhering to the deal", "{Eastport} refused to allow inspectors"],
    holds=["{Eastport} was hit by rockets", "in {Eastport} on Friday"],
)
example(
    "places.capital_list", braced(lambda t, s, e: _CAPITAL_LIST_HEAD.search(t[:s]) and not _PLACE_WORD_BEFORE_LIST.search(t[:s])),
    fires=["a deal brokered by Northport, Southport and {Eastport}"],
    holds=["talks in Northport and {Eastport}", "{Eastport} alone"],
)
example(
    "places.city_anaphora", _town_anaphor,
    fires=["Troops entered the ancient city on Monday", "The town was shelled overnight", "the northern city fell"],
    holds=["the Old Mill town was quiet", "the town of Oldmill", "the town in Oldshire was shelled", "a town hall"],
)
example(
    "places.unknown_town_takes_the_event", _unknown_town,
    fires=["shelling hit the village of Oldmill", "Oldmill village was shelled"],
    holds=["shelling hit a Syrian village", "shelling hit the village"],
)
example(
    "places.wire_dateline", braced(lambda t, s, e: dateline_at(t, s, e, [i for i, c in enumerate(t) if c == "\n"])),
    fires=["{KYIV}, Feb 17 (Reuters) - Troops left", "{EASTPORT} — Rockets hit", "Title\n{OLDTOWN}, Oldland - Troops"],
    holds=["In {KYIV}, people slept", "{Kyiv}, Feb 17 - Troops left", "Troops in {OLDTOWN}, then"],
)
example(
    "places.page_furniture", is_furniture,
    # (not "Tags: Oldland Floods": the pattern wants a word boundary right after the tag's
    # first capital, an open gap left as it is so the output does not change here)
    fires=["Related News Floods in Newtown", "Share this story", "Read more", "Home | World | Oldland"],
    holds=["Troops shared the city with militias", "Related groups met in Newtown"],
)
example(
    "places.photo_caption", is_caption,
    fires=["In this photo taken on Monday, smoke rises", "File photo: a market in Oldtown", "(AFP PHOTO / A. Writer)"],
    holds=["Photographers gathered in Oldtown", "The photo was taken in Oldtown"],
)


def _sized_stand_in(text: str, start: int, end: int) -> ResolvedPlace:
    """:func:`_stand_in` with a population: a city of 400,000 when its name starts "Big", else
    a small town of 5,000."""
    place = _stand_in(text, start, end)
    return replace(place, population=400_000 if text[start:end].startswith("Big") else 5_000)


example(
    "places.province_named_after_its_city",
    braced(lambda t, s, e: as_region(t, _sized_stand_in(t, s, e))),
    fires=["clashes in Oldmill in {Bigton} killed five", "a strike on Oldmill village in {Bigton}",
           "shelling in the countryside of {Oldtown}", "fighting in eastern {Oldtown}"],
    holds=["militants of the Oldmill Front in {Oldtown} were hit", "strikes hit {Bigton} on Monday",
           "in the town of {Bigton}"],
)

example(
    "places.destination",
    braced(lambda t, s, e: _DESTINATION_BEFORE.search(t[max(0, s - 60) : s])),
    fires=["thousands of residents fled north towards {Oldtown}", "fighters fleeing from Newtown for {Oldtown}",
           "a boat travelling upstream to {Oldtown}", "families fled towards Newtown and {Oldtown}",
           "a convoy heading for {Oldtown} was hit", "the wounded were taken to {Oldtown} for treatment"],
    holds=["shelling in {Oldtown}", "families fled {Oldtown}", "fighters fleeing from {Oldtown}",
           "troops advanced towards {Oldtown}", "residents returned to {Oldtown}",
           "the envoys were flown to {Oldtown} for talks"],
)
example(
    "places.destination_where_the_story_goes_on",
    braced(lambda t, s, e: _MEETING_AFTER.match(t, e)),
    fires=["the minister headed to {Geneva} for talks", "he was travelling to {Oldtown} to meet the rebels"],
    holds=["families fled towards {Oldtown} on Monday", "a convoy heading for {Oldtown} was hit"],
)

def _stand_in_opening(text: str, start: int, end: int) -> ResolvedPlace:
    """:func:`_stand_in`, marked as a sentence's first word when it is one."""
    place = _stand_in(text, start, end)
    opening = start == 0 or text[start - 2 : start] == ". "
    return replace(place, mention=replace(place.mention, initial=opening))


example(
    "places.town_as_an_actor",
    braced(lambda t, s, e: speaks_for_a_state(t, _stand_in_opening(t, s, e))),
    fires=["{Oldtown} accused the government of a declaration of war.",
           "Talks stalled. {Oldtown} rejected the plan."],
    holds=["{Oldtown} fell to the rebels.", "Troops shelled {Oldtown} and warned residents.",
           "Officials in {Oldtown} accused the army."],
)
