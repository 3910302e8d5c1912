"""The evidence for a date read from another sentence (review issue: "from an earlier sentence:
‹quoted, with the expression highlighted›"): each event carries that sentence as
``date_evidence``, and the dashboard quotes it with the expression marked. The article below
was written for this test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import review_labels
from dashboard.review_panel import _popup_notes
from geo import ingest

ARTICLE = (
    "Shelling in Syria\n\n"
    "On 12 March 2016, government forces shelled the town of Rastan, killing four people. "
    "Rebels said the bombardment of Talbiseh continued into the night, killing two more.\n"
)


def _events(tmp_path: Path) -> pd.DataFrame:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "articles.csv").write_text(
        "file,title,source,published\na.txt,Shelling in Syria,Test Wire,2016-03-14\n", encoding="utf-8"
    )
    return ingest(tmp_path).events


def test_an_event_dated_by_an_earlier_sentence_carries_that_sentence(tmp_path: Path) -> None:
    events = _events(tmp_path).set_index("place_text")
    later = events.loc["Talbiseh"]
    assert later["date_source"] == "context"
    assert later["date_evidence"] == "On 12 March 2016, government forces shelled the town of Rastan, killing four people."
    start = int(later["date_used_char_start"]) - int(later["date_sentence_char_start"])
    end = int(later["date_used_char_end"]) - int(later["date_sentence_char_start"])
    assert later["date_evidence"][start:end] == "On 12 March 2016"
    assert events.loc["Rastan", "date_source"] == "text"
    assert events.loc["Rastan", "date_evidence"] == ""  # its own sentence is the excerpt already


def test_the_label_quotes_the_sentence_with_the_expression_marked(tmp_path: Path) -> None:
    later = _events(tmp_path).set_index("place_text").loc["Talbiseh"]
    label = review_labels.date_source_label(later)
    assert label == (
        "from an earlier sentence: «⟦On 12 March 2016⟧, government forces shelled the town of "
        "Rastan, killing four people.»"
    )


def test_the_popup_line_gives_the_earlier_sentence(tmp_path: Path) -> None:
    events = _events(tmp_path)
    rows = np.arange(len(events))
    notes = _popup_notes(events, rows)
    at = int(np.flatnonzero((events["place_text"] == "Talbiseh").to_numpy())[0])
    assert "date from an earlier sentence: «⟦On 12 March 2016⟧" in notes[str(at)]
    rastan = int(np.flatnonzero((events["place_text"] == "Rastan").to_numpy())[0])
    assert "earlier sentence" not in notes[str(rastan)]


def test_offsets_outside_the_sentence_leave_it_unmarked() -> None:
    event = {
        "date_source": "lead",
        "date_evidence": "Fighting began on 3 May.",
        "date_sentence_char_start": 100,
        "date_used_char_start": 90,  # before the sentence: hand-edited data
        "date_used_char_end": 95,
    }
    assert review_labels.date_source_label(event) == "from the article's lead: «Fighting began on 3 May.»"
    assert review_labels.marked_evidence({**event, "date_used_char_start": None}) == "Fighting began on 3 May."
    assert review_labels.date_source_label({"date_source": "context"}) == "from an earlier sentence"


def test_markup_in_the_evidence_stays_text() -> None:
    event = {
        "date_source": "context",
        "date_evidence": "<img src=x onerror=alert(1)> On 3 May it began.",
        "date_sentence_char_start": 0,
        "date_used_char_start": 29,
        "date_used_char_end": 37,
    }
    assert review_labels.marked_evidence(event) == "<img src=x onerror=alert(1)> ⟦On 3 May⟧ it began."


def test_an_appositive_after_the_place_does_not_date_the_happening():
    from geo.events.dates import date_for
    from geo.dates.find import find_dates
    from geo.places.find import PlaceMention
    from geo.places.resolve import ResolvedPlace
    import datetime as _dt

    text = "On Friday air strikes killed 13 civilians around Oldtown, the site of a chemical attack in April."
    start = text.index("Oldtown")
    mention = PlaceMention("Oldtown", start, start + 7, "oldtown", "place", False, False)
    place = ResolvedPlace(mention, 1, "Oldtown", 0.0, 0.0, "XX", "", "city", ())
    chosen = date_for(place, find_dates(text, _dt.date(2017, 10, 8)), text)
    assert chosen is not None and chosen.text == "On Friday"


def test_a_day_after_with_no_place_after_it_dates_the_place_before_it():
    from geo.events.dates import date_for
    from geo.dates.find import find_dates
    from geo.places.find import PlaceMention
    from geo.places.resolve import ResolvedPlace
    import datetime as _dt

    text = "Rebels said on Tuesday that they were in full control of Oldtown, a day after sweeping into the city."
    start = text.index("Oldtown")
    mention = PlaceMention("Oldtown", start, start + 7, "oldtown", "place", False, False)
    place = ResolvedPlace(mention, 1, "Oldtown", 0.0, 0.0, "XX", "", "city", ())
    chosen = date_for(place, find_dates(text, _dt.date(2025, 1, 28)), text, [start])
    assert chosen is not None and chosen.date == _dt.date(2025, 1, 27)
    # a place after the anchored expression takes it instead: "days after capturing Newtown"
    later = text.replace("sweeping into the city", "capturing Newtown")
    chosen = date_for(place, find_dates(later, _dt.date(2025, 1, 28)), later, [start, later.index("Newtown")])
    assert chosen is not None and chosen.date == _dt.date(2025, 1, 28)
