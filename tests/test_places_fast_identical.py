"""The place finder's fast driver gives exactly what the plain one gave.

:func:`geo.places.find.find_places` builds its per-word columns with comprehensions, tries only
capitalised words as the start of a name, finds Title Case lines by bisecting, skips the glued
article split when the text has none, and remembers what the gazetteer knows each key as. The
plain driver it replaced is kept here, verbatim in behaviour, and both are compared on the seed
articles, a generated corpus (benchmarks/make_corpus.py), sentences written here, and text
generated from a vocabulary of names, connectors, articles, titles and gaps. The rules (every
``_is_place``, ``_common_word``... helper) are shared: only the driving is compared.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.make_corpus import make_corpus  # noqa: E402
from geo.gazetteer.index import ARTICLE_PREFIXES, PlaceIndex, load_gazetteer, name_key  # noqa: E402
from geo.places import find  # noqa: E402
from geo.read.articles import read_corpus  # noqa: E402
from geo.read.document import Document, read_document  # noqa: E402
from geo.read.text import Token, tokenize  # noqa: E402

import re  # noqa: E402

SEEDS = ROOT / "seeds"


# --- The reference: the driver before the fast path, kept verbatim in behaviour. ------------

def reference_find_places(text: str, gazetteer: PlaceIndex, document: Document | None = None) -> list[find.PlaceMention]:
    """Every place, country and nationality name in ``text``, in order, non-overlapping.
    ``document``: the article's :class:`geo.read.document.Document`, to reuse its tokens."""
    tokens = _split_glued_articles(list(document.tokens) if document is not None else tokenize(text))
    n = len(tokens)
    folded = [_fold(t.text) for t in tokens]
    joins = [False] + [_joinable(text, tokens[i - 1], tokens[i]) for i in range(1, n)]
    headlines = _title_case_lines(text, tokens)
    breaks = list(document.breaks) if document is not None else [m.start() for m in re.finditer("\n", text)]
    lower_words = {t.text for t in tokens if t.text.islower()}
    capitalised, written_normally = _capitalised(tokens, folded)
    out: list[find.PlaceMention] = []
    in_headlines: list[find.PlaceMention] = []
    people: set[str] = set()  # names this article uses for people ("Prime Minister Abiy Ahmed")
    i = 0
    while i < n:
        can_start = _can_start(tokens, folded, joins, i)
        match = _longest_match(tokens, folded, joins, i, gazetteer, capitalised) if can_start else None
        if match is None:
            i += 1
            continue
        j, key, kind, variant = match
        start, end = tokens[i].start, tokens[j].end
        accepted = find._is_place(text, tokens, folded, joins, i, j, key, kind, gazetteer) and not (
            kind == "place" and i == j and find._common_word(tokens, folded, i, key, lower_words, gazetteer)
        )
        the_word = j == i + 1 and folded[i] == "the"  # "The Summit", "The Center"
        if accepted and kind == "place" and (i == j or the_word) and find._ordinary_word(text, tokens, folded, j, folded[j], gazetteer):
            accepted = False
        if accepted and kind == "place" and i == j and find._acronym(text, tokens, folded, i, breaks, written_normally):
            accepted = False
        if accepted and variant and i == j:
            # A well-known word ("Nile", "Putin") is not a loose spelling of a village's name.
            accepted = find._introduced(tokens, folded, i) and not gazetteer.is_frequent_word(key)
        if accepted and kind == "place" and i == j and find._speaks(folded, i, key, gazetteer):
            people.add(key)  # "Bassett said": a person; small towns do not speak
            accepted = False
        # In a Title Case headline every word is capitalised, so the glued-name test says
        # nothing ("Isis Retakes Palmyra"): such a name counts if the body names it too.
        headline = not accepted and find._line_of(breaks, start) in headlines
        if headline and find._is_place(text, tokens, folded, joins, i, j, key, kind, gazetteer, glue=False):
            in_headlines.append(find.PlaceMention(text[start:end], start, end, key, kind, False, False, variant=variant))
            i = j + 1
        elif accepted:
            province = (j + 1 < n and folded[j + 1] in find._PROVINCE_WORDS and joins[j + 1]) or (
                i >= 2 and folded[i - 1] == "of" and folded[i - 2] in find._PROVINCE_WORDS
            )
            locative = i > 0 and folded[i - 1] in find._LOCATIVE_WORDS
            dateline = find._is_dateline(text, start, end, breaks)
            initial = find._sentence_initial(text, start)
            out.append(
                find.PlaceMention(text[start:end], start, end, key, kind, province, locative, dateline, "", initial, variant)
            )
            i = j + 1
        else:
            if kind == "place" and i == j and not headline and find._names_a_person(tokens, folded, joins, i, gazetteer):
                people.add(key)
            i = j + 1 if kind != "place" or j > i else i + 1
    return find._qualified(text, find._with_abbreviations(text, find._settled(out, in_headlines, people), gazetteer), gazetteer)


