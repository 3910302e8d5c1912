"""Building events: a place, a date and the sentence that reports them.

An event is made where a sentence names a mappable place (a town, or a province) near a word
for something happening — fighting, an air strike, an execution, a withdrawal, talks — and
the sentence, an earlier sentence of its paragraph, or the article's publication supplies a
date. Countries are context, not event places: "the fall of Aleppo to President Assad" is
mapped at Aleppo, and "200 soldiers would be dispatched to Syria ... Raqqa" at Raqqa.

Each event gets a type after ACLED's event types (see :data:`geo.schema.EVENT_TYPES`), a
fatality count when the sentence gives one ("killed at least 400"), and reports of one
happening — same place, same type, overlapping dates, in any article — share an
``event_group``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from geo.articles import Article
from geo.confidence import confidence_of, reasons_of
from geo.dates import DateMention
from geo.resolve import ResolvedPlace
from geo.lexicons import table
from geo.schema import EVENT_TYPES, trigger_lexicon
from geo.document import Document, is_caption, read_document
from geo.text import Sentence

__all__ = [
    "Event",
    "GroupKeys",
    "build_events",
    "group_events",
    "group_first_days",
    "group_labels",
    "fatalities_in",
    "event_type_of",
    "event_signs",
    "BACKGROUND_DAYS",
]

#: How far (in characters) a word for an action may stand from a place to make it an event.
TRIGGER_WINDOW = 100
#: How many sentences back "the city" may look for the town it stands for; with two towns
#: named there, it stands for neither.
_ANAPHORA_REACH = 2
_TOWN_NOUN = re.compile(
    r"\b[Tt]he (?:(?:[a-z]+|[A-Z][a-z]+n|[A-Z][a-z]+i)[ -]){0,3}?(?:city|town|village)\b(?! of [A-Z])"
)
_NAMED_NOUN = re.compile(r"[A-Z][\w'’]+[ -][A-Z]")
_LOCATED_AFTER = re.compile(r"\s+(?:in|of|near|outside)\s+(?:the\s+)?[A-Z]")
#: An article's own publication dates what a sentence does not: the week up to it.
PUBLISHED_WINDOW_DAYS = 6
#: How many sentences a day named in one sentence may date the sentences after it.
_CARRY_REACH = 2

# Words for actions, by ACLED event type, most specific type first: a sentence that has words
# of several types takes the first type here. Data: geo/lexicons/event_triggers.tsv (the words)
# and event_types.tsv (the precedence).
_LEXICON: tuple[tuple[str, str], ...] = trigger_lexicon()
_TRIGGERS = [(kind, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for kind, pattern in _LEXICON]


def _first_letters(pattern: str) -> str | None:
    """The letters a match of a word-list pattern can start with ("ab|c(?:d|e)" -> "ac"), or
    None when an alternative starts with anything but a letter or a group of such alternatives.

    Hand-written for the lexicon's plain syntax: a pattern led by a class of its first letters
    lets the regex engine skip to candidate positions, about a quarter faster."""
    letters: set[str] = set()
    depth, start = 0, True
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if start:
            if char.isalpha():
                letters.add(char)
                after = i + 1
            elif pattern.startswith("(?:", i):
                after = _closing(pattern, i) + 1
                inner = _first_letters(pattern[i + 3 : after - 1])
                if inner is None:
                    return None
                letters.update(inner)
            else:
                return None
            if pattern[after : after + 1] in {"?", "*", "{"}:
                return None  # an optional first letter or group: anything may lead
            start = False
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            start = True
        i += 1
    return "".join(sorted(letters))


def _closing(pattern: str, opening: int) -> int:
    """The index of the parenthesis closing the one at ``opening``."""
    depth = 0
    for i in range(opening, len(pattern)):
        depth += {"(": 1, ")": -1}.get(pattern[i], 0)
        if depth == 0:
            return i
    raise ValueError(f"unbalanced parenthesis in {pattern!r}")


def _lower_case_trigger(pattern: str) -> re.Pattern:
    """A lexicon pattern for a lower-cased sentence (see _triggers), led by its first letters."""
    letters = _first_letters(pattern)
    lead = f"(?=[{letters}])" if letters else ""
    return re.compile(rf"{lead}\b(?:{pattern})\b")


# The same, for a sentence already lower-cased (see _triggers): the lexicon is all lower case.
_TRIGGERS_LOWER = [(kind, _lower_case_trigger(pattern)) for kind, pattern in _LEXICON]

_PEOPLE = (
    r"people|persons|civilians|soldiers|troops|fighters|militants|insurgents|militiamen|militia"
    r"|men|women|children|policemen|police|officers|rebels|members|residents|protesters|workers"
    r"|jihadists|combatants|gunmen|terrorists|loyalists|guards|others|villagers|pilgrims"
)
# Number words (geo/lexicons/numbers.tsv), and two phrasings a toll is written with.
_WORD_NUMBERS = {row["word"]: int(row["value"]) for row in table("numbers")} | {"a hundred": 100, "dozens of": 12}
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
_QUALIFIER = r"(?:(?:at least|more than|over|nearly|almost|about|around|some|up to|as many as|an estimated)\s+)?"
_KILL = r"(?:kill(?:ed|ing|s)?|execut(?:ed|ing)|behead(?:ed|ing)|massacr(?:ed|ing)|slaughter(?:ed|ing)|lost|claim(?:ed|ing) the lives of)"
_FATALITY_PATTERNS = (
    # "killed at least 400 people", "killing at least 20", "lost at least 400 fighters"
    re.compile(rf"\b{_KILL}\s+{_QUALIFIER}{_NUM}\b(?!\s*(?:%|per ?cent|years?|months?|days?|hours?|km|miles))", re.I),
    # "at least 300 soldiers were killed", "188 troops and militiamen were killed"
    re.compile(
        rf"\b{_QUALIFIER}{_NUM}\s+(?:[A-Za-z-]+\s+){{0,3}}?(?:{_PEOPLE})\s+(?:\w+\s+){{0,2}}?(?:were|have been|had been|was|are|been)\s+(?:\w+\s+)?(?:killed|executed|beheaded|massacred|slain)\b",
        re.I,
    ),
    # "400 dead", "a death toll of 30"
    re.compile(rf"\b{_NUM}\s+(?:people\s+)?(?:dead|deaths|killed|fatalities)\b", re.I),
    re.compile(rf"\bdeath toll\s+(?:of|rose to|to|at|reached)\s+{_QUALIFIER}{_NUM}\b", re.I),
)
# Words each fatality pattern cannot match without (lower case): a sentence lacking all of a
# pattern's words is not searched with it. Keep in step with the patterns above.
_FATALITY_WORDS: tuple[tuple[str, ...], ...] = (
    ("kill", "execut", "behead", "massacr", "slaughter", "lost", "claim"),
    ("killed", "executed", "beheaded", "massacred", "slain"),
    ("dead", "deaths", "killed", "fatalities"),
    ("death toll",),
)


@dataclass(frozen=True, slots=True)
class Event:
    """One report of something that happened at a place on a date."""

    article: Article
    place: ResolvedPlace
    sentence: Sentence
    date_mention: DateMention | None
    date: dt.date | None
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: str
    date_source: str  # "text" | "context" | "published"
    event_type: str
    fatalities: int | None
    event_group: str = ""
    event_kind: str = "event"  # "event" | "background" (a dated happening told as history)
    confidence: float = 1.0  # 0-1: how likely the point is right in place and date
    review_reasons: tuple[str, ...] = ()  # why it may be wrong, for a reviewer
    signs: tuple[str, ...] = ()  # the geo.confidence features present (for fitting and tests)

    @property
    def id(self) -> str:
        """Stable id: the article id and where the place's name starts."""
        return f"{self.article.id}:{self.place.mention.start_char}"

    @property
    def excerpt(self) -> str:
        """The sentence that reports the event, sliced from the article by its offsets."""
        return self.article.text[self.sentence.start : self.sentence.end]


