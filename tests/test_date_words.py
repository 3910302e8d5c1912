"""The date stage's words come from the lexicon tables, and the patterns built from them."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.dates import words as w
from geo.dates.timex_rules import holiday_date

D = datetime.date


@pytest.mark.parametrize(
    ("words", "text", "matched"),
    [
        (["a", "a few", "few"], "a few days", "a few"),
        (["today", "tonight", "tomorrow"], "tonight's", "tonight"),
        (["sep", "sept"], "sept.", "sept"),
        (["Eid al-Adha"], "Eid al Adha", "Eid al Adha"),
        (["New Year's Day"], "New Year’s  Day", "New Year’s  Day"),
    ],
)
def test_alternation_prefers_the_longer_word_and_widens_spaces_and_apostrophes(words, text, matched):
    m = re.match(w.alternation(words), text)
    assert m is not None and m.group() == matched


def test_alternation_matches_exactly_its_words():
    words = ["day", "days", "daybreak", "d"]
    pattern = re.compile(w.alternation(words))
    assert all(pattern.fullmatch(word) for word in words)
    assert not any(pattern.fullmatch(other) for other in ("da", "dayss", "daybrea", ""))


def test_alternation_as_written_reads_spaces_and_symbols_as_themselves():
    pattern = re.compile(w.alternation(["a hundred", "dozens of", "x.y"], as_written=True))
    assert pattern.fullmatch("a hundred") and pattern.fullmatch("x.y")
    assert not any(pattern.fullmatch(other) for other in ("a  hundred", "a\nhundred", "dozens\tof", "xzy"))


# Words and texts over three letters and a space: words begin one another often, and what
# follows a word decides whether a longer or a shorter one is kept (backtracking).
_LETTERS = st.text(alphabet="ab ", min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(words=st.sets(_LETTERS, min_size=1, max_size=8), text=st.text(alphabet="ab c", max_size=40))
def test_alternation_as_written_matches_as_the_flat_list_longest_first(words, text):
    """geo.events.find's number words were a flat list, longest first; as a trie they must find
    the same matches, with the same groups, also where what comes after makes the engine take
    a shorter word (``(?=c)``, ``\b``)."""
    flat = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    trie = w.alternation(words, as_written=True)
    for tail in (r"(?=c)", r"\b", r" ?b", ""):
        old = re.compile(rf"\b({flat}){tail}")
        new = re.compile(rf"\b({trie}){tail}")
        assert [(m.span(), m.groups()) for m in new.finditer(text)] == [(m.span(), m.groups()) for m in old.finditer(text)]


def test_tables_give_months_weekdays_numbers_and_their_derived_words():
    assert (w.MONTHS["september"], w.MONTHS["sept"], w.WEEKDAYS["tues"]) == (9, 9, 1)
    assert set(w.MONTH_COMMON) == {"march", "may", "august"}
    assert w.TENS["ninety"] == 90 and "hundred" not in w.TENS
    assert w.DECADE_WORDS == {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5,
                              "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}  # fmt: skip
    assert w.COUNTS["a couple of"] == 2 and w.COUNTS["several"] is None


@pytest.mark.parametrize(
    ("name", "year", "day"),
    [
        ("Christmas Eve", 2015, D(2015, 12, 24)),
        ("Thanksgiving Day", 2015, D(2015, 11, 26)),  # fourth Thursday
        ("Memorial Day", 2016, D(2016, 5, 30)),  # last Monday
        ("Labour Day", 2016, D(2016, 9, 5)),
        ("Easter Sunday", 2016, D(2016, 3, 27)),
        ("Eid al Adha", 2016, D(2016, 9, 12)),  # lunar: from holiday_days.tsv
        ("New Year’s Eve", 2016, D(2016, 12, 31)),
        ("Ramadan", 1990, None),  # a lunar year the table lacks
        ("Boxing Day", 2016, None),  # not in the table
    ],
)
def test_holiday_days_come_from_the_holiday_tables(name, year, day):
    assert holiday_date(name, year) == day


def test_modifiers_and_vague_reaches_come_from_their_tables():
    assert w.MODIFIER_PARTS["beginning"] == "early" and w.MODIFIER_PARTS["end"] == "late"
    assert "turn" in w.MODIFIERS_OF_PERIOD and "turn" not in w.MODIFIERS_OF_DATE
    assert w.VAGUE_OFFSETS["day"] == (1, 4, 7, "week")
