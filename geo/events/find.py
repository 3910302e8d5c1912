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
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

import numpy as np

from geo.read.articles import Article, wire_dateline_span
from geo.events.confidence import confidence_of, reasons_of
from geo.dates.find import DateMention
from geo.dates.words import alternation
from geo.places.resolve import ResolvedPlace
from geo.rules import braced, example
from geo.lexicons import table
from geo.schema import EVENT_TYPES, trigger_lexicon
from geo.read.document import Document, read_document, span_gap
from geo.events.dates import (
    LEAD_SENTENCES,
    NEW_ACCOUNT_CASELESS,
    day_of_a_saying,
    best_day,
    DateSource,
    carried_date,
    date_for,
    lead_date,
    opens_as_caption,
    overlaps,
    published_week,
    quoted,
    said_before,
    stamp_trailer_end,
    yardstick_before,
)
from geo.places.filters import (
    FAR_KM,
    PROVINCE_TOWN_POPULATION,
    anaphora,
    as_region,
    commonest,
    counted,
    descriptor,
    inside_a_smaller_place,
    km,
    landmarks_of_named_places,
    places_by_sentence,
    regions_give_way,
)
from geo.read.text import FOLD_TRAPS as _FOLD_TRAPS, CaselessPattern, Sentence, TwinPattern, lowered_as_ignorecase as _lowered
from geo.read.wordlist import WordList, WordLists, first_letters, word_starts
from geo.native import by_fields