def _capitalised(tokens: list[Token], folded: list[str]) -> tuple[set[str], set[str]]:
    """Folded words the article capitalises ("Syria" for "Syrias"), and of those the ones it
    also writes as a name, not in capitals ("Homs")."""
    capitalised: set[str] = set()
    written_normally: set[str] = set()
    for t, f in zip(tokens, folded):
        if t.text[:1].isupper():
            capitalised.add(f)
            if not t.text.isupper():
                written_normally.add(f)
    return capitalised, written_normally


def _title_case_lines(text: str, tokens: list[Token]) -> set[int]:
    """Line numbers (0-based) written in Title Case, where capitals say nothing of names."""
    words: dict[int, list[str]] = {}
    line, next_break = 0, text.find("\n")
    for t in tokens:
        while next_break != -1 and t.start > next_break:
            line, next_break = line + 1, text.find("\n", next_break + 1)
        if len(t.text) > 3:
            words.setdefault(line, []).append(t.text)
    return {
        number
        for number, found in words.items()
        if len(found) >= 3 and sum(find._is_capitalised(w) for w in found) / len(found) >= 0.75
    }


def _split_glued_articles(tokens: list[Token]) -> list[Token]:
    """"alShughour", "AlSukhnah": a hyphen lost to stripped punctuation leaves the article
    glued to the name; split it back so the name still matches."""
    out: list[Token] = []
    for t in tokens:
        m = find._GLUED_ARTICLE.match(t.text)
        if m and len(t.text) - m.end() >= 3:
            cut = t.start + m.end()
            out.append(Token(t.text[: m.end()], t.start, cut))
            out.append(Token(t.text[m.end() :], cut, t.end))
        else:
            out.append(t)
    return out


def _fold(word: str) -> str:
    if word.isascii():
        return word.replace("'", "").lower()
    return name_key(word) or word.lower()


def _joinable(text: str, left: Token, right: Token) -> bool:
    gap = text[left.end : right.start]
    if gap in {". ", "."} and left.text in find._NAME_ABBREVIATIONS:
        return True  # "St. Louis", "Fort St. John", "Mt. Vernon": the dot is the abbreviation's
    return bool(find._SPACE_GAP.fullmatch(gap) or find._HYPHEN_GAP.fullmatch(gap))


def _can_start(tokens: list[Token], folded: list[str], joins: list[bool], i: int) -> bool:
    word = tokens[i].text
    if not find._is_capitalised(word):
        return False
    if folded[i] in ARTICLE_PREFIXES:
        return folded[i] in find._LEADING_ARTICLES and i + 1 < len(tokens) and joins[i + 1]
    return True


def _longest_match(
    tokens: list[Token], folded: list[str], joins: list[bool], i: int, gazetteer: PlaceIndex, words: set[str]
) -> tuple[int, str, str, tuple[str, ...]] | None:
    """The longest capitalised run from token i that the gazetteer knows: (last token, key,
    kind, spelling variants). Exact keys first; then, for the same length, a possessive written
    without its apostrophe ("Syrias") and a transliteration variant ("Kafr Zeita")."""
    last = i
    while last + 1 < len(tokens) and last + 1 < i + find._MAX_WORDS and joins[last + 1]:
        last += 1
    for j in range(last, i - 1, -1):
        end_word = tokens[j].text
        if not find._is_capitalised(end_word) or folded[j] in ARTICLE_PREFIXES:
            continue
        inner = range(i + 1, j)
        if any(not find._is_capitalised(tokens[k].text) and folded[k] not in find._CONNECTORS for k in inner):
            continue
        key = " ".join(folded[k] for k in range(i, j + 1) if folded[k] not in ARTICLE_PREFIXES)
        if not key:
            continue
        kind = find._kind_of(key, gazetteer)
        if kind:
            return j, key, kind, ()
        base = find._possessive_base(tokens[j].text, key, gazetteer, words)
        if base:
            return j, base[0], base[1], ()
        if len(key) >= 4 and find._variant_span(tokens, folded, i, j):
            variant = find._variant_keys(key, gazetteer)
            if variant:
                return j, key, "place", variant
    return None


