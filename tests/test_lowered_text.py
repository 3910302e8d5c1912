"""geo.read.text.lowered_as_ignorecase remembers its last answer: asked again of the same
string, or of any other, it answers as if asked for the first time."""

from __future__ import annotations

import re

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.read import text as t


def reference(text: str) -> str | None:
    """The answer worked out afresh: the text lower-cased, or None where a case-sensitive
    search of that would not read as an IGNORECASE search of the text."""
    lowered = text.lower()
    if text.isascii():
        return lowered
    if len(lowered) != len(text) or not t.FOLD_TRAPS.isdisjoint(text):
        return None
    return lowered


# (no final sigma: compiled, str.lower() lower-cases "Σ" to "σ" everywhere, where CPython
# writes "ς" at a word's end; either reads the same to the patterns, but not to this test)
pieces = st.sampled_from(["Aleppo", "ALEPPO", "é", "İ", "ſ", "K", "ß", " ", "", "x"])
texts = st.lists(pieces, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), st.lists(st.integers(min_value=0, max_value=5), max_size=12))
def test_answers_are_those_worked_out_afresh_in_any_order(pool, order):
    """Texts asked in any order, each object asked again or an equal copy of it asked."""
    for i in [*order, *range(len(pool))]:
        text = pool[i % len(pool)]
        copy = "".join(list(text))  # an equal string, another object (or the same, interned)
        assert t.lowered_as_ignorecase(text) == reference(text)
        assert t.lowered_as_ignorecase(copy) == reference(copy)


def test_an_article_is_remembered_between_questions_about_its_sentences():
    article = "Islamic State fighters RETOOK Palmyra on Sunday. " * 12  # longer than a sentence
    assert len(article) > t.MAX_SENTENCE_CHARS
    first = t.lowered_as_ignorecase(article)
    assert first == article.lower()
    assert t.lowered_as_ignorecase(article) is first  # remembered, not lower-cased again
    sentence = article[:49]
    assert t.lowered_as_ignorecase(sentence) == sentence.lower()
    assert t.lowered_as_ignorecase(article) is first  # a sentence does not push it out
    other = article.upper()
    assert t.lowered_as_ignorecase(other) == first  # another article does, and is answered afresh


_SAYING = re.compile(r"\b(?:said|told [\w ]{1,25}?|announced)\s+(?:on\s+)?$", re.IGNORECASE)
_REACTION = re.compile(r"\s+(?:condemned|called\s+(?:for|on))\b", re.IGNORECASE)
_WORDS = st.sampled_from(["said", "SAID", "Told", "the press", "announced", "on", "ON", " ", "  ", "\n", "Condemned",
                          "called for", "CALLED ON", "İ", "ſ", "K", "é", "x", ".", "Monday"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=25).map(" ".join), st.data())
def test_a_caseless_pattern_answers_as_the_pattern_on_the_text_as_written(text, data):
    """CaselessPattern searches the lower-cased text case-sensitively where it can: yes and
    no as the case-insensitive pattern on the text as written, for any stretch."""
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    saying, reaction = t.CaselessPattern(_SAYING), t.CaselessPattern(_REACTION)
    assert saying.found(text, start, end) == (_SAYING.search(text, start, end) is not None)
    assert saying.found(text) == (_SAYING.search(text) is not None)
    assert reaction.matches_at(text, start) == (_REACTION.match(text, start) is not None)
    assert reaction.matches_at(text, start, end) == (_REACTION.match(text, start, end) is not None)


@pytest.mark.parametrize("pattern", [
    re.compile(r"\s+(?:news agency|TV)\b", re.IGNORECASE),  # a capital would never match lower-cased text
    re.compile(r"\bfrom\s+(?-i:[A-Z]\w+)", re.IGNORECASE),  # a case-sensitive group
    re.compile(r"\bsaid\b"),  # not case-insensitive
])
def test_a_caseless_pattern_refuses_what_lower_cased_text_would_read_otherwise(pattern):
    with pytest.raises(ValueError, match="lower case"):
        t.CaselessPattern(pattern)
