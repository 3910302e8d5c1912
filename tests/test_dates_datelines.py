"""Publication datelines: ``read_dateline`` gives the date, where it stands in the line, the
label before it and what read it. Lines written for this test."""

from __future__ import annotations

import datetime

import pytest

from geo.dates.find import Dateline, parse_publication_date, read_dateline

D = datetime.date


@pytest.mark.parametrize(
    ("line", "day", "date_text", "label", "read_by"),
    [
        ("Mar 28, 2016", D(2016, 3, 28), "Mar 28, 2016", "", "patterns"),
        ("Published: 19.07.2016 10:31", D(2016, 7, 19), "19.07.2016", "published", "patterns"),
        ("  Updated on Sat Mar 12 2016", D(2016, 3, 12), "Sat Mar 12 2016", "updated on", "patterns"),
        ("Date of publication: 28-Mar-2016", D(2016, 3, 28), "28-Mar-2016", "date of publication", "dateparser"),
    ],
)
def test_read_dateline_says_where_the_date_is_and_its_label(line, day, date_text, label, read_by):
    found = read_dateline(line)
    assert isinstance(found, Dateline)
    assert (found.date, line[found.start_char : found.end_char], found.label, found.read_by) == (
        day, date_text, label, read_by,
    )  # fmt: skip
    assert parse_publication_date(line) == day


@pytest.mark.parametrize(
    "line",
    ["", "The talks opened on 28 March 2016 in a crowded hall, officials said.", "March 28", "Updated"],
)
def test_read_dateline_rejects_prose_and_dates_without_a_year(line):
    assert read_dateline(line) is None and parse_publication_date(line) is None