__all__ = [
    "Event",
    "EventKind",
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

#: How far (in characters) a word for an action may stand from a place to make it an event
#: (within its clause: see _reaches). 100 before the clause rule; 160 keeps the seeds at 100%.
TRIGGER_WINDOW: Final = 160

# Words for actions, by ACLED event type, most specific type first: a sentence that has words
# of several types takes the first type here. Data: geo/lexicons/event_triggers.tsv (the words)
# and event_types.tsv (the precedence).
_LEXICON: Final[tuple[tuple[str, str], ...]] = trigger_lexicon()
_TRIGGERS: Final = [(kind, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for kind, pattern in _LEXICON]


def _lower_case_trigger(pattern: str) -> WordList:
    """A lexicon pattern for a lower-cased sentence (see _triggers), led by its first letters."""
    letters = first_letters(pattern)
    lead = f"(?=[{letters}])" if letters else ""
    return WordList(rf"{lead}\b(?:{pattern})\b")


# The same, for a sentence already lower-cased (see _triggers): the lexicon is all lower case.
_TRIGGERS_LOWER: Final = [(kind, _lower_case_trigger(pattern)) for kind, pattern in _LEXICON]
_TRIGGER_KINDS: Final = [kind for kind, _ in _TRIGGERS_LOWER]
_TRIGGER_WORDS: Final = WordLists([words for _, words in _TRIGGERS_LOWER])  # each word looked up once

_PEOPLE: Final = (
    r"people|persons|civilians|soldiers|troops|fighters|militants|insurgents|militiamen|militia"
    r"|men|women|children|policemen|police|officers|rebels|members|residents|protesters|workers"
    r"|jihadists|combatants|gunmen|terrorists|loyalists|guards|others|villagers|pilgrims"
)
# Number words (geo/lexicons/numbers.tsv), and two phrasings a toll is written with.
_WORD_NUMBERS: Final = {row["word"]: int(row["value"]) for row in table("numbers")} | {"a hundred": 100, "dozens of": 12}
# The number words as a trie: the patterns try them at every word, and a flat list of 33 was
# about a quarter of their time (the same matches: see geo.dates.words.alternation)
_NUM: Final = r"(\d{1,3}(?:,\d{3})+|\d+|" + alternation(_WORD_NUMBERS, as_written=True) + r")"
_QUALIFIER: Final = r"(?:(?:at least|more than|over|nearly|almost|about|around|some|up to|as many as|an estimated)\s+)?"
_KILL: Final = r"(?:kill(?:ed|ing|s)?|execut(?:ed|ing)|behead(?:ed|ing)|massacr(?:ed|ing)|slaughter(?:ed|ing)|lost|claim(?:ed|ing) the lives of)"
_FATALITY_PATTERNS: Final[tuple[re.Pattern[str], ...]] = (
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
_FATALITY_WORDS: Final[tuple[tuple[str, ...], ...]] = (
    ("kill", "execut", "behead", "massacr", "slaughter", "lost", "claim"),
    ("killed", "executed", "beheaded", "massacred", "slain"),
    ("dead", "deaths", "killed", "fatalities"),
    ("death toll",),
)


#: What an event is (the ``event_kind`` property): see geo.schema.EVENT_KINDS.
EventKind = Literal["event", "background"]


@dataclass(frozen=True, slots=True, init=False)
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
    date_source: DateSource
    event_type: str
    fatalities: int | None
    event_group: str = ""
    event_kind: EventKind = "event"  # "background": a dated happening told as history
    confidence: float = 1.0  # 0-1: how likely the point is right in place and date
    review_reasons: tuple[str, ...] = ()  # why it may be wrong, for a reviewer
    signs: tuple[str, ...] = ()  # the geo.events.confidence features present (for fitting and tests)
    date_used: DateMention | None = None  # the expression the date came from, own sentence or earlier
    date_sentence: tuple[int, int] | None = None  # (start, end) of the sentence holding date_used

    def __init__(
        self,
        article: Article,
        place: ResolvedPlace,
        sentence: Sentence,
        date_mention: DateMention | None,
        date: dt.date | None,
        date_start: dt.date | None,
        date_end: dt.date | None,
        date_precision: str,
        date_source: DateSource,
        event_type: str,
        fatalities: int | None,
        event_group: str = "",
        event_kind: EventKind = "event",
        confidence: float = 1.0,
        review_reasons: tuple[str, ...] = (),
        signs: tuple[str, ...] = (),
        date_used: DateMention | None = None,
        date_sentence: tuple[int, int] | None = None,
    ) -> None:
        # written out: compiled, each field is stored directly (geo.native, "Frozen dataclasses")
        object.__setattr__(self, "article", article)
        object.__setattr__(self, "place", place)
        object.__setattr__(self, "sentence", sentence)
        object.__setattr__(self, "date_mention", date_mention)
        object.__setattr__(self, "date", date)
        object.__setattr__(self, "date_start", date_start)
        object.__setattr__(self, "date_end", date_end)
        object.__setattr__(self, "date_precision", date_precision)
        object.__setattr__(self, "date_source", date_source)
        object.__setattr__(self, "event_type", event_type)
        object.__setattr__(self, "fatalities", fatalities)
        object.__setattr__(self, "event_group", event_group)
        object.__setattr__(self, "event_kind", event_kind)
        object.__setattr__(self, "confidence", confidence)
        object.__setattr__(self, "review_reasons", review_reasons)
        object.__setattr__(self, "signs", signs)
        object.__setattr__(self, "date_used", date_used)
        object.__setattr__(self, "date_sentence", date_sentence)

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)

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
    the article's :class:`geo.read.document.Document` (read here when not given)."""
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
    by_sentence_places = places_by_sentence(doc, places)
    stamp_end = stamp_trailer_end(text, stamp.end_char) if stamp is not None else 0
    story_dates = [d for d in dates if stamp is None or not overlaps(d, stamp.start_char, stamp_end)]
    filed = wire_dateline_span(text)
    if filed is not None:  # "Oldcity, 18 October 2019 (Reuters) -": the day it was filed
        story_dates = [d for d in story_dates if not overlaps(d, *filed)]
    by_sentence_dates: dict[int, list[DateMention]] = {}
    for d in story_dates:
        by_sentence_dates.setdefault(doc.sentence_of(d.start_char), []).append(d)
    lead = lead_date(doc, by_sentence_dates, published=article.published)
    for index, found in list(by_sentence_dates.items()):
        by_sentence_dates[index] = [d for d in found if not yardstick_before(text, d.start_char)]
    state = _Walk(article=article, lead=lead, doc=doc)
    for index, sentence in enumerate(sentences):
        _events_of_sentence(state, index, sentence, by_sentence_places.get(index, []),
                            by_sentence_dates.get(index, []))
    lead_event = lead_at_its_only_town(state, places, by_sentence_places)
    if lead_event is not None:
        state.events.append(lead_event)
    named = counted(p.geonameid for p in places)
    events = capitals_for_their_province(state.events, places, text)
    facts = _ArticleFacts(events, doc.title_end)
    out = [_with_confidence(e, events, headline_end=doc.title_end, named=named, facts=facts) for e in events]
    if lead_event is not None:
        out = [_guessed_for_the_lead(e) if e.sentence is lead_event.sentence and e.place is lead_event.place else e for e in out]
    return out


#: The review reason of a lead happening drawn at the one town its country's story names.
LEAD_PLACE_GUESSED: Final = "the lead names only the country: drawn at the one town of it the article names"

#: A guessed place is never trusted more than this (the model has too few such points to learn it).
GUESSED_CONFIDENCE: Final = 0.5


def _guessed_for_the_lead(e: Event) -> Event:
    return _assessed(
        e, e.event_kind, min(e.confidence, GUESSED_CONFIDENCE), (LEAD_PLACE_GUESSED,) + e.review_reasons, e.signs
    )


# Where a source speaks from is not where the lead happened: "officials in Oldtown said",
# "an activist based in Oldtown", "a correspondent in the Oldtown".
_A_SOURCE_IN: Final = re.compile(
    r"\b(?:officials?|activists?|sources?|spokes(?:man|woman|person)|correspondents?|journalists?"
    r"|reporters?|monitors?|photographers?|analysts?|diplomats?|experts?|observers?)"
    r"(?:\s+based)?\s+in\s+(?:the\s+)?$",
    re.IGNORECASE,
)

def lead_at_its_only_town(
    state: _Walk, places: Sequence[ResolvedPlace], by_sentence_places: dict[int, list[ResolvedPlace]]
) -> Event | None:
    """"Victims of a suspected chemical attack in Syria ... its experts were giving guidance
    to overwhelmed health workers in Oldtown": a lead that reports a happening but names only
    its country leaves the story off the map. When no lead sentence maps an event and the
    article names exactly one town or province of that country that no event
    uses (its capital aside), the lead happening is drawn there, on the lead's date (``date_source`` "lead").
    Two or more such towns, or none, leave it out: the lead does not say which."""
    doc, text = state.doc, state.article.text
    lead_count = min(len(doc.sentences), LEAD_SENTENCES)
    if any(doc.sentence_of(e.place.mention.start_char) < lead_count for e in state.events):
        return None
    country, trigger_sentence, triggers = "", None, []
    for p in places:
        index = doc.sentence_of(p.mention.start_char)
        if index >= lead_count:
            break
        if p.precision != "country" or opens_as_caption(doc, index):
            continue
        sentence = doc.sentences[index]
        triggers = _triggers(text[sentence.start : sentence.end], sentence.start)
        if triggers:
            country, trigger_sentence = p.country, sentence
            break
    if trigger_sentence is None:
        return None
    used = {e.place.geonameid for e in state.events}
    found: dict[int, tuple[int, ResolvedPlace]] = {}
    for index, named in sorted(by_sentence_places.items()):
        for p in named:
            # a national capital so named is as often its government ("Oldcity was not
            # seeking a vote") as a place: it is never guessed for the lead
            if (p.country == country and p.precision in {"city", "admin1"} and not p.capital
                    and p.geonameid not in used and not _A_SOURCE_IN.search(text, max(0, p.mention.start_char - 40), p.mention.start_char)):
                found.setdefault(p.geonameid, (index, p))
    if len(found) != 1:
        return None
    index, place = next(iter(found.values()))
    sentence_text = text[trigger_sentence.start : trigger_sentence.end]
    source: DateSource = "lead" if state.lead is not None else "published"
    mention = state.lead
    return _event(state.article, place, doc.sentences[index], mention, source, _classify(sentence_text, triggers), None, doc)


def capitals_for_their_province(events: list[Event], places: Sequence[ResolvedPlace], text: str) -> list[Event]:
    """A city's name that the article itself uses for its province ("the town of Oldham in
    Bigton") names the province wherever it stands bare ("Massacre in Bigton", "the attack on
    Bigton"): its points dated from elsewhere (the lead, the stamp, an earlier sentence) drop
    out on the days the article maps a town of that province, whose point says the same more
    precisely. A point its own sentence dates, and other days, stay."""
    as_province = _named_as_provinces(places, text)
    if not as_province:
        return events
    towns = {
        (e.place.country, e.place.admin1, e.date)
        for e in events
        if e.place.precision == "city" and e.place.geonameid not in as_province and e.date
    }
    return [
        e for e in events
        if not (e.place.geonameid in as_province and e.place.precision == "city" and e.date_source != "text"
                and (e.place.country, e.place.admin1, e.date) in towns)
    ]


# What stands between a town and the province it is in: "Oldham in Bigton", "the town of
# Oldham in Bigton province", "Oldham, in the Bigton countryside".
_TOWN_IN: Final = re.compile(r",?\s+(?:(?:city|town|village|area|district)\s+)?in\s+(?:the\s+)?", re.IGNORECASE)


def _named_as_provinces(places: Sequence[ResolvedPlace], text: str) -> set[int]:
    """The cities (population 50,000 or more, as provinces are named) that the article names
    as the province of another town it maps: "the town of Oldham in Bigton"."""
    out: set[int] = set()
    ordered = sorted(places, key=lambda p: p.mention.start_char)
    for town, province in zip(ordered, ordered[1:]):
        if (province.precision == "city" and province.population >= PROVINCE_TOWN_POPULATION
                and town.precision == "city" and town.geonameid != province.geonameid
                and town.country == province.country and town.admin1 == province.admin1
                and _TOWN_IN.fullmatch(text, town.mention.end_char, province.mention.start_char)):
            out.add(province.geonameid)
    return out


@dataclass
class _Walk:
    """What the sentence-by-sentence walk through one article carries along."""

    article: Article
    lead: DateMention | None
    doc: Document
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
    sentence_text = text[sentence.start : sentence.end]
    if sentence.paragraph != state.paragraph:
        state.paragraph, state.context = sentence.paragraph, None
    elif state.context is not None and NEW_ACCOUNT_CASELESS.matches_at(text, sentence.start, sentence.end):
        state.context = None
    written = named  # every place the sentence can map, landmarks included
    if len(named) > 1:
        landmarks = landmarks_of_named_places(text, named)
        named = [p for p in named if p.mention.start_char not in landmarks]
    first_named = min((p.mention.start_char for p in named), default=sentence.end)
    anaphors = anaphora(text, sentence, state.named_towns, index, before=first_named)
    sentence_places = anaphors + named
    if not sentence_places:
        # Most sentences map no place: nothing below but the date context can change, so the
        # trigger, talk and condition searches are skipped (same events, a third fewer searches).
        _carry_context(state, index, sentence, sentence_dates)
        return
    # asked once: regions_give_way needs it too
    regional = [as_region(text, p) and not inside_a_smaller_place(p, written, text) for p in named]
    # "the town" can stand for a town named before, never for a province
    state.named_towns.extend((index, p, descriptor(text, p)) for p, region in zip(named, regional) if not region)
    # "the city" names its town again: a later "the city" finds it here first, and finds two
    # towns where this sentence names another one as well
    state.named_towns.extend((index, p, p.mention.text.rsplit(None, 1)[-1].lower()) for p in anaphors)
    sentence_places = regions_give_way(text, sentence_places, sentence, known=dict(zip(map(id, named), regional)))
    triggers = _triggers(sentence_text, sentence.start) if sentence_places else []
    starts = [p.mention.start_char for p in sentence_places]
    own_dates = [
        None if d is not None and _dates_a_relative_clause(text, place, d, triggers) else d
        for place, d in ((place, date_for(place, sentence_dates, text, starts)) for place in sentence_places)
    ]
    # with no action word no place below has an event: the talk and condition tests wait for one
    undated_talk = bool(triggers) and not sentence_dates and _not_a_happening(sentence_text)
    condition_end = _condition_end(sentence_text) if triggers else 0
    for place, own_date in zip(sentence_places, own_dates):
        near = [t for t in triggers if _reaches(text, t, place)]
        if not near or undated_talk or place.mention.start_char - sentence.start < condition_end:
            continue
        dedupe = (place.geonameid, sentence_text)
        if dedupe in state.seen:
            continue
        state.seen.add(dedupe)
        if own_date is not None and _said_after_the_lead(text, own_date, state.lead):
            own_date = None  # the day of a report of the lead happening: the lead's day
        mention, source = carried_date(
            index, place, own_date, dated_places=state.dated_places, context=state.context, lead=state.lead
        )
        state.events.append(
            _event(state.article, place, sentence, mention, source, _classify(sentence_text, near),
                   _fatalities_for(place, sentence_text, sentence.start, sentence_places), state.doc)
        )
    for place, dated in zip(sentence_places, own_dates):
        if dated is not None and dated.date is not None:
            state.dated_places[place.geonameid] = (index, dated)
    _carry_context(state, index, sentence, sentence_dates)


def _carry_context(state: _Walk, index: int, sentence: Sentence, sentence_dates: list[DateMention]) -> None:
    """Remember the sentence's last day or week as the date later sentences may carry."""
    text = state.article.text
    points = [
        d for d in sentence_dates
        if d.role in {"point", "range"} and d.precision in {"day", "week"} and not quoted(text, sentence, d.start_char)
    ]
    if points and not opens_as_caption(state.doc, index):  # captions and quotes lend no dates
        state.context = (index, points[-1])


def _reaches(text: str, trigger: tuple[str, int, int], place: ResolvedPlace) -> bool:
    """Does an action word speak of a place: within :data:`TRIGGER_WINDOW` characters and in
    the same clause? A colon or semicolon between them starts an aside ("the fall of X cut
    the links between its two strongholds: the cities of Y and Z")."""
    start, end = place.mention.start_char, place.mention.end_char
    if span_gap(trigger[1], trigger[2], start, end) > TRIGGER_WINDOW:
        return False
    between = text[trigger[2] : start] if trigger[2] <= start else text[end : trigger[1]]
    return ":" not in between and ";" not in between


# "... struck the town of Oldtown, where rebels downed a jet on Friday": a clause telling what
# else happened at the place.
_VIOLENT: Final = frozenset({"battles", "explosions/remote violence", "violence against civilians"})
_RELATIVE_CLAUSE: Final = re.compile(r"(?:,\s*|\s)(?:where|in which)\s", re.IGNORECASE)


def _dates_a_relative_clause(
    text: str, place: ResolvedPlace, date: DateMention, triggers: Sequence[tuple[str, int, int]]
) -> bool:
    """Does ``date`` stand in a "where" clause after the place while a word for violence before
    the place tells the sentence's own happening ("The shelling struck Oldtown, where rebels had
    downed a jet on Friday")? Then the date is that clause's, and the shelling takes the date
    the story gives it elsewhere."""
    end = place.mention.end_char
    if date.precision != "day" or date.start_char <= end:
        return False  # "after capturing the city in May last year": a month there is the place's story
    if not any(t[2] <= place.mention.start_char and t[0] in _VIOLENT for t in triggers):
        return False
    clause = _RELATIVE_CLAUSE.search(text, end, date.start_char)
    return clause is not None and not any(t[1] < clause.start() and t[2] > end for t in triggers)


def _said_after_the_lead(text: str, own: DateMention, lead: DateMention | None) -> bool:
    """Is ``own`` the day something was said ("the monitor said on Sunday"), a few days after
    the article's lead day? A report of the lead happening then dates it by the lead."""
    if lead is None or lead is own or own.date is None or lead.date is None or own.precision != "day":
        return False
    if not day_of_a_saying(text, own):
        return False
    return 0 < (own.date - lead.date).days <= 7


# Talk about what might or usually happens, with no date of its own: not a happening.
_NOT_A_HAPPENING: Final = re.compile(
    r"\b(?:would|could|might|may|should|must|if|unless|whether|plans? to|aims? to|threaten(?:s|ed)? to"
    r"|has previously|have previously|had previously|has long|have long|routinely|regularly|often|usually"
    r"|have used|has used|is held by|are held by|is controlled by|under the control of|remains?"
    r"|previous|so far|to date|over the years|(?:has|have|had) been able to"
    # "in the past", but not "in the past 24 hours" or "in the past week": recent, a happening
    r"|in the past(?!\s+(?:\d+|few|several|two|three|four|five|24|48|week|month|day|days|hours|year)\b))\b",
    re.IGNORECASE,
)


# The same, for a sentence already lower-cased (see _lowered): the pattern is all lower case.
_NOT_A_HAPPENING_LOWER: Final = WordList(_NOT_A_HAPPENING.pattern)


def _not_a_happening(sentence: str) -> bool:
    lowered = _lowered(sentence)
    if lowered is None:
        return bool(_NOT_A_HAPPENING.search(sentence))
    return _NOT_A_HAPPENING_LOWER.search(lowered, word_starts(lowered))


# "If Oldtown falls to the rebels, it will ...": the condition a sentence opens with, up to the
# comma or the main clause's verb (stripped text has no comma).
_CONDITION: Final = re.compile(
    r"(?:If|Unless|Should)\b[^,;:]*?(?=,|\s(?:it|this|that|they|he|she|we|then)\s+(?:will|would|could|might|may|is|was)\b|$)"
)


def _condition_end(sentence: str) -> int:
    """Where the condition a sentence opens with ends (0 when it opens with none): places in
    it are what might happen, not what happened ("If Oldtown is captured it will be ...")."""
    m = _CONDITION.match(sentence)
    return m.end() if m else 0


#: A happening dated this long before publication is told as history: ``event_kind`` background.
BACKGROUND_DAYS: Final = 60
_HEDGED: Final = re.compile(
    r"\b(?:would|could|might|may|alleged(?:ly)?|reportedly|purported(?:ly)?|suspected|said to|claims?|believed)\b",
    re.IGNORECASE,
)


class _ArticleFacts:
    """What every event's signs ask of the article's other events, worked out once per article
    rather than once per event (that was quadratic in the article's events)."""

    __slots__ = ("_coords", "_far", "_words", "by_sentence", "home", "in_headline")

    def __init__(self, events: Sequence[Event], headline_end: int) -> None:
        self._coords: dict[tuple[float, float], set[int]] = {}
        self.by_sentence: dict[Sentence, set[int]] = {}
        self.in_headline: set[int] = set()
        for e in events:
            gid = e.place.geonameid
            self._coords.setdefault((e.place.latitude, e.place.longitude), set()).add(gid)
            self.by_sentence.setdefault(e.sentence, set()).add(gid)
            if e.place.mention.start_char < headline_end:
                self.in_headline.add(gid)
        self.home = commonest(counted(e.place.country for e in events))
        self._far: dict[tuple[int, tuple[float, float]], bool] = {}
        self._words: dict[Sentence, tuple[bool, bool, bool, bool, bool]] = {}

    def words(self, event: Event) -> tuple[bool, bool, bool, bool, bool]:
        """(hedged, reaction, casualties, ongoing, planned) of the event's sentence, read once
        for all the places of that sentence."""
        found = self._words.get(event.sentence)
        if found is None:
            found = self._words[event.sentence] = _sign_words(event.excerpt)
        return found

    def far(self, gid: int, here: tuple[float, float]) -> bool:
        """Whether every point of the article's other places is over FAR_KM from ``here``."""
        key = (gid, here)
        if key not in self._far:
            others = [c for c, gids in self._coords.items() if gids != {gid}]
            self._far[key] = bool(others) and min(km(here, o) for o in others) > FAR_KM
        return self._far[key]


def event_signs(
    event: Event, events: Sequence[Event], *, headline_end: int, named: Mapping[int, int], facts: _ArticleFacts | None = None
) -> dict[str, bool]:
    """The yes/no signs :mod:`geo.events.confidence` weighs for one event of an article.
    ``facts``: the article's events' facts when several events are scored (built if not given)."""
    if facts is None:
        facts = _ArticleFacts(events, headline_end)
    hedged, reaction, casualties, ongoing, planned = facts.words(event)
    here = (event.place.latitude, event.place.longitude)
    far = facts.far(event.place.geonameid, here)
    sentence_places = facts.by_sentence.get(event.sentence, set())
    own_day = event.date_source == "text" and event.date_precision == "day"
    home = facts.home if facts.home is not None else event.place.country
    used = event.date_used
    text = event.article.text
    said = used is not None and said_before(text, used.start_char)
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
        "hedged": hedged,
        "named_once": named.get(event.place.geonameid, 0) <= 1,
        "named_often": named.get(event.place.geonameid, 0) >= 3,
        "in_headline_too": event.place.geonameid in facts.in_headline,
        "locative": event.place.mention.locative,
        "toll": event.fatalities is not None,
        "own_day": own_day,
        "sole_candidate": own_day and not event.place.candidates,
        "abroad": event.place.country != home,
        "capital": event.place.capital,
        "date_of_a_saying": said,
        "reaction": reaction,
        "casualties": casualties,
        "ongoing": ongoing,
        "planned": planned,
    }


# Words of a reaction to a happening told elsewhere: condemnation, inquiry, accusation.
_REACTION: Final = re.compile(
    r"\b(?:condemn\w*|investigat\w*|inspectors?|probe|allegations?|accus\w*|denied|denies|called for|warned)\b",
    re.IGNORECASE,
)
# People killed, dead or hurt: what a report of a happening tells.
_CASUALTIES: Final = re.compile(r"\b(?:killed|killing|dead|died|wounded|injured)\b", re.IGNORECASE)


# An activity going on rather than one happening ("battles continued", "the constant bombardment"):
# its day is hard to pin.
_ONGOING: Final = re.compile(
    r"\b(?:continu\w*|constant(?:ly)?|ongoing|intensiv\w*|daily|repeated(?:ly)?|persistent(?:ly)?|keeps?|still)\b",
    re.IGNORECASE,
)
# What is planned, expected or aimed at, not what happened.
_PLANNED: Final = re.compile(r"\b(?:will|would|expected to|to be held|plans?|aims? to|aimed at|upcoming|next)\b", re.IGNORECASE)

# The same, for a sentence already lower-cased (see _lowered): the pattern is all lower case.
_HEDGED_LOWER: Final = WordList(_HEDGED.pattern)
# The sign words of _ArticleFacts.words in its order, and the same for a lower-cased sentence.
_SIGN_WORDS: Final = (_REACTION, _CASUALTIES, _ONGOING, _PLANNED)
_SIGN_WORDS_LOWER: Final = tuple(WordList(p.pattern) for p in _SIGN_WORDS)
#: All five, in _sign_words' order, each word of a sentence looked up once for all of them.
_SIGN_LISTS: Final = WordLists([_HEDGED_LOWER, *_SIGN_WORDS_LOWER])


def _sign_words(sentence: str) -> tuple[bool, bool, bool, bool, bool]:
    """(hedged, reaction, casualties, ongoing, planned): whether the sentence has such words.

    Searches the lower-cased sentence with case-sensitive patterns where that finds what the
    case-insensitive ones find (see _lowered), at the words a match can start with (WordList):
    several times faster, same answers."""
    lowered = _lowered(sentence)
    if lowered is None:
        reaction, casualties, ongoing, planned = (p.search(sentence) is not None for p in _SIGN_WORDS)
        return bool(_HEDGED.search(sentence)), reaction, casualties, ongoing, planned
    hedged, reaction, casualties, ongoing, planned = _SIGN_LISTS.search(lowered, word_starts(lowered))
    return hedged, reaction, casualties, ongoing, planned


def _hedged(sentence: str) -> bool:
    lowered = _lowered(sentence)
    return bool(_HEDGED.search(sentence)) if lowered is None else _HEDGED_LOWER.search(lowered, word_starts(lowered))


def _with_confidence(
    event: Event, events: Sequence[Event], *, headline_end: int, named: Mapping[int, int], facts: _ArticleFacts
) -> Event:
    """The event with its kind, ``confidence`` and ``review_reasons``."""
    published = event.article.published
    if published is not None and event.date_end is not None and (published - event.date_end).days > BACKGROUND_DAYS:
        event = _assessed(event, "background", event.confidence, event.review_reasons, event.signs)
    signs = event_signs(event, events, headline_end=headline_end, named=named, facts=facts)
    present = tuple(name for name, on in signs.items() if on)
    return _assessed(event, event.event_kind, confidence_of(signs), reasons_of(signs), present)


def _assessed(
    e: Event, kind: EventKind, confidence: float, reasons: tuple[str, ...], signs: tuple[str, ...]
) -> Event:
    """``dataclasses.replace(e, event_kind=kind, confidence=..., review_reasons=..., signs=...)``
    built directly: replace() inspects the fields at every call, for every event (several
    times slower). tests/test_fast_path_identical.py checks it against replace()."""
    return Event(
        e.article, e.place, e.sentence, e.date_mention, e.date, e.date_start, e.date_end, e.date_precision,
        e.date_source, e.event_type, e.fatalities, e.event_group, kind, confidence, reasons, signs,
        e.date_used, e.date_sentence,
    )


def _event(
    article: Article,
    place: ResolvedPlace,
    sentence: Sentence,
    mention: DateMention | None,
    source: DateSource,
    event_type: str,
    fatalities: int | None,
    doc: Document,
) -> Event:
    """An event dated by ``mention`` (its own sentence's date only when ``source`` is "text"),
    or by the week up to publication when nothing dates it; it keeps the expression it was
    dated by and that expression's sentence (its own, or an earlier one for "context" and "lead")."""
    if mention is not None:
        held = doc.sentences[doc.sentence_of(mention.start_char)] if doc.sentences else None
        return Event(
            article, place, sentence, mention if source == "text" else None,
            best_day(mention, article.published, article.text), mention.date_start, mention.date_end,
            mention.precision if mention.date is not None else "undated",
            source, event_type, fatalities,
            date_used=mention, date_sentence=(held.start, held.end) if held is not None else None,
        )
    start, end, precision = published_week(article.published)
    return Event(article, place, sentence, None, end, start, end, precision, "published", event_type, fatalities)


def _triggers(sentence: str, offset: int) -> list[tuple[str, int, int]]:
    """Every action word of a sentence: (kind, start, end), by kind in lexicon order.

    Searches the sentence lower-cased once with case-sensitive patterns (several times faster
    than six case-insensitive searches), where that finds exactly what they find, and only at
    the words a match can start with."""
    lowered = _lowered(sentence)
    found = []
    if lowered is None:
        for kind, pattern in _TRIGGERS:
            for m in pattern.finditer(sentence):
                found.append((kind, offset + m.start(), offset + m.end()))
        return found
    for kind, spans in zip(_TRIGGER_KINDS, _TRIGGER_WORDS.finditer(lowered, word_starts(lowered))):
        for start, end in spans:
            found.append((kind, offset + start, offset + end))
    return found


def _pick_type(triggers: Sequence[tuple[str, int, int]]) -> str:
    order = [kind for kind, _ in _LEXICON]
    return min((t[0] for t in triggers), key=order.index)


_CIVILIAN_KILLING: Final = re.compile(
    r"\bkill\w*\b.{0,60}\b(?:civilians|people|women|children|residents|villagers)\b", re.I
)


def event_type_of(sentence: str) -> str:
    """The event type a sentence's action words suggest ("other" when it has none)."""
    triggers = _triggers(sentence, 0)
    return _classify(sentence, triggers) if triggers else "other"


_PROTESTERS: Final = re.compile(r"\b(?:protest\w*|demonstrat\w*|rioters?|marchers)\b", re.I)
_UNRULY: Final = re.compile(r"\b(?:clash\w*|riot\w*|stones?|rocks|burn\w*|set fire|torched|looted|looting|vandali\w*|smash\w*)\b", re.I)


# Searched case-sensitively in the lower-cased sentence where that finds the same (see
# CaselessPattern): the sentence's action words have just lower-cased it.
_PROTESTERS_CASELESS: Final = CaselessPattern(_PROTESTERS)
_UNRULY_CASELESS: Final = CaselessPattern(_UNRULY)
_CIVILIAN_KILLING_CASELESS: Final = CaselessPattern(_CIVILIAN_KILLING)


def _classify(sentence: str, triggers: Sequence[tuple[str, int, int]]) -> str:
    kind = _pick_type(triggers)
    # the type test first: it is free, and most sentences' types skip the search
    if kind in {"battles", "strategic developments", "protests", "riots"} and _PROTESTERS_CASELESS.found(sentence):
        return "riots" if _UNRULY_CASELESS.found(sentence) else "protests"
    if kind == "battles" and _CIVILIAN_KILLING_CASELESS.found(sentence):
        return "violence against civilians"
    return kind


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
        patterns, text = _FATALITY_PATTERNS, sentence
        aggregate = bool(_WAR_WIDE.search(sentence))
    else:
        # the lower-cased sentence, searched case-sensitively (see _lowered): same matches
        # (their ASCII twins for an ASCII sentence: the same matches, see ascii_twin)
        patterns = tuple(
            twin.for_text(lowered) for twin, words in zip(_FATALITY_TWINS, _FATALITY_WORDS) if any(w in lowered for w in words)
        )
        if not patterns:
            return ()
        text = lowered
        aggregate = _WAR_WIDE_LOWER.search(lowered, word_starts(lowered))
    found = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            value = _number(m.group(1))
            if value is None or (1900 <= value <= 2100 and m.group(1).isdigit() and len(m.group(1)) == 4):
                continue
            if aggregate and value >= _AGGREGATE_TOLL:
                continue
            found.append((value, m.start(), m.end()))
    return tuple(found)


#: A toll this large in a sentence about a whole war is that war's total.
_AGGREGATE_TOLL: Final = 10_000
_WAR_WIDE: Final = re.compile(r"\b(?:war|conflict|uprising|revolt|revolution|insurgency|civil war|crisis)\b", re.I)
_WAR_WIDE_LOWER: Final = WordList(_WAR_WIDE.pattern)
# The toll patterns for a lower-cased sentence (see _tolls): they are written in lower case.
# (with their ASCII twins for an ASCII sentence: the same matches, faster)
_FATALITY_TWINS: Final = tuple(TwinPattern(re.compile(p.pattern)) for p in _FATALITY_PATTERNS)


def _fatalities_for(place: ResolvedPlace, sentence: str, offset: int, places: Sequence[ResolvedPlace]) -> int | None:
    """The toll nearest this place: "strikes hit Gaza City, killing 26, as rockets struck
    Ashkelon" gives Gaza City 26 and Ashkelon none."""
    best = None
    for value, start, end in _tolls(sentence):
        start, end = start + offset, end + offset
        nearest = min(places, key=lambda p: (span_gap(start, end, p.mention.start_char, p.mention.end_char), p.mention.start_char))
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


_NO_DAY: Final = np.iinfo(np.int64).min
_TYPE_CODES: Final = {kind: i for i, kind in enumerate(EVENT_TYPES)}


@dataclass(frozen=True, slots=True)
class GroupKeys:
    """The four columns grouping needs, as numpy arrays (a few bytes an event), so a run over
    a large corpus groups its events without holding them."""

    geonameid: np.ndarray  # int64
    kind: np.ndarray  # int8: index in geo.schema.EVENT_TYPES
    start: np.ndarray  # int64 proleptic ordinal of date_start, _NO_DAY when undated
    end: np.ndarray  # int64 ordinal of date_end

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)

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


