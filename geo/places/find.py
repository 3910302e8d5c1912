"""Finding places: gazetteer phrase matching over the article's words.

No NER model can be installed offline (official spaCy models are not on PyPI), so names are
found by looking up every capitalised run of up to five words in the gazetteer's folded-name
index, longest match first (measured on the seeds: precision 0.95 / recall 0.91 at about 1 ms an
article; shared/notes/places-and-dates.md). What makes that precise is what it refuses:

- words that are towns somewhere but are ordinary words, months or organisations here
  ("March", "Roman", "Observatory", "Guardian");
- parts of longer proper names: a name glued to another capitalised word that is not itself a
  place is a person or an organisation ("Rami Abdulrahman", "Sir Michael Fallon",
  "Larisa Brown", "Palmyra Coordination network", "Islamic State");
- names right after a title ("President", "Secretary").

Which of the places that share a name is meant is decided later, in :mod:`geo.places.resolve`.
"""

from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass, replace
from typing import Final

from geo.gazetteer.index import ARTICLE_PREFIXES, COMMON_WORD_ZIPF, Country, Place, PlaceIndex, Region, name_key
from geo.read.document import Document, dateline_at
from geo.lexicons import column
from geo.read.text import Token, TwinPattern, tokenize
from geo.rules import example
from geo.native import by_fields

__all__ = ["PlaceMention", "find_places", "RememberedIndex", "remembered"]

_MAX_WORDS: Final = 5

# Articles that, capitalised, start a transliterated name ("Al Bab", "Ash Shaddadah"). "As",
# "At", "An", "En", "Es", "Et", "Ed", "Er", "L", "D" are English or Romance words too: they
# start a name only when hyphenated ("As-Sukhnah").
_LEADING_ARTICLES: Final = frozenset("al el ash ad adh ar az ath ul".split())
# Lower-case words allowed inside a multi-word name ("Isle of Man", "Jisr al Shughour").
_CONNECTORS: Final = frozenset("of and de la le du del di da dos das do upon on am an der den".split()) | ARTICLE_PREFIXES

# Capitalised words that may precede or follow a place without making it part of a person's
# or organisation's name ("In Aleppo", "Aleppo Sunday", "near Mosul").
_FUNCTION_WORDS: Final = frozenset(column("function_words"))  # geo/lexicons/function_words.tsv

# Titles: a capitalised word after one of these is a person ("President Assad").
_TITLES: Final = frozenset(column("titles"))  # geo/lexicons/titles.tsv

# Words that are some town's name in GeoNames but nearly always mean something else in news
# text: geo/lexicons/not_places.tsv (curated on real articles; add a word there).
_NOT_PLACES: Final = frozenset(column("not_places"))

# Towns named like common words, taken for places only after "in", "near", "city of"...
# and only when a place of that name is large: "in Nice", "near Split", "the city of Reading".
_WORD_TOWNS: Final = frozenset(column("word_towns"))  # geo/lexicons/word_towns.tsv
_WORD_TOWN_MIN_POPULATION: Final = 50_000

# Abbreviations of countries and of US states and Canadian provinces as news writes them
# (AP style). Dotted forms only: "Mass" or "Ind" without a dot are words. The short ones that
# are also words or names ("Ind.", "La.", "Mo.", "Miss.", "Del.", "Wash.", "Pa.", "Ga.",
# "Ill.", "Me.", "Man.") count only after "Town, ".
_COUNTRY_ABBREVIATIONS: Final = {"U.S.A.": "us", "U.S.": "us", "U.K.": "uk"}
_STATE_ABBREVIATIONS: Final = {
    "Ala.": "alabama", "Ariz.": "arizona", "Ark.": "arkansas", "Calif.": "california",
    "Colo.": "colorado", "Conn.": "connecticut", "Fla.": "florida", "Kan.": "kansas",
    "Kans.": "kansas", "Ky.": "kentucky", "Md.": "maryland", "Mass.": "massachusetts",
    "Mich.": "michigan", "Minn.": "minnesota", "Mont.": "montana", "Neb.": "nebraska",
    "Nev.": "nevada", "N.H.": "new hampshire", "N.J.": "new jersey", "N.M.": "new mexico",
    "N.Y.": "new york state", "N.C.": "north carolina", "N.D.": "north dakota",
    "Okla.": "oklahoma", "Ore.": "oregon", "R.I.": "rhode island", "S.C.": "south carolina",
    "S.D.": "south dakota", "Tenn.": "tennessee", "Tex.": "texas", "Vt.": "vermont",
    "Va.": "virginia", "W.Va.": "west virginia", "W. Va.": "west virginia", "Wis.": "wisconsin",
    "Wyo.": "wyoming", "D.C.": "district of columbia", "B.C.": "british columbia",
    "Alta.": "alberta", "Sask.": "saskatchewan", "Ont.": "ontario", "N.S.": "nova scotia",
    "N.B.": "new brunswick",
}
_AFTER_TOWN_ONLY: Final = {
    "Ind.": "indiana", "La.": "louisiana", "Mo.": "missouri", "Miss.": "mississippi",
    "Del.": "delaware", "Wash.": "washington state", "Pa.": "pennsylvania", "Ga.": "georgia state",
    "Ill.": "illinois", "Me.": "maine", "Man.": "manitoba",
}
# One abbreviation not glued to a word or a dot before it: ``(?<![\w.])U\.S\.(?!\w)``, written
# with the look-behind after each abbreviation's first letter (``U(?<![\w.].)\.S\.``, the same
# test) so that every alternative starts with a letter: the regex engine then skips straight to
# those letters instead of trying the look-behind at every character (four times faster).
# The abbreviations are grouped by that letter, longest first within each group as in the
# whole list (``U(?<![\w.].)(?:\.S\.A\.|\.S\.|\.K\.)``): at a capital the engine enters one
# group instead of trying all 57 (2.07 -> 1.15 ms on the dev-set articles). The first
# alternative that matches is the one the flat list would take: only those of its group can.
_ABBREVIATIONS_BY_LETTER: Final[dict[str, list[str]]] = {}
for _abbreviation in sorted({**_COUNTRY_ABBREVIATIONS, **_STATE_ABBREVIATIONS, **_AFTER_TOWN_ONLY}, key=len, reverse=True):
    _ABBREVIATIONS_BY_LETTER.setdefault(_abbreviation[0], []).append(_abbreviation[1:])
