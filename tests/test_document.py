"""The Document: one split of an article that every stage reads (examples written for Datelines)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.read import document
from geo.read.document import dateline_at, is_caption, is_furniture, read_document


def test_us_and_u_s_split_alike():
    """"U.S." does not end a sentence: both spellings give one sentence, so a date anchored
    "days after" reads the same day whichever spelling the article uses."""
    for spelling in ("US", "U.S."):
        text = f"Fighters took Newtown on 4 May. {spelling} forces entered, days after Raqqa fell."
        doc = read_document(text)
        assert [doc.sentence_text(i) for i in range(len(doc.sentences))] == [
            "Fighters took Newtown on 4 May.",
            f"{spelling} forces entered, days after Raqqa fell.",
        ]


def test_paragraphs_tokens_and_sentence_lookup():
    doc = read_document("Title line\nFirst one. Second one.\n\nThird one.")
    assert len(doc.paragraphs) == 3
    assert doc.sentence_of(doc.text.index("Second")) == 2
    assert [t.text for t in doc.tokens][:2] == ["Title", "line"]
    assert doc.title_end == len("Title line")


def test_stamp_extends_the_title():
    doc = read_document("Tue 3 Mar 2020 Floods cut the road to Oldtown.\nMore text.")
    assert doc.stamp is not None and doc.title_end >= doc.stamp.end_char


def test_furniture_and_captions_are_marked():
    doc = read_document("Troops entered Oldtown.\nRelated News Floods in Newtown\nIn this photo taken on Monday, smoke rises.")
    assert not doc.is_furniture(0) and doc.is_furniture(1)
    assert doc.is_caption(2) and not doc.is_caption(0)
    assert is_furniture("Share this story | Follow us") and not is_furniture("Troops left the port.")
    assert is_caption("File photo: a market") and not is_caption("Photographers gathered")


def test_one_dateline_detector():
    text = "KYIV, Feb 17 (Reuters) - Troops left.\nIn KYIV, people slept."
    assert dateline_at(text, 0, 4, [text.index("\n")])
    later = text.index("KYIV", 5)
    assert not dateline_at(text, later, later + 4, [text.index("\n")])
    assert read_document(text).is_dateline(0, 4)


def test_byline_is_marked_near_the_top_only():
    doc = read_document("Floods cut Oldtown\nBy Jane Doe and John Roe, Reuters\nWater rose on Monday.")
    assert doc.byline is not None and doc.text[slice(*doc.byline)] == "By Jane Doe and John Roe, Reuters"
    assert read_document("Title\nWater rose, by far the most in years.").byline is None
    far = "\n".join(["Title", "a", "b", "c", "d", "By Jane Doe"])
    assert read_document(far).byline is None


@settings(max_examples=300, deadline=None)
@given(st.from_regex(document.FURNITURE))
def test_every_furniture_match_holds_one_of_the_words_looked_for_first(text):
    """A sentence with none of FURNITURE_WORDS is not searched: each match must hold one."""
    match = document.FURNITURE.search(text).group()
    assert any(w in match for w in document.FURNITURE_WORDS), text
    assert is_furniture(text)
