"""The fast paths of geo/events/find.py give exactly what the straightforward code gives.

``_triggers``, ``_tolls``, ``_not_a_happening``, ``_hedged`` and ``_sign_words`` search a sentence lower-cased once with
case-sensitive patterns, skip the death-toll patterns whose words a sentence lacks, and cache
tolls per sentence. The straightforward versions (one case-insensitive search per pattern, on
every sentence) are kept here as the reference; they are compared on the seed articles, on a
generated corpus (benchmarks/make_corpus.py), on sentences written here around the characters
that fold unusually, on generated text, and end to end: the GeoJSON of an ingest with the
reference versions patched in is byte for byte the GeoJSON of the fast ones.
"""

from __future__ import annotations

import csv
import re
import shutil
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.make_corpus import make_corpus  # noqa: E402
from geo.events import find as events  # noqa: E402
from geo.read.articles import read_corpus  # noqa: E402
from geo.output.export import to_geojson_bytes  # noqa: E402
from geo.gazetteer.index import load_gazetteer  # noqa: E402
from geo.corpus.ingest import ingest  # noqa: E402
from geo.read.text import split_sentences  # noqa: E402
from geo.read import wordlist  # noqa: E402

SEEDS = ROOT / "seeds"


# --- The reference: the code before the fast paths, kept verbatim in behaviour. -------------

def reference_triggers(sentence: str, offset: int) -> list[tuple[str, int, int]]:
    found = []
    for kind, pattern in events._TRIGGERS:
        for m in pattern.finditer(sentence):
            found.append((kind, offset + m.start(), offset + m.end()))
    return found


def reference_tolls(sentence: str) -> list[tuple[int, int, int]]:
    found = []
    aggregate = bool(events._WAR_WIDE.search(sentence))
    for pattern in events._FATALITY_PATTERNS:
        for m in pattern.finditer(sentence):
            value = events._number(m.group(1))
            if value is None or (1900 <= value <= 2100 and m.group(1).isdigit() and len(m.group(1)) == 4):
                continue
            if aggregate and value >= events._AGGREGATE_TOLL:
                continue
            found.append((value, m.start(), m.end()))
    return found


def reference_not_a_happening(sentence: str) -> bool:
    return bool(events._NOT_A_HAPPENING.search(sentence))


def reference_hedged(sentence: str) -> bool:
    return bool(events._HEDGED.search(sentence))


def reference_sign_words(sentence: str) -> tuple[bool, ...]:
    return (
        reference_hedged(sentence), bool(events._REACTION.search(sentence)), bool(events._CASUALTIES.search(sentence)),
        bool(events._ONGOING.search(sentence)), bool(events._PLANNED.search(sentence)),
    )


def assert_same(sentence: str) -> None:
    assert events._sign_words(sentence) == reference_sign_words(sentence), sentence
    assert events._triggers(sentence, 7) == reference_triggers(sentence, 7), sentence
    assert list(events._tolls(sentence)) == reference_tolls(sentence), sentence
    assert events._not_a_happening(sentence) == reference_not_a_happening(sentence), sentence
    assert events._hedged(sentence) == reference_hedged(sentence), sentence


# --- Fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, gazetteer) -> Path:
    """60 generated inputs with the seed articles in a subfolder, in one manifest."""
    root = make_corpus(60, tmp_path_factory.mktemp("corpus"), seed=11, gazetteer=gazetteer)
    shutil.copytree(SEEDS, root / "seeds")
    (root / "seeds" / "articles.csv").unlink()
    with (SEEDS / "articles.csv").open(encoding="utf-8", newline="") as fh:
        seed_rows = list(csv.DictReader(fh))
    with (root / "articles.csv").open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for row in seed_rows:
            writer.writerow((f"seeds/{row['file']}", row["title"], row["source"], row["published"]))
    return root


def _sentences(folder: Path) -> list[str]:
    out = []
    for outcome in read_corpus(folder):
        if outcome.article is not None:
            text = outcome.article.text
            out.extend(text[s.start : s.end] for s in split_sentences(text))
    return out


# --- Sentence by sentence ---------------------------------------------------------------------

def test_seed_sentences_give_the_reference_answers():
    sentences = _sentences(SEEDS)
    assert len(sentences) > 50
    for sentence in sentences:
        assert_same(sentence)