def build_events(
    article: Article,
    places: Sequence[ResolvedPlace],
    dates: Sequence[DateMention],
    document: Document | None = None,
) -> list[Event]:
    """The events one article reports (ungrouped: see :func:`group_events`). ``document``:
    the article's :class:`geo.document.Document` (read here when not given)."""
    doc = document if document is not None else read_document(article.text)
    text, sentences, stamp = doc.text, doc.sentences, doc.stamp
    if stamp is not None:
        # "Mon 4 Mar 2019 Oldtown Floods cut ...": a town right after the stamp is where the
        # story was filed, a dateline.
        places = [
            replace(p, mention=replace(p.mention, dateline=True))
            if 0 <= p.mention.start_char - stamp.end_char <= 2 else p
            for p in places
        ]
    by_sentence_places = _places_by_sentence(doc, places)
    story_dates = [d for d in dates if stamp is None or not _overlaps(d, stamp.start_char, stamp.end_char)]
    by_sentence_dates: dict[int, list[DateMention]] = {}
    for d in story_dates:
        by_sentence_dates.setdefault(doc.sentence_of(d.start_char), []).append(d)
    lead = _lead_date(doc, by_sentence_dates)
    for index, found in list(by_sentence_dates.items()):
        by_sentence_dates[index] = [d for d in found if not _SINCE_BEFORE.search(text, max(0, d.start_char - 50), d.start_char)]
    state = _Walk(article=article, lead=lead)
    for index, sentence in enumerate(sentences):
        _events_of_sentence(state, index, sentence, by_sentence_places.get(index, []),
                            by_sentence_dates.get(index, []))
    named = Counter(p.geonameid for p in places)
    events = state.events
    return [_with_confidence(e, events, headline_end=doc.title_end, named=named) for e in events]


@dataclass
class _Walk:
    """What the sentence-by-sentence walk through one article carries along."""

    article: Article
    lead: DateMention | None
    events: list[Event] = field(default_factory=list)
    seen: set[tuple[int, str]] = field(default_factory=set)
    context: tuple[int, DateMention] | None = None  # (sentence, the last day/week date)
    paragraph: int = -1
    named_towns: list[tuple[int, ResolvedPlace, str]] = field(default_factory=list)
    dated_places: dict[int, tuple[int, DateMention]] = field(default_factory=dict)


