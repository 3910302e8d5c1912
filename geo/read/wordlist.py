"""Word-list patterns: read the lexicons' plain pattern syntax, and search lower-cased text
for them only where a word they can start with starts.

Most rules of the pipeline are lists of words written as one regular expression
(``\\b(?:killed|dead|died)\\b``; geo/lexicons/event_triggers.tsv). Python's regex engine tries
such a pattern at every position of a sentence; a :class:`WordList` tries it only at the
words its matches can begin with, and finds exactly what the pattern's own ``finditer`` and
``search`` find (tests/test_fast_path_identical.py checks it), at a third of the cost.

The readers here are hand-written: the standard library has no public parser of patterns, and
the lexicons use a small part of the syntax (letters, spaces, hyphens, apostrophes,
``(?:...)``, classes of letters, ``?``, ``\\b``, ``\\w*`` and lookaheads). Anything else makes
them answer None, and the pattern is then searched everywhere, as before.
"""

from __future__ import annotations

import functools
import re

__all__ = ["WordList", "word_starts", "first_letters", "first_words", "expansions"]

_WORDS = re.compile(r"[a-z]+")
_LEADING_WORD = re.compile(r"[a-z]*")
#: How :func:`expansions` writes the two zero-or-more-width pieces it keeps.
BOUNDARY, ANY_WORD_CHARACTERS = r"\b", r"\w*"


@functools.lru_cache(maxsize=16)
def word_starts(lowered: str) -> list[tuple[int, str]]:
    """(offset, word) of every run of letters a-z in a lower-cased text: where a
    :class:`WordList` may match. Cached: several rules search the same sentence (the list
    is shared: do not change it)."""
    return [(m.start(), m.group()) for m in _WORDS.finditer(lowered)]


class WordList:
    """A word-list pattern for lower-cased text, tried only where one of its first words
    starts (:func:`first_words`); searched everywhere when it has no such list."""

    __slots__ = ("pattern", "words", "prefixes", "everywhere")

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)
        first = first_words(pattern)
        self.everywhere = first is None
        self.words: frozenset[str] = first[0] if first is not None else frozenset()
        self.prefixes: tuple[str, ...] = first[1] if first is not None else ()

    def finditer(self, lowered: str, starts: list[tuple[int, str]]) -> list[tuple[int, int]]:
        """The (start, end) of what ``self.pattern.finditer(lowered)`` finds: leftmost first,
        each tried from the end of the last. ``starts`` is :func:`word_starts` of ``lowered``."""
        if self.everywhere:
            return [m.span() for m in self.pattern.finditer(lowered)]
        found: list[tuple[int, int]] = []
        done = 0
        words, prefixes = self.words, self.prefixes
        for start, word in starts:
            if start >= done and (word in words or (prefixes and word.startswith(prefixes))):
                m = self.pattern.match(lowered, start)
                if m is not None:
                    found.append((start, m.end()))
                    done = m.end()
        return found

    def search(self, lowered: str, starts: list[tuple[int, str]]) -> bool:
        """Whether ``self.pattern.search(lowered)`` finds anything."""
        if self.everywhere:
            return self.pattern.search(lowered) is not None
        words, prefixes = self.words, self.prefixes
        for start, word in starts:
            if (word in words or (prefixes and word.startswith(prefixes))) and self.pattern.match(lowered, start) is not None:
                return True
        return False


def first_words(pattern: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """(words, prefixes): a match of a lower-case word-list pattern starts with a run of
    letters a-z that is one of ``words`` or begins with one of ``prefixes`` (``\\w*`` after
    it, or nothing that ends the word); None when a match may start otherwise.

    Why looking there is enough: the pattern opens with ``\\b`` (required here), so no letter
    stands before a match and a run of a-z begins where the match begins. The match's leading
    word is then followed by a character that is no letter a-z, or by ``\\b``, and that run
    is exactly the word; or by ``\\w*`` or the match's end, and the run begins with it."""
    texts = expansions(pattern)
    if texts is None:
        return None
    words: set[str] = set()
    prefixes: set[str] = set()
    for text in texts:
        if not text.startswith(BOUNDARY):
            return None
        rest = text[len(BOUNDARY) :]
        lead = _LEADING_WORD.match(rest)
        word = lead.group() if lead is not None else ""
        if not word:
            return None
        after = rest[len(word) :]
        if after == "" or after.startswith(ANY_WORD_CHARACTERS):
            prefixes.add(word)
        else:
            words.add(word)
    return frozenset(words), tuple(sorted(prefixes))


def expansions(pattern: str) -> set[str] | None:
    """Every text a word-list pattern matches, its lookaheads aside, with ``\\b`` and ``\\w*``
    kept as written ("air ?strikes?" -> "air strike", "air strikes", "airstrike",
    "airstrikes"); None for anything beyond the lexicons' plain syntax (see the module)."""
    out: set[str] = set()
    for alternative in _alternatives(pattern):
        texts = {""}
        i = 0
        while i < len(alternative):
            char = alternative[i]
            piece: set[str] | None
            if alternative.startswith(("(?!", "(?="), i):
                i = closing(alternative, i) + 1  # a lookahead reads ahead and matches nothing
                continue
            if alternative.startswith("(?:", i):
                end = closing(alternative, i)
                piece = expansions(alternative[i + 3 : end])
                i = end + 1
            elif alternative.startswith(BOUNDARY, i):
                piece = {BOUNDARY}
                i += len(BOUNDARY)
            elif alternative.startswith(ANY_WORD_CHARACTERS, i):
                piece = {ANY_WORD_CHARACTERS}
                i += len(ANY_WORD_CHARACTERS)
            elif char == "[":
                end = alternative.index("]", i)
                body = alternative[i + 1 : end]
                piece = set(body) if body.isalpha() else None
                i = end + 1
            elif char.isalnum() or char in " -'":
                piece = {char}
                i += 1
            else:
                return None
            if piece is None or alternative[i : i + 1] in ("*", "+", "{"):
                return None
            if alternative[i : i + 1] == "?":
                piece = piece | {""}
                i += 1
            texts = {text + more for text in texts for more in piece}
        out |= texts
    return out


def first_letters(pattern: str) -> str | None:
    """The letters a match of a word-list pattern can start with ("ab|c(?:d|e)" -> "ac"), or
    None when an alternative starts with anything but a letter or a group of such alternatives.

    A pattern led by a class of its first letters lets the regex engine skip to candidate
    positions, about a quarter faster."""
    letters: set[str] = set()
    depth, start = 0, True
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if start:
            if char.isalpha():
                letters.add(char)
                after = i + 1
            elif pattern.startswith("(?:", i):
                after = closing(pattern, i) + 1
                inner = first_letters(pattern[i + 3 : after - 1])
                if inner is None:
                    return None
                letters.update(inner)
            else:
                return None
            if pattern[after : after + 1] in {"?", "*", "{"}:
                return None  # an optional first letter or group: anything may lead
            start = False
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            start = True
        i += 1
    return "".join(sorted(letters))


def closing(pattern: str, opening: int) -> int:
    """The index of the parenthesis closing the one at ``opening``."""
    depth = 0
    for i in range(opening, len(pattern)):
        depth += {"(": 1, ")": -1}.get(pattern[i], 0)
        if depth == 0:
            return i
    raise ValueError(f"unbalanced parenthesis in {pattern!r}")


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern ("a|b(?:c|d)" -> ["a", "b(?:c|d)"])."""
    out: list[str] = []
    depth = start = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "[":
            i = pattern.index("]", i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out