def test_generated_sentences_give_the_reference_answers(corpus):
    sentences = _sentences(corpus)
    assert len(sentences) > 500
    assert sum(bool(reference_tolls(s)) for s in sentences) > 10  # tolls really are exercised
    for sentence in sentences:
        assert_same(sentence)


@pytest.mark.parametrize("sentence", [
    "Air strikes KILLED at least 12 people in Oldtown on Monday.",
    "The Death Toll Rose To 40 after the SHELLING of the market.",
    "Fighters were ſeen as the town fell; 12 civilians were ſlain.",  # long s: re.I reads it as s
    "Rebels attacked the base and kılled 30 soldiers.",  # dotless ı: re.I reads it as i
    "İstanbul police arrested 20 protesters; 3 people dead.",  # dotted İ: lower() makes two characters
    "A drone strike (\u212aILLED 5) hit the convoy.",  # the Kelvin sign folds to k
    "“They would never retreat,” the commander said of the siege in Ḥalab, where 8 were killed.",
    "Straße blockiert: 14 people killed, Ärzte say, in the STRASSE clashes.",
    "The war has killed 350,000 people; on Monday a blast killed twelve.",
    "Nothing happened here.",
    "",
])
def test_sentences_with_unusual_letters_give_the_reference_answers(sentence):
    assert_same(sentence)


_PIECES = [
    "killed", "KILLED", "Killing", "dead", "deaths", "death toll", "Death Toll of", "claimed the lives of",
    "massacred", "slain", "lost", "at least", "12", "1,200", "2019", "twelve", "dozens of", "people",
    "soldiers were", "were", "war", "strikes", "Air Raid", "clashes with police", "protesters",
    "would", "may", "allegedly", "Reportedly", "said to", "previous", "to date",
    "air", "Airstrike", "be hit", "Launched in", "launched", "counter-attacks", "o'bomb", "bomb's", "gunmen",
    "3bomb", "_shelled", "clashes with", "took", "over", "mass killings of civilians", "ſ", "ı", "İ", "\u212a", "é", "’", "“", "-", ",", ".", " ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(alphabet=string.ascii_letters + " ", max_size=6), max_size=25))
def test_generated_text_gives_the_reference_answers(pieces):
    assert_same(" ".join(pieces))
    assert_same("".join(pieces))


def test_the_fold_traps_are_every_character_lower_does_not_fold_like_ignorecase():
    """Over all of Unicode: a character lower() keeps one character long folds, under
    re.IGNORECASE, to an ASCII letter only as lower() does, unless it is one of the traps;
    and it is a word character (for \\b) exactly when its lower case is."""
    chars = "".join(chr(c) for c in range(0x80, 0x110000) if len(chr(c).lower()) == 1)
    for letter in string.ascii_lowercase:
        for m in re.finditer(letter, chars, re.IGNORECASE):
            c = m.group()
            assert c.lower() == letter or c in events._FOLD_TRAPS, (letter, hex(ord(c)))
    lowered = chars.lower()
    assert len(lowered) == len(chars)
    word = [m.start() for m in re.finditer(r"\w", chars)]
    assert word == [m.start() for m in re.finditer(r"\w", lowered)]


# --- End to end -------------------------------------------------------------------------------

@pytest.mark.pure_python
def test_ingest_with_the_reference_code_gives_the_same_geojson(corpus, gazetteer, monkeypatch):
    fast = to_geojson_bytes(ingest(corpus, gazetteer=gazetteer).events)
    with monkeypatch.context() as patch:
        patch.setattr(events, "_triggers", reference_triggers)
        patch.setattr(events, "_tolls", reference_tolls)
        patch.setattr(events, "_not_a_happening", reference_not_a_happening)
        patch.setattr(events, "_hedged", reference_hedged)
        slow = to_geojson_bytes(ingest(corpus, gazetteer=gazetteer).events)
    assert fast.count(b'"Feature"') > 100
    assert fast == slow


@pytest.mark.parametrize(("pattern", "letters"), [
    ("ab|c(?:d|e)f|(?:x|y)z", "acxy"),
    ("kill(?:ed|s)?|air ?strikes?", "ak"),
    (r"\d+|a", None),  # not a letter: no guard
    ("a?b|c", None),  # an optional first letter: anything may lead
    ("(?:a|b)?c", None),
    ("(?:a|[bc])d", None),
])
def test_first_letters_of_a_word_list(pattern, letters):
    assert wordlist.first_letters(pattern) == letters


@pytest.mark.parametrize(("pattern", "texts"), [
    ("air ?strikes?", {"air strike", "air strikes", "airstrike", "airstrikes"}),
    ("gunm[ae]n|(?:was|be) hit", {"gunman", "gunmen", "was hit", "be hit"}),
    ("launch(?:ed)?(?! in)|counter-attacks?", {"launch", "launched", "counter-attack", "counter-attacks"}),
    (r"\bkill\w*\b", {"\\bkill" + wordlist.OPEN}),  # anything may follow
    ("a+b", {wordlist.OPEN}),
    (r"a\s+b|c(?-i:D)", {"a" + wordlist.OPEN, "c" + wordlist.OPEN}),
    ("[^a]b|(?<!x)(?P<n>y)z$", {wordlist.OPEN, "yz"}),
])
def test_expansions_of_a_word_list(pattern, texts):
    assert wordlist.expansions(pattern) == texts


@pytest.mark.parametrize(("pattern", "words", "prefixes"), [
    (r"(?=[ao])\bair ?strikes?\b|\bo'clock", {"air", "airstrike", "airstrikes", "o"}, ()),
    (r"\b(?:was|be) hit\b", {"was", "be"}, ()),
    (r"\b(?:condemn\w*|probe)\b", {"probe"}, ("condemn",)),
    (r"\bkill", set(), ("kill",)),  # no boundary after it: "killed" too
    (r"\b(?:9/11|x)\b", None, None),  # a match may start with a digit
    (r"kill\b", None, None),  # or inside a word ("overkill")
])
def test_first_words_of_a_word_list(pattern, words, prefixes):
    got = wordlist.first_words(pattern)
    assert got == (None if words is None else (frozenset(words), prefixes))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([r"\b(?:condemn\w*|probe)\b", r"(?=[ab])\b(?:a ?b|b(?:c|d)?)\b", r"\ba", r"\b(?:ab|a)(?! c)"]),
    st.lists(st.sampled_from(["a", "b", "ab", "abc", "c", "bd", "condemned", "probe", "3a", "_b", "a'b", "é"]), max_size=12),
    st.sampled_from([" ", "-", "", "  "]),
)
def test_a_word_list_finds_what_its_pattern_finds(pattern, pieces, glue):
    text = glue.join(pieces)
    words = wordlist.WordList(pattern)
    assert not words.everywhere
    starts = wordlist.word_starts(text)
    assert words.finditer(text, starts) == [m.span() for m in re.finditer(pattern, text)]
    assert words.search(text, starts) == (re.search(pattern, text) is not None)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abz AZ'-,.\n\t\x1c09_é") + ["ß", "İ"]), max_size=40))