def _events_of_sentence(
    state: _Walk, index: int, sentence: Sentence, named: list[ResolvedPlace], sentence_dates: list[DateMention]
) -> None:
    """Add the events of one sentence to ``state`` and update what later sentences carry."""
    text = state.article.text
    if sentence.paragraph != state.paragraph:
        state.paragraph, state.context = sentence.paragraph, None
    sentence_text = text[sentence.start : sentence.end]
    first_named = min((p.mention.start_char for p in named), default=sentence.end)
    sentence_places = _anaphora(text, sentence, state.named_towns, index, before=first_named) + named
    regional = [_as_region(text, p) for p in named]  # asked once: _regions_give_way needs it too
    # "the town" can stand for a town named before, never for a province
    state.named_towns.extend((index, p, _descriptor(text, p)) for p, region in zip(named, regional) if not region)
    sentence_places = _regions_give_way(text, sentence_places, sentence, known=dict(zip(map(id, named), regional)))
    triggers = _triggers(sentence_text, sentence.start) if sentence_places else []
    own_dates = [_date_for(place, sentence_dates, text) for place in sentence_places]
    undated_talk = not sentence_dates and _not_a_happening(sentence_text)
    for place, own_date in zip(sentence_places, own_dates):
        near = [t for t in triggers if _gap(t[1], t[2], place.mention.start_char, place.mention.end_char) <= TRIGGER_WINDOW]
        if not near or undated_talk:
            continue
        dedupe = (place.geonameid, sentence_text)
        if dedupe in state.seen:
            continue
        state.seen.add(dedupe)
        mention, source = _carried_date(state, index, place, own_date)
        state.events.append(
            _event(state.article, place, sentence, mention, source, _classify(sentence_text, near),
                   _fatalities_for(place, sentence_text, sentence.start, sentence_places))
        )
    for place, dated in zip(sentence_places, own_dates):
        if dated is not None and dated.date is not None:
            state.dated_places[place.geonameid] = (index, dated)
    points = [
        d for d in sentence_dates
        if d.role in {"point", "range"} and d.precision in {"day", "week"} and not _quoted(text, sentence, d)
    ]
    if points and not is_caption(sentence_text):  # captions and quotes lend no dates
        state.context = (index, points[-1])


def _quoted(text: str, sentence: Sentence, mention: DateMention) -> bool:
    """Does the date stand inside quotation marks (an odd number of quotes before it)?"""
    before = text[sentence.start : mention.start_char]
    return (before.count('"') + before.count("“") - before.count("”")) % 2 == 1 or (
        before.count("“") > before.count("”")
    )


def _carried_date(
    state: _Walk, index: int, place: ResolvedPlace, own: DateMention | None
) -> tuple[DateMention | None, str]:
    """The date of an event and where it came from.

    Its own sentence first; else the same town dated in the sentence just before; else a day
    (or week) named at most :data:`_CARRY_REACH` sentences back in the same paragraph (the
    account of the same happening); else the article's lead date. Months and years are never
    carried: "in 2013" in one sentence does not date the next one's shelling.
    """
    if own is not None:
        return own, "text"
    earlier = state.dated_places.get(place.geonameid)
    if earlier is not None and earlier[0] == index - 1:
        return earlier[1], "context"  # the same town, dated just before
    if state.context is not None and index - state.context[0] <= _CARRY_REACH:
        return state.context[1], "context"
    if state.lead is not None:
        return state.lead, "lead"
    return None, "published"


def _overlaps(d: DateMention, start: int, end: int) -> bool:
    return d.start_char < end and start < d.end_char


def _places_by_sentence(doc: Document, places: Sequence[ResolvedPlace]) -> dict[int, list[ResolvedPlace]]:
    """The places each sentence can map, once affiliations, speakers, landmarks and page
    furniture are set aside."""
    text = doc.text
    found: dict[int, list[ResolvedPlace]] = {}
    strays = _strays(places)
    for p in places:
        if not _mappable(p) or _speaks_for_a_state(text, p) or _not_where_it_happened(text, p):
            continue
        if p.mention.start_char in strays:
            continue
        index = doc.sentence_of(p.mention.start_char)
        if doc.sentences and doc.is_furniture(index):
            continue
        found.setdefault(index, []).append(p)
    foreign: dict[int, set[str]] = {}  # countries a sentence names through any place
    for p in places:
        foreign.setdefault(doc.sentence_of(p.mention.start_char), set()).add(p.country)
    for index, named in list(found.items()):
        # A wire dateline says where the story was filed; it is the event's place only when
        # the sentence it opens names no other town, and no other country ("MOGADISHU (AP) -
        # Bombs hit Somalia's capital", not "KYIV (Reuters) - troops left Avdiivka", nor
        # "AMMAN - Air strikes in Syria ...").
        named_elsewhere = any(not p.mention.dateline for p in named)
        kept = []
        for p in named:
            abroad = foreign.get(index, set()) - {p.country}
            if not p.mention.dateline or not (named_elsewhere or abroad):
                kept.append(p)
        found[index] = kept
    return found


def _strays(places: Sequence[ResolvedPlace]) -> set[int]:
    """Start offsets of names that need stronger evidence than they have: a town far
    (> :data:`_FAR_KM`) from every other place of the article, in a country the article neither
    names nor is mostly about (or any far name that merely opens a sentence, where a capital
    letter proves nothing), and not written where a place is expected ("in", "near", ...).
    "Peace talks" read as a town abroad, "the White House" as a foreign city: a homonym
    against its context. A far place the article introduces as a place ("talks in Geneva")
    stays."""
    towns = [p for p in places if p.precision != "country"]
    home = {p.country for p in places if p.precision == "country"}
    counts = Counter(p.country for p in towns)
    if counts:
        home.add(counts.most_common(1)[0][0])
    strays = set()
    for p in towns:
        if p.mention.locative or p.mention.dateline or (p.country in home and not p.mention.initial):
            continue
        others = [(o.latitude, o.longitude) for o in towns if o.geonameid != p.geonameid]
        if others and min(_km((p.latitude, p.longitude), o) for o in others) > _FAR_KM:
            strays.add(p.mention.start_char)
    return strays


