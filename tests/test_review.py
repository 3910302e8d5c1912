"""geo.review: the review file (round trip, append-only, locking, torn lines), applying
decisions to events, fingerprints across re-ingests, orphans, and the summary.

Events are small frames written here, plus two tiny corpora ingested in a temporary folder.
"""

from __future__ import annotations

import json
import multiprocessing
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo import ingest
from geo.review import (
    Decision,
    ReviewError,
    ReviewFile,
    apply_review,
    date_fix,
    default_review_path,
    event_fingerprint,
    machine_events,
    make_decision,
    place_fix,
    read_review,
    review_summary,
    without_rejected,
)
from geo.schema import EVENT_PROPERTIES, REVIEW_PROPERTIES


def _event(i: int, **values) -> dict:
    row = {name: None for name in EVENT_PROPERTIES}
    row.update(
        article=f"a{i}", title=f"Title {i}", source="Wire", published="2016-03-28",
        place="Palmyra", country="SY", geonameid=170_000 + i, date="2016-03-27",
        date_start="2016-03-27", date_end="2016-03-27", date_precision="day",
        excerpt=f"Troops entered Palmyra on Sunday, report {i}.", event_type="battles",
        fatalities=None, event_group=f"g{i}", id=f"a{i}:15", place_text="Palmyra",
        place_char_start=15, place_char_end=22, place_precision="city", admin1="13",
        date_text="on Sunday", date_char_start=23, date_char_end=32, date_source="text",
        excerpt_char_start=0, place_candidates="",
    )  # fmt: skip
    row.update(values)
    return row


