"""The quick key-word checks of the date readers are derived from their rules and tables, so
no rule's example is lost to them: the fast scans find exactly what trying every position finds."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import geo
from geo.dates import words as w
from geo.dates import find as dates
from geo.dates import timex_rules
from geo.lexicons import table
from geo.read.text import lowered_as_ignorecase
from geo.rules import registered


def _date_rules() -> dict:
    for module in pkgutil.walk_packages(geo.__path__, "geo."):
        importlib.import_module(module.name)
    return {name: rule for name, rule in registered().items() if name.startswith("dates.")}


RULES = _date_rules()
EXAMPLES = sorted({text for rule in RULES.values() for text in (*rule.fires, *rule.holds)})


def test_every_date_pattern_declares_examples():
    scanner_kinds = {"iso", "num", "dmy", "mdy", "my", "mo", "yr", "wd", "rd", "pe", "ago", "an", "dr", "rg"}
    kinds = {row["kind"] for row in table("date_examples")}
    assert kinds == scanner_kinds | set(timex_rules._EXTRA_KINDS)
    assert scanner_kinds <= set(dates._SCAN.groupindex)
    # one rule per kind of the table, and "the following day", whose check needs find_dates
    assert "dates.story_moves_on" in RULES
    assert len(RULES) == len(kinds) + 1
    assert {row["expect"] for row in table("date_examples")} == {"fires", "holds"}


@pytest.mark.parametrize("text", EXAMPLES)
def test_find_dates_quick_check_keeps_every_example_match(text):
    assert [m.span() for m in dates._scan(text)] == [m.span() for m in dates._SCAN.finditer(text)]


@pytest.mark.parametrize("text", EXAMPLES)
def test_read_dates_quick_check_keeps_every_example_match(text):
    every = [m.span() for m in timex_rules._extra().finditer(text) if m.end() > m.start()]
    assert [m.span() for m in timex_rules.scan_extra(text)] == every


@pytest.mark.parametrize("name", ["dates.decade", "dates.quarter", "dates.season"])
def test_period_hints_find_every_season_quarter_and_decade_example(name):
    for text in RULES[name].fires:
        assert timex_rules._hint_positions(text.lower()), text


@pytest.mark.parametrize(
    "word",
    sorted({*w.MONTHS, *w.WEEKDAYS, *w.SEASONS, *w.DAY_PARTS, *w.DECADE_WORDS,
            *(form for name, (plural, _) in w.UNITS.items() for form in (name, plural))}),
)  # fmt: skip
def test_every_table_word_is_a_trigger_of_the_extra_scan(word):
    # a word added to a table reaches the quick check without editing it ("yesterday" alone
    # is not read there: "yesterday morning" is found by its part of the day)
    assert timex_rules._TRIGGER.search(word.title()), word


@pytest.mark.parametrize("word", sorted({*w.MONTHS, *w.WEEKDAYS, *w.OFFSET_UNITS, *w.DAY_PARTS}))
def test_every_month_weekday_and_unit_is_a_core_word_of_find_dates(word):
    assert dates._CORE.match(word) and dates._MATCH_START.match(word), word


@pytest.mark.parametrize("phrase", sorted({*w.OFFSET_COUNTS, *w.NUMBERS, *w.RELATIVE_DAYS}))
def test_every_count_and_relative_day_can_start_a_find_dates_match(phrase):
    assert dates._MATCH_START.match(phrase), phrase


@pytest.mark.parametrize("text", EXAMPLES)
def test_story_moving_on_quick_scan_keeps_every_match(text):
    """"The following day", "two days later": tried only around unit words, found all the same."""
    assert [m.span() for m in timex_rules._later_matches(text)] == [m.span() for m in timex_rules._LATER.finditer(text)]


# The scanner skips a start word with a word between it and the core word that no match holds
# before its first core (dates._past_other_words): every such word must be in the list.
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(dates._SCAN, fullmatch=True))
def test_every_word_before_a_matchs_first_core_is_one_the_scanner_lets_pass(text):
    lowered = lowered_as_ignorecase(text)
    assume(lowered is not None)
    core = dates._CORE_LOWER.search(lowered)
    assert core is not None, text  # every expression holds a core word
    for run in re.finditer("[a-z]+", lowered[: core.start()]):
        assert run.group() in dates._BEFORE_CORE_WORDS, (run.group(), text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("It happened in the attack that killed 20 people on 3 May 2016.", ["on 3 May 2016"]),
        ("in the early hours of 3 May", ["3 May"]),
        ("at the end of the month", ["at the end of the month"]),
        ("from early March to late April", ["from early March to late April"]),
        ("a couple of days ago", ["a couple of days ago"]),
        ("since midnight on Friday", ["since midnight on Friday"]),
    ],
)
def test_the_scanner_finds_what_its_pattern_finds_past_other_words(text, found):
    assert [m.group() for m in dates._scan(text)] == [m.group() for m in dates._SCAN.finditer(text)] == found


_BARE_NUMBER_HEAD = st.from_regex(re.compile(r"[0-9]{1,2}\s"), fullmatch=True)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(
    st.from_regex(dates._SCAN, fullmatch=True),
    st.tuples(_BARE_NUMBER_HEAD, st.from_regex(dates._SCAN, fullmatch=True)).map("".join),
))
def test_a_match_at_a_bare_day_number_is_never_skipped(text):
    """_number_ends_here says no match begins at a number only where none does."""
    lowered = lowered_as_ignorecase(text)
    assume(lowered is not None)
    core = dates._CORE_LOWER.match(lowered)
    assume(core is not None)
    if dates._SCAN.match(text) is not None:
        assert not dates._number_ends_here(lowered, core, dates._CORE_LOWER), text


@pytest.mark.parametrize(
    "text",
    [
        "20 people were killed on 3 May",
        "3 of May, 8 and 9 March, 8 to 9 April, 5 days ago, 4 - 6 June, 7 or 8 July, 2 through 4 May",
        "20 20 May 1 2 days later, 12 hours after the blast",
    ],
)
def test_the_scanner_finds_what_its_pattern_finds_after_numbers(text):
    assert [m.span() for m in dates._scan(text)] == [m.span() for m in dates._SCAN.finditer(text)]
