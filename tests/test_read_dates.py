"""geo.read_dates: TIMEX3-style spans, types and values. Every example here is our own."""

from __future__ import annotations

import datetime

import pytest

from geo import read_dates
WED = datetime.date(2016, 3, 9)  # a Wednesday in the first quarter


def one(text: str, published: datetime.date | None = WED):
    found = read_dates(text, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "span", "ttype", "value"),
    [
        ("The plant closed on March 2, 2015.", "March 2, 2015", "DATE", "2015-03-02"),
        ("Talks resumed in May 2014.", "May 2014", "DATE", "2014-05"),
        ("The mayor spoke on Monday.", "Monday", "DATE", "2016-03-07"),
        ("Sales fell last week.", "last week", "DATE", "2016-W09"),
        ("Sales fell this week.", "this week", "DATE", "2016-W10"),
        ("Prices rose last year.", "last year", "DATE", "2015"),
        ("Prices rose early this year.", "early this year", "DATE", "2016"),
        ("The bank was founded in the 1990s.", "the 1990s", "DATE", "199"),
        ("Jazz boomed in the '20s.", "the '20s", "DATE", "192"),
        ("Steel ruled the 20th century.", "20th century", "DATE", "19"),
        ("A decade ago the town was empty.", "A decade ago", "DATE", "200"),
        ("Profit rose in the fourth quarter.", "the fourth quarter", "DATE", "2015-Q4"),
        ("Profit rose in the first quarter.", "the first quarter", "DATE", "2016-Q1"),
        ("Exports grew in the first half of 2014.", "the first half of 2014", "DATE", "2014-H1"),
        ("The dam burst last summer.", "last summer", "DATE", "2015-SU"),
        ("The shop opens in spring 2017.", "spring 2017", "DATE", "2017-SP"),
        ("Spending in fiscal 2015 was flat.", "fiscal 2015", "DATE", "2015"),
        ("Protests spread over the weekend.", "the weekend", "DATE", "2016-W09-WE"),
        ("Crowds gathered at Christmas.", "Christmas", "DATE", "2015-12-25"),
        ("Crowds will gather at Easter.", "Easter", "DATE", "2016-03-27"),
        ("Families met for Eid al-Adha 2015.", "Eid al-Adha 2015", "DATE", "2015-09-24"),
        ("The 2010 flood destroyed the bridge.", "2010", "DATE", "2010"),
        ("The October storm destroyed the bridge.", "October", "DATE", "2015-10"),
        ("Shops are now open.", "now", "DATE", "PRESENT_REF"),
        ("He is currently abroad.", "currently", "DATE", "PRESENT_REF"),
        ("She recently moved.", "recently", "DATE", "PAST_REF"),
        ("Things were different in the past.", "the past", "DATE", "PAST_REF"),
        ("The strike lasted for three days.", "three days", "DURATION", "P3D"),
        ("It rained for 24 hours.", "24 hours", "DURATION", "PT24H"),
        ("Prices rose over the past several months.", "the past several months", "DURATION", "PXM"),
        ("They signed a five-year deal.", "five-year", "DURATION", "P5Y"),
        ("The siege went on for years.", "years", "DURATION", "PXY"),
        ("Rents went up in the past year.", "the past year", "DURATION", "P1Y"),
        ("The fair is held every year.", "every year", "SET", "P1Y"),
        ("The paper comes out weekly.", "weekly", "SET", "P1W"),
        ("The club meets each Monday.", "each Monday", "SET", "XXXX-WXX-1"),
        ("The blast came Friday morning.", "Friday morning", "TIME", "2016-03-04TMO"),
        ("The blast came at 3 p.m.", "3 p.m.", "TIME", "2016-03-09T15:00"),
        ("Gates open at 15:00 GMT.", "15:00", "TIME", "2016-03-09T15:00"),
        ("The blast came yesterday morning.", "yesterday morning", "TIME", "2016-03-08TMO"),
        ("Pay is due by the end of the year.", "the end of the year", "DATE", "2016"),
    ],
)
def test_span_type_and_value(text: str, span: str, ttype: str, value: str) -> None:
    t = one(text)
    assert (t.text, t.type, t.value) == (span, ttype, value)


def test_phrase_keeps_the_preposition_and_the_span_leaves_it_out() -> None:
    t = one("The clinic opened in June 2012.")
    assert (t.text, t.phrase) == ("June 2012", "in June 2012")
    assert t.date == datetime.date(2012, 6, 15)
    assert (t.date_start, t.date_end, t.precision) == (
        datetime.date(2012, 6, 1), datetime.date(2012, 6, 30), "month"
    )


