"""Properties of the place matcher on any text: it never fails, its spans are the text's own,
in order and disjoint, the same text gives the same answer, and every resolved place is a
gazetteer entry at a valid coordinate."""

from __future__ import annotations

import math
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.gazetteer.index import load_gazetteer
from geo.places.find import find_places
from geo.places.resolve import resolve_places

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
GAZETTEER = load_gazetteer()  # once per module: 0.35 s from the cache

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PUNCTUATION = set(string.punctuation) | set("‘’“”–—…")


def check_mentions(text: str) -> list:
    mentions = find_places(text, GAZETTEER)
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start_char < m.end_char <= len(text)
        assert m.start_char >= previous_end, f"{m} overlaps the mention before it"
        assert text[m.start_char : m.end_char] == m.text
        assert m.kind in {"place", "country", "demonym", "region", "area"}
        previous_end = m.end_char
    assert find_places(text, GAZETTEER) == mentions
    return mentions


def check_resolved(text: str, mentions: list) -> None:
    resolved = resolve_places(mentions, GAZETTEER)
    assert resolve_places(mentions, GAZETTEER) == resolved
    for place in resolved:
        assert place.mention in mentions
        assert math.isfinite(place.latitude) and -90 <= place.latitude <= 90
        assert math.isfinite(place.longitude) and -180 <= place.longitude <= 180
        if place.precision == "country":
            country = GAZETTEER.countries[place.country]
            assert (country.geonameid, country.latitude, country.longitude) == (
                place.geonameid, place.latitude, place.longitude,
            )
        else:
            assert place.precision in {"city", "admin1"}
            keys = (place.mention.key, *place.mention.variant)  # a spelling variant's places too
            entries = {
                p.geonameid: (p.name, p.latitude, p.longitude, p.country)
                for key in keys for p in GAZETTEER.places(key)
            }
            assert entries.get(place.geonameid) == (
                place.name, place.latitude, place.longitude, place.country,
            ), f"{place.mention.text!r} resolved to {place.geonameid}, not one of its candidates"
        for candidate in place.candidates:
            geonameid = int(candidate.split(" ", 1)[0])
            assert geonameid in {p.geonameid for key in keys for p in GAZETTEER.places(key)}


# -- arbitrary text ---------------------------------------------------------------------------
@PROPERTY_SETTINGS
@given(st.text(max_size=400))
@example("")
@example("İstanbul and İSTANBUL, STRAẞE in Köln, ﬁnland")  # case maps that change length
@example("Ale\u0301ppo, Aleppo\u0301, A\u200bleppo, Alep\u00adpo")  # combining, zero-width, soft hyphen
@example("Ḥalab (حلب), Tadmur (تدمر) and Дамаск")
@example("\ud7ff\ue000\ufeff\U0010ffff Palmyra\x00Homs\x0cDamascus\u2028Aleppo")
@example("New-York, New  York, New\nYork, Abu-Dhabi, Ras al-Ain, Deir ez-Zor's")
def test_any_text(text):
    check_resolved(text, check_mentions(text))


words = st.sampled_from(
    ["Aleppo", "Palmyra", "Homs", "Syria", "Syrian", "Damascus", "New", "York", "Paris", "Texas",
     "province", "in", "near", "the", "city", "of", "St.", "Al", "al-", "-", "'s", "’s",
     "Abu", "Dhabi", "Ras", "Deir", "ez-Zor", "Washington", "Georgia", "Jordan", "Mosul",
     "Islamic", "State", "fighters", "captured", "said", ",", ".", "\n", " ", "  ", "\u00a0"]
)


@PROPERTY_SETTINGS
@given(st.lists(words, max_size=40).map(" ".join))
def test_sequences_of_place_words(text):
    check_resolved(text, check_mentions(text))


@PROPERTY_SETTINGS
@given(st.lists(st.one_of(words, st.text(max_size=6)), max_size=30).map("".join))
def test_place_words_glued_to_arbitrary_characters(text):
    check_resolved(text, check_mentions(text))


# -- seed articles, damaged -------------------------------------------------------------------
@st.composite
def damaged_seed(draw):
    """A window of a seed article with random punctuation stripped and random case changes."""
    text = draw(st.sampled_from(SEED_TEXTS))
    start = draw(st.integers(0, max(0, len(text) - 1)))
    text = text[start : start + draw(st.integers(0, 1500))]
    flags = draw(st.lists(st.integers(0, 3), min_size=len(text), max_size=len(text)))
    out = []
    for ch, flag in zip(text, flags):
        if ch in PUNCTUATION and flag == 0:
            continue  # stripped
        if flag == 1:
            ch = ch.upper()
        elif flag == 2:
            ch = ch.lower()
        out.append(ch)
    return "".join(out)


@PROPERTY_SETTINGS
@given(damaged_seed())
def test_damaged_seed_text(text):
    check_resolved(text, check_mentions(text))


@pytest.mark.parametrize("index", range(len(SEED_TEXTS)))
@pytest.mark.parametrize("change", [str.upper, str.lower, str.title, lambda t: t.translate({ord(c): None for c in PUNCTUATION})])
def test_whole_seed_articles_changed_throughout(index, change):
    text = change(SEED_TEXTS[index])
    check_resolved(text, check_mentions(text))


def test_seed_articles_find_palmyra():
    for text in SEED_TEXTS:
        mentions = check_mentions(text)
        assert any(m.text == "Palmyra" for m in mentions)
        check_resolved(text, mentions)