def test_word_starts_are_the_runs_of_a_to_z_with_their_offsets(text):
    """word_starts splits ASCII text without a regex; any text gives what [a-z]+ finds."""
    assert wordlist.word_starts.__wrapped__(text) == [(m.start(), m.group()) for m in re.finditer("[a-z]+", text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abz AZ'-,.\n\t\x1c09_é") + ["ß", "İ"]), max_size=40), st.data())
def test_letter_runs_of_a_stretch_are_what_finditer_finds_there(text, data):
    """The date scanner lists the runs before a core word with letter_runs: a run cut by
    either end of the stretch counts as cut, as LETTER_RUNS.finditer(text, start, end) reads it."""
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    expected = [(m.start(), m.group()) for m in wordlist.LETTER_RUNS.finditer(text, start, end)]
    assert wordlist.letter_runs(text, start, end) == expected


GROUPED = [r"\b(?:condemn\w*|probe)\b", r"(?=[ab])\b(?:a ?b|b(?:c|d)?)\b", r"\d+", r"\ba", r"\b(?:ab|a)(?! c)"]
GROUP = wordlist.WordLists([wordlist.WordList(p) for p in GROUPED])  # one, so its memory of words is tested too


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "ab", "abc", "c", "bd", "condemned", "probe", "3a", "_b", "a'b", "é", "12"]),
             max_size=12),
    st.sampled_from([" ", "-", "", "  "]),
)
def test_word_lists_searched_together_find_what_each_pattern_finds(pieces, glue):
    """_triggers and _sign_words look each word up once for all their lists (WordLists)."""
    text = glue.join(pieces)
    assert GROUP.lists[2].everywhere  # "\d+" may begin with no word: searched everywhere
    assert GROUP.finditer(text, wordlist.word_starts(text)) == [
        [m.span() for m in re.finditer(p, text)] for p in GROUPED
    ]
    assert GROUP.search(text, wordlist.word_starts(text)) == [re.search(p, text) is not None for p in GROUPED]