_ABBREVIATION: Final = re.compile(
    "(?:"
    + "|".join(
        re.escape(letter) + r"(?<![\w.].)(?:" + "|".join(re.escape(rest) for rest in rests) + ")"
        for letter, rests in _ABBREVIATIONS_BY_LETTER.items()
    )
    + r")(?!\w)"
)
_ABBREVIATION_TWIN: Final = TwinPattern(_ABBREVIATION)  # for ASCII text: the same matches, faster

# What str.isupper() says of a word's first letter in ASCII text, as a set look-up: compiled code
# calls isupper() and isascii() as Python methods, about 400 instructions a word between them
# (find_places -4% of its instructions on the dev-set articles).
_ASCII_CAPITALS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PROVINCE_WORDS: Final = frozenset("province governorate region district state oblast county prefecture".split())
# Words that make a capitalised neighbour an organisation's name, not a person's.
_ORGANISATION_WORDS: Final = frozenset(
    """coordination council media centre center university network committee front brigade
    brigades army police province governorate airport port city district group observatory times
    post news radio tv daily mail square street road bridge dam stadium hospital school market
    club united international institute foundation company bank museum hotel mosque church
    prison base camp security forces agency channel tribune herald gazette journal movement party
    government municipality state region valley river mountains mountain desert coast""".split()
)
_LOCATIVE_WORDS: Final = frozenset(
    """in at near from to into outside around toward towards across inside within of via
    entered seized captured recaptured retook retaken reached besieged attacked stormed
    shelled bombed struck hit held fled""".split()
)
_STRONG_PLACE: Final = 100_000
_SPACE_GAP: Final = re.compile(r"[ \t\u00a0]{0,2}")
_HYPHEN_GAP: Final = re.compile(r"[ \t\u00a0]?[-‐‑–][ \t\u00a0]?")


@dataclass(frozen=True, slots=True, init=False)
class PlaceMention:
    """A name in the text that the gazetteer knows.

    ``kind`` is "place" (populated places; may also be a country name), "country" or
    "demonym" (an adjective of nationality: context only, never an event's place), "region"
    (a first-level region such as a US state: context, and the qualifier of "Town, State") or
    "area" (a continent or named area such as "Middle East", or its adjective: never a town).
    """

    text: str
    start_char: int
    end_char: int
    key: str
    kind: str
    province: bool  # followed by "province", "governorate", ...: the admin1 area is meant
    locative: bool  # preceded by a word that introduces places ("in", "near", "captured")
    dateline: bool = False  # "KYIV, Feb 17 (Reuters) -": where it was filed, not what happened
    qualifier: str = ""  # "Newtown, Connecticut" -> "US.CT"; "Tripoli, Lebanon" -> "LB"
    initial: bool = False  # first word of a sentence or line, where capitals prove nothing
    variant: tuple[str, ...] = ()  # gazetteer keys this spelling is a variant of ("Kafr Zeita")

    def __init__(
        self,
        text: str,
        start_char: int,
        end_char: int,
        key: str,
        kind: str,
        province: bool,
        locative: bool,
        dateline: bool = False,
        qualifier: str = "",
        initial: bool = False,
        variant: tuple[str, ...] = (),
    ) -> None:
        # written out: compiled, each field is stored directly (geo.native, "Frozen dataclasses")
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "start_char", start_char)
        object.__setattr__(self, "end_char", end_char)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "province", province)
        object.__setattr__(self, "locative", locative)
        object.__setattr__(self, "dateline", dateline)
        object.__setattr__(self, "qualifier", qualifier)
        object.__setattr__(self, "initial", initial)
        object.__setattr__(self, "variant", variant)

    def __reduce__(self):  # pickled by calling the class: see geo.native.by_fields
        return by_fields(self)


def find_places(text: str, gazetteer: PlaceIndex, document: Document | None = None) -> list[PlaceMention]:
    """Every place, country and nationality name in ``text``, in order, non-overlapping.
    ``document``: the article's :class:`geo.read.document.Document`, to reuse its tokens.

    Written for speed (every word of every article passes here; the rules are in the helpers):
    the per-word columns are built by list comprehensions, only capitalised words are tried as
    the start of a name, and what the gazetteer knows a key as is remembered between articles
    (:class:`RememberedIndex`), as are its answers about names and their neighbours.
    tests/test_places_fast_identical.py keeps the plain version and
    checks both give the same mentions."""
    tokens = _split_glued_articles(list(document.tokens) if document is not None else tokenize(text), text)
    n = len(tokens)
    words = [t[0] for t in tokens]
    if text.isascii():  # so is every word: the same columns without a test of each word's
        folded = [w.replace("'", "").lower() for w in words]
        caps = [w[:1] in _ASCII_CAPITALS for w in words]
    else:
        folded = [w.replace("'", "").lower() if w.isascii() else (name_key(w) or w.lower()) for w in words]
        caps = [w[:1].isupper() for w in words]
    joins = _joins(text, tokens, words)
    breaks = list(document.breaks) if document is not None else [m.start() for m in re.finditer("\n", text)]
    headlines = _title_case_lines(tokens, words, caps, breaks)
    lower_words = {w for w in words if w.islower()}
    capitalised = {f for f, c in zip(folded, caps) if c}
    written_normally = {f for w, f, c in zip(words, folded, caps) if c and not w.isupper()}
    gazetteer = remembered(gazetteer)  # the same answers, without a call into the index each
    kinds = _kind_cache(gazetteer)
    out: list[PlaceMention] = []
    in_headlines: list[PlaceMention] = []
    people: set[str] = set()  # names this article uses for people ("Prime Minister Abiy Ahmed")
    i = 0
    for candidate in [k for k, c in enumerate(caps) if c]:  # only a capitalised word starts a name
        if candidate < i:
            continue
        i = candidate
        first = folded[i]
        if first in ARTICLE_PREFIXES and not (first in _LEADING_ARTICLES and i + 1 < n and joins[i + 1]):
            continue
        match = _longest_match(tokens, folded, caps, joins, i, gazetteer, capitalised, kinds)
        if match is None:
            continue
        i = _take(text, tokens, folded, joins, breaks, headlines, i, match, gazetteer,
                  (lower_words, written_normally, people), out, in_headlines)
    return _qualified(text, _with_abbreviations(text, _settled(out, in_headlines, people), gazetteer), gazetteer)


