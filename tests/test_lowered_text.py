"""geo.read.text.lowered_as_ignorecase remembers its last answer: asked again of the same
string, or of any other, it answers as if asked for the first time."""

from __future__ import annotations

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


def test_a_text_asked_twice_running_gets_the_same_answer_object():
    article = "Islamic State fighters RETOOK Palmyra on Sunday. " * 3
    first = t.lowered_as_ignorecase(article)
    assert first == article.lower()
    assert t.lowered_as_ignorecase(article) is first  # remembered, not lower-cased again
    t.lowered_as_ignorecase("Another sentence.")
    assert t.lowered_as_ignorecase(article) == first
