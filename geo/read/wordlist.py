"""Word-list patterns searched only where a word they can start with starts.

Most rules of the pipeline are lists of words written as one regular expression
(``\\b(?:killed|dead|died)\\b``; geo/lexicons/event_triggers.tsv), and many are searched in
the few words before a place. Python's regex engine tries such a pattern at every position.
:func:`first_words` reads from the pattern the words its matches can begin with; a
:class:`WordList` then tries a lower-case pattern only at those words of a lower-cased sentence,
and a :class:`Guard` skips a stretch of text that holds none of them. Both answer exactly what
the pattern's own ``finditer`` and ``search`` answer (tests/test_fast_path_identical.py checks
it), at a third of the cost or less.

The reader of patterns is hand-written: the standard library has no public parser of
patterns, and only how a match begins is needed. It reads letters, spaces, hyphens,
apostrophes, groups, classes of letters, ``?``, ``\\b`` and lookarounds; anything else ends
what it can tell, and a pattern whose matches may begin with anything but a word is searched
everywhere, as before.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from geo.read.text import TwinPattern, lowered_as_ignorecase

__all__ = ["Guard", "WordList", "WordLists", "LETTER_RUNS", "letter_runs", "word_starts", "first_letters", "first_words", "expansions"]

#: A run of letters a-z: the words of a lower-cased text as the word lists and the date
#: scanner's quick checks read them.
LETTER_RUNS: Final = re.compile(r"[a-z]+")
_LEADING_WORD: Final = re.compile(r"[a-z]*")
#: How :func:`expansions` writes a word boundary, and the end of what it can read (anything
#: may follow).
BOUNDARY, OPEN = r"\b", "\x00"
#: Words remembered by a :class:`WordLists` or a :class:`Guard` before it forgets them all
#: (news has about 50,000).
_OPENS_LIMIT: Final = 200_000


@functools.lru_cache(maxsize=16)
def word_starts(lowered: str) -> list[tuple[int, str]]:
    """(offset, word) of every run of letters a-z in a lower-cased text: where a
    :class:`WordList` may match. Cached: several rules search the same sentence (the list
    is shared: do not change it).

    ASCII text (most sentences) is split as ``geo.read.text.tokenize`` splits it: every other
    character made a space and the runs found by ``str.split``; no match object a word."""
    return letter_runs(lowered, 0, len(lowered))


def letter_runs(lowered: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, run) of every run of letters a-z in ``lowered[start:end]``, offsets into
    ``lowered``: what ``LETTER_RUNS.finditer(lowered, start, end)`` finds (a run cut by either
    end counts as cut). An ASCII stretch is split by ``str.translate`` and ``str.split``, with
    no match object a run (``findall`` and ``str.find`` cost more on a whole run's sentences:
    callgrind 27.27 vs 27.34 billion instructions)."""
    stretch = lowered[start:end]
    if not stretch.isascii():
        return [(m.start(), m.group()) for m in LETTER_RUNS.finditer(lowered, start, end)]
    return _with_offsets(stretch, stretch.translate(_ONLY_A_TO_Z).split(), start)


def _with_offsets(lowered: str, runs: list[str], base: int = 0) -> list[tuple[int, str]]:
    """(base + offset, run) of each of ``runs``, the runs of letters a-z of ``lowered`` in order:
    each found by ``str.find`` from the last one's end (only other characters lie between)."""
    out: list[tuple[int, str]] = []
    at = 0
    for word in runs:
        at = lowered.find(word, at)
        out.append((base + at, word))
        at += len(word)
    return out


#: ASCII with every character but a-z made a space (see word_starts).
_ONLY_A_TO_Z: Final = str.maketrans({chr(c): " " for c in range(128) if not "a" <= chr(c) <= "z"})


class _Openings:
    """How a pattern's matches open (:func:`first_words`): ``may_open`` says whether a run of
    letters a-z can be where a match begins; ``everywhere`` when no such list could be read."""

    __slots__ = ("words", "prefixes", "everywhere")

    def __init__(self, pattern: str) -> None:
        first = first_words(pattern)
        self.everywhere = first is None
        self.words: frozenset[str] = first[0] if first is not None else frozenset()
        self.prefixes: tuple[str, ...] = first[1] if first is not None else ()

    def may_open(self, word: str) -> bool:
        return word in self.words or (bool(self.prefixes) and word.startswith(self.prefixes))