# "the deadliest since the start of the war in March 2011": a yardstick, not the happening's date
_SINCE_BEFORE = re.compile(r"\bsince (?:the )?(?:beginning|start|outbreak|onset) of\b[^.,;]*$", re.IGNORECASE)

# What stands just after a place that makes it an affiliation, an outlet or an actor:
# "London-based group", "Ankara-backed fighters", "Capital TV", "the Harbour News Agency".
_AFFILIATION_AFTER = re.compile(
    r"(?:[-\s](?:based|backed|led|allied|funded|sponsored|supported|aligned|affiliated|headquartered)\b"
    r"|\s+(?:news agency|agency|TV|television|radio|channel|newspaper|daily|news|times|post|reporter|correspondent"
    r"|regime|government|administration|authorities)\b"
    r"|\s+(?:reported|reports|quoted|cited|broadcast|aired))",
    re.IGNORECASE,
)
# What stands just before it: "told Capital TV", "according to X", "pro-X", "brokered by X".
_AFFILIATION_BEFORE = re.compile(
    r"(?:\b(?:told|according to|quoted by|cited by|reported by|brokered by|backed by|sponsored by|supported by"
    r"|allied (?:to|with)|loyal to|speaking (?:to|from)|interview with)|\bpro-|\banti-"
    # where the speaker is: "said in X", "told reporters in X", "said on a visit to X"
    r"|\b(?:said|says|told (?:reporters|journalists|a news conference)|speaking|spoke|added)"
    r"\s+(?:(?:on|during) (?:a|an official|his|her) (?:visit|trip) to|in|from))\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# "40 km south of X", "12 miles from X": X is a landmark, the event is elsewhere.
_LANDMARK_BEFORE = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>km|kms|kilometres|kilometers|miles|mi)\b[^.;]{0,30}?"
    r"\b(?:of|from)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:(?:city|town|village) of\s+)?$",
    re.IGNORECASE,
)
#: How far a landmark may be and still stand for the place of the event (the scoring radius).
_LANDMARK_KM = 25.0
_REGION_NOUNS = frozenset("countryside province governorate region district suburbs outskirts".split())


def _not_where_it_happened(text: str, place: ResolvedPlace) -> bool:
    """A place named as an affiliation, an outlet, an actor or a far landmark, or an
    acronym that is not the place's written name ("SANA" is an agency, not Sanaa)."""
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
    landmark = _LANDMARK_BEFORE.search(before)
    if landmark is not None:
        km = float(landmark.group("n")) * (1.609 if landmark.group("unit").lower().startswith("mi") else 1.0)
        return km > _LANDMARK_KM
    return False


# A region named around a town's name: "X province", "the countryside of X", "eastern X".
_REGION_AFTER = re.compile(r"\s+(?:province|governorate|countryside|region|district|suburbs|outskirts)\b", re.I)
_REGION_BEFORE = re.compile(
    r"\b(?:(?:province|governorate|countryside|suburbs|outskirts|region) of\s+(?:the\s+)?"
    r"|(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east"
    r"|south-west|central)(?:ern)?\s+(?:rural\s+)?|rural\s+"
    # "north of Y", "the outskirts of Y": Y locates the happening, a named town carries it
    r"|(?<!the )(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of\s+"
    # "Newtown in Y", "the Newtown district in Y": Y is the area around the named place
    r"|(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b)(?-i:[A-Z][\w'-]+)\s+"
    r"(?:(?:city|town|village|area|district|neighbou?rhood|camp)\s+)?in\s+)$",
    re.IGNORECASE,
)


def _as_region(text: str, place: ResolvedPlace) -> bool:
    """Is the name used for the province around the town rather than the town itself?"""
    m = place.mention
    if m.province or place.precision == "admin1":
        return True
    if _REGION_AFTER.match(text, m.end_char):
        return True
    if _TOWN_AFTER.match(text[m.end_char : m.end_char + 8]):
        return False  # "Y city": the town itself
    before = text[max(0, m.start_char - 40) : m.start_char]
    return bool(_REGION_BEFORE.search(before)) and not _TOWN_OF_BEFORE.search(before)


_TOWN_AFTER = re.compile(r"\s+(?:city|town)\b", re.IGNORECASE)
_TOWN_OF_BEFORE = re.compile(r"\b(?:city|town|village) of\s+$", re.I)


def _regions_give_way(
    text: str, places: list[ResolvedPlace], sentence: Sentence, known: dict[int, bool] | None = None
) -> list[ResolvedPlace]:
    """A province is never its capital's point: where the sentence names a town, the town
    carries the event (and a town the gazetteer does not know, "the village of Oldmill",
    takes the event off the map rather than put it on the capital); where it names only the
    region, one event at ``admin1`` precision. ``known``: :func:`_as_region` already asked,
    by ``id`` of the place."""
    known = known or {}
    regions = [p for p in places if (known[id(p)] if id(p) in known else _as_region(text, p))]
    if not regions:
        return places
    towns = [p for p in places if p not in regions]
    if towns:
        return towns
    known = [(p.mention.start_char, p.mention.end_char) for p in places]
    for m in _UNKNOWN_TOWN.finditer(text, sentence.start, sentence.end):
        group = "name" if m.group("name") else "name2"
        start, end = m.span(group)
        if not any(a < end and start < b for a, b in known) and not _DEMONYM_LIKE.search(m.group(group)):
            return []
    first = {}
    for p in regions:
        first.setdefault(p.geonameid, replace(p, precision="admin1"))
    return list(first.values())


