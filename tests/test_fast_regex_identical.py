"""Patterns rewritten to open with a letter (so the regex engine can skip to it) find exactly
what their straightforward forms find: the dotted abbreviations and the glued-article test of
geo/places/find.py, and the 'the town' noun of geo/places/filters.py; and a quick no finds
nothing only where its search would find nothing (as_region's "in" before a named place)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.places import filters, find

ABBREVIATIONS = sorted({**find._COUNTRY_ABBREVIATIONS, **find._STATE_ABBREVIATIONS, **find._AFTER_TOWN_ONLY},
                       key=len, reverse=True)
REFERENCE_ABBREVIATION = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in ABBREVIATIONS) + r")(?!\w)")
REFERENCE_GLUED = re.compile(find._GLUED_ARTICLE.pattern[1:])
REFERENCE_TOWN_NOUN = re.compile(
    r"\b[Tt]he (?:(?:[a-z]+|[A-Z][a-z]+n|[A-Z][a-z]+i)[ -]){0,3}?(?:city|town|village)\b(?! of [A-Z])"
)

# Text made of the pieces the patterns are about, glued in every way.
pieces = st.sampled_from(
    [*ABBREVIATIONS, "Al", "al", "Ash", "ed", "Es", "Sham", "Bab", "The", "the", "town", "city", "village",
     "Old", "Syrian", "x", "é", "_", "1", ".", " ", "  ", "-", "\n", ",", "'"]
)
texts = st.lists(pieces, max_size=30).map("".join)


def spans(pattern: re.Pattern, text: str, start: int = 0) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, start)]


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=0, max_value=5))
def test_rewritten_patterns_find_the_same(text, start):
    assert spans(find._ABBREVIATION, text, start) == spans(REFERENCE_ABBREVIATION, text, start)
    assert spans(filters._TOWN_NOUN, text, start) == spans(REFERENCE_TOWN_NOUN, text, start)
    assert bool(find._GLUED_ANYWHERE.search(text)) == bool(REFERENCE_GLUED.search(text))


@settings(max_examples=300, deadline=None)
@given(st.from_regex(filters._TOWN_NOUN))
def test_every_town_noun_match_holds_a_noun_looked_for_first(text):
    """anaphora() does not search a sentence holding none of TOWN_NOUNS."""
    match = filters._TOWN_NOUN.search(text)
    assert match is None or any(noun in match.group() for noun in filters.TOWN_NOUNS), text


# The words before a place, as as_region reads them: "Bigtown in", "the Oldmill district in".
before_pieces = st.sampled_from(
    ["Oldmill", "Bigtown", "Monday", "March", "the", "district", "camp", "city", "in", "IN", "In", "İn", "ın",
     "inn", " ", "  ", "\n", ",", "'", "-", "x", "é"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(before_pieces, max_size=12).map("".join))
def test_the_in_quick_no_says_no_only_where_the_named_place_search_finds_nothing(before):
    """as_region asks _ENDS_IN first: every match of _NAMED_PLACE_IN_BEFORE ends as it does."""
    if filters._ENDS_IN.search(before) is None:
        assert filters._NAMED_PLACE_IN_BEFORE.search(before) is None


route_pieces = st.sampled_from(
    ["the", "road", "ROADS", "Highway", "route", "railway", "pipelİne", "corrıdor", "linking", "between", "to", "from",
     "Oldmill", "Bigtown", "and", "12", "40 km", "3.5", "miles", "Mİles", "south", "of", "town", "٣", " ", "  ", ",", "."]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(route_pieces, max_size=14).map(" ".join))
def test_the_road_and_landmark_quick_nos_answer_as_their_searches(before):
    """_route_end and _landmark ask a cheap question first; the answers are their searches'."""
    assert filters._route_end(before) == (filters._ROUTE_END_BEFORE.search(before) is not None)
    found = filters._landmark(before)
    expected = filters._LANDMARK_BEFORE.search(before)
    assert (found and found.span()) == (expected and expected.span())


@settings(max_examples=300, deadline=None)
@given(st.from_regex(filters._UNKNOWN_TOWN))
def test_every_unknown_town_match_holds_a_settlement_noun(text):
    """regions_give_way does not search a sentence whose lower-cased text holds none of
    _SETTLEMENT_NOUNS (where lower-casing tells: lowered_as_ignorecase)."""
    match = filters._UNKNOWN_TOWN.search(text)
    lowered = filters.lowered_as_ignorecase(match.group()) if match else None
    assert lowered is None or any(noun in lowered for noun in filters._SETTLEMENT_NOUNS), text
