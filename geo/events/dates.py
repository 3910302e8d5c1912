"""Which date an event gets: the date stage's rules for events.

An event takes the date expression of its own sentence that dates its place (an anchored
"days after" dates what follows it; the day of a saying gives way to another day); else the
same town dated in the sentence just before, or a day named at most :data:`CARRY_REACH`
sentences back in its paragraph ("context"); else the article's lead date ("lead": the first
day of the two weeks before publication that the lead gives, or failing that a later sentence's
day of the week before it); else the week up to publication ("published"). A page's update time
after its stamp, a photo caption's day and a war's start ("the conflict that began in 2011")
date nothing. Each rule is declared with its examples (geo.rules).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Final, Literal

from geo.dates.find import DateMention
from geo.read.document import Document, is_caption, span_gap
from geo.places.resolve import ResolvedPlace
from geo.rules import braced, example
from geo.read.text import CaselessPattern, Sentence

__all__ = [
    "CARRY_REACH",
    "DateSource",
    "PUBLISHED_WINDOW_DAYS",
    "SAID_BEFORE",
    "LEAD_SENTENCES",
    "REACTED_AFTER",
    "day_of_a_saying",
    "said_before",
    "SINCE_BEFORE",
    "YARDSTICK_REACH",
    "best_day",
    "carried_date",
    "date_for",
    "lead_date",
    "opens_as_caption",
    "overlaps",
    "published_week",
    "quoted",
    "stamp_trailer_end",
    "yardstick_before",
]

#: Where an event's date came from (the ``date_source`` property).
DateSource = Literal["text", "context", "lead", "published"]


#: An article's own publication dates what a sentence does not: the week up to it.
PUBLISHED_WINDOW_DAYS: Final = 6


#: How many sentences a day named in one sentence may date the sentences after it.
CARRY_REACH: Final = 2


def quoted(text: str, sentence: Sentence, start: int) -> bool:
    """Does the date starting at ``start`` stand inside quotation marks (an odd number of
    quotes before it in its sentence)?"""
    before = text[sentence.start : start]
    return (before.count('"') + before.count("“") - before.count("”")) % 2 == 1 or (
        before.count("“") > before.count("”")
    )


# A sentence that opens another account: what was dated before it is not carried into it
# ("On February 22 a clinic was hit. Meanwhile the battle for Oldtown goes on.").
NEW_ACCOUNT: Final = re.compile(
    r"[\s\"“]*(?:meanwhile|elsewhere|separately|on another front|in (?:an)?other developments?"
    r"|in a (?:new|separate|related|another) development)\b",
    re.IGNORECASE,
)
# In the lower-cased article, a sentence's stretch (see CaselessPattern).
NEW_ACCOUNT_CASELESS: Final = CaselessPattern(NEW_ACCOUNT)


def carried_date(
    index: int,
    place: ResolvedPlace,
    own: DateMention | None,
    *,
    dated_places: dict[int, tuple[int, DateMention]],
    context: tuple[int, DateMention] | None,
    lead: DateMention | None,
) -> tuple[DateMention | None, DateSource]:
    """The date of an event and where it came from.

    Its own sentence first; else the same town dated in the sentence just before; else a day
    (or week) named at most :data:`CARRY_REACH` sentences back in the same paragraph (the
    account of the same happening); else the article's lead date. Months and years are never
    carried: "in 2013" in one sentence does not date the next one's shelling.
    """
    if own is not None:
        return own, "text"
    earlier = dated_places.get(place.geonameid)
    if earlier is not None and earlier[0] == index - 1:
        return earlier[1], "context"  # the same town, dated just before
    if context is not None and index - context[0] <= CARRY_REACH:
        return context[1], "context"
    if lead is not None:
        return lead, "lead"
    return None, "published"


def overlaps(d: DateMention, start: int, end: int) -> bool:
    return d.start_char < end and start < d.end_char


# "the deadliest since the start of the war in March 2011": a yardstick, not the happening's date
# "the conflict that began with protests in March 2011": when the whole war started, no
# happening's date. Searched in the :data:`YARDSTICK_REACH` characters before a date.
SINCE_BEFORE: Final = re.compile(
    r"(?:\bsince (?:the )?(?:beginning|start|outbreak|onset) of"
    r"|\b(?:war|conflict|uprising|revolt|revolution|insurgency|crisis)\s+(?:that|which)\s+"
    r"(?:began|started|erupted|broke out)(?:\s+with)?)\b[^.,;]*$",
    re.IGNORECASE,
)

#: How far before a date :data:`SINCE_BEFORE` looks.
YARDSTICK_REACH: Final = 70


def yardstick_before(text: str, start: int) -> bool:
    """Whether the date at ``start`` is a yardstick (:data:`SINCE_BEFORE` ends just before it)."""
    return _SINCE_BEFORE_CASELESS.found(text, max(0, start - YARDSTICK_REACH), start)


# "27.05.2017(updated 1133 27.05.2017)", "5 May 2017 | Updated 6 May 2017": the page's own
# update time after its stamp, part of the stamp and never a date of the story.
_STAMP_TRAILER: Final = re.compile(
    r"\s*(?:\(\s*(?:last\s+)?(?:updated|modified)\b[^()\n]{0,40}\)|[|,-]?\s*(?:last\s+)?(?:updated|modified)"
    r"(?:\s+(?:on|at))?:?\s+(?:\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},?\s*\d{4})"
    r"(?:\s+\d{1,2}:?\d{2})?)",
    re.IGNORECASE,
)


def stamp_trailer_end(text: str, end: int) -> int:
    """Where a publication stamp ending at ``end`` really ends: past an update time that follows
    it ("(updated 1133 27.05.2017)", "| Updated 6 May 2017 14:05")."""
    m = _STAMP_TRAILER.match(text, end)
    return m.end() if m else end


def opens_as_caption(doc: Document, index: int) -> bool:
    """Does sentence ``index`` open as a photo caption, or, when it holds the publication stamp,
    go on as one after it ("Last updated at Jun 13 2016 In this photo taken on June 8 ...")?"""
    if doc.is_caption(index):
        return True
    stamp, sentence = doc.stamp, doc.sentences[index]
    if stamp is None or not sentence.start <= stamp.end_char < sentence.end:
        return False
    after = stamp_trailer_end(doc.text, stamp.end_char)
    while after < sentence.end and doc.text[after] in " \t\n":
        after += 1
    return is_caption(doc.text, after)


def lead_date(
    doc: Document, by_sentence: dict[int, list[DateMention]], *, published: dt.date | None = None
) -> DateMention | None:
    """The day the article's lead happening is dated to: the first day (or week) the first
    sentences name. Sentences the story leaves undated take it rather than the last date seen.
    A day of a saying ("the monitor said on Thursday") is taken only when the lead names no
    other: a happening is no later than its report, which is closer than the publication day.
    With ``published`` known, a lead day more than :data:`_LEAD_DAYS` before it (or after it)
    is history, not the lead. When the lead names no day at all, a day of the week before
    ``published`` that a later sentence gives a happening (see :func:`_later_day`). When it
    names only the day the happening was spoken of ("Ban on Friday renewed his push for an
    inquiry into the attack"), an earlier day a later sentence names the happening by ("in
    the wake of Wednesday's attack") is the lead's."""
    text = doc.text
    said_day = None  # "the agency said on Thursday": the happening is no later than its report
    for index in range(min(len(doc.sentences), LEAD_SENTENCES)):
        if opens_as_caption(doc, index):
            continue
        for d in sorted(by_sentence.get(index, []), key=lambda d: d.start_char):
            if d.role == "point" and d.precision in {"day", "week"} and d.date is not None:
                if published is not None and not 0 <= (published - d.date).days <= _LEAD_DAYS:
                    continue  # history or a caption's day, not the lead happening
                if not day_of_a_saying(text, d):
                    return d
                said_day = said_day or d
    if published is None:
        return said_day
    later = _later_day(doc, by_sentence, published, named_for_a_happening=said_day is not None)
    if said_day is not None and (later is None or later.date >= said_day.date):  # type: ignore[operator]  # both days
        return said_day
    return later


def _later_day(
    doc: Document, by_sentence: dict[int, list[DateMention]], published: dt.date, *, named_for_a_happening: bool = False
) -> DateMention | None:
    """When the lead names no day, the first day a later sentence gives a happening of the
    week before publication ("in the hours leading up to Saturday's attack", "at dawn
    yesterday"): the story's own account is closer to the lead happening than the publication
    day is. Days of sayings, quoted days, captions and days outside that week (history,
    plans) do not count."""
    text = doc.text
    for index in sorted(by_sentence):
        if index < LEAD_SENTENCES or opens_as_caption(doc, index):
            continue
        for d in sorted(by_sentence[index], key=lambda d: d.start_char):
            if d.role != "point" or d.precision != "day" or d.date is None:
                continue
            if not 0 <= (published - d.date).days <= PUBLISHED_WINDOW_DAYS:
                continue
            if day_of_a_saying(text, d):
                continue
            if quoted(text, doc.sentences[index], d.start_char):
                continue
            if named_for_a_happening and not _POSSESSIVE_DAY.match(text, d.end_char):
                continue
            return d
    return None


# "Wednesday's attack", "in the wake of Wednesdays fumes": a day that names a happening by its
# date, which the lead reported only on the day it was spoken of.
_POSSESSIVE_DAY: Final = re.compile(
    r"['’]?s\s+(?!(?:statement|announcement|report|remarks|comments|speech|briefing|news|edition|session)\b)[a-z]"
)



# "the agency said on Monday", "officials told reporters Friday": the day of the saying, which
# may be days after the happening; it does not become the article's lead date.
SAID_BEFORE: Final = re.compile(
    r"\b(?:said|says|told [\w ]{1,25}?|announced|reported|stated|claimed|confirmed|added)\s+(?:on\s+|late\s+|early\s+)?$",
    re.IGNORECASE,
)


# "The president on Friday defended the release ...", "Ban on Friday renewed his push ...":
# a day written between a speaker and the verb of a reaction is the reaction's day, like the
# day of a saying; the happening reacted to came before it.
REACTED_AFTER: Final = re.compile(
    r"\s+(?:defended|renewed|condemned|denounced|denied|urged|demanded|critici[sz]ed|welcomed"
    r"|blamed|vowed|pledged|rejected|praised|hailed|insisted|called\s+(?:for|on)|appealed|pressed"
    r"|responded|reacted|expressed|voiced|slammed|lashed\s+out)\b",
    re.IGNORECASE,
)


# The three searched case-sensitively in the lower-cased article where that finds the same
# (see CaselessPattern): asked at every date of every place's sentence, they were about 1% of
# a run case-insensitive.
_SAID_BEFORE_CASELESS: Final = CaselessPattern(SAID_BEFORE)
_REACTED_AFTER_CASELESS: Final = CaselessPattern(REACTED_AFTER)
_SINCE_BEFORE_CASELESS: Final = CaselessPattern(SINCE_BEFORE)


def said_before(text: str, start: int) -> bool:
    """Whether a verb of saying ends just before ``start`` ("officials said on" Monday)."""
    return _SAID_BEFORE_CASELESS.found(text, max(0, start - 40), start)


def day_of_a_saying(text: str, d: DateMention) -> bool:
    """Is ``d`` the day something was said or reacted to ("officials said on Monday", "the
    minister on Monday condemned ..."), not the day of what was said?"""
    return said_before(text, d.start_char) or _REACTED_AFTER_CASELESS.matches_at(text, d.end_char)


#: How many days before publication the lead happening may lie (two weeks): an older day in
#: the lead is history or a photo's day ("the silos of Oldtown, June 1"), not today's news.
_LEAD_DAYS: Final = 14


#: How many sentences from the top are the lead (title, stamp line, first sentences): they may
#: give the lead date, and one of them must map an event for the lead to be on the map.
LEAD_SENTENCES: Final = 4


# "strikes around Oldtown, the site of a massacre in April": an appositive telling what else
# happened at the place, whose date is not the sentence's happening's.
_SITE_OF: Final = re.compile(r",?\s+(?:the|a)\s+(?:site|scene)\s+of\s", re.IGNORECASE)
_SITE_OF_CASELESS: Final = CaselessPattern(_SITE_OF)  # in the lower-cased article (see CaselessPattern)


def date_for(
    place: ResolvedPlace, dates: Sequence[DateMention], text: str = "", others: Sequence[int] = ()
) -> DateMention | None:
    """The date expression of a sentence that dates this place's event.

    "Seized Palmyra on Wednesday, days after capturing Ramadi": an anchored expression
    ("days after") dates what follows it (Ramadi), never what precedes it (Palmyra). "A strike
    on Tuesday near Oldtown killed nine, officials said on Thursday": the day of the saying
    dates the place only when the sentence names no other day ("said on Tuesday that the
    fighters had left the port, under a deal reached last December" keeps Tuesday). "Strikes
    on Friday around Oldtown, the site of a massacre in April" is dated Friday: an appositive
    after the place tells the place's past. "Rebels said on Tuesday they held Oldtown, a day
    after sweeping into the city": when the sentence names no place after an anchored
    expression (``others``: where the sentence's other places start) and its only other dates
    are days of saying, the anchored one dates the place before it.
    """
    pos = place.mention.start_char
    usable = [d for d in dates if not (d.role == "anchored" and d.start_char > pos)]
    if text:
        # days of a saying: asked once, for both rules below that set them aside
        said = [d for d in dates if said_before(text, d.start_char)]
        if len(usable) < len(dates):
            trailing = [d for d in dates if d.role == "anchored" and d.start_char > pos and not any(o > d.start_char for o in others)]
            if trailing and usable and all(d in said for d in usable):
                usable = trailing
        end = place.mention.end_char
        told = [d for d in usable if d.start_char > end and _SITE_OF_CASELESS.matches_at(text, end, d.start_char)]
        if told and len(told) < len(usable):  # another date is left for the happening
            usable = [d for d in usable if d not in told]
        said = [d for d in usable if d in said]
        if said and any(d not in said and d.precision == "day" for d in usable):
            usable = [d for d in usable if d not in said]
    anchored = [d for d in usable if d.role == "anchored"]
    if anchored:
        return max(anchored, key=lambda d: d.start_char)
    for roles in ({"point", "range"}, {"since"}):
        pool = [d for d in usable if d.role in roles]
        if pool:
            return min(pool, key=lambda d: (span_gap(d.start_char, d.end_char, pos, place.mention.end_char), d.start_char))
    return None


def best_day(mention: DateMention, published: dt.date | None, text: str = "") -> dt.date | None:
    """The day an event is pinned to: the expression's best day, but a past span that runs
    past publication ("in August" or "this month" in a story of 13 August) is only known up to
    publication, so its middle up to then. A span wholly after publication is planned: kept.
    "Has been besieged since 2013" tells a state as it stands now (the span's end), unless a
    "when" tells what happened then ("a battleground since 2012, when rebels seized it")."""
    best, start = mention.date, mention.date_start
    if mention.role == "since" and mention.date_end is not None and not _WHEN_AFTER_CASELESS.matches_at(text, mention.end_char):
        return mention.date_end
    if best is None or published is None or start is None or best <= published or start > published:
        return best
    return start + (published - start) / 2


_WHEN_AFTER: Final = re.compile(r"\W{0,3}when\b", re.IGNORECASE)
_WHEN_AFTER_CASELESS: Final = CaselessPattern(_WHEN_AFTER)


def published_week(published: dt.date | None) -> tuple[dt.date | None, dt.date | None, str]:
    """(date_start, date_end, precision) of an event nothing in its article dates: the
    :data:`PUBLISHED_WINDOW_DAYS` days up to publication at "week" precision, else undated."""
    if published is None:
        return None, None, "undated"
    return published - dt.timedelta(days=PUBLISHED_WINDOW_DAYS), published, "week"


# ---------------------------------------------------------------- the rules' examples (geo.rules)
# Written for Datelines; the date expression a rule is about is marked with {braces}.


example(
    "event_dates.a_happening_named_by_its_day", braced(lambda t, s, e: _POSSESSIVE_DAY.match(t, e)),
    fires=["in the wake of {Wednesday}'s attack", "after {Tuesday}s shelling of Oldtown",
           "victims of {Sunday}'s blast"],
    holds=["{Wednesday}'s statement by the ministry", "on {Wednesday} rebels attacked",
           "{Wednesday}'s U.N. meeting"],
)
example(
    "event_dates.the_day_of_a_reaction", braced(lambda t, s, e: REACTED_AFTER.match(t, e)),
    fires=["the minister on {Friday} defended the release", "the envoy {Monday} renewed his call",
           "Oldland on {Tuesday} condemned the raid"],
    holds=["rebels on {Friday} seized the town", "the strike on {Monday} killed nine"],
)
example(
    "event_dates.the_day_of_a_saying", braced(lambda t, s, e: SAID_BEFORE.search(t, max(0, s - 40), s)),
    fires=["officials said on {Thursday}", "the agency reported {Friday}", "a spokesman told reporters {Monday}"],
    holds=["fighting broke out on {Thursday}", "troops left {Friday}"],
)
example(
    "event_dates.a_yardstick_is_no_date",
    braced(lambda t, s, e: SINCE_BEFORE.search(t, max(0, s - YARDSTICK_REACH), s)),
    fires=["the deadliest day since the start of the war in {March 2011}",
           "the worst since the outbreak of fighting in {2014}",
           "the city has been ravaged by the conflict that began with peaceful protests in {March 2011}",
           "the uprising which broke out in {2011}"],
    holds=["fighting resumed in {March 2011}", "quiet since {Monday}", "the siege that began in {May} ended",
           "the offensive which started on {Monday}"],
)
example(
    "event_dates.quoted_dates_lend_no_context",
    braced(lambda t, s, e: quoted(t, Sentence(0, len(t), 0), s)),
    fires=['He said: "we left on {Monday}"', "“They came on {Monday} and stayed”"],
    holds=['Troops left on {Monday}, "in good order"', 'The "deal" was signed on {Monday}'],
)


def _lead_day_at(text: str, start: int, end: int) -> bool:
    """Is the lead date of ``text`` (published on Friday 10 May 2024) the expression at ``start``?"""
    from geo.dates.find import find_dates
    from geo.read.document import read_document

    published = dt.date(2024, 5, 10)
    doc = read_document(text)
    by_sentence: dict[int, list[DateMention]] = {}
    for d in find_dates(text, published):
        by_sentence.setdefault(doc.sentence_of(d.start_char), []).append(d)
    lead = lead_date(doc, by_sentence, published=published)
    return lead is not None and lead.start_char <= start < lead.end_char


example(
    "event_dates.lead_from_a_later_day_of_the_week",
    braced(_lead_day_at),
    fires=["Title. A bomb hit a convoy. Many died. Rescuers came. Four hours before {Saturday's} attack, people waited.",
           "Title. On {May 1} a bomb hit a convoy. Many died."],
    holds=["Title. A bomb hit a convoy. Many died. Rescuers came. A similar attack hit the town on {April 2}.",
           "Title. On {April 20} a bomb hit a convoy. Many died. Rescuers came. It came on Tuesday.",
           "Title. A bomb hit a convoy. Many died. Rescuers came. The monitor said on {Thursday} that nine died.",
           "Title. A bomb hit a convoy. Many died. Rescuers came. \"We left on {Wednesday}\" she said."],
)
example(
    "event_dates.lead_from_a_reported_day", braced(_lead_day_at),
    fires=["Rebels shelled Oldtown, the monitor said on {Thursday}.",
           "Troops entered the port. The army announced {Wednesday} that it held the town."],
    holds=["Rebels shelled Oldtown on Monday, the monitor said on {Thursday}.",
           "Rebels shelled Oldtown. The monitor said on {Thursday} that Monday's attack killed nine."],
)


example(
    "event_dates.an_update_time_is_part_of_the_stamp",
    lambda text: stamp_trailer_end(text, 10) > 10,
    fires=["12.03.2019(updated 1204 12.03.2019) Get short URL", "12.03.2019 | Updated 14 March 2019 Troops",
           "12 Mar 19, last updated: March 14, 2019"],
    holds=["12.03.2019 Troops updated their maps on 14 March 2019", "12.03.2019 Get short URL"],
)
example(
    "event_dates.the_site_of_a_past_happening",
    braced(lambda t, s, e: _SITE_OF.match(t, e)),
    fires=["strikes on Friday around {Oldtown}, the site of a chemical attack in April",
           "shelling hit {Oldtown} the scene of a massacre in 2012"],
    holds=["strikes hit {Oldtown} on Friday", "the site of {Oldtown} in April"],
)
example(
    "event_dates.a_new_account_carries_nothing",
    lambda text: bool(NEW_ACCOUNT.match(text)),
    fires=["Meanwhile the battle for Oldtown goes on.", "Elsewhere, rebels shelled Newtown.",
           "In other developments, talks resumed.", "In a separate development the army advanced."],
    holds=["The battle meanwhile goes on.", "Rebels shelled Newtown elsewhere in the province."],
)