# A settlement named with its noun: "the village of Oldmill", "Oldmill village", "al-Oldmill area"
# (a neighbourhood, district or camp belongs to its city, which stays the right point).
_UNKNOWN_TOWN = re.compile(
    r"\b(?i:village|town|city|area)s?\s+of\s+(?P<name>(?:[Aa]l-|[Ee]l-)?[A-Z][\w'’-]+)"
    r"|(?P<name2>(?:[Aa]l-|[Ee]l-)?[A-Z][\w'’-]+)\s+(?i:village|town|city|area)\b"
)
_DEMONYM_LIKE = re.compile(r"(?:ian|ean|ese|ish|an|i)$")

# Talk about what might or usually happens, with no date of its own: not a happening.
_NOT_A_HAPPENING = re.compile(
    r"\b(?:would|could|might|may|should|must|if|unless|whether|plans? to|aims? to|threaten(?:s|ed)? to"
    r"|has previously|have previously|had previously|has long|have long|routinely|regularly|often|usually"
    r"|have used|has used|is held by|are held by|is controlled by|under the control of|remains?"
    r"|previous|so far|to date|in the past|over the years)\b",
    re.IGNORECASE,
)


# The same, for a sentence already lower-cased (see _lowered): the pattern is all lower case.
_NOT_A_HAPPENING_LOWER = re.compile(_NOT_A_HAPPENING.pattern)


def _not_a_happening(sentence: str) -> bool:
    lowered = _lowered(sentence)
    if lowered is None:
        return bool(_NOT_A_HAPPENING.search(sentence))
    return bool(_NOT_A_HAPPENING_LOWER.search(lowered))


def _lead_date(doc: Document, by_sentence: dict[int, list[DateMention]]) -> DateMention | None:
    """The day the article's lead happening is dated to: the first day (or week) the first
    sentences name. Sentences the story leaves undated take it rather than the last date seen."""
    text = doc.text
    for index in range(min(len(doc.sentences), _LEAD_SENTENCES)):
        if doc.is_caption(index):
            continue
        for d in sorted(by_sentence.get(index, []), key=lambda d: d.start_char):
            if d.role == "point" and d.precision in {"day", "week"} and d.date is not None:
                if not _SAID_BEFORE.search(text, max(0, d.start_char - 40), d.start_char):
                    return d
    return None


# "the agency said on Monday", "officials told reporters Friday": the day of the saying, which
# may be days after the happening; it does not become the article's lead date.
_SAID_BEFORE = re.compile(
    r"\b(?:said|says|told [\w ]{1,25}?|announced|reported|stated|claimed|confirmed|added)\s+(?:on\s+|late\s+|early\s+)?$",
    re.IGNORECASE,
)



#: How many sentences from the top may give the lead date (title, stamp line, lead).
_LEAD_SENTENCES = 4


#: A place this far from every other place of its article is suspect (a homonym, a far landmark).
_FAR_KM = 300.0
#: A happening dated this long before publication is told as history: ``event_kind`` background.
BACKGROUND_DAYS = 60
_HEDGED = re.compile(
    r"\b(?:would|could|might|may|alleged(?:ly)?|reportedly|purported(?:ly)?|suspected|said to|claims?|believed)\b",
    re.IGNORECASE,
)


def event_signs(event: Event, events: Sequence[Event], *, headline_end: int, named: Counter) -> dict[str, bool]:
    """The yes/no signs :mod:`geo.confidence` weighs for one event of an article."""
    sentence = event.excerpt
    others = {(e.place.latitude, e.place.longitude) for e in events if e.place.geonameid != event.place.geonameid}
    here = (event.place.latitude, event.place.longitude)
    far = bool(others) and min(_km(here, o) for o in others) > _FAR_KM
    sentence_places = {e.place.geonameid for e in events if e.sentence == event.sentence}
    own_day = event.date_source == "text" and event.date_precision == "day"
    return {
        "date_from_context": event.date_source == "context",
        "date_from_lead": event.date_source == "lead",
        "date_from_publication": event.date_source == "published",
        "date_coarse": event.date_precision in {"month", "year"},
        "date_week": event.date_precision == "week",
        "province_level": event.place.precision == "admin1",
        "far_from_others": far,
        "close_rivals": bool(event.place.candidates),
        "headline": event.sentence.start < headline_end,
        "one_of_a_list": len(sentence_places) >= 3,
        "background": event.event_kind == "background",
        "hedged": _hedged(sentence),
        "named_once": named.get(event.place.geonameid, 0) <= 1,
        "named_often": named.get(event.place.geonameid, 0) >= 3,
        "in_headline_too": any(
            e.place.geonameid == event.place.geonameid and e.place.mention.start_char < headline_end for e in events
        ),
        "locative": event.place.mention.locative,
        "toll": event.fatalities is not None,
        "own_day": own_day,
        "sole_candidate": own_day and not event.place.candidates,
    }