def test_ranges_give_both_ends() -> None:
    found = read_dates("The show ran from May 2015 to March 2016.", WED)
    assert [(t.text, t.value) for t in found] == [("May 2015", "2015-05"), ("March 2016", "2016-03")]
    t = one("Talks were held March 7-8 in Geneva.")
    assert (t.text, t.value, t.date_start, t.date_end) == (
        "March 7-8", "2016-03-07", datetime.date(2016, 3, 7), datetime.date(2016, 3, 8)
    )
    assert one("Talks were held on 24 and 25 April 2015.").text == "24 and 25 April 2015"
    found = read_dates("The 1957-58 season was long.", WED)
    assert [(t.text, t.value) for t in found] == [("1957", "1957"), ("58", "1958")]


def test_future_by_tense_and_context() -> None:
    assert one("The dividend is payable Dec. 15.").value == "2016-12-15"
    assert one("Work is expected to be finished by Dec. 15.").value == "2016-12-15"
    assert one("Lawmakers will vote on Thursday.").value == "2016-03-10"
    assert one("Lawmakers voted on Thursday.").value == "2016-03-03"
    assert one("The scheme is to run through June.").value == "2016-06"
    assert one("The scheme ran through June.").value == "2015-06"


def test_precision_of_periods() -> None:
    assert one("Profit rose in the third quarter.").precision == "quarter"
    assert one("The dam burst last summer.").precision == "season"
    assert one("The bank was founded in the 1990s.").precision == "decade"
    t = one("The dam burst last summer.")
    assert (t.date_start, t.date_end) == (datetime.date(2015, 6, 1), datetime.date(2015, 8, 31))


def test_anaphoric_dates_count_from_the_story_time() -> None:
    found = read_dates("The mill opened in 2004. The following year it closed.", WED)
    assert [(t.text, t.value) for t in found] == [("2004", "2004"), ("The following year", "2005")]
    found = read_dates("The flood came on May 3, 2012. Two days later the river fell.", WED)
    assert [(t.text, t.type, t.value) for t in found][1] == ("Two days", "DURATION", "P2D")
    assert found[1].date == datetime.date(2012, 5, 5)


def test_without_an_anchor_anaphors_are_not_dates() -> None:
    t = one("The following year it closed.")
    assert (t.value, t.date, t.precision) == ("FUTURE_REF", None, "undated")


def test_without_a_publication_date_relative_expressions_have_no_days() -> None:
    t = one("Sales fell last week.", None)
    assert t.date is None and t.precision == "undated"
    t = one("The plant closed on March 2, 2015.", None)
    assert t.value == "2015-03-02" and t.date == datetime.date(2015, 3, 2)


def test_words_that_are_not_times() -> None:
    assert read_dates("Leaves fall from trees. Prices may march up.", WED) == []
    assert read_dates("He joined the March on Washington.", WED) == []
    assert read_dates("It cost $2010 and 2015 percent more.", WED) == []


def test_counts_and_ordinals_are_not_times() -> None:
    assert read_dates("More than 2000 people fled.", WED) == []
    assert read_dates("He sold 2000 shares.", WED) == []
    assert one("Turnout in the 2012 elections was low.").value == "2012"
    assert [t.value for t in read_dates("The 2017 budget is larger; 2016 was lean.", None)] == ["2017", "2016"]
    assert read_dates("Both were in their thirties.", WED) == []
    assert one("Rents were low in the thirties.").value == "193"
    assert read_dates("A second attack followed.", WED) == []
    assert read_dates("More than a quarter of voters stayed home.", WED) == []


def test_present_and_recent_references_have_a_window() -> None:
    t = one("Shops are now open.")
    assert (t.date_start, t.date_end) == (datetime.date(2016, 3, 3), WED)
    t = one("She recently moved.")
    assert t.date_start == datetime.date(2015, 12, 10) and t.date_end == WED
    assert one("Things were different in the past.").date is None


def test_a_timestamp_counts_as_its_day() -> None:
    moment = datetime.datetime(2016, 3, 9, 17, 30)
    assert read_dates("Sales fell last week.", moment) == read_dates("Sales fell last week.", WED)


def test_empty_text() -> None:
    assert read_dates("", WED) == []