@pytest.mark.parametrize("index", range(len(events._LEXICON)))
def test_every_lexicon_match_starts_with_one_of_its_first_words(index):
    """_triggers tries a type's pattern only where one of these words starts."""
    kind, pattern = events._LEXICON[index]
    words = events._TRIGGERS_LOWER[index][1]
    assert not words.everywhere and words.words, kind  # the lexicon is plain: every type has its list

    @settings(max_examples=200, deadline=None)
    @given(st.from_regex(re.compile(rf"(?:{pattern})"), fullmatch=True))
    def check(text):
        lead = re.match("[a-z]*", text).group()
        assert lead in words.words or lead.startswith(words.prefixes or ("\0",)), (kind, text)

    check()


@pytest.mark.parametrize("index", range(len(events._LEXICON)))
def test_every_lexicon_word_starts_with_a_letter_of_its_guard(index):
    kind, pattern = events._LEXICON[index]
    letters = wordlist.first_letters(pattern)
    assert letters, kind
    assert events._TRIGGERS_LOWER[index][1].pattern.pattern.startswith(f"(?=[{letters}])")

    @settings(max_examples=200, deadline=None)
    @given(st.from_regex(re.compile(pattern), fullmatch=True))
    def check(word):
        assert word[:1] in set(letters), (kind, word)

    check()


def test_assessed_is_dataclasses_replace(gazetteer):
    """events._assessed builds what dataclasses.replace builds, field for field."""
    import dataclasses

    from geo.corpus.ingest import process_article

    article = next(o.article for o in read_corpus(SEEDS) if o.article is not None)
    event = process_article(article, gazetteer).events[0]
    assert len(dataclasses.fields(events.Event)) == 18  # _assessed lists every field
    built = events._assessed(event, "background", 0.25, ("a",), ("b", "c"))
    assert built == dataclasses.replace(
        event, event_kind="background", confidence=0.25, review_reasons=("a",), signs=("b", "c")
    )


# --- Guards: the patterns searched in the words before a place --------------------------------

from geo.places import filters  # noqa: E402
from geo.read.wordlist import Guard  # noqa: E402

_GUARDED = {
    name: getattr(filters, name)
    for name in ("_AFFILIATION_BEFORE", "_REGION_BEFORE")
}
_FILLER = ["The", "Oldtown", "Newtown", "of", "to", "the", "al-", "in", "and", "from", "on", "ſ", "İ", "3", ",", "-", "’"]


@pytest.mark.parametrize("name", sorted(_GUARDED))
def test_a_guard_answers_what_its_pattern_answers(name):
    guard = _GUARDED[name]
    assert not guard.everywhere, name  # each has words its matches begin with
    vocabulary = sorted(guard.words) + list(guard.prefixes) + [w.upper() for w in guard.prefixes] + _FILLER

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(vocabulary), max_size=10), st.sampled_from([" ", "  ", "", "\n"]))
    def check(pieces, glue):
        text = glue.join(pieces) + glue
        want = guard.pattern.search(text)
        got = guard.search(text)
        assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups())), text

    check()


def test_a_guard_finds_what_its_pattern_finds_before_real_places():
    """Every place of the seed articles: the 60 characters before it, searched both ways."""
    texts = [o.article.text for o in read_corpus(SEEDS) if o.article is not None]
    windows = [t[max(0, i - 60) : i] for t in texts for i in range(0, len(t), 7)]
    matched = 0
    for guard in [*_GUARDED.values(), *(Guard(getattr(filters, n)) for n in ("_ROUTE_END_BEFORE", "_DESTINATION_BEFORE"))]:
        got = [guard.search(w) for w in windows]
        want = [guard.pattern.search(w) for w in windows]
        assert [m and (m.span(), m.groups()) for m in got] == [m and (m.span(), m.groups()) for m in want]
        matched += sum(m is not None for m in got)
    assert matched >= 5, "the seeds' windows hold matches"