def _take(
    text: str, tokens: list[Token], folded: list[str], joins: list[bool], breaks: list[int], headlines: set[int],
    i: int, match: tuple[int, str, str, tuple[str, ...]], gazetteer: PlaceIndex,
    sets: tuple[set[str], set[str], set[str]], out: list[PlaceMention], in_headlines: list[PlaceMention],
) -> int:
    """Judge the gazetteer's match of tokens i..j: add it to ``out`` (or ``in_headlines``), or
    note a person's name; the index of the token to go on from."""
    lower_words, written_normally, people = sets
    n = len(tokens)
    j, key, kind, variant = match
    start, end = tokens[i][1], tokens[j][2]
    accepted = _is_place(text, tokens, folded, joins, i, j, key, kind, gazetteer) and not (
        kind == "place" and i == j and _common_word(tokens, folded, i, key, lower_words, gazetteer)
    )
    the_word = j == i + 1 and folded[i] == "the"  # "The Summit", "The Center"
    if accepted and kind == "place" and (i == j or the_word) and _ordinary_word(text, tokens, folded, j, folded[j], gazetteer):
        accepted = False
    if accepted and kind == "place" and i == j and _acronym(text, tokens, folded, i, breaks, written_normally):
        accepted = False
    if accepted and variant and i == j:
        # A well-known word ("Nile", "Putin") is not a loose spelling of a village's name.
        accepted = _introduced(tokens, folded, i) and not gazetteer.is_frequent_word(key)
    if accepted and kind == "place" and i == j and _speaks(folded, i, key, gazetteer):
        people.add(key)  # "Bassett said": a person; small towns do not speak
        accepted = False
    # In a Title Case headline every word is capitalised, so the glued-name test says
    # nothing ("Isis Retakes Palmyra"): such a name counts if the body names it too.
    headline = not accepted and _line_of(breaks, start) in headlines
    if headline and _is_place(text, tokens, folded, joins, i, j, key, kind, gazetteer, glue=False):
        in_headlines.append(PlaceMention(text[start:end], start, end, key, kind, False, False, variant=variant))
        return j + 1
    if accepted:
        province = (j + 1 < n and folded[j + 1] in _PROVINCE_WORDS and joins[j + 1]) or (
            i >= 2 and folded[i - 1] == "of" and folded[i - 2] in _PROVINCE_WORDS
        )
        locative = i > 0 and folded[i - 1] in _LOCATIVE_WORDS
        dateline = _is_dateline(text, start, end, breaks)
        initial = _sentence_initial(text, start)
        out.append(
            PlaceMention(text[start:end], start, end, key, kind, province, locative, dateline, "", initial, variant)
        )
        return j + 1
    if kind == "place" and i == j and not headline and _names_a_person(tokens, folded, joins, i, gazetteer):
        people.add(key)
    return j + 1 if kind != "place" or j > i else i + 1


#: Answers a :class:`RememberedIndex` holds before it forgets them all (a long run meets many names).
_MEMORY_LIMIT: Final = 200_000


def _kind_cache(index: PlaceIndex) -> dict[str, str | tuple[str, ...]]:
    """The key -> kind or variants memory of a :class:`RememberedIndex` (see its ``kinds``);
    a fresh, unshared dict for any other index."""
    return index.kinds if isinstance(index, RememberedIndex) else {}


