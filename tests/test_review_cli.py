"""`datelines ingest --review` and `datelines review summary`: reviewed exports carry the review
columns, rejected events are left out unless asked for, orphans are reported.

The corpus is two short articles written here."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from geo import ingest, read_events
from geo.cli import app
from geo.review import ReviewFile, date_fix, default_review_path, make_decision, place_fix
from geo.schema import EVENT_PROPERTIES, REVIEW_PROPERTIES

runner = CliRunner()

ARTICLES = {
    "articles.csv": "file,title,source,published\na.txt,Aleppo shelled,Wire,2016-03-28\nb.txt,Mosul strike,Wire,2016-03-28\n",
    "a.txt": "Aleppo shelled\n\nRebels shelled Aleppo on 25 March 2016, killing 4 people.\n",
    "b.txt": "Mosul strike\n\nAn air strike hit Mosul on 26 March 2016, killing 7 people.\n\n"
    "Protesters marched in Baghdad on 27 March 2016.\n",
}


@pytest.fixture(scope="module")
def reviewed_corpus(tmp_path_factory) -> tuple[Path, Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("reviewed")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, "utf-8")
    # the last report of each place (a headline can report one too)
    events = ingest(corpus).events.drop_duplicates("place_text", keep="last").set_index("place_text", drop=False)
    assert {"Aleppo", "Mosul", "Baghdad"} <= set(events.index)
    review = ReviewFile(default_review_path(corpus))
    review.append([
        make_decision(events.loc["Aleppo"], "place", place_fix("Madaya", 36.1, 33.69, country="SY"), reviewer="ana"),
        make_decision(events.loc["Mosul"], "status", "rejected", reviewer="bo", note="not <b>this</b> one"),
        make_decision(events.loc["Baghdad"], "date", date_fix("2016-03-21", "2016-03-27"), reviewer="ana"),
        make_decision(events.loc["Baghdad"], "status", "confirmed", reviewer="ana"),
    ])  # fmt: skip
    with open(review.path, "a", encoding="utf-8") as fh:  # a decision whose event is gone
        fh.write(json.dumps({"event_id": "c:9", "fingerprint": "0" * 16, "field": "status", "new": "rejected",
                             "reviewer": "ana", "time": "2026-11-28T04:00:00Z"}) + "\n")
    return corpus, review.path, events


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".parquet"])
def test_reviewed_exports_carry_the_review_columns_and_leave_rejected_out(reviewed_corpus, tmp_path, suffix):
    corpus, review, _ = reviewed_corpus
    out = tmp_path / f"events{suffix}"
    result = runner.invoke(app, ["ingest", str(corpus), "-o", str(out), "--review", str(review)])
    assert result.exit_code == 0, result.output
    assert "1 decision(s) orphaned" in result.output and "c:9" in result.output
    events = read_events(out).drop_duplicates("place_text", keep="last").set_index("place_text")
    assert list(events.columns[len(EVENT_PROPERTIES) - 1 : -1]) == list(REVIEW_PROPERTIES)
    assert "Mosul" not in events.index
    aleppo = events.loc["Aleppo"]
    assert (aleppo["place"], aleppo["place_auto"], aleppo["review_status"], aleppo["reviewed_by"]) == (
        "Madaya", "Aleppo", "corrected", "ana")
    assert round(aleppo.geometry.x, 2) == 36.1  # the corrected point
    baghdad = events.loc["Baghdad"]
    assert (str(baghdad["date_start"])[:10], baghdad["date_precision"], baghdad["date_precision_auto"]) == (
        "2016-03-21", "week", "day")


def test_include_rejected_keeps_them_marked(reviewed_corpus, tmp_path):
    corpus, review, _ = reviewed_corpus
    out = tmp_path / "events.geojson"
    result = runner.invoke(app, ["ingest", str(corpus), "-o", str(out), "--review", str(review), "--include-rejected"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text("utf-8"))
    mosul = [f["properties"] for f in doc["features"] if f["properties"]["place_text"] == "Mosul"]
    assert [(p["review_status"], p["reviewed_by"]) for p in mosul] == [("rejected", "bo")]
    assert all(p["review_status"] == "unreviewed" for f in doc["features"]
               if (p := f["properties"])["place_text"] not in {"Mosul", "Aleppo", "Baghdad"})


def test_without_review_the_output_has_no_review_columns(reviewed_corpus, tmp_path):
    corpus, _, _ = reviewed_corpus
    out = tmp_path / "events.geojson"
    assert runner.invoke(app, ["ingest", str(corpus), "-o", str(out)]).exit_code == 0
    props = json.loads(out.read_text("utf-8"))["features"][0]["properties"]
    assert list(props) == list(EVENT_PROPERTIES)


def test_review_summary_counts_and_lists_orphans(reviewed_corpus, tmp_path):
    corpus, _, _ = reviewed_corpus
    result = runner.invoke(app, ["review", "summary", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "3 reviewed (0 confirmed, 2 corrected, 1 rejected)" in result.output
    assert "implied precision of the unreviewed rest: 0%" in result.output
    assert "c:9" in result.output


def test_review_summary_of_an_events_file(reviewed_corpus, tmp_path):
    corpus, review, _ = reviewed_corpus
    out = tmp_path / "events.geojson"
    assert runner.invoke(app, ["ingest", str(corpus), "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["review", "summary", str(out), "--review", str(review)])
    assert result.exit_code == 0, result.output
    assert "1 rejected" in result.output


def test_review_summary_without_a_file_says_what_to_do(tmp_path):
    result = runner.invoke(app, ["review", "summary", str(tmp_path / "corpus")])
    assert result.exit_code == 1
    assert "No review file" in result.output and "--review" in result.output
    assert "Traceback" not in result.output