def _frame(n: int = 4) -> gpd.GeoDataFrame:
    rows = [_event(i) for i in range(n)]
    frame = pd.DataFrame(rows, columns=list(EVENT_PROPERTIES))
    for column in ("geonameid", "fatalities", "place_char_start", "place_char_end",
                   "date_char_start", "date_char_end", "excerpt_char_start"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    points = [Point(38.28 + i / 100, 34.55) for i in range(n)]  # (x=lon, y=lat)
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _decide(frame, i, field, new, *, reviewer="ana", note=""):
    return make_decision(frame.iloc[i], field, new, reviewer=reviewer, note=note, time="2026-11-28T04:00:00Z")


# --------------------------------------------------------------------------- the file


def test_decisions_round_trip_through_the_file(tmp_path):
    frame = _frame()
    review = ReviewFile(tmp_path / "datelines-review.jsonl")
    written = [
        _decide(frame, 0, "status", "confirmed"),
        _decide(frame, 1, "place", place_fix("Madaya", 36.1, 33.69, country="SY", geonameid=170_592)),
        _decide(frame, 2, "date", date_fix("2015-05-01", "2016-03-31", date_precision="month")),
        _decide(frame, 3, "note", 'She said "<b>no</b>"\nthen left'),
    ]
    assert review.append(written) == 4
    assert review.read().decisions == tuple(written)
    lines = review.path.read_text("utf-8").splitlines()
    assert len(lines) == 4  # one decision a line, a newline inside a note stays escaped
    assert json.loads(lines[1])["new"]["place"] == "Madaya"
    assert set(json.loads(lines[0])) == {"event_id", "fingerprint", "field", "old", "new", "reviewer", "time", "note"}


def test_the_file_is_only_ever_appended_to(tmp_path):
    frame = _frame()
    review = ReviewFile(tmp_path / "r.jsonl")
    review.append([_decide(frame, 0, "status", "rejected")])
    before = review.path.read_bytes()
    review.append([_decide(frame, 0, "status", "confirmed")])
    after = review.path.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert [d.new for d in review.read().decisions] == ["rejected", "confirmed"]


def test_a_missing_file_has_no_decisions(tmp_path):
    assert read_review(tmp_path / "none.jsonl").decisions == ()


def test_a_torn_last_line_is_skipped_with_a_warning_and_the_next_write_stays_whole(tmp_path):
    frame = _frame()
    review = ReviewFile(tmp_path / "r.jsonl")
    review.append([_decide(frame, 0, "status", "confirmed")])
    full = _decide(frame, 1, "status", "rejected").to_line().encode()
    with open(review.path, "ab") as fh:  # a crash half-way through a write
        fh.write(full[: len(full) // 2])
    with pytest.warns(RuntimeWarning, match="unfinished last line"):
        log = review.read()
    assert [d.event_id for d in log.decisions] == ["a0:15"]  # only the torn decision is lost
    review.append([_decide(frame, 2, "status", "confirmed")])
    with pytest.warns(RuntimeWarning, match="line 2"):
        log = review.read()
    assert [d.event_id for d in log.decisions] == ["a0:15", "a2:15"]


def test_a_bad_line_in_the_middle_is_skipped_not_fatal(tmp_path):
    frame = _frame()
    path = tmp_path / "r.jsonl"
    good = _decide(frame, 0, "status", "confirmed").to_line()
    bad_field = json.dumps({"event_id": "x", "fingerprint": "y", "field": "colour", "new": 1})
    path.write_text(f"{good}\nnot json\n{bad_field}\n{good}\n", "utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = read_review(path)
    assert len(log.decisions) == 2 and len(log.warnings) == 2
    assert "line 2" in log.warnings[0] and "'colour'" in log.warnings[1]
    assert len(caught) == 2


def _writer(path: str, worker: int, count: int) -> None:
    frame = _frame(2)
    review = ReviewFile(path)
    for k in range(count):
        review.append([_decide(frame, worker % 2, "note", f"writer {worker} decision {k}")])


def test_two_processes_appending_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "r.jsonl")
    context = multiprocessing.get_context("spawn" if "spawn" in multiprocessing.get_all_start_methods() else None)
    workers = [context.Process(target=_writer, args=(path, w, 150)) for w in range(2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    log = read_review(path)
    assert log.warnings == ()
    notes = sorted(d.new for d in log.decisions)
    assert notes == sorted(f"writer {w} decision {k}" for w in range(2) for k in range(150))


def test_the_default_review_file_is_beside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    assert default_review_path(corpus) == tmp_path / "datelines-review.jsonl"
    assert default_review_path(tmp_path / "events.geojson") == tmp_path / "datelines-review.jsonl"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("field", "new", "message"),
    [
        ("status", "maybe", "status"),
        ("event_type", "picnic", "event_type"),
        ("fatalities", -1, "fatalities"),
        ("fatalities", "12", "fatalities"),
        ("colour", "red", "'field'"),
        ("place", {"place": "X", "longitude": 200, "latitude": 0}, "longitude"),
        ("date", {"date_start": "2016-03-31", "date_end": "2016-03-01"}, "swap"),
        ("date", {"date_start": "31/03/2016"}, "YYYY-MM-DD"),
    ],
)
def test_bad_decisions_are_refused_with_the_value_quoted(field, new, message):
    with pytest.raises(ReviewError, match=message):
        _decide(_frame(1), 0, field, new)


def test_date_fix_infers_precision_from_the_interval():
    assert date_fix("2016-03-21")["date_precision"] == "day"
    assert date_fix("2016-03-21", "2016-03-27")["date_precision"] == "week"
    assert date_fix("2016-03-01", "2016-03-31")["date_precision"] == "month"
    assert date_fix("2015-05-01", "2016-03-31")["date_precision"] == "year"
    assert date_fix("2016-03-01", "2016-03-31", date="2016-03-15")["date"] == "2016-03-15"


# --------------------------------------------------------------------------- applying


def test_every_kind_of_decision_applies_and_keeps_the_machines_values():
    frame = _frame(6)
    decisions = [
        _decide(frame, 0, "status", "confirmed", reviewer="ana"),
        _decide(frame, 1, "status", "rejected", reviewer="bo"),
        _decide(frame, 2, "place", {"place": "Madaya", "longitude": 36.1, "latitude": 33.69,
                                    "country": "SY", "geonameid": 170_592}),
        _decide(frame, 3, "date", {"date_start": "2016-03-21", "date_end": "2016-03-27"}),
        _decide(frame, 4, "event_type", "protests"),
        _decide(frame, 4, "fatalities", 3),
        _decide(frame, 5, "note", "check with the desk"),
    ]  # fmt: skip
    result = apply_review(frame, decisions)
    events = result.events
    assert result.orphans == () and result.applied == 7
    assert list(events.columns[-len(REVIEW_PROPERTIES) :]) == list(REVIEW_PROPERTIES)
    assert list(events["review_status"]) == ["confirmed", "rejected", "corrected", "corrected", "corrected", "unreviewed"]
    assert events["reviewed_by"].iloc[1] == "bo"
    assert events["reviewed_at"].iloc[0] == "2026-11-28T04:00:00Z"
    moved = events.iloc[2]
    assert (moved["place"], moved["geonameid"], moved["country"]) == ("Madaya", 170_592, "SY")
    assert (moved.geometry.x, moved.geometry.y) == (36.1, 33.69)  # x is the longitude
    assert (moved["place_auto"], moved["geonameid_auto"]) == ("Palmyra", 170_002)
    assert moved["longitude_auto"] == pytest.approx(38.30)
    redated = events.iloc[3]
    assert (redated["date_start"], redated["date_end"], redated["date_precision"]) == ("2016-03-21", "2016-03-27", "week")
    assert (redated["date_auto"], redated["date_precision_auto"]) == ("2016-03-27", "day")
    retyped = events.iloc[4]
    assert (retyped["event_type"], retyped["fatalities"], retyped["event_type_auto"]) == ("protests", 3, "battles")
    assert retyped["review_corrected"] == "event_type;fatalities"
    assert events["review_note"].iloc[5] == "check with the desk"
    assert len(without_rejected(events)) == 5
    assert frame["place"].iloc[2] == "Palmyra"  # the input is not modified


def test_the_latest_decision_on_a_field_wins():
    frame = _frame(1)
    result = apply_review(frame, [
        _decide(frame, 0, "status", "rejected"),
        _decide(frame, 0, "status", "confirmed"),
        _decide(frame, 0, "event_type", "riots"),
        _decide(frame, 0, "event_type", "protests"),
    ])  # fmt: skip
    assert result.events["event_type"].iloc[0] == "protests"
    assert result.events["review_status"].iloc[0] == "corrected"
    assert result.events["event_type_auto"].iloc[0] == "battles"


def test_a_reviewed_export_reads_back_to_the_machines_events(tmp_path):
    from geo import read_events, write_events
    frame = _frame(3)
    decisions = [
        _decide(frame, 0, "place", place_fix("Madaya", 36.1, 33.69, country="SY")),
        _decide(frame, 1, "date", date_fix("2016-01-01", "2016-01-31")),
        _decide(frame, 2, "status", "confirmed"),
    ]
    for suffix in (".geojson", ".csv", ".parquet"):
        path = write_events(apply_review(frame, decisions).events, tmp_path / f"events{suffix}")
        back = read_events(path)
        assert back["review_status"].tolist() == ["corrected", "corrected", "confirmed"], suffix
        machine = machine_events(back)
        assert machine["place"].tolist() == ["Palmyra"] * 3, suffix
        assert machine["date_start"].iloc[1] == "2016-03-27", suffix
        assert machine.geometry.x.round(2).tolist() == [38.28, 38.29, 38.30], suffix
        again = apply_review(back, decisions)  # re-applying to the export: same result, no orphans
        assert again.orphans == (), suffix
        assert again.events["place"].tolist() == ["Madaya", "Palmyra", "Palmyra"], suffix


def test_decisions_on_vanished_or_changed_events_are_orphans_never_misapplied():
    frame = _frame(3)
    gone = _decide(frame, 0, "status", "rejected")
    changed = _decide(frame, 1, "event_type", "riots")
    stale_confirm = _decide(frame, 2, "status", "confirmed")
    later = frame.drop(index=0).reset_index(drop=True)
    later.loc[0, "excerpt"] = "A different sentence now reports Palmyra."  # a1's evidence changed
    later.loc[1, "geonameid"] = 999  # a2 resolved elsewhere by new rules: its confirmation is stale
    result = apply_review(later, [gone, changed, stale_confirm])
    reasons = {o.decision.event_id: o.reason for o in result.orphans}
    assert set(reasons) == {"a0:15", "a1:15", "a2:15"}
    assert "no event" in reasons["a0:15"] and "sentence" in reasons["a1:15"] and "confirmed" in reasons["a2:15"]
    assert result.events["review_status"].tolist() == ["unreviewed", "unreviewed"]
    assert result.events["event_type"].tolist() == ["battles", "battles"]


def test_the_fingerprint_is_the_evidence_not_the_reading():
    event = _event(0)
    assert event_fingerprint(event) == event_fingerprint({**event, "place": "Madaya", "event_type": "riots"})
    assert event_fingerprint(event) != event_fingerprint({**event, "excerpt": event["excerpt"] + " "})


def test_summary_counts_and_implied_precision():
    frame = _frame(6)
    decisions = [_decide(frame, i, "status", "confirmed") for i in range(3)]
    decisions.append(_decide(frame, 3, "status", "rejected"))
    decisions.append(Decision("gone:1", "0" * 16, "status", "rejected"))
    summary = review_summary(apply_review(frame, decisions))
    assert (summary.events, summary.reviewed, summary.confirmed, summary.rejected, summary.unreviewed) == (6, 4, 3, 1, 2)
    assert summary.orphans == 1
    assert summary.precision == pytest.approx(0.75)
    assert 0.25 < summary.precision_low < 0.75 < summary.precision_high <= 1.0
    text = "\n".join(summary.lines())
    assert "75%" in text and "orphaned" in text
    assert review_summary(apply_review(frame, [])).precision is None


# --------------------------------------------------------------------------- re-ingest


_ARTICLE_A = (
    "Palmyra retaken\n\nSyrian troops recaptured Palmyra on 27 March 2016 after heavy fighting.\n\n"
    "Rebels shelled Aleppo on 25 March 2016, killing 4 people.\n"
)
_ARTICLE_B = "Mosul strike\n\nAn air strike hit Mosul on 26 March 2016, killing 7 people.\n"


def _corpus(folder: Path, b_text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "articles.csv").write_text(
        "file,title,source,published\na.txt,Palmyra retaken,Wire,2016-03-28\nb.txt,Mosul strike,Wire,2016-03-28\n",
        "utf-8",
    )
    (folder / "a.txt").write_text(_ARTICLE_A, "utf-8")
    (folder / "b.txt").write_text(b_text, "utf-8")
    return folder


def test_re_ingest_applies_what_still_matches_and_reports_the_orphans(tmp_path):
    corpus = _corpus(tmp_path / "corpus", _ARTICLE_B)
    first = ingest(corpus).events
    assert len(first) >= 3
    review = ReviewFile(default_review_path(corpus))
    by_place = {p: i for i, p in enumerate(first["place_text"])}  # the last report of each
    review.append([
        make_decision(first.iloc[by_place["Palmyra"]], "status", "confirmed", reviewer="ana"),
        make_decision(first.iloc[by_place["Aleppo"]], "fatalities", 5, reviewer="ana"),
        make_decision(first.iloc[by_place["Mosul"]], "status", "rejected", reviewer="ana"),
    ])  # fmt: skip
    # The Mosul report is rewritten (as a changed extraction would): its event is not the same.
    _corpus(corpus, "Mosul strike\n\nA car bomb exploded in Mosul on 26 March 2016, killing 9 people.\n")
    result = ingest(corpus, review=review.path)
    events = result.events.drop_duplicates("place_text", keep="last").set_index("place_text")
    assert events.loc["Palmyra", "review_status"] == "confirmed"
    assert (events.loc["Aleppo", "fatalities"], events.loc["Aleppo", "fatalities_auto"]) == (5, 4)
    assert events.loc["Mosul", "review_status"] == "unreviewed"  # never applied to the new event
    assert [o.decision.new for o in result.review.orphans] == ["rejected"]