# --- Comparisons ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def assert_same(text: str, gazetteer) -> None:
    expected = reference_find_places(text, gazetteer)
    assert find.find_places(text, gazetteer) == expected, text
    assert find.find_places(text, gazetteer, read_document(text)) == expected, text


def _texts(folder: Path) -> list[str]:
    return [o.article.text for o in read_corpus(folder) if o.article is not None]


def test_seed_articles_give_the_reference_places(gazetteer):
    texts = _texts(SEEDS)
    assert len(texts) >= 5
    for text in texts:
        assert_same(text, gazetteer)


def test_generated_articles_give_the_reference_places(tmp_path, gazetteer):
    texts = _texts(make_corpus(40, tmp_path, seed=23, gazetteer=gazetteer))
    assert sum(len(reference_find_places(t, gazetteer)) for t in texts) > 100  # places really are found
    for text in texts:
        assert_same(text, gazetteer)


@pytest.mark.parametrize("text", [
    "Fighters reached alShughour and AlSukhnah; the Al Bab road and Ash Shaddadah were shelled.",
    "ISIS RETAKES PALMYRA FROM Syrian Army\nIsis Retakes Palmyra As Troops Leave\nTroops left Palmyra on Monday.",
    "Flights to St. Louis resumed. He lived in Fort St. John, B.C. and Mt. Vernon, Ind. before.",
    "President Assad met Prime Minister Abiy Ahmed in Addis Ababa. Abiy said so. Bassett said no.",
    "Syrias army shelled Aleppos old city; Turkeys were sold in Drugs Street, Homs.",
    "SANA reported that NATO jets hit HOMS, Syria - and the OCHA office in Homs closed.",
    "They flew from Atlanta, Georgia, to Tbilisi, Georgia and Washington, New York and Boston.",
    "Kafr Zeita and Jisr al-Shughour - near the Atmeh crossing - were hit; in al-Qaryatain city too.",
    "KYIV, Feb 17 (Reuters) - Russian forces shelled Kharkiv.\n\nThe Summit of the Americas met in Summit, New Jersey.",
    "Joaquin \"El Chapo\" Guzman was held in  Sinaloa\u00a0state; \u201cLa Paz\u201d and Le Havre too.",
    "We're in Nice. I've been near Split and the city of Reading, not Reading the news.",
    "",
    "x",
])
def test_written_sentences_give_the_reference_places(text, gazetteer):
    assert_same(text, gazetteer)


_VOCABULARY = (
    "Aleppo Homs Syria Syrian Syrians Paris Georgia Atlanta Washington New York Damascus Al al El Ash "
    "Bab Shughour Jisr Kafr Zeita The the of in near said President Abiy Ahmed Michael Idlib "
    "province city Middle East European Texas Tex. U.S. St. Louis Mt Summit Peace Nice Reading "
    "ISIS NATO HOMS alShughour AlSukhnah Aleppos Syrias Drugs Monday troops killed".split()
)
_GAPS = [" ", " ", " ", ", ", ". ", "-", " - ", "  ", "\n", ".\n", " (", ") ", "; ", "'s "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_VOCABULARY), st.sampled_from(_GAPS)), max_size=40))
def test_generated_text_gives_the_reference_places(gazetteer, parts):
    assert_same("".join(word + gap for word, gap in parts), gazetteer)


@pytest.mark.pure_python
def test_a_resolved_place_copied_with_changes_is_what_replace_gives():
    """The resolver and the filters copy a resolved place (another mention, the province's
    precision, no candidates) without dataclasses.replace; the copy must carry every field (a
    field added later included)."""
    import dataclasses

    from geo.places.resolve import ResolvedPlace, replaced

    first = find.PlaceMention("Homs", 0, 4, "homs", "place", False, True)
    again = find.PlaceMention("Homs", 40, 44, "homs", "place", True, False, initial=True)
    values = {f.name: f"v{k}" for k, f in enumerate(dataclasses.fields(ResolvedPlace))}
    resolved = ResolvedPlace(**{**values, "mention": first})
    assert replaced(resolved) == resolved
    assert replaced(resolved, mention=again) == dataclasses.replace(resolved, mention=again)
    assert replaced(resolved, precision="admin1") == dataclasses.replace(resolved, precision="admin1")
    assert replaced(resolved, mention=again, candidates=()) == dataclasses.replace(resolved, mention=again, candidates=())


