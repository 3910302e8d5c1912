"""Place-name keys: how a name is folded to look it up (:func:`name_key`), its
transliteration skeleton (:func:`skeleton_key`), and the binary search of the gazetteer's
packed sorted keys (:func:`sorted_position`).

Every capitalised run the place finder tries passes through these, known or not: a run over
new articles asks thousands of keys once each. They live apart from :mod:`geo.gazetteer.index`
(whose gazetteer object is pickled and stays plain Python) so that they are compiled with the
pipeline (:mod:`geo.native`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

__all__ = ["ARTICLE_PREFIXES", "name_key", "skeleton_key", "sorted_position"]

#: Arabic (and Romance/Hebrew) article prefixes that transliterations add or drop at will.
ARTICLE_PREFIXES: Final = frozenset(
    "al el as ash ad adh ar az at ath an en es esh et ed er ez ul il"
    " l d".split()
)

_FOLD_DROP: Final = dict.fromkeys(map(ord, "'’ʼʿ`´‘"), None)
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")


def name_key(name: str) -> str:
    """Fold a place name to its lookup key: ``"Jisr al-Shughour"`` -> ``"jisr shughour"``.

    Diacritics, apostrophes and case go; punctuation becomes space; Arabic article prefixes are
    dropped wherever they stand. A name made only of articles folds to ``""``.
    """
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD_DROP))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    tokens = [t for t in _NON_ALNUM.split(folded) if t and t not in ARTICLE_PREFIXES]
    return " ".join(tokens)


# Transliteration folding (see :func:`skeleton_key`).
_SUN_ARTICLE: Final = re.compile(r"^[aeu]([tdrzsn])\1(?=[a-z]{2})")  # "ezzor", "assukhnah": article glued on
_DOUBLED: Final = re.compile(r"([a-z])\1+")
_ASPIRATED: Final = re.compile(r"([kgd])h")
_VOWEL_RUN: Final = re.compile(r"(?:[aeiouy]|w(?![aeiou]))+")  # "w" before a vowel is a consonant


def _its_letter(m: re.Match[str]) -> str:
    """A substitution's replacement: the match's first group, as the template ``\\1`` gives it.
    A function, because ``re`` expands a template in Python at every call: that was most of a
    name's skeleton, about 10,000 instructions a substitution."""
    return m.group(1)


def _vowel_class(run: re.Match[str]) -> str:
    found = run.group()
    if "i" in found or "y" in found:
        return "i"  # ai, ay, ei, ey, ee, ie, i, y: "Zeita", "Zayta", "Zita"
    if "o" in found or "u" in found or "w" in found:
        return "u"  # ou, oo, o, u, aw: "Douma", "Duma", "Zor", "Zawr"
    return "a"  # a, e, aa: "Kafr", "Kefr"


@lru_cache(maxsize=65_536)
def skeleton_key(key: str) -> str:
    """A folded name key's transliteration skeleton: ``"kafr zeita"`` and ``"kafr zayta"``
    both give ``"kafr zita"``, ``"qaryatain"`` and ``"qaryatayn"`` give ``"karitin"``.

    Latin spellings of Arabic, Persian and Russian names differ in vowels (ai/ay/ei/ey/ee/i,
    ou/oo/u, a/e), doubled consonants, q/k, a final -h and articles glued by assimilation
    ("Deir Ezzor"); the skeleton drops those differences. It confuses real places too, so it is
    a fallback only (:meth:`Gazetteer.variant_keys`), trusted in the article's own countries.
    """
    out = []
    for token in key.split():
        glued = _SUN_ARTICLE.match(token)  # anchored: at most one, replaced by its letter
        if glued is not None:
            token = glued.group(1) + token[glued.end() :]
        token = token.replace("q", "k").replace("ph", "f")
        token = _ASPIRATED.sub(_its_letter, token)  # "Shaykhun"/"Shaykun", "Ghouta"/"Gouta", "Dhiban"/"Diban"
        token = _DOUBLED.sub(_its_letter, token)
        if len(token) <= 4 and token[0] not in "aeiouy" and token.count("u") == 1 and len(_VOWEL_RUN.findall(token)) == 1:
            # One syllable: a short head word's a/u is what its spellings agree on least
            # ("Jubb"/"Jab", "Tall"/"Tull"), so the two do not count apart.
            token = token.replace("u", "a")
        if len(token) > 3 and token[-1] == "h" and token[-2] in "aeiouy":
            token = token[:-1]  # "Atmeh"/"Atma", "Hamdaniyah"/"Hamdaniya"
        token = _VOWEL_RUN.sub(_vowel_class, token)
        if len(token) > 4 and token[-1] in "aiu" and token[-2] == "i":
            token = token[:-1]  # "-iya", "-iye", "-ia", "-i": "Salamiyah", "Salamyieh"
        out.append(token)
    return " ".join(out)


#: Characters of a key that :func:`sorted_position` narrows its search by.
HEAD: Final = 2


def sorted_position(
    text: str, starts: Sequence[int], key: str, heads: dict[str, tuple[int, int]] | None = None
) -> int:
    """Where ``key`` is among the sorted, newline-ended strings packed in ``text`` (item i is
    ``text[starts[i]:starts[i + 1] - 1]``), by binary search; -1 when it is not there.
    Hand-written: bisect cannot search slices of one string without building them all.

    ``heads``: a cache of where the items that begin with each :data:`HEAD` characters lie
    (filled as keys are asked); the search then runs in that stretch only, about 10 steps
    instead of 19 over the 475,000 keys of the gazetteer (two letters: three made so many
    stretches that finding them cost what they saved, on new text). The answer is the same:
    the items that begin as ``key`` does are consecutive, and ``key`` can only be one of them."""
    lo, hi = 0, len(starts) - 1
    if heads is not None:
        head = key[:HEAD]
        stretch = heads.get(head)
        if stretch is None:
            stretch = heads[head] = _stretch(text, starts, head)
        lo, hi = stretch
    lo = _first_not_below(text, starts, key, lo, hi)
    if lo < len(starts) - 1 and text[starts[lo] : starts[lo + 1] - 1] == key:
        return lo
    return -1


def _first_not_below(text: str, starts: Sequence[int], key: str, lo: int, hi: int) -> int:
    """The first of items lo..hi-1 that is not below ``key`` (hi when none), by bisection."""
    while lo < hi:
        mid = (lo + hi) // 2
        if text[starts[mid] : starts[mid + 1] - 1] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _stretch(text: str, starts: Sequence[int], head: str) -> tuple[int, int]:
    """(first, past the last) of the items that begin with ``head``: the first item not below
    ``head``, then the first after it that does not begin with ``head``."""
    lo = first = _first_not_below(text, starts, head, 0, len(starts) - 1)
    hi = len(starts) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if text.startswith(head, starts[mid], starts[mid + 1] - 1):
            lo = mid + 1
        else:
            hi = mid
    return first, lo
