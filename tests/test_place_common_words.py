"""Ordinary English words and acronyms that happen to be some town's name: places only where
the text introduces a place. Sentences are ours."""

from __future__ import annotations

import pytest

from geo.gazetteer.index import load_gazetteer
from geo.places.find import find_places

GAZETTEER = load_gazetteer()


def _names(text: str) -> list[str]:
    return [m.text for m in find_places(text, GAZETTEER)]


@pytest.mark.parametrize(
    "text, word",
    [
        ("The War In Yemen Enters Its Ninth Year", "War"),
        ("Leaders gathered for the Summit as protesters marched.", "Summit"),
        ("A Peace deal was signed by both parties on Friday.", "Peace"),
        ("Fighters of the Sultan brigade were seen on Friday.", "Sultan"),
        ("Shells hit the Citadel of Aleppo overnight.", "Citadel"),
        ("The Summit opened on Monday.", "The Summit"),
    ],
)
def test_ordinary_words_are_not_places(text, word):
    assert word not in _names(text)


@pytest.mark.parametrize(
    "text, word",
    [
        ("Police said the fire started in Summit, a suburb west of Newark.", "Summit"),
        ("The mayor of Summit, New Jersey, said the roads were closed.", "Summit"),
        ("Rebels took Sake, about 25 km west of Goma, last week.", "Sake"),
    ],
)
def test_ordinary_words_are_places_where_the_text_introduces_one(text, word):
    assert word in _names(text)


def test_a_cue_in_the_previous_sentence_does_not_count():
    assert "Peace" not in _names("The building was hit. Peace talks resumed on Monday.")


def test_acronym_in_ordinary_text_is_not_a_town():
    assert "SANA" not in _names("The state news agency SANA reported that the army advanced.")


def test_capitals_are_a_place_in_a_dateline_or_where_the_article_names_it():
    assert "HOMS" in _names("HOMS, Syria (Reuters) - Shelling resumed on Monday.")
    assert "HOMS" in _names("Fighting resumed near HOMS and the army shelled Homs.")