def test_ascii_capitals_are_what_isupper_says_of_an_ascii_first_letter():
    """find_places reads an ASCII article's capitalised words by a set look-up, not isupper()."""
    for word in ["", *map(chr, range(128)), "Ab", "aB", "_x"]:
        assert (word[:1] in find._ASCII_CAPITALS) == word[:1].isupper(), repr(word)


# --- The remembered answers: find_places and resolve_places ask the gazetteer through find.RememberedIndex ---------

_ASKED = ["syria", "syrian", "syrians", "aleppo", "the", "summit", "peace", "texas", "middle east", "qqqq", "",
          "us", "britain", "moscow", "kurdish", "nowhereville", "ru"]


def test_remembered_answers_are_the_gazetteers_own_asked_once_or_again():
    gazetteer = load_gazetteer()
    remembered = find.RememberedIndex(gazetteer)
    for _ in range(2):  # the second time from memory
        for key in _ASKED:
            assert remembered.country(key) == gazetteer.country(key), key
            assert remembered.demonym(key) == gazetteer.demonym(key), key
            assert remembered.largest_population(key) == gazetteer.largest_population(key), key
            assert remembered.word_frequency(key) == gazetteer.word_frequency(key), key
            assert remembered.has_key(key) == gazetteer.has_key(key)
            assert remembered.variant_keys(key) == gazetteer.variant_keys(key)
            assert remembered.places(key) == gazetteer.places(key)
            assert remembered.is_frequent_word(key) == gazetteer.is_frequent_word(key)
            assert remembered.is_capital(key, "RU") == gazetteer.is_capital(key, "RU")
            assert remembered.region(key) == gazetteer.region(key)
            assert remembered.region_info(key) == gazetteer.region_info(key)
            assert remembered.area(key) == gazetteer.area(key)
    assert remembered.countries is gazetteer.countries
    for place in gazetteer.places("aleppo")[:3]:
        args = (place.country, place.admin1, place.population)
        assert remembered.is_largest_in_its_region(*args) == gazetteer.is_largest_in_its_region(*args)
    # every question of the protocol is answered (a new one would need a line above)
    asked = {name for name in vars(PlaceIndex) if not name.startswith("_")} - {"countries"}
    assert asked <= {name for name in dir(remembered) if not name.startswith("_")}


def test_one_remembered_index_per_gazetteer_and_none_for_an_index_without_weak_references():
    gazetteer = load_gazetteer()
    assert find.remembered(gazetteer) is find.remembered(gazetteer)
    assert find.remembered(gazetteer).index is gazetteer

    class Fixed:  # a toy index that takes no weak reference
        __slots__ = ()

    fixed = Fixed()
    assert find.remembered(fixed) is fixed  # type: ignore[arg-type]


@pytest.mark.pure_python
def test_remembered_answers_are_forgotten_past_the_bound(monkeypatch):
    remembered = find.RememberedIndex(load_gazetteer())
    for key in ("aleppo", "b2", "c3"):
        remembered.largest_population(key)
    remembered.forget_if_large()
    assert len(remembered._largest) == 3  # under the bound: kept
    monkeypatch.setattr(find, "_MEMORY_LIMIT", 2)
    remembered.forget_if_large()
    assert len(remembered._largest) == 0
    assert remembered.largest_population("aleppo") == load_gazetteer().largest_population("aleppo")  # asked again


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(["SY", "IQ", "TR", "", "US"]), max_size=12),
                 st.lists(st.sampled_from([163808, 170063, 0, 7]), max_size=12)))
def test_counted_and_commonest_give_what_counter_gives(values):
    """The place filters count countries, and the events places, without collections.Counter:
    the same counts, in the same order, and the same most common value (the first met of
    those tied)."""
    from collections import Counter

    from geo.places.filters import commonest, counted

    counts = Counter(values)
    assert list(counted(iter(values)).items()) == list(counts.items())
    assert commonest(counted(values)) == (counts.most_common(1)[0][0] if counts else None)
