"""Issue 8: one sentence splitter. The date reader and the events stage see the same sentences,
so an abbreviation with full stops ("U.S.") does not end a sentence for one and not the other.
Examples written for this test."""

from __future__ import annotations

import datetime as dt

from geo.dates.find import find_dates
from geo.read.document import read_document

WEDNESDAY = dt.date(2016, 3, 16)


def test_an_abbreviation_does_not_cut_the_sentence_a_date_reads_its_tense_from() -> None:
    dotted = find_dates("Talks will resume with the U.S. on Friday.", WEDNESDAY)
    plain = find_dates("Talks will resume with the US on Friday.", WEDNESDAY)
    assert [m.date for m in dotted] == [m.date for m in plain] == [dt.date(2016, 3, 18)]


def test_the_dates_of_an_article_are_the_same_with_its_documents_sentences() -> None:
    text = (
        "Envoys met in Geneva on Monday.\n\n"
        "Mr. Smith said the U.S. would send aid on Friday. Fighting near Aleppo began last week, "
        "days after the talks of 2 March."
    )
    document = read_document(text)
    assert find_dates(text, WEDNESDAY, sentences=document.sentences) == find_dates(text, WEDNESDAY)