class Guard(_Openings):
    """A pattern searched in short stretches of text (the words before a place), with a quick
    no: when no run of letters its matches can start with (:func:`first_words`) is in the
    stretch, it cannot match there and is not run. The no costs about 1.5 us (listing the
    stretch's words): worth it for a pattern whose search costs several times that.

    A stretch that holds such a run (about one in six) is matched at those runs only, not
    searched: the regex engine would try the pattern's long alternation at every position.
    ``search`` answers what the pattern's own ``search`` answers: its leftmost match is the
    first of these tries that matches, the same pattern matched at the same offset of the same
    text (a lookbehind or ``\\b`` still reads the characters before it)."""

    __slots__ = ("twin", "_opens")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        super().__init__(pattern.pattern)
        self.twin = TwinPattern(pattern)  # with its ASCII twin, for ASCII text: the same, faster
        self._opens: dict[str, bool] = {}  # may_open of each word seen: the same few hundred recur

    @property
    def pattern(self) -> re.Pattern[str]:
        """The pattern guarded."""
        return self.twin.pattern

    def search(self, text: str) -> re.Match[str] | None:
        lowered = None if self.everywhere else lowered_as_ignorecase(text)
        if lowered is None:
            return self.twin.for_text(text).search(text)
        runs = LETTER_RUNS.findall(lowered)
        if not any(self._opens_at(word) for word in runs):
            return None
        pattern = self.twin.for_text(text)
        for start, word in _with_offsets(lowered, runs):
            if self._opens_at(word):
                m = pattern.match(text, start)
                if m is not None:
                    return m
        return None

    def _opens_at(self, word: str) -> bool:
        """:meth:`may_open`, remembered: the same few hundred words recur."""
        known = self._opens.get(word)
        if known is None:
            if len(self._opens) > _OPENS_LIMIT:
                self._opens.clear()
            known = self._opens[word] = self.may_open(word)
        return known


class WordList(_Openings):
    """A word-list pattern for lower-cased text, tried only where one of its first words
    starts (:func:`first_words`); searched everywhere when it has no such list."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: str) -> None:
        super().__init__(pattern)
        self.pattern = re.compile(pattern)

    def finditer(self, lowered: str, starts: list[tuple[int, str]]) -> list[tuple[int, int]]:
        """The (start, end) of what ``self.pattern.finditer(lowered)`` finds: leftmost first,
        each tried from the end of the last. ``starts`` is :func:`word_starts` of ``lowered``."""
        if self.everywhere:
            return [m.span() for m in self.pattern.finditer(lowered)]
        return _leftmost(self.pattern, lowered, [start for start, word in starts if self.may_open(word)])

    def search(self, lowered: str, starts: list[tuple[int, str]]) -> bool:
        """Whether ``self.pattern.search(lowered)`` finds anything."""
        if self.everywhere:
            return self.pattern.search(lowered) is not None
        return any(self.may_open(word) and self.pattern.match(lowered, start) is not None for start, word in starts)


def _leftmost(pattern: re.Pattern[str], lowered: str, opens: list[int]) -> list[tuple[int, int]]:
    """The (start, end) of the pattern's matches at the word starts ``opens`` (in text order),
    leftmost first, each tried from the end of the last: what ``finditer`` finds when no match
    can begin elsewhere."""
    found: list[tuple[int, int]] = []
    done = 0
    for start in opens:
        if start >= done:
            m = pattern.match(lowered, start)
            if m is not None:
                found.append((start, m.end()))
                done = m.end()
    return found


class WordLists:
    """Several word lists searched in the same lower-cased texts (the event types' action
    words). Each word of a text is looked up once for all of them, and which lists may open at
    a word is remembered between texts: one dictionary look-up a word instead of a test for
    every list. ``finditer`` gives each list's own ``finditer``."""

    __slots__ = ("lists", "_opens")

    def __init__(self, lists: list[WordList]) -> None:
        self.lists = lists
        self._opens: dict[str, list[int]] = {}

    def finditer(self, lowered: str, starts: list[tuple[int, str]]) -> list[list[tuple[int, int]]]:
        """For each list in order, what its :meth:`WordList.finditer` finds in ``lowered``."""
        return [
            words.finditer(lowered, starts) if words.everywhere else _leftmost(words.pattern, lowered, positions)
            for words, positions in zip(self.lists, self._opening_positions(starts))
        ]

    def search(self, lowered: str, starts: list[tuple[int, str]]) -> list[bool]:
        """For each list in order, what its :meth:`WordList.search` answers: whether its
        pattern matches at one of the word starts it may open at (tried in text order)."""
        return [
            words.search(lowered, starts) if words.everywhere else any(words.pattern.match(lowered, start) is not None for start in positions)
            for words, positions in zip(self.lists, self._opening_positions(starts))
        ]

    def _opening_positions(self, starts: list[tuple[int, str]]) -> list[list[int]]:
        """For each list, the offsets of ``starts`` whose word it may open at, in text order
        (none for a list searched everywhere)."""
        opens = self._opens
        if len(opens) > _OPENS_LIMIT:
            opens.clear()
        at: list[list[int]] = [[] for _ in self.lists]
        for start, word in starts:
            which = opens.get(word)
            if which is None:
                which = opens[word] = [i for i, words in enumerate(self.lists) if not words.everywhere and words.may_open(word)]
            for i in which:
                at[i].append(start)
        return at