class RememberedIndex:
    """A :class:`PlaceIndex` that remembers its index's answers to the questions the place
    rules ask most (whether it knows a key, a key's places and spelling variants, country,
    nationality, largest town, frequency as a word, whether it names a capital), and passes
    the others on.

    Why: the gazetteer is plain Python, so each question is an interpreted call (about 0.3 us)
    where this compiled class answers from a dict; the same few hundred names and words beside
    them are asked about article after article (about 11,000 questions a pass over the dev-set
    articles, from find_places and resolve_places). The answers are the index's own: a
    gazetteer does not change once loaded. Each question's memory is written out, typed,
    rather than kept by one generic helper: the compiled code then reads a typed dict with no
    call in between."""

    __slots__ = (
        "index", "countries", "kinds", "_places", "_country", "_demonym", "_largest", "_frequency", "_capital",
        "_known", "_variants",
    )

    def __init__(self, index: PlaceIndex) -> None:
        self.index = index
        self.countries: dict[str, Country] = index.countries
        #: find_places' memory of what the index knows each key as: its kind (:func:`_kind_of`),
        #: or when it knows no such name, the keys it is a spelling variant of (``variant_keys``;
        #: () when none or shorter than four letters).
        self.kinds: dict[str, str | tuple[str, ...]] = {}
        self._places: dict[str, tuple[Place, ...]] = {}
        self._country: dict[str, Country | None] = {}
        self._demonym: dict[str, str | None] = {}
        self._largest: dict[str, int] = {}
        self._frequency: dict[str, float] = {}
        self._capital: dict[tuple[str, str], bool] = {}
        self._known: dict[str, bool] = {}
        self._variants: dict[str, tuple[str, ...]] = {}

    def forget_if_large(self) -> None:
        """Empty the memories past :data:`_MEMORY_LIMIT` answers."""
        memories = (
            self.kinds, self._places, self._country, self._demonym, self._largest, self._frequency, self._capital,
            self._known, self._variants,
        )
        if sum(len(memory) for memory in memories) > _MEMORY_LIMIT:
            for memory in memories:
                memory.clear()

    def places(self, key: str) -> tuple[Place, ...]:
        found = self._places.get(key)
        if found is None:
            found = self._places[key] = self.index.places(key)
        return found

    def is_capital(self, key: str, country: str) -> bool:
        found = self._capital.get((key, country))
        if found is None:
            found = self._capital[(key, country)] = self.index.is_capital(key, country)
        return found

    def is_largest_in_its_region(self, country: str, admin1: str, population: int) -> bool:
        """The index's answer, or False from an index without that question (as the resolver
        reads it)."""
        ask = getattr(self.index, "is_largest_in_its_region", None)
        return bool(ask and ask(country, admin1, population))

    def country(self, key: str) -> Country | None:
        if key in self._country:
            return self._country[key]
        found = self._country[key] = self.index.country(key)
        return found

    def demonym(self, key: str) -> str | None:
        if key in self._demonym:
            return self._demonym[key]
        found = self._demonym[key] = self.index.demonym(key)
        return found

    def largest_population(self, key: str) -> int:
        found = self._largest.get(key)
        if found is None:
            found = self._largest[key] = self.index.largest_population(key)
        return found

    def word_frequency(self, key: str) -> float:
        found = self._frequency.get(key)
        if found is None:
            found = self._frequency[key] = self.index.word_frequency(key)
        return found

    def has_key(self, key: str) -> bool:
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self.index.has_key(key)
        return found

    def variant_keys(self, key: str) -> tuple[str, ...]:
        found = self._variants.get(key)
        if found is None:
            found = self._variants[key] = self.index.variant_keys(key)
        return found

    def is_frequent_word(self, word: str) -> bool:
        return self.index.is_frequent_word(word)

    def region(self, key: str) -> tuple[str, str] | None:
        return self.index.region(key)

    def region_info(self, key: str) -> Region | None:
        return self.index.region_info(key)

    def area(self, key: str) -> Region | None:
        return self.index.area(key)


#: Per gazetteer, its :class:`RememberedIndex` (weak keys: it goes with the gazetteer, and so do
#: its memories).
_REMEMBERED_INDEXES: Final[weakref.WeakKeyDictionary] = weakref.WeakKeyDictionary()


def remembered(gazetteer: PlaceIndex) -> PlaceIndex:
    """The gazetteer's :class:`RememberedIndex`, made on first use; the gazetteer itself when it
    takes no weak reference (a RememberedIndex, a toy index: then nothing more is remembered)."""
    try:
        index = _REMEMBERED_INDEXES.get(gazetteer)
        if index is None:
            index = _REMEMBERED_INDEXES[gazetteer] = RememberedIndex(gazetteer)
    except TypeError:
        return gazetteer
    index.forget_if_large()
    return index


def _joins(text: str, tokens: list[Token], words: list[str]) -> list[bool]:
    """For each token, whether it joins the one before into a name (see :func:`_joinable`);
    one space, by far the most common gap, is decided without a call."""
    gaps = [text[left[2] : right[1]] for left, right in zip(tokens, tokens[1:])]
    return [False] + [g == " " or _joinable_gap(g, words[k]) for k, g in enumerate(gaps)]


def _settled(out: list[PlaceMention], in_headlines: list[PlaceMention], people: set[str]) -> list[PlaceMention]:
    """The mentions once names the article gives people are dropped ("Abiy said", "Stevens had
    served") and headline names the body also names are added back."""
    if people:
        out = [m for m in out if not (m.kind == "place" and m.key in people and not m.locative)]
    if in_headlines:
        named = {m.key for m in out}
        out = sorted(out + [m for m in in_headlines if m.key in named], key=lambda m: m.start_char)
    return out


def _with_abbreviations(text: str, found: list[PlaceMention], gazetteer: PlaceIndex) -> list[PlaceMention]:
    """Add "U.S.", "U.K.", "Calif.", "W.Va.", "B.C." (their dots keep them from the word
    matcher); the short state abbreviations that are also words only right after "Town, "."""
    ends = {m.end_char for m in found}
    extra: list[PlaceMention] = []
    for hit in _ABBREVIATION_TWIN.for_text(text).finditer(text):
        abbreviation, start, end = hit.group(), hit.start(), hit.end()
        if abbreviation in _COUNTRY_ABBREVIATIONS:
            key, kind = _COUNTRY_ABBREVIATIONS[abbreviation], "country"
        else:
            key = _STATE_ABBREVIATIONS.get(abbreviation) or _AFTER_TOWN_ONLY[abbreviation]
            kind = "region"
            if abbreviation in _AFTER_TOWN_ONLY and not (text[start - 2 : start] == ", " and start - 2 in ends):
                continue
            if abbreviation == "B.C." and re.search(r"\d\s*$", text[max(0, start - 8) : start]):
                continue  # "500 B.C."
        if (gazetteer.country(key) if kind == "country" else gazetteer.region(key)) is None:
            continue
        extra.append(PlaceMention(abbreviation, start, end, key, kind, False, False))
    if not extra:
        return found
    spans = [(m.start_char, m.end_char) for m in extra]
    kept = [m for m in found if not any(s < m.end_char and m.start_char < e for s, e in spans)]
    return sorted(kept + extra, key=lambda m: m.start_char)


