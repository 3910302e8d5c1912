"""Sentences split by the boundary pattern that begins at the stop (geo.read.text._BOUNDARY)
are the sentences the lookbehind form it replaced split: same spans, same paragraphs."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.read import text as t

# The form the pipeline used before: each boundary begins after the stop.
LOOKBEHIND = re.compile(r"""(?<=[.!?])['"”’)\]]*\s+(?=["“‘'(\[]?[A-Z0-9])|\n\s*""")


def reference_split(text: str) -> list[t.Sentence]:
    spans: list[t.Sentence] = []
    paragraph = pos = 0
    for m in LOOKBEHIND.finditer(text):
        if "\n" in m.group():
            t._add(text, pos, m.start(), paragraph, spans)
            paragraph += 1
            pos = m.end()
            continue
        before = text[max(pos, m.start() - 6) : m.start()]
        last_word = before.rsplit(None, 1)[-1].rstrip(".").lower() if before.split() else ""
        if last_word in t._ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        t._add(text, pos, m.start(), paragraph, spans)
        pos = m.end()
    t._add(text, pos, len(text), paragraph, spans)
    return spans


PIECES = [".", "!", "?", "\n", "\r\n", " ", "  ", "\t", "\u00a0", "'", '"', "”", "’", ")", "]", "“", "‘", "(", "[",
          "A", "Z", "É", "0", "7", "a", "z", "Mr", "U.S", "No", "W", "Sept", "word", "x" * 420]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_boundaries_are_where_the_lookbehind_form_put_them(text):
    assert t.split_sentences(text) == reference_split(text)


def test_stops_quotes_breaks_and_abbreviations():
    for text in ['He said "Go." Then left.', "Mr. Assad spoke.\n\nU.S. forces came. 3 died!", "end.\n\nlower\nUpper",
                 "A.\nB", "Why?) (Because.", "", "\n\n", ". A", "no stop here", "x. y. Z"]:
        assert t.split_sentences(text) == reference_split(text), text
