"""One article read once: its text, paragraphs, sentences, tokens and page furniture.

Every stage that needs sentences, words or lines of an article reads them from the article's
:class:`Document`, built once per article in :func:`geo.corpus.ingest.process_article`, so the stages
cannot disagree on where a sentence ends ("U.S. forces entered, days after ..." is one
sentence for every stage, as "US forces entered, days after ..." is). Page furniture is
marked here too: the title line, the publication stamp, photo captions, tag lines, "Related
news" blocks, share/URL boilerplate and a wire story's dateline; the stages skip what is
marked rather than each spotting it again.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

from geo.read.stamps import Stamp, find_stamp
from geo.read.text import Sentence, Token, split_sentences, tokenize

__all__ = ["Document", "span_gap", "read_document", "is_caption", "is_furniture", "dateline_at", "CAPTION", "FURNITURE"]

# A photo caption: it describes a picture, often taken on another day than the story's.
CAPTION: Final = re.compile(
    r"\s*(?:[\(\[]?\s*)?(?:in this (?:photo|picture|image|file photo)|(?:file )?photo(?:graph)?\s*[:(]|a picture taken"
    r"|this (?:photo|picture|image)|(?:AFP|AP|Reuters|EPA)\s+PHOTO|photo credit)",
    re.IGNORECASE,
)

# Page furniture scraped with the story: menus, tag lists, "related" links, share bars.
FURNITURE: Final = re.compile(
    r"\s\|\s|\b(?:Related (?:News|Articles|Stories|Posts|Topics)|Read [Mm]ore|Tags:?\s+[A-Z]|Category:? News"
    r"|Share (?:this|on)|Follow us|Subscribe to|All rights reserved|Click here|YouTube)\b"
    # a "Related" link list run into the text: "... (1881) Related Troops Enter Oldtown ..."
    r"|(?<=\S\s)Related\s+[A-Z]"
)
# Every FURNITURE match holds one of these: a sentence with none of them is not searched (a
# few substring tests cost a third of the search). Keep in step with the pattern above
# (tests/test_document.py generates its matches and checks).
FURNITURE_WORDS: Final = ("|", "Related", "Read", "Tags", "Category", "Share", "Follow", "Subscribe", "All rights", "Click", "YouTube")

# A byline on a line of its own near the top: "By Jane Doe", "By Jane Doe and John Roe, Reuters".
_BYLINE: Final = re.compile(r"^[ \t]*(?i:by)[ \t]+[A-Z][\w.'’-]+(?:(?:[ \t]+|,[ \t]*)(?:[A-Z][\w.'’-]+|and|in))*[ \t]*$", re.MULTILINE)
#: How many lines from the top may hold the byline (title, stamp, byline).
BYLINE_LINES: Final = 4

# What follows a place in capitals opening a line that makes it a wire dateline:
# "KYIV, Feb 17 (Reuters) -", "BEIRUT —", "HOMS, Syria -".
_DATELINE_TAIL: Final = re.compile(r"[A-Z ,.'’]*\s*(?:,|\(|—|–|-)")


@dataclass(frozen=True)
class Document:
    """An article's text split once: sentences (one splitter, :func:`geo.read.text.split_sentences`),
    their paragraphs, line breaks, word tokens, and the furniture each sentence is."""

    text: str
    sentences: tuple[Sentence, ...]
    starts: tuple[int, ...]  # sentence start offsets, for bisecting
    breaks: tuple[int, ...]  # offsets of the line breaks
    stamp: Stamp | None  # the publication stamp opening the body ("Tue 3 Mar 2020 ...")
    _furniture: dict[int, bool] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        """The article's word tokens (asked once, by the place finder)."""
        return tuple(tokenize(self.text))

    @cached_property
    def title_end(self) -> int:
        """Where the title (the first non-empty line) ends, or the stamp if that ends later:
        what stands before this is the headline, not the story."""
        text = self.text
        stripped = text.lstrip()
        end = len(text) - len(stripped) + len(stripped.split("\n", 1)[0])
        return max(end, self.stamp.end_char) if self.stamp is not None else end

    @cached_property
    def byline(self) -> tuple[int, int] | None:
        """(start, end) of a byline line among the first :data:`BYLINE_LINES` lines, or None."""
        limit = self.breaks[BYLINE_LINES - 1] if len(self.breaks) >= BYLINE_LINES else len(self.text)
        m = _BYLINE.search(self.text, 0, limit)
        return (m.start(), m.end()) if m is not None else None

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of each paragraph: the sentences between line breaks."""
        spans: dict[int, tuple[int, int]] = {}
        for s in self.sentences:
            start, _ = spans.get(s.paragraph, (s.start, s.end))
            spans[s.paragraph] = (start, s.end)
        return [spans[k] for k in sorted(spans)]

    def sentence_of(self, pos: int) -> int:
        """The index of the sentence holding offset ``pos`` (0 before the first)."""
        return max(bisect.bisect_right(self.starts, pos) - 1, 0)

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]

    def is_furniture(self, index: int) -> bool:
        """Is sentence ``index`` page furniture (tags, related links, share bars)? Cached."""
        found = self._furniture.get(index)
        if found is None:
            s = self.sentences[index]
            # searched in the whole text: the pattern looks behind the sentence's start
            found = self._furniture[index] = _may_be_furniture(self.text[s.start : s.end]) and (
                FURNITURE.search(self.text, s.start, s.end) is not None
            )
        return found

    def is_caption(self, index: int) -> bool:
        """Does sentence ``index`` open as a photo caption?"""
        return is_caption(self.text, self.sentences[index].start)

    def line_of(self, pos: int) -> int:
        """The index of the line holding ``pos``."""
        return bisect.bisect_left(self.breaks, pos)

    def is_dateline(self, start: int, end: int) -> bool:
        """Is ``text[start:end]`` the place of a wire dateline ("KYIV, Feb 17 (Reuters) -")?"""
        return dateline_at(self.text, start, end, self.breaks)


def read_document(text: str) -> Document:
    """The :class:`Document` of one article's text (split once; tokens on first use)."""
    sentences = tuple(split_sentences(text))
    return Document(
        text=text,
        sentences=sentences,
        starts=tuple(s.start for s in sentences),
        breaks=tuple(m.start() for m in re.finditer("\n", text)),
        stamp=find_stamp(text),
    )