_CONTRACTION: Final = re.compile(r"['’ʼ](?:re|ve|ll|m|d|t)$", re.IGNORECASE)


def _common_word(
    tokens: list[Token], folded: list[str], i: int, key: str, lower_words: set[str], gazetteer: PlaceIndex
) -> bool:
    """A one-word town name that is a word of this very article ("One", "Just", "Bank",
    "Research": the article also writes it in lower case) or a contraction ("We're", "I've"),
    unless a place of that name is large and a word that introduces places stands before it."""
    if _CONTRACTION.search(tokens[i].text):
        return True
    if folded[i] not in lower_words:
        return False
    locative = i > 0 and folded[i - 1] in _LOCATIVE_WORDS
    return not (locative and gazetteer.largest_population(key) >= _STRONG_PLACE)


def _ordinary_word(
    text: str, tokens: list[Token], folded: list[str], i: int, key: str, gazetteer: PlaceIndex
) -> bool:
    """A one-word name that is a frequent English word ("Peace", "Summit", "Center", "Sultan",
    "Citadel"; capitalised in a headline, a title or an organisation's name) and no large town:
    a place only where the text introduces a place ("in Summit", "the town of Center",
    "Summit, New Jersey", "Citadel district"), and never before "of" ("Citadel of Aleppo")."""
    if gazetteer.word_frequency(key) < COMMON_WORD_ZIPF or gazetteer.largest_population(key) >= _STRONG_PLACE:
        return False
    if i + 2 < len(folded) and folded[i + 1] == "of" and _is_capitalised(tokens[i + 2].text):
        return True  # "Citadel of Aleppo", "Summit of the Americas": a thing of a place
    if _DISTANCE_AFTER.match(text, tokens[i].end):
        return False  # "Sake, about 25 km west of Goma"
    if i > 0 and (folded[i - 1] in _LOCATIVE_WORDS or folded[i - 1] in _SETTLEMENT_WORDS or folded[i - 1] in _TAKING):
        if not any(ch in ".!?:;\n" for ch in text[tokens[i - 1].end : tokens[i].start]):
            return False  # the cue stands in the same sentence
    if i + 1 < len(folded) and folded[i + 1] in _PROVINCE_WORDS:
        return False
    after = _QUALIFIED_AFTER.match(text, tokens[i].end)
    return not (after and _kind_of(name_key(after.group(1)), gazetteer) in {"country", "region"})


def _introduced(tokens: list[Token], folded: list[str], i: int) -> bool:
    """Whether the text introduces token i as a place: a word such as "in", "near", "town of"
    before it (past an article: "in al-Qaryatain"), or "city", "village", "province" after it
    ("the al-Qaryatain city"). A one-word spelling variant needs this."""
    before = i - 1
    if before >= 0 and folded[before] in ARTICLE_PREFIXES:
        before -= 1
    if before >= 1 and folded[before] == "the" and folded[before - 1] in _LOCATIVE_WORDS:
        before -= 1  # "near the Atmeh crossing"
    if before >= 0 and (folded[before] in _LOCATIVE_WORDS or folded[before] in _TOWN_WORDS):
        return True
    return i + 1 < len(folded) and (folded[i + 1] in _PROVINCE_WORDS or folded[i + 1] in _TOWN_WORDS)


# Not "district" or "neighbourhood": "al-Midan neighbourhood" is a part of a city, not a town.
_TOWN_WORDS: Final = frozenset("city town village".split())


def _acronym(
    text: str, tokens: list[Token], folded: list[str], i: int, breaks: list[int], written_normally: set[str]
) -> bool:
    """A word of four or five capitals in ordinary text is an acronym ("SANA reported", "OCHA",
    "NATO"), not a town, unless it is a dateline ("HOMS, Syria -"), follows a word that
    introduces places ("in HOMS"), stands in a line written in capitals, or the article also
    writes it as a name ("Homs")."""
    word = tokens[i].text
    if not (word.isupper() and 4 <= len(word) <= 5 and word.isalpha()):
        return False
    if folded[i] in written_normally or (i > 0 and folded[i - 1] in _LOCATIVE_WORDS):
        return False
    start, end = tokens[i].start, tokens[i].end
    if _is_dateline(text, start, end, breaks):
        return False
    line = _line_of(breaks, start)
    line_start = max(breaks[line - 1] + 1 if line else 0, start - 80)
    line_end = min(breaks[line] if line < len(breaks) else len(text), end + 80)
    around = text[line_start:line_end]  # the line near the word: a headline in capitals?
    letters = sum(ch.isalpha() for ch in around)
    return sum(ch.isupper() for ch in around) < 0.6 * letters


_TAKING: Final = frozenset("took take takes taking overran overrun".split())  # "took Sake": a town taken
_DISTANCE_AFTER: Final = re.compile(
    r",?\s+(?:about|some|around|nearly|roughly|just|only)?\s*\d[\d,.]*\s*(?:km|kms|kilometres|kilometers|miles|mi)\b"
    r"(?:\s+\(\d[\d,.]*\s*\w+\))?\s+(?:to\s+the\s+)?(?:north|south|east|west)",
    re.IGNORECASE,
)
_SETTLEMENT_WORDS: Final = frozenset("city town village suburb district neighbourhood neighborhood".split())
_QUALIFIED_AFTER: Final = re.compile(r"\s?,\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")


_SPEECH_VERBS: Final = frozenset("said says told added wrote argued replied noted asked explained recalled insisted".split())


def _speaks(folded: list[str], i: int, key: str, gazetteer: PlaceIndex) -> bool:
    """A one-word small town's name followed by a verb of saying is a person ("Johnson said");
    a large place may speak for its government ("Moscow said")."""
    if i + 1 >= len(folded) or folded[i + 1] not in _SPEECH_VERBS:
        return False
    return (i == 0 or folded[i - 1] not in _LOCATIVE_WORDS) and gazetteer.largest_population(key) < _STRONG_PLACE


