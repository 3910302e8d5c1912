"""dashboard.review_labels: honest date labels, where a date came from, the alternatives a
place beat, the queue's order and the review filters — pure functions, no browser."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.review_labels import (
    date_range_label,
    date_source_label,
    event_label,
    place_candidates,
    queue_rows,
    review_mask,
)


def test_ranges_are_labelled_honestly_never_as_their_first_month():
    assert date_range_label("2016-03-21", "2016-03-21", "day") == "21 Mar 2016"
    assert date_range_label("2016-03-21", "2016-03-27", "week") == "week of 21 Mar 2016"
    assert date_range_label("2016-03-01", "2016-03-31", "month") == "Mar 2016"
    assert date_range_label("2015-05-01", "2016-03-31", "month") == "May 2015 – Mar 2016"
    assert date_range_label("2016-01-01", "2016-12-31", "year") == "2016"
    assert date_range_label("2016-03-05", "2016-04-10", "month") == "5 Mar 2016 – 10 Apr 2016"
    assert date_range_label(None, None, "undated") == "undated"


def test_the_date_source_is_said_with_the_expression():
    assert date_source_label({"date_source": "text", "date_text": "on Sunday"}) == "from this sentence: «on Sunday»"
    assert date_source_label({"date_source": "context", "date_text": "last May"}) == "from an earlier sentence: «last May»"
    assert date_source_label({"date_source": "published", "published": "2016-03-28"}) == (
        "the week before publication (28 Mar 2016)")


def test_alternatives_are_read_from_place_candidates():
    found = place_candidates("170592 Madaya SY;1312649 Madaya MM;123 Santos Dumont BR;junk")
    assert [(c.geonameid, c.name, c.country) for c in found] == [
        (170592, "Madaya", "SY"), (1312649, "Madaya", "MM"), (123, "Santos Dumont", "BR")]
    assert found[0].label == "Madaya, SY (GeoNames 170592)"
    assert place_candidates(None) == []


def _events(**columns) -> pd.DataFrame:
    base = {
        "id": ["a", "b", "c", "d"], "country": ["SY", "IQ", "SY", None],
        "date_source": ["text"] * 4, "place_candidates": [""] * 4, "place_precision": ["city"] * 4,
        "date_precision": ["day"] * 4, "review_status": ["unreviewed", "confirmed", "unreviewed", "rejected"],
    }  # fmt: skip
    base.update(columns)
    return pd.DataFrame(base)


def test_the_queue_is_unreviewed_events_least_confident_first():
    events = _events(confidence=[0.9, 0.1, 0.4, 0.2])
    assert queue_rows(events, np.ones(4, bool)).tolist() == [2, 0]
    assert queue_rows(events, np.array([True, True, False, True])).tolist() == [0]
    without = _events(date_source=["text", "text", "published", "text"]).drop(columns="review_status")
    assert queue_rows(without, np.ones(4, bool)).tolist() == [2, 0, 1, 3]  # no confidence: a stand-in


def test_review_filters_hide_rejected_unless_asked_and_filter_countries_both_ways():
    events = _events()
    assert review_mask(events).tolist() == [True, True, True, False]
    assert review_mask(events, show_rejected=True).tolist() == [True] * 4
    assert review_mask(events, statuses=["rejected"]).tolist() == [False, False, False, True]
    assert review_mask(events, countries=["SY"]).tolist() == [True, False, True, False]
    assert review_mask(events, countries=["SY"], exclude_countries=True).tolist() == [False, True, False, False]


def test_event_label_names_date_place_type_and_title():
    label = event_label({"date_start": "2016-03-21", "date_end": "2016-03-27", "date_precision": "week",
                         "place": "Tadmur", "event_type": "battles", "title": "x" * 80})
    assert label.startswith("week of 21 Mar 2016 · Tadmur · battles · ") and label.endswith("…")


def test_popup_notes_carry_status_confidence_reasons_and_alternatives():
    from dashboard.review_panel import _popup_notes

    events = _events(confidence=[0.42, None, 0.9, 0.1],
                     review_reasons=[["two towns named Madaya", "<b>date</b> from context"], None, "", "x"],
                     place_candidates=["1312649 Madaya MM", "", "", ""])
    notes = _popup_notes(events, np.array([0, 1, 2]))
    assert notes["0"] == ("Review: unreviewed · confidence 0.42 · check: two towns named Madaya; <b>date</b> from context"
                          " · beat Madaya (MM)")
    assert notes["1"] == "Review: confirmed"
    assert notes["2"] == "Review: unreviewed · confidence 0.90"
    assert set(notes) == {"0", "1", "2"}
    plain = _popup_notes(_events().drop(columns="review_status"), np.array([3]))  # before any review
    assert plain == {"3": "Review: unreviewed"}


def test_two_reports_of_one_sentence_read_differently_in_the_picker():
    from dashboard.review_labels import picker_label

    report = {"date_start": "2016-03-21", "date_end": "2016-03-27", "date_precision": "week",
              "place": "Palmyra", "event_type": "battles", "title": "Army retakes Palmyra"}
    assert event_label(report) == event_label(dict(report))
    assert picker_label(report, 3) != picker_label(dict(report), 4)