def is_caption(text: str, start: int = 0) -> bool:
    """Does the text at ``start`` open as a photo caption ("In this photo ...", "File photo:")?"""
    return CAPTION.match(text, start) is not None


def is_furniture(text: str) -> bool:
    """Is this stretch of text page furniture ("Related News", "Share this", "a | b")?"""
    return _may_be_furniture(text) and FURNITURE.search(text) is not None


def _may_be_furniture(text: str) -> bool:
    """The quick no before a FURNITURE search: none of FURNITURE_WORDS is in the text."""
    return any(w in text for w in FURNITURE_WORDS)


def dateline_at(text: str, start: int, end: int, breaks: tuple[int, ...] | list[int]) -> bool:
    """A place in capitals that opens a line and is followed by a comma, bracket or dash:
    the dateline of a wire story ("KYIV, Feb 17 (Reuters) -", "BEIRUT —"). The one dateline
    detector of the pipeline (``breaks``: offsets of the text's line breaks)."""
    line = bisect.bisect_left(breaks, start)
    line_start = breaks[line - 1] + 1 if line else 0
    if text[line_start:start].strip() or not text[start:end].isupper():
        return False
    return bool(_DATELINE_TAIL.match(text, end, min(len(text), end + 40)))


def span_gap(a0: int, a1: int, b0: int, b1: int) -> int:
    """How many characters lie between spans [a0, a1) and [b0, b1) (0 when they touch or overlap)."""
    return max(0, max(a0, b0) - min(a1, b1))
