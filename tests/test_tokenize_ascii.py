"""The ASCII fast path of geo.read.text.tokenize finds exactly the words of the Unicode pattern."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.read import text as t


def reference_tokenize(text: str) -> list[t.Token]:
    out = []
    for m in t._WORD.finditer(text):
        word, (s, e) = m.group(), m.span()
        if len(word) > 2 and word[-1] in "sS" and word[-2] in t._APOSTROPHES:
            word, e = word[:-2], e - 2
        out.append(t.Token(word, s, e))
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "'" * 10, max_size=200))
def test_ascii_text_gives_the_unicode_pattern_words(text):
    assert text.isascii()
    assert t.tokenize(text) == reference_tokenize(text)


def test_possessives_and_apostrophes():
    for text in ["Syria's army", "O'Brien's", "rock 'n' roll", "it's", "a's b'S 9's x_y z1a", "don't'", "'s"]:
        assert t.tokenize(text) == reference_tokenize(text), text