# The same, for a sentence already lower-cased (see _lowered): the pattern is all lower case.
_HEDGED_LOWER = re.compile(_HEDGED.pattern)


def _hedged(sentence: str) -> bool:
    lowered = _lowered(sentence)
    return bool(_HEDGED.search(sentence) if lowered is None else _HEDGED_LOWER.search(lowered))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _with_confidence(event: Event, events: Sequence[Event], *, headline_end: int, named: Counter) -> Event:
    """The event with its kind, ``confidence`` and ``review_reasons``."""
    published = event.article.published
    if published is not None and event.date_end is not None and (published - event.date_end).days > BACKGROUND_DAYS:
        event = replace(event, event_kind="background")
    signs = event_signs(event, events, headline_end=headline_end, named=named)
    present = tuple(name for name, on in signs.items() if on)
    return replace(event, confidence=confidence_of(signs), review_reasons=reasons_of(signs), signs=present)


def _event(
    article: Article,
    place: ResolvedPlace,
    sentence: Sentence,
    mention: DateMention | None,
    source: str,
    event_type: str,
    fatalities: int | None,
) -> Event:
    if mention is not None:
        return Event(
            article, place, sentence, mention if source == "text" else None,
            mention.date, mention.date_start, mention.date_end,
            mention.precision if mention.date is not None else "undated",
            source, event_type, fatalities,
        )
    if article.published is not None:
        start = article.published - dt.timedelta(days=PUBLISHED_WINDOW_DAYS)
        return Event(
            article, place, sentence, None, article.published, start, article.published,
            "week", "published", event_type, fatalities,
        )
    return Event(article, place, sentence, None, None, None, None, "undated", "published", event_type, fatalities)


_SPEECH = re.compile(
    r"\s*(?:has |had |have |would |will |is |was )?(?:said|says|say|warned|warns|denied|denies"
    r"|accused|accuses|claimed|claims|insisted|insists|urged|urges|responded|rejected|rejects"
    r"|condemned|condemns|welcomed|welcomes|announced|announces|blamed|blames|demanded|demands"
    r"|wants|hopes|fears|believes|argued|argues|vowed|vows|called on|agreed|signalled|described"
    r"|describes|called|calls|added|noted|stated|told|confirmed|acknowledged|maintains|maintained"
    r"|threatened|threatens|promised|promises|pledged|pledges|sought|seeks|backed|backs|sent|sends)\b",
    re.IGNORECASE,
)


#: A province is mapped at its namesake town only where that town is its likely capital.
_PROVINCE_CAPITAL_MIN_POPULATION = 100_000


def _mappable(place: ResolvedPlace) -> bool:
    """Towns, and provinces whose namesake town is large enough to be their capital
    ("Idlib province" at Idlib); a state or region ("Guerrero state") is context only."""
    if place.precision == "city":
        return True
    return place.precision == "admin1" and place.population >= _PROVINCE_CAPITAL_MIN_POPULATION


def _speaks_for_a_state(text: str, place: ResolvedPlace) -> bool:
    """"Moscow said", "Washington warned", "Lisbon and Madrid say": a capital standing for
    its government is an actor, not where something happened. A list of capitals ("a deal
    brokered by Oslo, Rome and Vienna") is a list of governments unless a word for a place
    introduces it ("talks in Oslo and Rome")."""
    if not place.capital or place.mention.dateline:
        return False
    end = place.mention.end_char
    listed = _CAPITAL_LIST_TAIL.match(text, end)
    if listed and " and " not in f" {listed.group()} ":
        listed = None  # "Nairobi, Kenya": a town and its country, not a list
    if _SPEECH.match(text, listed.end() if listed else end):
        return True
    before = text[max(0, place.mention.start_char - 60) : place.mention.start_char]
    in_list = bool(listed) or bool(_CAPITAL_LIST_HEAD.search(before))
    return in_list and not _PLACE_WORD_BEFORE_LIST.search(before)


# "and Rome", ", Rome and Vienna" after a capital; "Oslo and " / "Oslo, Rome and " before it.
_CAPITAL_LIST_TAIL = re.compile(r"(?:,?\s+(?:and\s+)?[A-Z][a-z]+){1,3}(?=\s)")
_CAPITAL_LIST_HEAD = re.compile(r"[A-Z][a-z]+(?:,?\s+[A-Z][a-z]+){0,2},?\s+and\s+$")
_PLACE_WORD_BEFORE_LIST = re.compile(r"\b(?:in|at|to|from|near|between|visit(?:ed|s)?)\s+(?:[A-Z][a-z]+,?\s+){0,3}(?:and\s+)?$")


_DESCRIBED = re.compile(r"\b(city|town|village)\s+of\s+(?:[a-z]+\s+)?$")


def _descriptor(text: str, place: ResolvedPlace) -> str:
    """The noun an article gave a town by name: "the northern city of Aleppo" -> "city"."""
    m = _DESCRIBED.search(text, max(0, place.mention.start_char - 40), place.mention.start_char)
    return m.group(1) if m else ""


def _anaphora(
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
            return [replace(antecedent, mention=mention, candidates=())]
    return []


def _gap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, max(a0, b0) - min(a1, b1))


