"""A pattern's ASCII twin (geo.read.text.ascii_twin) finds in ASCII text exactly what the
pattern finds: the same spans and groups. The twins are what the pipeline searches its
ASCII articles with, so an inexact twin would change events without any other test noticing.

Three layers: the character classes of the two modes agree on all 128 ASCII characters but
the information separators, which the twin's source adds back; the rewriting of a source and
what it refuses; and every twin the pipeline uses, on ASCII text built from its pattern's own
words and on strings Hypothesis draws from the pattern itself."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.dates import find as dates_find
from geo.events import dates as events_dates, find as events_find
from geo.places import filters, find as places_find
from geo.read.text import FOLD_TRAPS, CaselessPattern, TwinPattern, _ascii_source, ascii_twin
from geo.read.wordlist import Guard

ASCII = [chr(c) for c in range(128)]


@pytest.mark.parametrize("category", [r"\w", r"\W", r"\d", r"\D", r".", r"[a-z]", r"[^a-z]"])
def test_a_character_class_holds_the_same_ascii_characters_in_both_modes(category):
    for flags in (0, re.IGNORECASE):
        unicode_mode = re.compile(category, flags)
        ascii_mode = re.compile(category, flags | re.ASCII)
        assert [c for c in ASCII if unicode_mode.match(c)] == [c for c in ASCII if ascii_mode.match(c)]


def test_word_boundaries_fall_in_the_same_places_in_both_modes():
    text = "".join(ASCII) + " ab_9 x"
    assert [m.start() for m in re.finditer(r"\b", text)] == [m.start() for m in re.finditer(r"\b", text, re.ASCII)]
    assert [m.start() for m in re.finditer(r"\B", text)] == [m.start() for m in re.finditer(r"\B", text, re.ASCII)]


def test_a_space_in_the_twin_holds_the_information_separators_as_str_patterns_do():
    unicode_spaces = {c for c in ASCII if re.match(r"\s", c)}
    assert unicode_spaces - {c for c in ASCII if re.match(r"\s", c, re.ASCII)} == {"\x1c", "\x1d", "\x1e", "\x1f"}
    for source in (r"\s", r"\S", r"[\s,]", r"[^\s,]", r"a\s+b", r"[]\s]"):
        twin = ascii_twin(re.compile(source))
        assert [c for c in ASCII if twin.match(c)] == [c for c in ASCII if re.match(source, c)], source


def test_no_letter_beyond_ascii_matches_an_ascii_one_but_the_fold_traps():
    """Under IGNORECASE a pattern letter beyond ASCII could match ASCII text; the twin refuses those."""
    lower, upper = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    traps = {chr(c) for c in range(128, 0x3000) if re.match(f"[{lower}{upper}]", chr(c), re.IGNORECASE)}
    assert traps == FOLD_TRAPS
    for trap in FOLD_TRAPS:
        pattern = re.compile(f"(?i:{trap})x")
        assert ascii_twin(pattern) is pattern


@pytest.mark.parametrize(
    ("source", "rewritten"),
    [
        (r"\s+", r"[\s\x1c-\x1f]+"),
        (r"[\s,]", r"[\s\x1c-\x1f,]"),
        (r"[^\s]", r"[^\s\x1c-\x1f]"),
        (r"\S", r"[^\s\x1c-\x1f]"),
        (r"[]\s]", r"[]\s\x1c-\x1f]"),  # a "]" first in a class is a member
        (r"a\\s", r"a\\s"),  # an escaped backslash, then an "s"
        (r"[-–—]", r"[-–—]"),  # hyphens first or last: no range
        (r"\x41\s", r"\x41[\s\x1c-\x1f]"),
        (r"\b(?:kill(?:ed|s)?)\b", r"\b(?:kill(?:ed|s)?)\b"),
    ],
)
def test_the_twin_source_adds_the_separators_to_every_space(source, rewritten):
    assert _ascii_source(source) == rewritten


@pytest.mark.parametrize(
    "source",
    [r"[\S]", r"\u017f", r"\xe9", r"\N{EM DASH}", r"\0", r"\101", "ſ", "[a-–]", "[–-a]", "[x\\-–]", r"(?x) a  # [",
     r"(?ix)a"],
)
def test_the_twin_source_refuses_what_it_cannot_show_the_same(source):
    assert _ascii_source(source) is None


def test_a_refused_or_unicode_only_pattern_is_its_own_twin():
    for pattern in (re.compile(r"[\S]"), re.compile(r"(?u)a"), re.compile("a b", re.VERBOSE)):
        assert ascii_twin(pattern) is pattern


# Every pattern the pipeline searches ASCII text with through a twin: each TwinPattern of the
# stages' modules (collected, so a new one cannot be left out), each Guard's, and each
# CaselessPattern's case-sensitive twin for lower-cased text (ASCII text is always lower-cased
# there, so the pattern as written is never asked of it).
GUARDS = [value for value in vars(filters).values() if isinstance(value, Guard)]
_STAGES = (dates_find, events_find, events_dates, places_find, filters)
TWIN_PATTERNS = [
    twin
    for module in _STAGES
    for value in vars(module).values()
    for twin in (value if isinstance(value, tuple) else (value,))
    if isinstance(twin, TwinPattern)
]
CASELESS = list({id(v): v for module in _STAGES for v in vars(module).values() if isinstance(v, CaselessPattern)}.values())
TWINS = [
    (t.pattern, t.ascii)
    for t in (*TWIN_PATTERNS, *(guard.twin for guard in GUARDS), *(c.lower_twin for c in CASELESS))
]


def test_the_stages_twin_their_hot_patterns():
    """The patterns this suite holds to their twins: the scanner's core and start finders, the
    future and "up to" tests (for lower-cased text), the last-word test, the four
    toll patterns and the dotted abbreviations; and the case-insensitive patterns read in
    lower-cased text ("said" before a date, "since the start of", a reaction, a new account,
    "the site of", "when", the province tests after a place, riots, protests and civilian
    killings)."""
    assert len(TWIN_PATTERNS) == 10, [t.pattern.pattern[:40] for t in TWIN_PATTERNS]
    assert len(CASELESS) == 13, [c.pattern.pattern[:40] for c in CASELESS]


def test_the_pipeline_twins_are_twins_and_not_the_patterns_themselves():
    assert len(GUARDS) >= 2
    for pattern, twin in TWINS:
        assert twin is not pattern and twin.flags & re.ASCII, pattern.pattern[:60]


def _found(pattern: re.Pattern[str], text: str, pos: int) -> list:
    return [(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(text, pos)]


def _ascii_text(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    """ASCII text of the pattern's own words in any case, with spaces (the separators too),
    digits and punctuation between them, and strings the pattern itself matches."""
    words = sorted(set(re.findall(r"[A-Za-z]+", pattern.pattern))) or ["x"]
    word = st.sampled_from(words).flatmap(lambda w: st.sampled_from([w, w.lower(), w.upper(), w.title()]))
    glue = st.sampled_from([" ", "  ", "\x1c", "\x1f", "\t", "\n", ",", ".", "-", "'", "1", "15", "2016", "x", "_"])
    drawn = st.from_regex(pattern).filter(str.isascii)
    return st.lists(st.one_of(word, glue, glue, drawn), max_size=24).map("".join)


@pytest.mark.parametrize("index", range(len(TWINS)))
def test_each_pipeline_twin_finds_what_its_pattern_finds_in_ascii_text(index):
    pattern, twin = TWINS[index]

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_ascii_text(pattern), st.integers(min_value=0, max_value=4))
    def check(text, pos):
        assert _found(twin, text, pos) == _found(pattern, text, pos)
        assert bool(twin.search(text, pos, len(text) - 1)) == bool(pattern.search(text, pos, len(text) - 1))
        for at in range(len(text)):
            m, t = pattern.match(text, at), twin.match(text, at)
            assert (m and (m.span(), m.groups())) == (t and (t.span(), t.groups()))

    check()