def _title_case_lines(tokens: list[Token], words: list[str], caps: list[bool], breaks: list[int]) -> set[int]:
    """Line numbers (0-based) written in Title Case, where capitals say nothing of names: at
    least three words of four letters or more, three in four of them capitalised. ``words``,
    ``caps``: the tokens' text and whether it is capitalised; ``breaks``: the offsets of the
    line breaks. Each line's words are found by bisecting, and counted by running sums."""
    starts = [t[1] for t in tokens]
    # Running sums as a plain loop: compiled, it is ten times faster than accumulate() over
    # map(), which calls back into Python for every word.
    long_words = [0]  # words of four letters or more among the first i
    long_caps = [0]  # ... and of those, the capitalised
    count = capitalised = 0
    for word, cap in zip(words, caps):
        if len(word) > 3:
            count += 1
            if cap:
                capitalised += 1
        long_words.append(count)
        long_caps.append(capitalised)
    found: set[int] = set()
    lo = 0
    for number in range(len(breaks) + 1):
        hi = bisect.bisect_right(starts, breaks[number]) if number < len(breaks) else len(starts)
        count = long_words[hi] - long_words[lo]
        if count >= 3 and (long_caps[hi] - long_caps[lo]) / count >= 0.75:
            found.add(number)
        lo = hi
    return found


def _line_of(breaks: list[int], pos: int) -> int:
    """The 0-based line of ``pos``, by bisecting the newline offsets: counting newlines from
    the start for each name made long texts quadratic (a 4 MB text took minutes)."""
    return bisect.bisect_left(breaks, pos)


def _qualified(text: str, mentions: list[PlaceMention], gazetteer: PlaceIndex) -> list[PlaceMention]:
    """"Newtown, Connecticut", "Tripoli, Lebanon": a town followed by its state or country
    is that state's or country's town."""
    out = list(mentions)
    for k in range(len(out) - 1):
        town, after = out[k], out[k + 1]
        if town.kind != "place" or after.kind not in {"country", "region", "place"}:
            continue
        if text[town.end_char : after.start_char] not in {", ", ",  ", " , "}:
            continue
        following = out[k + 2] if k + 2 < len(out) else None
        listed = following is not None and text[after.end_char : following.start_char] in {", ", " and ", ", and "}
        state = None if listed else _state_after_town(town, after, gazetteer)  # "Washington, New York and Boston"
        if state is not None:
            after = out[k + 1] = replace(after, key=state, kind="region")
        elif after.kind == "place":
            continue
        if after.kind == "country":
            country = gazetteer.country(after.key)
            qualifier = country.code if country else ""
        else:
            region = gazetteer.region(after.key)
            qualifier = f"{region[0]}.{region[1]}" if region else ""
        out[k] = replace(town, qualifier=qualifier)
    return out


def _state_after_town(town: PlaceMention, after: PlaceMention, gazetteer: PlaceIndex) -> str | None:
    """The region key of a state whose name is also a country's or a city's ("Georgia",
    "Washington", "New York") when it follows a town of that state: "Atlanta, Georgia" and
    "Tacoma, Washington" name the states. None otherwise."""
    if after.kind == "region":
        return None
    key = after.key + " state"
    region = gazetteer.region(key)
    if region is None or not any((p.country, p.admin1) == region for p in gazetteer.places(town.key)):
        return None
    return key


example(
    "places.state_after_town",
    lambda text: [m.kind for m in find_places(text, _example_gazetteer())][-1] == "region",
    fires=["They flew from Atlanta, Georgia.", "She lives in Tacoma, Washington."],
    holds=[
        "They flew from Tbilisi, Georgia.", "He met officials in Washington.",
        "After stops in Washington, New York and Boston, he left.",
    ],
)


def _example_gazetteer() -> PlaceIndex:
    from geo.gazetteer.index import load_gazetteer

    return load_gazetteer()


_GLUED_ARTICLE: Final = re.compile(r"^(Al|al|El|el|As|as|Ash|ash|Ad|ad|Ar|ar|Az|az|At|at|Ad|ed|Es|es|Ez|ez|Et|et)(?=[A-Z][a-z])")


_GLUED_ARTICLES: Final = _GLUED_ARTICLE.pattern[2 : _GLUED_ARTICLE.pattern.index(")")].split("|")
# Whether the text has a glued article anywhere (one search per text): the same test as the
# unanchored _GLUED_ARTICLE, written from the capital letter back ("[A-Z]" preceded by "Al",
# "ash", ...) so the regex engine skips to capitals rather than stop at every "a" and "e". The
# letter before the capital must end an article: one class checks that before the articles
# are tried one by one (31.8 -> 13.8 us an article).
_GLUED_ANYWHERE: Final = re.compile(
    f"[A-Z](?<=[{''.join(sorted({a[-1] for a in _GLUED_ARTICLES}))}].)(?:"
    + "|".join(f"(?<={a}.)" for a in _GLUED_ARTICLES)
    + ")[a-z]"
)


def _split_glued_articles(tokens: list[Token], text: str) -> list[Token]:
    """"alShughour", "AlSukhnah": a hyphen lost to stripped punctuation leaves the article
    glued to the name; split it back so the name still matches."""
    if not _GLUED_ANYWHERE.search(text):
        return tokens  # most articles: nothing glued, no new list
    out: list[Token] = []
    for t in tokens:
        m = _GLUED_ARTICLE.match(t.text)
        if m and len(t.text) - m.end() >= 3:
            cut = t.start + m.end()
            out.append(Token(t.text[: m.end()], t.start, cut))
            out.append(Token(t.text[m.end() :], cut, t.end))
        else:
            out.append(t)
    return out


def _is_dateline(text: str, start: int, end: int, breaks: list[int]) -> bool:
    """See :func:`geo.read.document.dateline_at`, the pipeline's one dateline detector."""
    return dateline_at(text, start, end, breaks)


