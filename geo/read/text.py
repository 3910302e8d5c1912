"""Sentences and word tokens with character offsets into the article text.

Hand-written rather than spaCy or pysbd: no spaCy model can be installed offline here, and the
pipeline only needs sentence spans (for excerpts and for pairing places with dates) and word
tokens with offsets; these regular expressions do both at a few hundred microseconds an article.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Final, NamedTuple

from geo.native import by_fields

__all__ = ["Token", "Sentence", "split_sentences", "tokenize", "lowered_as_ignorecase", "ascii_twin", "TwinPattern",
           "CaselessPattern", "MAX_SENTENCE_CHARS"]

#: A "sentence" longer than this is cut at word boundaries, so text with its punctuation
#: stripped still yields excerpts a reader can take in.
MAX_SENTENCE_CHARS: Final = 400

_WORD: Final = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_APOSTROPHES: Final = "'’ʼ"  # a word ending in one of these and s/S is a possessive ("Syria's")
# A sentence ends at . ! ? (with closing quotes/brackets) followed by space and a capital,
# a digit or an opening quote; or at a line break. As written first, a boundary began after
# the stop, seen by a lookbehind: (?<=[.!?])['"”’)\]]*\s+(?=["“‘'(\[]?[A-Z0-9])|\n\s*. Written
# to begin with the stop or the line break itself, the regex engine skips to the next of
# those four characters at C speed instead of trying the pattern at every position (51 ->
# 10 us an article). A match then begins one character before the boundary after a stop
# (_boundary_start); tests/test_sentence_split_fast.py compares both forms.
_BOUNDARY: Final = re.compile(r"""[.!?\n](?:(?<=\n)\s*|(?<=[.!?])['"”’)\]]*\s+(?=["“‘'(\[]?[A-Z0-9]))""")
_ABBREVIATIONS: Final = frozenset(
    "mr mrs ms dr st sr jr gen col lt sgt capt maj rep sen gov prof rev no vs etc jan feb mar"
    " apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m inc ltd co corp".split()
)


class Token(NamedTuple):
    """A word: ``text == article[start:end]`` (a trailing possessive 's is left out).

    A named tuple rather than a frozen dataclass: an article has thousands of words, and a
    tuple is built about four times faster (same fields, immutable, compared by value).
    """

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, init=False)
class Sentence:
    """A sentence span of the article text, stripped of surrounding white space."""

    start: int
    end: int
    paragraph: int

    def __init__(self, start: int, end: int, paragraph: int) -> None:
        # written out: compiled, each field is stored directly (geo.native, "Frozen dataclasses")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "paragraph", paragraph)

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


#: Characters no word holds (ASCII, neither a letter nor an apostrophe): tokenize cuts there.
_CUTS: Final = frozenset(chr(c) for c in range(128) if not (chr(c).isalpha() or chr(c) == "'"))
# ASCII text with each of them made a space: str.split then gives the runs of letters and
# apostrophes that hold the words (see tokenize).
_ONLY_WORD_CHARACTERS: Final = str.maketrans(dict.fromkeys(_CUTS, " "))


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:end]`` with offsets into ``text``.

    The hot loop of reading (every word of every article): the possessive test is two
    character look-ups and tokens are built as bare tuples. ASCII text (most articles) is
    split by ``str.translate`` and ``str.split`` and each word found from the last one's end
    (only other characters lie between), twice as fast as the regex's match objects; the same
    tokens (tests/test_fast_output_identical.py compares them with the regex's).

    Text with a few characters beyond ASCII (curly quotes, a stray control character) takes
    that path too, in its long ASCII stretches: the regex reads only the stretches around the
    other characters, cut where no word can go on (an ASCII character that is neither a letter
    nor an apostrophe), so each word is read whole by one of the two."""
    out: list[Token] = []
    stop = len(text) if end is None else min(end, len(text))
    if text.isascii():
        _ascii_tokens(text, start, stop, out)
        return out
    pos = start
    for other in _BEYOND_ASCII.finditer(text, start, stop):
        if other.start() < pos:
            continue  # already read, with the stretch around an earlier one
        left = other.start()
        while left > pos and text[left - 1] not in _CUTS:
            left -= 1
        cut = _CUT.search(text, other.end(), stop)
        right = cut.start() if cut is not None else stop
        if left - pos >= _LONG_ASCII:
            _ascii_tokens(text, pos, left, out)
            pos = left
        _regex_tokens(text, pos, right, out)
        pos = right
    if pos < stop:
        _ascii_tokens(text, pos, stop, out)
    return out


_CUT: Final = re.compile("[" + re.escape("".join(sorted(_CUTS))) + "]")
_BEYOND_ASCII: Final = re.compile(r"[^\x00-\x7f]+")
#: An ASCII stretch shorter than this is read by the regex with its neighbours (each split-off
#: stretch costs a translate, a split and a call).
_LONG_ASCII: Final = 64


def _ascii_tokens(text: str, start: int, stop: int, out: list[Token]) -> None:
    """The tokens of ``text[start:stop]``, all ASCII, by translate, split and find."""
    append, new, token = out.append, tuple.__new__, Token
    at = start
    for chunk in text[start:stop].translate(_ONLY_WORD_CHARACTERS).split():
        if "'" not in chunk:  # most words: one word, no possessive (ASCII has no other apostrophe)
            s = text.find(chunk, at)
            at = s + len(chunk)
            append(new(token, (chunk, s, at)))
            continue
        for word in _apostrophe_words(chunk):
            s = text.find(word, at)
            e = at = s + len(word)
            if len(word) > 2 and word[-1] in "sS" and word[-2] in _APOSTROPHES:  # "Syria's" -> "Syria"
                word, e = word[:-2], e - 2
            append(new(token, (word, s, e)))


def _regex_tokens(text: str, start: int, stop: int, out: list[Token]) -> None:
    """The tokens of ``text[start:stop]``, any text, by the word pattern."""
    append, new = out.append, tuple.__new__
    for m in _WORD.finditer(text, start, stop):
        word = m.group()
        s, e = m.span()
        if len(word) > 2 and word[-1] in "sS" and word[-2] in _APOSTROPHES:  # "Syria's" -> "Syria"
            word, e = word[:-2], e - 2
        append(new(Token, (word, s, e)))


def _apostrophe_words(chunk: str) -> list[str]:
    """The words of a run of letters and apostrophes: letters joined by single apostrophes
    ("don't", "o'clock"); an apostrophe at either end or doubled separates ("'tis" -> "tis",
    "rebels'" -> "rebels", "o''neil" -> "o", "neil"), as ``[A-Za-z]+(?:'[A-Za-z]+)*`` reads it."""
    words: list[str] = []
    parts: list[str] = []
    for part in chunk.split("'"):
        if part:
            parts.append(part)
        elif parts:
            words.append("'".join(parts))
            parts = []
    if parts:
        words.append("'".join(parts))
    return words


def split_sentences(text: str) -> list[Sentence]:
    """Sentence spans in reading order; line breaks always end a sentence."""
    spans: list[Sentence] = []
    paragraph = 0
    pos = 0
    for m in _BOUNDARY.finditer(text):
        start = _boundary_start(text, m)
        if "\n" in m.group():
            _add(text, pos, start, paragraph, spans)
            paragraph += 1
            pos = m.end()
            continue
        before = text[max(pos, start - 6) : start]
        last_word = before.rsplit(None, 1)[-1].rstrip(".").lower() if before.split() else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue  # "Mr. Assad", "U.S. forces", "George W. Bush"
        _add(text, pos, start, paragraph, spans)
        pos = m.end()
    _add(text, pos, len(text), paragraph, spans)
    return spans


def _boundary_start(text: str, m: re.Match[str]) -> int:
    """Where a :data:`_BOUNDARY` match's boundary begins: at a line break, or after the stop."""
    return m.start() if text[m.start()] == "\n" else m.start() + 1


def _add(text: str, start: int, end: int, paragraph: int, spans: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        spans.append(Sentence(start, cut, paragraph))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append(Sentence(start, end, paragraph))


# Characters re.IGNORECASE matches to an ASCII letter although str.lower() does not turn them
# into it: dotless ı (I), long ſ (S), dotted İ (lower() makes two characters of it) and the
# Kelvin sign (K). tests/test_fast_path_identical.py checks this list against all of Unicode.
FOLD_TRAPS: Final = frozenset("\u0130\u0131\u017f\u212a")


def lowered_as_ignorecase(text: str) -> str | None:
    """The text lower-cased, when a case-sensitive search of it for lower-case ASCII
    patterns finds exactly what an IGNORECASE search of the text finds, at the same
    offsets; else None (the caller then searches the text itself).

    Searching lower-cased text with case-sensitive patterns is several times faster than an
    IGNORECASE search (geo.events.find and geo.dates.find use it on their hottest patterns).

    The last answer is remembered for the same string object, one for a sentence and one for
    a longer text (an article): the stages ask it of a whole article several times (the date
    scanner, "two days later", the seasons, the words before each date) between their
    questions about its sentences, and lower-casing an article was about 1% of a run (a text
    with any non-ASCII character is lower-cased a character at a time). Only the same object
    counts (``is``: no hashing); the answer depends on the text alone, so it is the same
    either way."""
    slot = 1 if len(text) > MAX_SENTENCE_CHARS else 0
    last_text, last_lowered = _LAST_LOWERED[slot]
    if last_text is text:
        return last_lowered
    lowered = text.lower()
    answer = lowered if text.isascii() or (len(lowered) == len(text) and FOLD_TRAPS.isdisjoint(text)) else None
    _LAST_LOWERED[slot] = (text, answer)
    return answer


# The last sentence and the last longer text lowered_as_ignorecase was asked of, with its
# answer (each entry replaced whole).
_LAST_LOWERED: Final[list[tuple[str, str | None]]] = [("", ""), ("", "")]


# ASCII characters a str pattern's \s matches although an re.ASCII pattern's \s does not: the
# information separators, which str.isspace() counts as spaces. Every other difference
# between the two modes lies outside ASCII text (tests/test_ascii_twin.py checks all 128).
_SEPARATORS: Final = r"\x1c-\x1f"
_VERBOSE_INLINE: Final = re.compile(r"\(\?[aiLmsux]*x")


def ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    r"""The pattern compiled with re.ASCII, to search ASCII text with: in an ASCII string it
    finds exactly what ``pattern`` finds, the same spans and groups. The pattern itself where
    that could not be shown (see :func:`_ascii_source`).

    Why: a str pattern tests each character's class (``\b``, ``\w``, ``\d``, ``\s``) and case
    (IGNORECASE) through Unicode's tables, a function call a character; re.ASCII tests them in
    a table of 128. On the dev-set articles (83 of 90 are ASCII), every pattern twinned, the
    regex engine's instructions fell by a fifth, the pipeline's by 7%; a twin costs its compile
    at import, so only the hot patterns have one. On ASCII text the two modes differ only where
    the twin's source mends them: ``\s`` and ``\S`` at the information separators (rewritten to
    include them), and under IGNORECASE the four letters outside ASCII that match an ASCII one
    (FOLD_TRAPS, refused) and ranges beyond ASCII, which may hold them (refused)."""
    if pattern.flags & re.VERBOSE:
        return pattern
    source = _ascii_source(pattern.pattern)
    if source is None:
        return pattern
    try:
        return re.compile(source, (pattern.flags & ~re.UNICODE) | re.ASCII)
    except (re.error, ValueError):  # an inline (?u): "ASCII and UNICODE flags are incompatible"
        return pattern


# What a pattern written for lower-cased text may not hold outside its escapes: a capital
# (it would never match there) or a case-sensitive group.
_CASED_SOURCE: Final = re.compile(r"[A-Z]|\(\?[a-zA-Z]*-")
_ESCAPES: Final = re.compile(r"\\.")


class CaselessPattern:
    """A case-insensitive pattern of lower-case ASCII words, asked about stretches of an
    article ("said" in the 40 characters before a date): searched case-sensitively in the
    article lower-cased where :func:`lowered_as_ignorecase` allows it (the same matches at the
    same offsets, about three times faster; the lower-cased article is remembered between
    questions), else as written. It answers yes or no only, so no match can show lower-cased
    text for the text as written.

    Text that is not lower-cased here is never ASCII (:func:`lowered_as_ignorecase` lower-cases
    all ASCII text), so the pattern as written needs no ASCII twin; the lower-case pattern
    has one."""

    __slots__ = ("pattern", "lower_twin")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        if not pattern.flags & re.IGNORECASE or _CASED_SOURCE.search(_ESCAPES.sub("", pattern.pattern)):
            raise ValueError(f"CaselessPattern takes a case-insensitive pattern written in lower case: {pattern.pattern!r}")
        self.pattern = pattern
        self.lower_twin = TwinPattern(re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE))

    def found(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> bool:
        """Whether ``pattern.search(text, pos, endpos)`` finds a match."""
        lowered = lowered_as_ignorecase(text)
        if lowered is None:
            return self.pattern.search(text, pos, endpos) is not None
        return self.lower_twin.for_text(lowered).search(lowered, pos, endpos) is not None

    def matches_at(self, text: str, pos: int, endpos: int = sys.maxsize) -> bool:
        """Whether ``pattern.match(text, pos, endpos)`` matches."""
        lowered = lowered_as_ignorecase(text)
        if lowered is None:
            return self.pattern.match(text, pos, endpos) is not None
        return self.lower_twin.for_text(lowered).match(lowered, pos, endpos) is not None


class TwinPattern:
    """A pattern with its :func:`ascii_twin`, chosen by the text it searches: ``for_text(s)``
    is the twin when ``s`` is ASCII (``str.isascii`` reads a flag), the pattern otherwise. The
    same answers either way; the twin's are faster."""

    __slots__ = ("pattern", "ascii")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.ascii = ascii_twin(pattern)

    def for_text(self, text: str) -> re.Pattern[str]:
        """The pattern to search ``text`` with."""
        return self.ascii if text.isascii() else self.pattern


def _ascii_source(source: str) -> str | None:
    r"""The pattern's source with ``\s`` and ``\S`` made to hold the information separators
    under re.ASCII, as they do without it; None for what this does not read: verbose patterns
    (a comment may hold a bracket), ``\S`` inside a class, escapes of characters beyond ASCII
    (``\u``, ``\U``, ``\N``, ``\x80``-``\xff``, octal), FOLD_TRAPS, and a range of a class with an
    end beyond ASCII (it may hold a FOLD_TRAP).

    Written by hand: the standard library's parser of patterns is private (re._parser)."""
    if _VERBOSE_INLINE.search(source):
        return None
    out: list[str] = []
    i, n = 0, len(source)
    in_class = False
    class_open = -1  # where the class's first member stands (a "]" there is a member)
    while i < n:
        c = source[i]
        if c == "\\":
            escaped = source[i + 1 : i + 2]
            if escaped == "" or escaped in "uUN0" or (escaped == "x" and source[i + 2 : i + 3] not in "01234567"):
                return None
            if escaped.isdigit() and source[i + 2 : i + 3].isdigit():
                return None  # an octal escape or a backreference past 9
            if escaped == "s":
                out.append(r"\s" + _SEPARATORS if in_class else r"[\s" + _SEPARATORS + "]")
            elif escaped == "S":
                if in_class:
                    return None
                out.append(r"[^\s" + _SEPARATORS + "]")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if not c.isascii():
            if c in FOLD_TRAPS:
                return None
            if in_class and (
                (source[i - 1] == "-" and i - 1 != class_open)
                or (source[i + 1 : i + 2] == "-" and source[i + 2 : i + 3] not in ("]", ""))
            ):
                return None  # a range's end: a hyphen not first or last in the class
        elif in_class:
            if c == "]" and i != class_open:
                in_class = False
        elif c == "[":
            in_class = True
            class_open = i + 2 if source[i + 1 : i + 2] == "^" else i + 1
        out.append(c)
        i += 1
    return "".join(out)
