"""Properties of reading dates that must hold for any text and any publication date."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.dates import find as dates
from geo.dates.find import find_dates
from geo.schema import DATE_PRECISIONS

# Date words and the noise around them, so that generated text often holds real expressions.
VOCABULARY = [
    "on", "in", "since", "from", "to", "between", "and", "last", "next", "this", "early",
    "mid-", "late", "the end of", "days", "weeks", "three months", "a few", "after", "before",
    "ago", "yesterday", "today", "tomorrow", "week", "month", "year", "Wednesday", "SUNDAY",
    "May", "may", "March", "march", "Feb", "Sat", "Sept.", "20", "27th", "2015", "2016",
    "1999", "2,000", "120,000", "-year-old", "05/20/2015", "20.05.2015", "2015-05-20",
    "will", "is to", "said", "we", "the", ",", ".", "\n", "’", "—", "Ω", "İ", " ", "8-9", "24",
]  # fmt: skip
date_text = st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join)
any_text = st.one_of(st.text(max_size=300), date_text)
publication = st.one_of(st.none(), st.dates())
fast = settings(max_examples=200, deadline=None)


@fast
@given(any_text, publication)
def test_never_raises_and_offsets_slice_back(text: str, published: datetime.date | None) -> None:
    for m in find_dates(text, published):
        assert text[m.start_char : m.end_char] == m.text
        assert m.text


@fast
@given(any_text, publication)
def test_dated_mentions_are_ordered_intervals(text: str, published: datetime.date | None) -> None:
    for m in find_dates(text, published):
        if m.precision == "undated":
            assert m.date is None and m.date_start is None and m.date_end is None
        else:
            assert m.date_start is not None and m.date is not None and m.date_end is not None
            assert m.date_start <= m.date <= m.date_end
        assert m.precision in DATE_PRECISIONS
        assert m.role in ("point", "since", "range", "anchored")
        if published is None and m.date is not None and m.role != "anchored":
            assert not m.relative or m.role == "range"


@fast
@given(any_text, publication)
def test_same_answer_twice(text: str, published: datetime.date | None) -> None:
    assert find_dates(text, published) == find_dates(text, published)


@fast
@given(any_text, publication)
def test_mentions_sorted_and_not_overlapping(text: str, published: datetime.date | None) -> None:
    ms = find_dates(text, published)
    for a, b in zip(ms, ms[1:]):
        assert a.end_char <= b.start_char


@fast
@given(date_text)
def test_fast_scan_finds_what_scanning_every_position_finds(text: str) -> None:
    # find_dates tries the scanner only near core words; that must not lose or move a match.
    assert [m.span() for m in dates._scan(text)] == [m.span() for m in dates._SCAN.finditer(text)]


# read_dates (TIMEX3-style): the same properties, and its words too.
TIMEX_VOCABULARY = VOCABULARY + [
    "for", "every", "each", "weekly", "now", "recently", "the past", "the 1990s", "'90s",
    "20th century", "thirties", "their", "third-quarter", "first half", "summer", "winter", "Christmas", "Ramadan",
    "Eid al-Adha", "Thanksgiving", "the following year", "later that month", "two days later",
    "3 p.m.", "15:00 GMT", "noon", "morning", "fiscal", "1957-58", "decades", "a decade",
]  # fmt: skip
timex_text = st.one_of(st.text(max_size=300), st.lists(st.sampled_from(TIMEX_VOCABULARY), max_size=40).map(" ".join))


@fast
@given(timex_text, publication)
def test_read_dates_offsets_slice_back_and_intervals_are_ordered(
    text: str, published: datetime.date | None
) -> None:
    from geo import read_dates
    found = read_dates(text, published)
    for t in found:
        assert text[t.start_char : t.end_char] == t.text and t.text
        assert text[t.phrase_start : t.phrase_end] == t.phrase
        assert t.phrase_start <= t.start_char and t.end_char == t.phrase_end
        assert t.type in ("DATE", "TIME", "DURATION", "SET") and t.value
        assert not t.value.startswith("ANCHOR")
        if t.date is None:
            assert t.date_start is None and t.date_end is None
        else:
            assert t.date_start is not None and t.date_end is not None
            assert t.date_start <= t.date <= t.date_end
    for a, b in zip(found, found[1:]):
        assert a.end_char <= b.start_char
    assert read_dates(text, published) == found


@fast
@given(timex_text)
def test_read_dates_fast_scan_finds_what_scanning_every_position_finds(text: str) -> None:
    # read_dates tries its extra patterns only near trigger words; that must not lose a match.
    from geo.dates import timex_rules
    every = [m.span() for m in timex_rules._extra().finditer(text) if m.end() > m.start()]
    assert [m.span() for m in timex_rules.scan_extra(text)] == every


@pytest.mark.parametrize("text", ["TODAY:THE FOLLOWING year", "On Monday it rained. The following year it snowed."])
def test_the_story_moving_past_year_9999_is_left_out_not_raised(text: str) -> None:
    """Found by Hypothesis: "the following year" counted from a day in 9999."""
    from geo.dates.timex import read_dates

    for published in (datetime.date(9999, 1, 1), datetime.date(9999, 12, 31)):
        read_dates(text, published=published)
        find_dates(text, published)


def _later_matches_everywhere(text):
    """geo.dates.timex_rules._later_matches as it was: every stretch around a unit searched."""
    from geo.dates import timex_rules as tr

    lower = text.lower()
    starts = set()
    for unit in tr._STORY_UNITS:
        i = lower.find(unit)
        while i >= 0:
            starts.add(max(0, i - tr._LATER_REACH))
            i = lower.find(unit, i + len(unit))
    found = {}
    for start in sorted(starts):
        for m in tr._LATER.finditer(text, start, start + tr._LATER_REACH + 20):
            if m.start() not in found and not any(o.start() < m.end() and m.start() < o.end() for o in found.values()):
                found[m.start()] = m
    return [found[k] for k in sorted(found)]


_STORY_PIECES = ["the following", "The Next", "the previous", "THE SAME", "that", "That", "later", "Earlier", "LATER",
                 "two", "3", "a", "day", "Day", "days", "week", "month", "years", "of", "after", "-", " ", " ", "  ",
                 ".", "\n", "Monday", "today", "İ", "ſ", "K", "x" * 30]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_STORY_PIECES), max_size=40).map(" ".join))
def test_story_time_phrases_are_found_as_by_searching_every_stretch(text):
    """Stretches without any word a "later" phrase holds are skipped; the phrases found stay."""
    from geo.dates import timex_rules as tr

    assert [m.span() for m in tr._later_matches(text)] == [m.span() for m in _later_matches_everywhere(text)]


_HINT_PIECES = ["0s", "0's", "1990", "twenties", "thirtieth", "ties", "spring", "summers", "autumn", "fall", "half",
                "winter", "quarter", "q1", "q4", "q5", "weekend", "week", "end", "'s", "0", "q", " ", "s", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HINT_PIECES), max_size=30).map("".join))
def test_period_hints_are_found_where_each_hint_is_searched_alone(lower):
    """_hint_positions searches a piece of each group of hints once: the same positions as
    searching every hint on its own, overlaps and repeats included."""
    from geo.dates import timex_rules as tr

    alone = []
    for hint in tr._PERIOD_HINTS:
        i = lower.find(hint)
        while i >= 0:
            alone.append(i)
            i = lower.find(hint, i + 1)
    assert tr._hint_positions(lower) == sorted(alone)


_FUTURE_PIECES = ["will", "WILL", "Won't", "won’t", "shall", "is", "Are", "due to", "due", "set for", "next", "Next",
                  "to", "day", "plans", "to run", "until", "through", "By", "starting", "on", "would begin",
                  "'ll", "’ll", "Monday", "3 May", "May", "2016", "said", "İ", "ſ", "K", "é", " ", "  ", ".", "\n", ","]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FUTURE_PIECES), max_size=30).map(" ".join), st.data())
def test_the_future_is_read_alike_in_the_lower_cased_text(text, data):
    """is_future searches the lower-cased text with case-sensitive patterns where
    lowered_as_ignorecase allows it: the same answer as the case-insensitive patterns on the
    text as written, for every stretch."""
    ctx = dates._Context(text, None)
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    before = max(ctx.sentence_start(start), start - dates._FUTURE_LOOKBACK)
    after = min(ctx.sentence_end(end), end + dates._FUTURE_LOOKAHEAD)
    reach = dates._REACHES_UP_TO.search(text, before, min(end, start + 10))
    expected = bool(
        dates._FUTURE.search(text, before, start) or dates._FUTURE.search(text, end, after)
        or (reach is not None and reach.end() > start)
    )
    assert ctx.is_future(start, end) == expected