def _joinable_gap(gap: str, left: str) -> bool:
    """Whether a token after ``gap`` joins the word ``left`` into one name: up to two spaces,
    a hyphen or dash, or the dot of "St." ("St. Louis", "Mt. Vernon")."""
    if gap in {". ", "."} and left in _NAME_ABBREVIATIONS:
        return True  # "St. Louis", "Fort St. John", "Mt. Vernon": the dot is the abbreviation's
    return bool(_SPACE_GAP.fullmatch(gap) or _HYPHEN_GAP.fullmatch(gap))


#: Abbreviations that begin or sit inside place names, written with a dot.
_NAME_ABBREVIATIONS: Final = frozenset({"St", "Ste", "Mt", "Ft", "Pt"})

example(
    "places.abbreviated_saint",
    lambda text: any(m.text.startswith(("St.", "Mt.", "Fort St.")) for m in find_places(text, _example_gazetteer())),
    fires=["Flights to St. Louis resumed.", "Police in St. Thomas said so.", "He lived in Fort St. John."],
    holds=["He lives on Main St. Louis said nothing."],
)


def _hyphen_after(text: str, token: Token) -> bool:
    return text[token.end : token.end + 1] in {"-", "‐", "‑", "–"}


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _longest_match(
    tokens: list[Token], folded: list[str], caps: list[bool], joins: list[bool], i: int, gazetteer: PlaceIndex,
    words: set[str], kinds: dict[str, str | tuple[str, ...]],
) -> tuple[int, str, str, tuple[str, ...]] | None:
    """The longest capitalised run from token i that the gazetteer knows: (last token, key,
    kind, spelling variants). Exact keys first; then, for the same length, a possessive written
    without its apostrophe ("Syrias") and a transliteration variant ("Kafr Zeita").
    ``caps``: which tokens are capitalised; ``kinds``: the gazetteer's memory (:attr:`RememberedIndex.kinds`)."""
    # The run ends before the first lower-case word that is no connector ("of", "al"): a name
    # holds none, so no longer candidate needs trying.
    last, limit = i, min(len(tokens), i + _MAX_WORDS)
    while last + 1 < limit and joins[last + 1] and (caps[last + 1] or folded[last + 1] in _CONNECTORS):
        last += 1
    for j in range(last, i - 1, -1):
        if not caps[j] or folded[j] in ARTICLE_PREFIXES:
            continue
        key = folded[i] if j == i else " ".join(f for f in folded[i : j + 1] if f not in ARTICLE_PREFIXES)
        if not key:
            continue
        known = kinds.get(key)
        if known is None:
            known = kinds[key] = _kind_of(key, gazetteer) or (_variant_keys(key, gazetteer) if len(key) >= 4 else ())
        if isinstance(known, str):
            return j, key, known, ()
        end_word = tokens[j][0]
        base = _possessive_base(end_word, key, gazetteer, words) if end_word[-1] == "s" else None
        if base:
            return j, base[0], base[1], ()
        if known and _variant_span(tokens, folded, i, j):
            return j, key, "place", known
    return None


# An article glued to a later word of a name once its hyphen was stripped: "Maaret Alnouman",
# "Ras Elain". Lower case after it, so :func:`_split_glued_articles` cannot tell it from a
# name such as "Alexandria"; tried only when the name as written is unknown.
_GLUED_LATER_ARTICLE: Final = re.compile(r"(?<= )(?:al|el)(?=[a-z]{4})")


def _variant_keys(key: str, gazetteer: PlaceIndex) -> tuple[str, ...]:
    """The keys a loosely written name may stand for: spelling variants of it
    (:meth:`PlaceIndex.variant_keys`), else of it without an article glued to a later word.
    Both are trusted only in the article's countries (see :func:`geo.places.resolve`)."""
    found = gazetteer.variant_keys(key)
    if found or " " not in key:
        return found
    bare = _GLUED_LATER_ARTICLE.sub("", key)
    if bare == key:
        return ()
    return (bare,) if gazetteer.has_key(bare) else gazetteer.variant_keys(bare)


def _variant_span(tokens: list[Token], folded: list[str], i: int, j: int) -> bool:
    """Whether tokens i..j may be a loosely spelled name: no function words ("The UN"), no
    acronyms, no word shorter than three letters but articles and connectors."""
    for k in range(i, j + 1):
        word = folded[k]
        if word in ARTICLE_PREFIXES or (i < k < j and word in _CONNECTORS):
            continue
        if word in _FUNCTION_WORDS or len(word) < 3 or (tokens[k].text.isupper() and len(word) > 1):
            return False
    return True


def _kind_of(key: str, gazetteer: PlaceIndex) -> str:
    """What the gazetteer knows ``key`` as ("country", "demonym", "area", "region", "place"),
    or "" when it does not know it."""
    if gazetteer.country(key) is not None:
        return "country"
    if gazetteer.demonym(key) is not None:
        return "demonym"
    if gazetteer.area(key) is not None:
        return "area"
    if gazetteer.region(key) is not None:
        return "region"
    return "place" if gazetteer.has_key(key) else ""


def _possessive_base(word: str, key: str, gazetteer: PlaceIndex, words: set[str]) -> tuple[str, str] | None:
    """"Syrias", "Iraqs", "Aleppos": a possessive whose apostrophe stripped text lost, when the
    base is a country, region or large town that the article also names as such (so plurals
    such as "Turkeys" or "Drugs" stay words) and the -s form is not a name itself."""
    if not word.endswith("s") or len(key) < 5 or word[-2:-1] in {"s", "'", "’"}:
        return None
    base = key[:-1]
    if base.rsplit(" ", 1)[-1] not in words:
        return None
    kind = _kind_of(base, gazetteer)
    if kind in {"country", "region", "area"}:
        return base, kind
    if kind == "place" and gazetteer.largest_population(base) >= _STRONG_PLACE:
        return base, kind
    return None