def first_words(pattern: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """(words, prefixes), lower-cased: a match of a word-list pattern starts with a run of
    letters a-z (in the lower-cased text) that is one of ``words`` or begins with one of
    ``prefixes``; None when a match may start otherwise.

    Why looking there is enough: every alternative opens with ``\\b`` (required here), so no
    letter stands before a match and a run of a-z begins where the match begins. The match's
    leading word is then followed by a character that is no letter a-z, or by ``\\b``, and
    that run is exactly the word; or by anything (:data:`OPEN`), and the run begins with it."""
    texts = expansions(pattern)
    words: set[str] = set()
    prefixes: set[str] = set()
    for text in texts:
        if not text.startswith(BOUNDARY):
            return None
        rest = text[len(BOUNDARY) :].lower()
        lead = _LEADING_WORD.match(rest)
        word = lead.group() if lead is not None else ""
        if not word:
            return None
        after = rest[len(word) :]
        if after == "" or after.startswith(OPEN):
            prefixes.add(word)
        else:
            words.add(word)
    return frozenset(words), tuple(sorted(prefixes))


def expansions(pattern: str) -> set[str]:
    """How the matches of a word-list pattern begin: each match begins with one of these texts
    and, where a text ends in :data:`OPEN`, may go on with anything; a text without it is a
    whole match. ``\\b`` is kept as written, lookarounds and ``$`` match nothing ("air
    ?strikes?" -> "air strike", "air strikes", "airstrike", "airstrikes"; "kill\\w*\\s+x" ->
    "kill" + OPEN). Reads letters, spaces, hyphens, apostrophes, groups, classes of letters and
    ``?``; anything else (``\\s``, ``\\w``, ``.``, ``*``, ``+``, ``{}``, ``(?-i:``) opens the text."""
    out: set[str] = set()
    for alternative in _alternatives(pattern):
        texts = {""}
        i = 0
        while i < len(alternative) and not all(text.endswith(OPEN) for text in texts):
            char = alternative[i]
            piece: set[str]
            if alternative.startswith(("(?!", "(?=", "(?<!", "(?<="), i):
                i = closing(alternative, i) + 1  # a lookaround reads around and matches nothing
                continue
            if char == "$":
                i += 1
                continue
            group = next((g for g in ("(?:", "(?i:") if alternative.startswith(g, i)), None)
            if group is None and alternative.startswith("(?P<", i):
                group = alternative[i : alternative.index(">", i) + 1]
            elif group is None and char == "(" and not alternative.startswith("(?", i):
                group = "("
            if group is not None:
                end = closing(alternative, i)
                piece = expansions(alternative[i + len(group) : end])
                i = end + 1
            elif alternative.startswith(BOUNDARY, i):
                piece = {BOUNDARY}
                i += len(BOUNDARY)
            elif char == "[" and "]" in alternative[i + 2 :]:
                end = alternative.index("]", i + 2)
                body = alternative[i + 1 : end]
                piece = set(body) if body.isalpha() else {OPEN}
                i = end + 1
            elif char.isalnum() or char in " -'":
                piece = {char}
                i += 1
            elif char == "\\":
                piece = {OPEN}
                i += 2
            else:
                piece = {OPEN}
                i = closing(alternative, i) + 1 if char == "(" else i + 1
            if alternative[i : i + 1] in ("*", "+", "{"):
                piece = {OPEN}  # repeated: anything may come from here
                i = alternative.index("}", i) + 1 if alternative[i] == "{" else i + 1
            if alternative[i : i + 1] == "?":
                piece = piece | {""}
                i += 1
            texts = {text if text.endswith(OPEN) else text + more for text in texts for more in piece}
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
