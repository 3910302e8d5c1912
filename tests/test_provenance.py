"""Provenance in the output (issue 8): the date expression an event was dated by, also when
it stood in an earlier sentence, and why the other candidate places lost. Toy index and text
written for Datelines."""

import datetime as dt

from geo.read.articles import Article
from geo.output.frame import events_to_frame
from geo.gazetteer.index import Place
from geo.corpus.ingest import process_article
from geo.schema import EVENT_PROPERTIES
from tests.test_place_index import ToyIndex


class TwoOldtowns(ToyIndex):
    """Two towns named Oldtown: a large one and a small one far away."""

    _small = Place(1, 7, "Oldtown", -30.0, 120.0, "XX", "02", 900)

    def places(self, key):
        return (self._town, self._small) if key == "oldtown" else ()


def _frame(text: str):
    article = Article(id="a", text=text, title="", source="", published=dt.date(2021, 5, 9), url=None,
                      file="a.txt", published_from="manifest")
    return events_to_frame(list(process_article(article, TwoOldtowns()).events))


def test_a_context_date_points_at_its_earlier_sentence():
    text = "Headline\nFighting broke out on 3 May 2021 in the hills. Rebels shelled Oldtown, killing four."
    row = _frame(text).iloc[0]
    assert row["date_source"] == "context" and row["date_text"] == ""
    used = text[row["date_used_char_start"] : row["date_used_char_end"]]
    assert used.endswith("3 May 2021")  # the date stage's span of the expression ("on 3 May 2021")
    sentence = text[row["date_sentence_char_start"] : row["date_sentence_char_end"]]
    assert sentence == "Fighting broke out on 3 May 2021 in the hills."
    assert row["published_from"] == "manifest"


def test_an_own_date_and_a_publication_fallback():
    own = _frame("Headline\nRebels shelled Oldtown on 3 May 2021.").iloc[0]
    assert own["date_source"] == "text" and own["date_used_char_start"] == own["date_char_start"]
    fallback = _frame("Headline\nRebels shelled Oldtown.").iloc[0]
    assert fallback["date_source"] == "published"
    assert fallback["date_used_char_start"] is None or str(fallback["date_used_char_start"]) == "<NA>"


def test_why_the_other_candidate_lost():
    row = _frame("Headline\nRebels shelled Oldtown on 3 May 2021.").iloc[0]
    assert row["geonameid"] == 42
    assert row["place_candidates"] == "7 Oldtown XX"
    assert row["place_candidates_lost"] == "smaller"
    assert list(_frame("x").columns)[: len(EVENT_PROPERTIES)] == list(EVENT_PROPERTIES)
