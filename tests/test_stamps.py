"""Publication stamps at the start of a scraped article's body (geo.read.stamps): found in the
formats pages use, with their offsets; a date of the story is never taken for the stamp.
Every example here is written for this test."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.read.articles import read_corpus
from geo.read.stamps import find_stamp


@pytest.mark.parametrize(
    ("top", "day"),
    [
        ("Tue 3 Mar 2020 Floods cut the coastal road near the port.", dt.date(2020, 3, 3)),
        ("Date of publication 9 May 2019 The council met in the old hall.", dt.date(2019, 5, 9)),
        ("Published March 9 2019 A ferry sank off the island.", dt.date(2019, 3, 9)),
        ("Posted on May 2 2018 by A. Writer Farmers blocked the bridge.", dt.date(2018, 5, 2)),
        ("Last updated at Jan 052019 Police closed the market.", dt.date(2019, 1, 5)),
        ("12.06.2018(updated 1204 12.06.2018) Get short URL 311 Crews cleared the rubble.", dt.date(2018, 6, 12)),
        ("02-10-2019 Storm damages harbour cranes.", dt.date(2019, 10, 2)),
        ("Friday 8 November 2019 14:05 Strikers marched to the ministry.", dt.date(2019, 11, 8)),
        ("2021-04-30 Talks resumed in the capital.", dt.date(2021, 4, 30)),
        ("Harbour strike spreads Reuters Monday 4 Feb 2019 Dock workers walked out.", dt.date(2019, 2, 4)),
    ],
)
def test_a_stamp_opening_the_body_is_read(top, day):
    text = f"A headline about the news\n\n{top} More words follow here.\n"
    stamp = find_stamp(text)
    assert stamp is not None and stamp.date == day
    assert text[stamp.start_char : stamp.end_char] == stamp.text


@pytest.mark.parametrize(
    "text",
    [
        "Ferry sinks\n\nOn 5 May 2019 a ferry sank off the island, officials said.\n",
        "Ferry sinks\n\nA ferry that sank on 5 May 2019 was raised this week.\n",
        "Ferry sinks\n\nOfficials said the ferry sank in May.\n",
        "Ferry sinks\n\nMay 2019 was the wettest month on record.\n",
        "Ferry sinks\n\n31.02.2019 is not a day at all.\n",
    ],
)
def test_no_stamp_is_invented_from_a_story_date_or_a_partial_date(text):
    assert find_stamp(text) is None


def test_an_article_without_manifest_takes_its_stamp_and_says_so(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Bridge reopens\n\nWed 4 Mar 2020 The bridge reopened on Monday after repairs.\n", encoding="utf-8"
    )
    (outcome,) = read_corpus(tmp_path)
    assert (outcome.article.published, outcome.article.published_from) == (dt.date(2020, 3, 4), "text")


def test_the_manifest_wins_over_the_stamp(tmp_path):
    (tmp_path / "articles.csv").write_text("file,title,source,published\na.txt,A,S,2020-03-05\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Bridge reopens\n\nWed 4 Mar 2020 The bridge reopened.\n", encoding="utf-8")
    article = next(o.article for o in read_corpus(tmp_path) if o.article is not None)
    assert (article.published, article.published_from) == (dt.date(2020, 3, 5), "manifest")