def _is_place(
    text: str,
    tokens: list[Token],
    folded: list[str],
    joins: list[bool],
    i: int,
    j: int,
    key: str,
    kind: str,
    gazetteer: PlaceIndex,
    *,
    glue: bool = True,
) -> bool:
    if kind in {"country", "demonym", "region", "area"}:
        return True
    if key in _WORD_TOWNS:
        cue = i > 0 and (folded[i - 1] in _LOCATIVE_WORDS or folded[i - 1] in {"city", "town"})
        return cue and gazetteer.largest_population(key) >= _WORD_TOWN_MIN_POPULATION
    if key in _NOT_PLACES or (i == j and (len(key) < 3 or key in _FUNCTION_WORDS or key in _TITLES)):
        return False
    if tokens[i].text.isupper() and len(tokens[i].text) <= 3 and i == j:
        return False  # "IS", "UN", "US" as a place of three letters or fewer is an acronym
    start, end = tokens[i].start, tokens[j].end
    if text[start - 1 : start] in _OPEN_QUOTES and text[end : end + 1] in _CLOSE_QUOTES:
        return False  # Joaquin "El Chapo" Guzman: a nickname
    before = i - 1
    if before >= 1 and joins[i] and folded[before] in ARTICLE_PREFIXES and joins[before]:
        before -= 1  # "Jabal al Tar": look past the article
    if before >= 0 and joins[i] and folded[before] in _TITLES:
        return False
    if not glue:
        return True
    # Walk out over capitalised neighbours: well-known places may stand side by side (stripped
    # text: "Aleppo Damascus"), but any other name in the run makes it one long proper name
    # ("Abdifatah Aden Hassan").
    k = before
    while k >= 0 and joins[k + 1] and not _hyphen_after(text, tokens[k]):
        verdict = _neighbour(tokens, folded, k, gazetteer)
        if verdict == "glue":
            return False
        if verdict != "place":
            break
        k -= 1
    k = j + 1
    while k < len(tokens) and joins[k] and not _hyphen_after(text, tokens[k - 1]):
        verdict = _neighbour(tokens, folded, k, gazetteer)
        if verdict == "glue":
            return _first_of_a_list(tokens, folded, joins, i, j, k)
        if verdict != "place":
            break
        k += 1
    return True


#: Words before the first name of a list of places: "the villages of", "shelled", "in".
_LIST_OPENERS: Final = _LOCATIVE_WORDS | {"villages", "towns", "areas", "neighbourhoods", "neighborhoods"}


def _first_of_a_list(tokens: list[Token], folded: list[str], joins: list[bool], i: int, j: int, k: int) -> bool:
    """Is the name i..j the first of a list whose commas stripped text lost ("struck Kafr Oldham
    Bir al-Newton and Tal Minster"), though a capitalised word k follows it? Only a name of two
    or more words after a word that opens a list of places, whose run of names ends in "and"
    and one more name: a person's name ("met Ali Hassan Omar and ...") has no such opener."""
    if j == i or i == 0 or folded[i - 1] not in _LIST_OPENERS:
        return False
    end = k
    while end < len(tokens) and joins[end] and (tokens[end].text[:1].isupper() or folded[end] in ARTICLE_PREFIXES):
        end += 1
    return end + 1 < len(tokens) and end - k <= 3 and folded[end] == "and" and tokens[end + 1].text[:1].isupper()


_OPEN_QUOTES: Final = frozenset('"“‘\'')
_CLOSE_QUOTES: Final = frozenset('"”’\'')


def _sentence_initial(text: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and text[k] in " \t\"“‘'(":
        k -= 1
    return k < 0 or text[k] in ".!?\n:"


def _names_a_person(tokens: list[Token], folded: list[str], joins: list[bool], i: int, gazetteer: PlaceIndex) -> bool:
    """A rejected one-word place that the text shows to be a person's name: after a title
    ("Prime Minister Abiy"), or a surname after a first name ("Chris Stevens")."""
    before = i - 1
    if before < 0 or not joins[i]:
        return False
    if folded[before] in _TITLES:
        return True
    after = i + 1
    if after < len(tokens) and joins[after] and folded[after] in _AREA_OR_BODY_WORDS:
        return False  # "the Oldvale Newtown Countryside council": a name inside a body's name
    return _neighbour(tokens, folded, before, gazetteer) == "glue" and folded[before] not in _ORGANISATION_WORDS


# Words that, right after a name, make the run an organisation's or an area's name, never a person's.
_AREA_OR_BODY_WORDS: Final = _ORGANISATION_WORDS | _PROVINCE_WORDS | {"countryside", "suburbs", "outskirts"}


def _neighbour(tokens: list[Token], folded: list[str], k: int, gazetteer: PlaceIndex) -> str:
    """What token k, right beside a place name, says of it: "glue" (a capitalised word that
    makes it part of a longer proper name), "place" (a well-known place: stripped text runs
    names together) or "free" (lower case, a function word, a nationality, a lead-in)."""
    word = tokens[k].text
    if not _is_capitalised(word) or folded[k] in _FUNCTION_WORDS or folded[k] in ARTICLE_PREFIXES:
        return "free"
    if word.isupper() and len(word) > 1:
        return "free"  # "ISLAMIC State", "SYRIAN troops": a capitalised lead-in, not a name
    key = folded[k]
    if gazetteer.demonym(key) is not None or gazetteer.country(key) is not None:
        return "free"
    if key.endswith("s") and gazetteer.country(key[:-1]) is not None:
        return "free"  # "Syrias Afrin": a country's possessive without its apostrophe
    # A small town's name beside ours ("Michael", "Jabha Shamiya") glues.
    if gazetteer.largest_population(key) >= _STRONG_PLACE:
        return "place"
    return "glue"
