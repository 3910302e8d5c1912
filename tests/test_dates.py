"""Reading dates: the seed articles' known dates, each kind of expression, and what is not a date."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest

from geo.dates.find import DateMention, find_dates, parse_publication_date

D = datetime.date
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _published() -> dict[str, D]:
    with (SEEDS / "articles.csv").open(encoding="utf-8", newline="") as f:
        return {row["file"][:3]: D.fromisoformat(row["published"]) for row in csv.DictReader(f)}


PUBLISHED = _published()


def seed(number: str) -> tuple[str, list[DateMention]]:
    """The text of seed article ``number`` ("000".."004") and its date mentions."""
    (path,) = SEEDS.glob(f"{number}_*.txt")
    text = path.read_text(encoding="utf-8")
    return text, find_dates(text, PUBLISHED[number])


def mention_at(text: str, mentions: list[DateMention], phrase: str, nth: int = 0) -> DateMention:
    """The mention that overlaps the ``nth`` occurrence of ``phrase`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    end = start + len(phrase)
    hits = [m for m in mentions if m.start_char < end and m.end_char > start]
    assert len(hits) == 1, f"{phrase!r}: expected one mention, got {hits}"
    return hits[0]


def only(text: str, published: D | None = D(2016, 3, 28)) -> DateMention:
    """The single mention in a short text."""
    mentions = find_dates(text, published)
    assert len(mentions) == 1, f"{text!r}: expected one mention, got {mentions}"
    return mentions[0]


def interval(m: DateMention) -> tuple[D | None, D | None]:
    return m.date_start, m.date_end


# --- seed truths ------------------------------------------------------------------------------


def test_seed_000_wednesday_days_after_last_week_since_april() -> None:
    text, ms = seed("000")
    wednesday = mention_at(text, ms, "on Wednesday")
    assert (wednesday.date, wednesday.precision, wednesday.role) == (D(2015, 5, 20), "day", "point")
    ramadi = mention_at(text, ms, "days after also capturing")
    assert ramadi.role == "anchored" and ramadi.precision == "week"
    assert D(2015, 5, 13) <= ramadi.date_start <= ramadi.date <= ramadi.date_end <= D(2015, 5, 19)  # type: ignore[operator]
    last_week = mention_at(text, ms, "last week")
    assert last_week.date_start <= D(2015, 5, 20) <= last_week.date_end  # type: ignore[operator]
    assert last_week.precision == "week"
    since = mention_at(text, ms, "since April")
    assert since.role == "since" and since.date_start == D(2015, 4, 1)


def test_seed_001_months_ago_last_march_saturday_range_last_may() -> None:
    text, ms = seed("001")
    ago = mention_at(text, ms, "nine months ago")
    assert ago.precision == "month" and interval(ago) == (D(2016, 3, 1), D(2016, 3, 31))
    march = mention_at(text, ms, "last March")
    assert march.precision == "month" and interval(march) == (D(2016, 3, 1), D(2016, 3, 31))
    assert mention_at(text, ms, "on Saturday").date == D(2016, 12, 10)
    held = mention_at(text, ms, "from May 2015 to March 2016")
    assert held.text == "from May 2015 to March 2016" and held.role == "range"
    assert interval(held) == (D(2015, 5, 1), D(2016, 3, 31))
    may = mention_at(text, ms, "last May")
    assert interval(may) == (D(2016, 5, 1), D(2016, 5, 31))


def test_seed_002_march_sunday_saturday_mid_2015_2011_last_year() -> None:
    text, ms = seed("002")
    march = mention_at(text, ms, "in March")
    assert (march.date_start, march.precision) == (D(2016, 3, 1), "month")
    assert mention_at(text, ms, "on Sunday").date == D(2016, 12, 11)
    assert mention_at(text, ms, "midnight on Saturday").date == D(2016, 12, 10)
    mid = mention_at(text, ms, "mid-2015")
    assert mid.date == D(2015, 7, 1) and mid.date_start.year == mid.date_end.year == 2015  # type: ignore[union-attr]
    assert mid.date_start > D(2015, 1, 1) and mid.date_end < D(2015, 12, 31)  # type: ignore[operator]
    in_2011 = mention_at(text, ms, "in 2011")
    assert in_2011.precision == "year" and interval(in_2011) == (D(2011, 1, 1), D(2011, 12, 31))
    assert not in_2011.relative
    last_year = mention_at(text, ms, "last year")
    assert last_year.precision == "year" and last_year.date.year == 2015  # type: ignore[union-attr]


def test_seed_003_saturday_months_ago_may_last_year_yesterday_future_thursday() -> None:
    text, ms = seed("003")
    assert mention_at(text, ms, "on Saturday").date == D(2016, 12, 10)
    ago = mention_at(text, ms, "nine months ago")
    assert (ago.date.year, ago.date.month, ago.precision) == (2016, 3, "month")  # type: ignore[union-attr]
    may = mention_at(text, ms, "In May last year")
    assert interval(may) == (D(2015, 5, 1), D(2015, 5, 31))
    assert mention_at(text, ms, "yesterday").date == D(2016, 12, 11)
    assert mention_at(text, ms, "on Thursday").date == D(2016, 12, 15)  # "prepares to host"


def test_seed_004_the_lot() -> None:
    text, ms = seed("004")
    assert mention_at(text, ms, "yesterday").date == D(2016, 3, 27)
    assert interval(mention_at(text, ms, "in May last year")) == (D(2015, 5, 1), D(2015, 5, 31))
    assert mention_at(text, ms, "On Thursday").date == D(2016, 3, 24)
    june = mention_at(text, ms, "since June 2014")
    assert june.role == "since" and june.date_start == D(2014, 6, 1) and not june.relative
    assert interval(mention_at(text, ms, "in 2013")) == (D(2013, 1, 1), D(2013, 12, 31))
    assert mention_at(text, ms, "Tikrit last year").date.year == 2015  # type: ignore[union-attr]
    assert interval(mention_at(text, ms, "in February")) == (D(2016, 2, 1), D(2016, 2, 29))
    ramadi = mention_at(text, ms, "three months after")
    assert ramadi.role == "anchored" and ramadi.precision == "month"
    assert interval(ramadi) == (D(2015, 12, 1), D(2015, 12, 31))
    assert interval(mention_at(text, ms, "last September")) == (D(2015, 9, 1), D(2015, 9, 30))
    assert mention_at(text, ms, "last week").precision == "week"
    weekend = mention_at(text, ms, "from Friday to Saturday")
    assert weekend.role == "range" and interval(weekend) == (D(2016, 3, 25), D(2016, 3, 26))
    ceasefire = mention_at(text, ms, "since Feb 27")
    assert ceasefire.role == "since" and ceasefire.date_start == D(2016, 2, 27)


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_seed_noise_gets_no_date(number: str) -> None:
    text, ms = seed(number)
    noise = [
        "for 10 months", "During the 10 months", "24 hours", "five-year war",
        "four-year-old", "six years of civil war", "one a minute", "early second millennium",
        "2,000-year-old", "first and second century", "82-year-old", "120,000", "50,000",
        "it looks like we have", "a week-long siege", "a year of setbacks", "days of fighting",
    ]  # fmt: skip
    for phrase in noise:
        if phrase in text:
            start = text.index(phrase)
            hits = [m for m in ms if m.start_char < start + len(phrase) and m.end_char > start]
            assert not hits, f"{phrase!r} in {number} became {hits}"


def test_dateline_at_the_top_of_seed_004_is_a_mention_and_a_dateline() -> None:
    text, ms = seed("004")
    assert mention_at(text, ms, "Mar 28, 2016").date == D(2016, 3, 28)
    first_lines = [line for line in text.splitlines() if line.strip()][:3]
    assert [parse_publication_date(line) for line in first_lines] == [None, D(2016, 3, 28), None]


# --- each kind of expression ------------------------------------------------------------------

MON_2016_03_28 = D(2016, 3, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened on Monday.", D(2016, 3, 28)),  # the publication weekday is publication day
        ("It happened on Sunday.", D(2016, 3, 27)),
        ("It happened on Tuesday.", D(2016, 3, 22)),
        ("It happened last Monday.", D(2016, 3, 21)),
        ("It happened last Sunday.", D(2016, 3, 20)),  # on a Monday "yesterday" names the 27th
        ("It happened last Saturday.", D(2016, 3, 26)),
        ("It happened WEDNESDAY NIGHT.", D(2016, 3, 23)),
        ("Talks will resume on Wednesday.", D(2016, 3, 30)),
        ("The summit is scheduled for Monday.", D(2016, 3, 28)),
        ("Ministers meet next Monday.", D(2016, 4, 4)),
        ("On Friday, ministers are to meet in Geneva.", D(2016, 4, 1)),
        ("On Friday, he announced that troops would be sent.", D(2016, 3, 25)),
        ("The next day, Saturday, was calm.", D(2016, 3, 26)),  # narrative "next day" is past
        ("It rained yesterday.", D(2016, 3, 27)),
        ("It rained today.", D(2016, 3, 28)),
        ("It will rain tomorrow.", D(2016, 3, 29)),
        ("It rained last night.", D(2016, 3, 27)),
        ("It rained the day before yesterday.", D(2016, 3, 26)),
        ("The truce began on 20 May 2015.", D(2015, 5, 20)),
        ("The truce began on May 20, 2015.", D(2015, 5, 20)),
        ("The truce began on Wednesday, May 20, 2015.", D(2015, 5, 20)),
        ("The truce began on 20th of May 2015.", D(2015, 5, 20)),
        ("The truce began on 2015-05-20.", D(2015, 5, 20)),
        ("The truce began on 20.05.2015.", D(2015, 5, 20)),
        ("The truce began on 05/20/2015.", D(2015, 5, 20)),  # month first only when day > 12
        ("The truce began on Feb 27.", D(2016, 2, 27)),
        ("The truce began on 27 February.", D(2016, 2, 27)),
        ("The truce began on Dec 27.", D(2015, 12, 27)),  # the latest on or before publication
        ("The truce will begin on April 2.", D(2016, 4, 2)),
        ("THE TRUCE BEGAN ON 20 MAY 2015", D(2015, 5, 20)),
        ("the truce began on Wednesday May 20 2015", D(2015, 5, 20)),  # punctuation stripped
    ],
)
def test_days(text: str, expected: D) -> None:
    m = only(text, MON_2016_03_28)
    assert (m.date, m.date_start, m.date_end, m.precision) == (expected, expected, expected, "day")


@pytest.mark.parametrize(
    ("text", "precision", "start", "end"),
    [
        ("It fell in March.", "month", D(2016, 3, 1), D(2016, 3, 31)),  # this month: on or before
        ("It fell last March.", "month", D(2015, 3, 1), D(2015, 3, 31)),  # strictly before
        ("It fell in April.", "month", D(2015, 4, 1), D(2015, 4, 30)),
        ("It will fall in April.", "month", D(2016, 4, 1), D(2016, 4, 30)),
        ("It fell in June 2014.", "month", D(2014, 6, 1), D(2014, 6, 30)),
        ("It fell in Sept. 2014.", "month", D(2014, 9, 1), D(2014, 9, 30)),
        ("It fell in May last year.", "month", D(2015, 5, 1), D(2015, 5, 31)),
        ("It fell May last year.", "month", D(2015, 5, 1), D(2015, 5, 31)),
        ("It fell in January this year.", "month", D(2016, 1, 1), D(2016, 1, 31)),
        ("It fell last month.", "month", D(2016, 2, 1), D(2016, 2, 29)),
        ("It falls next month.", "month", D(2016, 4, 1), D(2016, 4, 30)),
        ("It fell in early March.", "month", D(2016, 3, 1), D(2016, 3, 10)),
        ("It fell in mid-March.", "month", D(2016, 3, 11), D(2016, 3, 20)),
        ("It fell in late March.", "month", D(2016, 3, 21), D(2016, 3, 31)),
        ("It fell at the end of January 2015.", "month", D(2015, 1, 21), D(2015, 1, 31)),
        ("It fell nine months ago.", "month", D(2015, 6, 1), D(2015, 6, 30)),
        ("IT FELL IN MAY 2015", "month", D(2015, 5, 1), D(2015, 5, 31)),
        ("It began in 2013.", "year", D(2013, 1, 1), D(2013, 12, 31)),
        ("It began last year.", "year", D(2015, 1, 1), D(2015, 12, 31)),
        ("It began this year.", "year", D(2016, 1, 1), D(2016, 12, 31)),
        ("It began in early 2016.", "year", D(2016, 1, 1), D(2016, 4, 30)),
        ("It began mid-2015.", "year", D(2015, 5, 1), D(2015, 8, 31)),
        ("It began in late 2014.", "year", D(2014, 9, 1), D(2014, 12, 31)),
        ("It began by the end of 2014.", "year", D(2014, 9, 1), D(2014, 12, 31)),
        ("It began two years ago.", "year", D(2014, 1, 1), D(2014, 12, 31)),
    ],
)
def test_months_and_years(text: str, precision: str, start: D, end: D) -> None:
    m = only(text, MON_2016_03_28)
    assert m.precision == precision and (m.date_start, m.date_end) == (start, end)
    assert start <= m.date <= end  # type: ignore[operator]


def test_month_best_day_is_the_15th_and_year_best_day_is_1_july() -> None:
    assert only("It fell in June 2014.").date == D(2014, 6, 15)
    assert only("It fell in 2013.").date == D(2013, 7, 1)


def test_weeks() -> None:
    last = only("It fell last week.", MON_2016_03_28)
    assert (last.date_start, last.date, last.date_end) == (D(2016, 3, 21), D(2016, 3, 24), D(2016, 3, 27))
    assert last.precision == "week"
    nxt = only("Talks resume next week.", MON_2016_03_28)
    assert (nxt.date_start, nxt.date_end) == (D(2016, 4, 4), D(2016, 4, 10))
    ago = only("It fell two weeks ago.", MON_2016_03_28)
    assert ago.precision == "week" and ago.date == D(2016, 3, 14)
    assert ago.date_start <= D(2016, 3, 14) <= ago.date_end  # type: ignore[operator]
    days = only("It fell three days ago.", MON_2016_03_28)
    assert (days.date, days.precision) == (D(2016, 3, 25), "day")


def test_since_runs_from_the_start_to_publication() -> None:
    m = only("Rebels have held the town since April.", D(2015, 5, 24))
    assert (m.role, m.date_start, m.date_end, m.precision) == ("since", D(2015, 4, 1), D(2015, 5, 24), "month")
    m = only("Rebels have held the town since 2013.", D(2015, 5, 24))
    assert (m.role, m.date_start, m.date_end, m.precision) == ("since", D(2013, 1, 1), D(2015, 5, 24), "year")


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("IS held it from May 2015 to March 2016.", D(2015, 5, 1), D(2016, 3, 31), "month"),
        ("IS held it from May to July 2015.", D(2015, 5, 1), D(2015, 7, 31), "month"),
        ("IS held it from December to March.", D(2015, 12, 1), D(2016, 3, 31), "month"),
        ("Jets flew from Friday to Saturday.", D(2016, 3, 25), D(2016, 3, 26), "day"),
        ("Jets flew from Saturday to Monday.", D(2016, 3, 26), D(2016, 3, 28), "day"),
        ("The war lasted from 2011 to 2014.", D(2011, 1, 1), D(2014, 12, 31), "year"),
        ("It rained between 20 May and 3 June 2015.", D(2015, 5, 20), D(2015, 6, 3), "day"),
    ],
)
def test_ranges(text: str, start: D, end: D, precision: str) -> None:
    m = only(text, MON_2016_03_28)
    assert (m.role, m.date_start, m.date_end, m.precision) == ("range", start, end, precision)


def test_days_after_counts_back_from_the_weekday_in_the_same_sentence() -> None:
    text = "They seized Palmyra on Wednesday, days after capturing Ramadi."
    wednesday, ramadi = find_dates(text, D(2015, 5, 24))
    assert wednesday.date == D(2015, 5, 20)
    assert (ramadi.role, ramadi.precision, ramadi.relative) == ("anchored", "week", True)
    assert (ramadi.date_start, ramadi.date_end) == (D(2015, 5, 13), D(2015, 5, 19))


def test_anchor_is_publication_when_the_sentence_has_no_date() -> None:
    text = "They seized Palmyra on Wednesday. The loss came three months after Ramadi fell."
    _, ramadi = find_dates(text, MON_2016_03_28)
    assert (ramadi.date_start, ramadi.date_end, ramadi.precision) == (D(2015, 12, 1), D(2015, 12, 31), "month")


def test_anchored_to_an_absolute_date_needs_no_publication_date() -> None:
    _, after = find_dates("The city fell on 20 May 2015, two days after the airport.", None)
    assert (after.date, after.precision, after.relative) == (D(2015, 5, 18), "day", True)


def test_before_counts_forward() -> None:
    _, before = find_dates("It fell on 20 May 2015, two weeks before the talks.", None)
    assert before.date == D(2015, 6, 3) and before.precision == "week"
    assert before.date_start <= D(2015, 6, 3) <= before.date_end  # type: ignore[operator]


def test_without_publication_date_relative_is_undated_absolute_resolves() -> None:
    ms = find_dates("On Wednesday, in May 2015, last week, since April, in 2013, 20 May 2015.", None)
    by_text = {m.text: m for m in ms}
    for relative in ("On Wednesday", "last week", "since April"):
        m = by_text[relative]
        assert (m.date, m.date_start, m.date_end, m.precision, m.relative) == (None, None, None, "undated", True)
    assert by_text["in May 2015"].date == D(2015, 5, 15)
    assert by_text["in 2013"].precision == "year"
    assert by_text["20 May 2015"].date == D(2015, 5, 20)


def test_offsets_slice_back_to_the_text() -> None:
    text = "“Palmyra fell — on Wednesday,” they said ‘last week’. Since Feb 27 it has been quiet."
    ms = find_dates(text, MON_2016_03_28)
    assert [m.text for m in ms] == ["on Wednesday", "last week", "Since Feb 27"]
    assert all(text[m.start_char : m.end_char] == m.text for m in ms)


# --- not dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "IS seized the town and held it for 10 months.",
        "During the 10 months that IS held Palmyra, temples were destroyed.",
        "More than 40 sorties in just 24 hours.",
        "Efforts to end a five-year war.",
        "The four-year-old civil war.",
        "After nearly six years of civil war.",
        "Explosions at a rate of more than one a minute.",
        "It entered history in the early second millennium BC.",
        "Home to towering 2,000-year-old ruins.",
        "Its first and second century temples.",
        "It looks like we have lost the city.",
        "It may be that the town falls.",
        "Thousands joined a march through the city.",
        "The saturated ground and the Satellite images.",
        "The beheading of the city's 82-year-old antiquities chief.",
        "More than 120,000 civilians had left.",
        "A total of 1950 people were evacuated.",
        "The March on Washington was cited.",
        "They spent 10 days after the siege rebuilding.",
        "Bloody Sunday is remembered; the Sunday Times reported it.",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, MON_2016_03_28) == []


def test_may_is_a_month_in_date_context() -> None:
    for text in ("It fell in May.", "It fell in May 2015.", "It fell on May 20.", "since May", "last May"):
        m = only(text, MON_2016_03_28)
        assert m.date is not None and m.date.month == 5, text


# --- datelines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mar 28, 2016", D(2016, 3, 28)),
        ("    Mar 28, 2016  ", D(2016, 3, 28)),
        ("Sat Mar 12 2016", D(2016, 3, 12)),
        ("Date of publication 4 April 2017", D(2017, 4, 4)),
        ("19.07.2016", D(2016, 7, 19)),
        ("August 24 2014", D(2014, 8, 24)),
        ("2016-03-28", D(2016, 3, 28)),
        ("2016-03-28T10:31:00Z", D(2016, 3, 28)),
        ("28 March 2016 10:31 GMT", D(2016, 3, 28)),
        ("Published: Monday, 12 December 2016, 10:31am", D(2016, 12, 12)),
        ("Updated 12 Dec 2016", D(2016, 12, 12)),
        ("28-Mar-2016", D(2016, 3, 28)),  # odd format: dateparser
    ],
)
def test_parse_publication_date(line: str, expected: D) -> None:
    assert parse_publication_date(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "The city fell on 20 May 2015, activists said.",
        "IS seized Palmyra in May 2015",
        "Mar 28",  # no year
        "2016",
        "Updated",
        "",
        "Russia-backed Syrian forces recapture Palmyra from ISIS",
        "31 June 2016",  # no such day
        "Top Stories 28 March 2016 and more",
    ],
)
def test_parse_publication_date_rejects_non_datelines(line: str) -> None:
    assert parse_publication_date(line) is None


# Seasons, quarters and decades keep their own precision (our own examples).
@pytest.mark.parametrize(
    ("text", "phrase", "start", "end", "precision"),
    [
        ("The dam burst last summer.", "last summer", "2015-06-01", "2015-08-31", "season"),
        ("Profit rose in the third quarter of 2015.", "in the third quarter of 2015",
         "2015-07-01", "2015-09-30", "quarter"),
        ("The town grew in the 1990s.", "in the 1990s", "1990-01-01", "1999-12-31", "decade"),
    ],
)
def test_periods_keep_their_precision(text, phrase, start, end, precision):
    (m,) = find_dates(text, datetime.date(2016, 3, 9))
    assert (m.text, m.date_start.isoformat(), m.date_end.isoformat(), m.precision) == (
        phrase, start, end, precision
    )
    assert m.date_start <= m.date <= m.date_end


def test_words_that_are_not_periods():
    pub = datetime.date(2016, 3, 9)
    assert [m.text for m in find_dates("after the fall of the city in December", pub)] == ["in December"]
    assert find_dates("They scored twice in the second half.", pub) == []


@pytest.mark.parametrize(
    "text",
    [
        "The dividend is payable Dec. 15 to holders of record.",
        "The bridge is expected to be completed by Dec. 15.",
        "The ceasefire is due on Dec. 15.",
        "The aid programme is to run until Dec. 15.",
    ],
)
def test_future_words_point_yearless_dates_ahead(text):
    (m,) = find_dates(text, datetime.date(2016, 3, 9))
    assert m.date == datetime.date(2016, 12, 15)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The army announced a daily pause starting on Thursday to let convoys in.", D(2016, 8, 11)),
        ("Both sides said a truce would begin Friday at sunset.", D(2016, 8, 12)),
        ("Talks to resume on Friday in the capital, officials said.", D(2016, 8, 12)),
        ("New checkpoint rules, effective Thursday, were posted at the gate.", D(2016, 8, 11)),
        # the past keeps its last weekday: a start that happened, or no start word at all
        ("Clashes that started on Thursday killed 20 people.", D(2016, 8, 4)),
        ("A mortar attack on Thursday killed 20 people.", D(2016, 8, 4)),
    ],
)
def test_a_start_announced_right_before_a_weekday_points_ahead(text, expected):
    """Published on Monday 8 August 2016: "starting on Thursday" is the coming Thursday."""
    (m,) = find_dates(text, D(2016, 8, 8))
    assert m.date == expected


def test_weekday_in_a_story_of_an_earlier_week_counts_from_the_story():
    pub = datetime.date(2016, 3, 9)
    text = "On March 3, 2015 rebels attacked the base. On Friday they withdrew."
    assert [m.date for m in find_dates(text, pub)] == [datetime.date(2015, 3, 3), datetime.date(2015, 3, 6)]
    # a new paragraph, or a story of this week, counts from publication again
    text = "On March 3, 2015 rebels attacked the base.\nOn Friday they withdrew."
    assert find_dates(text, pub)[1].date == datetime.date(2016, 3, 4)
    text = "On March 7, 2016 rebels attacked the base. On Friday they withdrew."
    assert find_dates(text, pub)[1].date == datetime.date(2016, 3, 4)


def test_offsets_count_from_the_happening_they_name_when_it_is_dated():
    pub = datetime.date(2016, 3, 9)
    text = "A car bomb attack hit the market on May 3, 2015. Thirteen days after the attack, the army returned."
    assert find_dates(text, pub)[1].date == datetime.date(2015, 5, 16)
    # a happening not dated earlier: counted from publication, as before
    text = "A car bomb hit the market on May 3, 2015. Thirteen days after the election, the army returned."
    assert find_dates(text, pub)[1].date == datetime.date(2016, 2, 25)


@pytest.mark.parametrize(
    ("text", "phrase", "first", "last"),
    [
        ("Talks were held March 7-8 in Geneva.", "March 7-8", D(2016, 3, 7), D(2016, 3, 8)),
        ("Talks were held on April 24 and 25, 2015.", "on April 24 and 25, 2015", D(2015, 4, 24), D(2015, 4, 25)),
        ("Talks were held on 8-9 February.", "on 8-9 February", D(2016, 2, 8), D(2016, 2, 9)),
        ("Talks will be held on 8-9 April.", "on 8-9 April", D(2016, 4, 8), D(2016, 4, 9)),
    ],
)
def test_two_days_of_a_month_are_a_range(text, phrase, first, last):
    (m,) = find_dates(text, D(2016, 3, 9))
    assert (m.text, m.date, m.date_start, m.date_end, m.role) == (phrase, first, first, last, "range")


def test_a_score_is_not_a_day_range():
    assert [m.text for m in find_dates("They won 3-1 in March 2015.", D(2016, 3, 9))] == ["in March 2015"]


def test_a_year_before_a_noun_dates_the_happening():
    ms = find_dates("Survivors of the 2013 chemical attack met again.", D(2016, 3, 9))
    assert [(m.text, m.date_start, m.date_end) for m in ms] == [("2013", D(2013, 1, 1), D(2013, 12, 31))]
    assert find_dates("In all, 2013 voters came.", D(2016, 3, 9)) == []


def test_a_month_before_a_noun_dates_the_happening():
    (m,) = find_dates("Survivors of the October attack met again.", D(2016, 3, 9))
    assert (m.text, m.date_start, m.date_end) == ("October", D(2015, 10, 1), D(2015, 10, 31))
    assert find_dates("Ministers may meet.", D(2016, 3, 9)) == []


@pytest.mark.parametrize(
    "text, phrase, expected",
    [
        ("On Monday police were ambushed near Oldtown. The following day, soldiers killed 14 gunmen.",
         "The following day", D(2019, 10, 15)),
        ("On Monday police were ambushed near Oldtown. Two days later, soldiers killed 14 gunmen.",
         "Two days later", D(2019, 10, 16)),
        ("On Monday police were ambushed. Two days later soldiers came. A day later they left.",
         "day later", D(2019, 10, 17)),  # counted from the day before it, itself moved on
        ("On Monday police were ambushed near Oldtown. Soldiers struck back the same day.",
         "the same day", D(2019, 10, 14)),
    ],
)
def test_the_story_moving_on_counts_from_its_last_date(text, phrase, expected):
    """Published Friday 18 October 2019: "the following day" is the day after the story's last
    date, not after publication, and a year later in the same sentence does not take over."""
    found = {m.text: m.date for m in find_dates(text, D(2019, 10, 18))}
    assert found[next(k for k in found if k.endswith(phrase))] == expected


def test_the_story_moving_on_without_a_date_before_it_gives_none():
    assert find_dates("Two days later, soldiers killed 14 gunmen.", D(2019, 10, 18)) == []


def test_the_weekend_is_the_last_saturday_and_sunday():
    """Published Tuesday 19 July 2016: "over the weekend" is 16-17 July, and it dates the
    happening before the day it was said."""
    text = "Fighters pushed into the old town over the weekend, the army said on Tuesday."
    (weekend, said) = find_dates(text, D(2016, 7, 19))
    assert (weekend.date_start, weekend.date_end, weekend.date) == (D(2016, 7, 16), D(2016, 7, 17), D(2016, 7, 16))
    assert said.date == D(2016, 7, 19)


def test_until_the_weekend_is_how_long_not_when():
    assert find_dates("Schools will stay closed until the weekend.", D(2016, 7, 19)) == []


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("They took the base at the beginning of the week.", D(2016, 7, 18), D(2016, 7, 19)),
        ("They took the base early this week.", D(2016, 7, 18), D(2016, 7, 19)),
        ("They took the base late last week.", D(2016, 7, 15), D(2016, 7, 17)),
        ("They took the base at the end of last month.", D(2016, 6, 21), D(2016, 6, 30)),
        ("They took the base at the end of last year.", D(2015, 9, 1), D(2015, 12, 31)),
    ],
)
def test_part_of_a_week_month_or_year(text, start, end):
    """Published Wednesday 20 July 2016: the beginning of a week is its Monday and Tuesday, the
    end of a month its last third, the end of a year its last four months."""
    (m,) = find_dates(text, D(2016, 7, 20))
    assert (m.date_start, m.date_end) == (start, end)