def _triggers(sentence: str, offset: int) -> list[tuple[str, int, int]]:
    """Every action word of a sentence: (kind, start, end), by kind in lexicon order.

    Searches the sentence lower-cased once with case-sensitive patterns (several times faster
    than six case-insensitive searches), where that finds exactly what they find."""
    lowered = _lowered(sentence)
    patterns = _TRIGGERS if lowered is None else _TRIGGERS_LOWER
    text = sentence if lowered is None else lowered
    found = []
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            found.append((kind, offset + m.start(), offset + m.end()))
    return found


# Characters re.IGNORECASE matches to an ASCII letter although str.lower() does not turn them
# into it: dotless ı (I), long ſ (S), dotted İ (lower() makes two characters of it) and the
# Kelvin sign (K). tests/test_fast_path_identical.py checks this list against all of Unicode.
_FOLD_TRAPS = frozenset("\u0130\u0131\u017f\u212a")


def _lowered(sentence: str) -> str | None:
    """The sentence lower-cased, when a case-sensitive search of it for lower-case ASCII
    patterns finds exactly what an IGNORECASE search of the sentence finds, at the same
    offsets; else None (the caller then searches the sentence itself)."""
    lowered = sentence.lower()
    if sentence.isascii():
        return lowered
    if len(lowered) != len(sentence) or not _FOLD_TRAPS.isdisjoint(sentence):
        return None
    return lowered


def _pick_type(triggers: Sequence[tuple[str, int, int]]) -> str:
    order = [kind for kind, _ in _LEXICON]
    return min((t[0] for t in triggers), key=order.index)


_CIVILIAN_KILLING = re.compile(
    r"\bkill\w*\b.{0,60}\b(?:civilians|people|women|children|residents|villagers)\b", re.I
)


def event_type_of(sentence: str) -> str:
    """The event type a sentence's action words suggest ("other" when it has none)."""
    triggers = _triggers(sentence, 0)
    return _classify(sentence, triggers) if triggers else "other"


_PROTESTERS = re.compile(r"\b(?:protest\w*|demonstrat\w*|rioters?|marchers)\b", re.I)
_UNRULY = re.compile(r"\b(?:clash\w*|riot\w*|stones?|rocks|burn\w*|set fire|torched|looted|looting|vandali\w*|smash\w*)\b", re.I)


def _classify(sentence: str, triggers: Sequence[tuple[str, int, int]]) -> str:
    kind = _pick_type(triggers)
    if _PROTESTERS.search(sentence) and kind in {"battles", "strategic developments", "protests", "riots"}:
        return "riots" if _UNRULY.search(sentence) else "protests"
    if kind == "battles" and _CIVILIAN_KILLING.search(sentence):
        return "violence against civilians"
    return kind


def _date_for(place: ResolvedPlace, dates: Sequence[DateMention], text: str = "") -> DateMention | None:
    """The date expression of a sentence that dates this place's event.

    "Seized Palmyra on Wednesday, days after capturing Ramadi": an anchored expression
    ("days after") dates what follows it (Ramadi), never what precedes it (Palmyra). "A strike
    on Tuesday near Oldtown killed nine, officials said on Thursday": the day of the saying
    dates the place only when the sentence names no other day ("said on Tuesday that the
    fighters had left the port, under a deal reached last December" keeps Tuesday).
    """
    pos = place.mention.start_char
    usable = [d for d in dates if not (d.role == "anchored" and d.start_char > pos)]
    if text:
        said = [d for d in usable if _SAID_BEFORE.search(text, max(0, d.start_char - 40), d.start_char)]
        if said and any(d not in said and d.precision == "day" for d in usable):
            usable = [d for d in usable if d not in said]
    anchored = [d for d in usable if d.role == "anchored"]
    if anchored:
        return max(anchored, key=lambda d: d.start_char)
    for roles in ({"point", "range"}, {"since"}):
        pool = [d for d in usable if d.role in roles]
        if pool:
            return min(pool, key=lambda d: (_gap(d.start_char, d.end_char, pos, place.mention.end_char), d.start_char))
    return None


def fatalities_in(sentence: str) -> int | None:
    """The largest death toll a sentence states, or None when it states none."""
    return max((value for value, _, _ in _tolls(sentence)), default=None)


@functools.lru_cache(maxsize=256)
def _tolls(sentence: str) -> tuple[tuple[int, int, int], ...]:
    """Every death toll in a sentence: (count, start, end).

    Not tolls: a year standing before the count ("In 2019 12 people were killed"), a page
    counter, and a war-wide total ("the war has killed 350,000"), which belongs to no one
    happening. Cached: it is asked once for every place of a sentence. A pattern whose
    words the sentence lacks is not run (most sentences name no killing)."""
    lowered = _lowered(sentence)
    if lowered is None:
        patterns = _FATALITY_PATTERNS
    else:
        patterns = tuple(p for p, words in zip(_FATALITY_PATTERNS, _FATALITY_WORDS) if any(w in lowered for w in words))
        if not patterns:
            return ()
    found = []
    aggregate = bool(_WAR_WIDE.search(sentence))
    for pattern in patterns:
        for m in pattern.finditer(sentence):
            value = _number(m.group(1))
            if value is None or (1900 <= value <= 2100 and m.group(1).isdigit() and len(m.group(1)) == 4):
                continue
            if aggregate and value >= _AGGREGATE_TOLL:
                continue
            found.append((value, m.start(), m.end()))
    return tuple(found)