# ---------------------------------------------------------------- the rules' examples (geo.rules)
# Written for Datelines.

_TYPE_EXAMPLES: Final = {
    "violence against civilians": "Gunmen executed five villagers near the town",
    "explosions/remote violence": "An air strike hit a market in the town",
    "battles": "Rebels clashed with troops near the town",
    "riots": "Rioters looted shops and set fire to cars",
    "protests": "Thousands protested peacefully in the square",
    "strategic developments": "The army withdrew from the town",
}


def _is_of_type(kind: str) -> Callable[[str], bool]:
    return lambda text: event_type_of(text) == kind


for _kind, _sentence in _TYPE_EXAMPLES.items():
    example(
        f"events.type.{_kind}", _is_of_type(_kind),
        fires=[_sentence],
        holds=[other for k, other in _TYPE_EXAMPLES.items() if k != _kind] + ["The committee published its report"],
    )
example(
    "events.civilians_killed_is_violence_against_civilians", _CIVILIAN_KILLING.search,
    fires=["Troops killed 12 civilians in the raid", "the blast killed at least nine people"],
    holds=["Troops killed 12 fighters in the raid", "civilians fled before the fighting"],
)
example(
    "events.protesters_make_a_protest_or_riot", _PROTESTERS.search,
    fires=["Protesters marched to the palace", "demonstrators clashed with police"],
    holds=["Troops marched into the town"],
)
example(
    "events.not_a_happening", _not_a_happening,
    fires=["The army could attack the town", "The town is held by rebels", "Rebels have previously shelled the town",
           "From there rebels have been able to shell the town"],
    holds=["The army attacked the town on Monday", "Rebels shelled the town", "Rebels were able to shell the town",
           "Nine fighters were killed near the town in the past 24 hours"],
)
example(
    "events.toll", lambda text: fatalities_in(text) is not None,
    fires=["An air strike killed at least 12 people", "The death toll rose to 30", "Dozens of civilians were killed",
           "Nine soldiers were killed in the ambush", "the blast left 14 dead"],
    holds=["The war has killed 350,000 people", "Police arrested 12 people", "In 2019 the town was shelled",
           "Troops killed time in the barracks"],
)
example(
    "events.a_where_clause_tells_what_else_happened_there", _RELATIVE_CLAUSE.search,
    fires=["The shelling struck Oldtown, where rebels downed a jet on Friday",
           "Jets bombed Oldtown in which a pilot was captured on Friday"],
    holds=["The shelling struck Oldtown on Friday", "Jets bombed Oldtown whereas rebels held Newtown"],
)
example(
    "events.an_opening_condition_is_no_happening",
    braced(lambda t, s, e: s < _condition_end(t)),
    fires=["If {Oldtown} is captured it will be the biggest defeat since July", "Unless {Oldtown} falls, the siege goes on",
           "Should troops retake {Oldtown} they would control the road"],
    holds=["If the deal holds, troops will leave {Oldtown} on Monday", "Troops shelled {Oldtown} if witnesses are right",
           "Iffy weather slowed the attack on {Oldtown}",
           "Once a trading hub {Oldtown} has been shelled for years"],
)
example(
    "events.hedged", _hedged,
    fires=["Rebels reportedly shelled the town", "the alleged attack"],
    holds=["Rebels shelled the town on Monday"],
)
example(
    "events.action_words", lambda text: bool(_triggers(text, 0)),
    fires=["Warplanes struck the village at dawn", "Jets targeted rebel positions near the town",
           "The army pressed its operations against militants in the hills",
           "Fighters infiltrated the border area overnight"],
    holds=["The committee published its report", "The mayor opened a new school",
           "Launched in Harbourton in 1990 the magazine is widely read"],
)
example(
    "events.reaction_sign", _REACTION.search,
    fires=["The minister condemned the attack on the town", "Inspectors are investigating the blast",
           "Rebels accused the army of the shelling"],
    holds=["Rebels shelled the town on Monday", "The army took the hill"],
)
example(
    "events.ongoing_sign", _ONGOING.search,
    fires=["Battles continued in the town", "the constant shelling of the town", "Jets still pound the town daily"],
    holds=["Jets struck the town on Monday", "A bomb killed nine people"],
)
example(
    "events.planned_sign", _PLANNED.search,
    fires=["Talks will be held in the capital next week", "an offensive aimed at retaking the town"],
    holds=["Talks were held in the capital on Monday", "Troops retook the town"],
)
example(
    "events.casualties_sign", _CASUALTIES.search,
    fires=["Nine people were killed in the raid", "the blast left many wounded"],
    holds=["Rebels took the hill", "Talks were held in the capital"],
)
example(
    "events.town_in_its_province",
    lambda text: bool(_TOWN_IN.fullmatch(text)),
    fires=[" in ", " town in ", ", in the "],
    holds=[" near ", " and ", " in the north of "],
)