#: A toll this large in a sentence about a whole war is that war's total.
_AGGREGATE_TOLL = 10_000
_WAR_WIDE = re.compile(r"\b(?:war|conflict|uprising|revolt|revolution|insurgency|civil war|crisis)\b", re.I)


def _fatalities_for(place: ResolvedPlace, sentence: str, offset: int, places: Sequence[ResolvedPlace]) -> int | None:
    """The toll nearest this place: "strikes hit Gaza City, killing 26, as rockets struck
    Ashkelon" gives Gaza City 26 and Ashkelon none."""
    best = None
    for value, start, end in _tolls(sentence):
        start, end = start + offset, end + offset
        nearest = min(places, key=lambda p: (_gap(start, end, p.mention.start_char, p.mention.end_char), p.mention.start_char))
        if nearest.geonameid == place.geonameid and (best is None or value > best):
            best = value
    return best


def _number(token: str) -> int | None:
    token = token.lower()
    if token in _WORD_NUMBERS:
        return _WORD_NUMBERS[token]
    digits = token.replace(",", "")
    return int(digits) if digits.isdigit() else None


def group_events(events: Sequence[Event]) -> list[Event]:
    """Give reports of the same happening one ``event_group``.

    Same happening: same place (GeoNames id), same event type, and date intervals that
    overlap, directly or through a chain of reports. The group id names the place, the type
    and the first day, so it reads as what it is: ``163808/battles/2016-12-05``.
    """
    keys = GroupKeys.of(
        [e.place.geonameid for e in events],
        [e.event_type for e in events],
        [e.date_start for e in events],
        [e.date_end for e in events],
    )
    labels = group_labels(keys, group_first_days(keys), [e.id for e in events])
    return [replace(e, event_group=g) for e, g in zip(events, labels)]


_NO_DAY = np.iinfo(np.int64).min
_TYPE_CODES = {kind: i for i, kind in enumerate(EVENT_TYPES)}


@dataclass(frozen=True, slots=True)
class GroupKeys:
    """The four columns grouping needs, as numpy arrays (a few bytes an event), so a run over
    a large corpus groups its events without holding them."""

    geonameid: np.ndarray  # int64
    kind: np.ndarray  # int8: index in geo.schema.EVENT_TYPES
    start: np.ndarray  # int64 proleptic ordinal of date_start, _NO_DAY when undated
    end: np.ndarray  # int64 ordinal of date_end

    @classmethod
    def of(cls, geonameid, kind, start, end) -> GroupKeys:
        """From sequences of ids, type names and dates (``datetime.date`` or ISO strings)."""
        return cls(
            np.asarray(list(geonameid), dtype=np.int64),
            np.asarray([_TYPE_CODES[k] for k in kind], dtype=np.int8),
            np.asarray([_ordinal(d) for d in start], dtype=np.int64),
            np.asarray([_ordinal(d) for d in end], dtype=np.int64),
        )

    @classmethod
    def concat(cls, parts: Sequence[GroupKeys]) -> GroupKeys:
        if not parts:
            return cls.of([], [], [], [])
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("geonameid", "kind", "start", "end")))

    def __len__(self) -> int:
        return len(self.geonameid)


def _ordinal(value) -> int:
    if value is None or (isinstance(value, float) and value != value):
        return int(_NO_DAY)
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.toordinal()


def group_first_days(keys: GroupKeys) -> np.ndarray:
    """For each event, the first day (ordinal) of its group, or ``_NO_DAY`` when undated.

    Vectorised: events sorted by place, type, start and end; a new group starts where the
    place or type changes or where an event starts after every earlier one of its bucket has
    ended (a running maximum of end days, kept per bucket by offsetting each bucket).
    """
    first = np.full(len(keys), _NO_DAY, dtype=np.int64)
    dated = np.flatnonzero(keys.start != _NO_DAY)
    if not len(dated):
        return first
    order = dated[np.lexsort((keys.end[dated], keys.start[dated], keys.kind[dated], keys.geonameid[dated]))]
    g, k, s, e = keys.geonameid[order], keys.kind[order], keys.start[order], keys.end[order]
    new_bucket = np.ones(len(order), dtype=bool)
    new_bucket[1:] = (g[1:] != g[:-1]) | (k[1:] != k[:-1])
    bucket = np.cumsum(new_bucket)
    span = int(max(e.max(), s.max()) - min(e.min(), s.min())) + 2
    base = int(min(e.min(), s.min()))
    running_end = np.maximum.accumulate((e - base) + bucket * span)
    new_run = new_bucket.copy()
    new_run[1:] |= (s[1:] - base) + bucket[1:] * span > running_end[:-1]
    run_start = np.flatnonzero(new_run)
    run_of = np.cumsum(new_run) - 1
    first[order] = s[run_start][run_of]
    return first


def group_labels(keys: GroupKeys, first_days: np.ndarray, ids: Sequence[str]) -> list[str]:
    """Readable group ids: ``geonameid/type/first-day``; an undated event is its own group."""
    slugs = [kind.replace(" ", "-").replace("/", "-") for kind in EVENT_TYPES]
    return [
        event_id if day == _NO_DAY else f"{g}/{slugs[k]}/{dt.date.fromordinal(int(day)).isoformat()}"
        for g, k, day, event_id in zip(keys.geonameid.tolist(), keys.kind.tolist(), first_days.tolist(), ids)
    ]
