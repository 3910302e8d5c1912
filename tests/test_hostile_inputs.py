"""One bad input never stops the others: impossible dates, JSON nested too deep, lone
surrogates; and a hand-made events file opened in the dashboard is checked, not trusted.
Every fixture is written here by the tests."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest

from geo.read.articles import read_corpus
from geo.output.export import read_events
from geo.corpus.ingest import ingest, ingest_to_file

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Nice, 15 July 2016 - A truck drove into a crowd in Nice on Thursday, killing 84 people.\n"


def _rows(result) -> dict[str, tuple[str, str]]:
    return {r.file: (r.status, r.reason) for r in result.report.itertuples(index=False)}


@pytest.mark.parametrize("published", ["0001-01-01", "1016-12-12", "9999-12-31"])
def test_an_impossible_manifest_date_is_reported_and_the_run_goes_on(tmp_path, published):
    (tmp_path / "a.txt").write_text("Fighting broke out in Aleppo on Tuesday, residents said.\n")
    (tmp_path / "b.txt").write_text(GOOD)
    (tmp_path / "articles.csv").write_text(f"file,title,source,published\na.txt,A,S,{published}\nb.txt,B,S,2016-07-15\n")
    result = ingest(tmp_path)
    rows = _rows(result)
    assert rows["b.txt"][0] == "ok"
    assert published in rows["a.txt"][1]
    assert all(not isinstance(p, str) or p >= "1800" for p in result.events["published"])


def test_an_impossible_jsonl_date_is_reported_and_the_run_goes_on(tmp_path):
    lines = [
        {"id": "x", "text": "Fighting broke out in Aleppo on Tuesday.", "published": "0001-01-01"},
        {"id": "y", "text": GOOD, "published": "2016-07-15"},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    written = ingest_to_file(tmp_path, tmp_path / "out" / "ev.geojson")
    rows = {r.file: (r.status, r.reason) for r in written.report.itertuples(index=False)}
    assert rows["a.jsonl line 2"][0] == "ok"
    assert "0001-01-01" in rows["a.jsonl line 1"][1]


def test_a_json_line_nested_too_deep_is_unreadable_and_the_rest_is_read(tmp_path):
    deep = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (tmp_path / "a.jsonl").write_text(deep + "\n" + json.dumps({"id": "y", "text": GOOD}) + "\n")
    outcomes = {o.file: o for o in read_corpus(tmp_path)}
    assert outcomes["a.jsonl line 1"].status == "unreadable"
    assert "deep" in outcomes["a.jsonl line 1"].reason
    assert outcomes["a.jsonl line 2"].status == "ok"


@pytest.mark.parametrize("field", ["text", "title", "source", "id"])
def test_a_lone_surrogate_makes_that_line_unreadable_and_the_rest_is_written(tmp_path, field):
    bad = {"id": "x", "text": GOOD, "title": "t", "source": "s", "published": "2016-07-15"}
    bad[field] = bad[field] + "\ud800"
    good = {"id": "y", "text": GOOD, "published": "2016-07-15"}
    (tmp_path / "a.jsonl").write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n")
    written = ingest_to_file(tmp_path, tmp_path / "out" / "ev.geojson")
    rows = {r.file: (r.status, r.reason) for r in written.report.itertuples(index=False)}
    assert rows["a.jsonl line 1"][0] == "unreadable" and "surrogate" in rows["a.jsonl line 1"][1]
    assert rows["a.jsonl line 2"][0] == "ok"
    assert len(read_events(written.output)) > 0


def test_one_article_that_breaks_a_stage_is_unreadable_not_fatal(tmp_path, monkeypatch):
    module = sys.modules["geo.corpus.ingest"]  # geo.corpus.ingest is also the name of the function
    real = module.find_places

    def fragile(text, gazetteer, *document):  # the article's Document, when given
        if "Aleppo" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, gazetteer, *document)

    monkeypatch.setattr(module, "find_places", fragile)
    (tmp_path / "a.txt").write_text("15 July 2016\nFighting broke out in Aleppo on Tuesday.\n")
    (tmp_path / "b.txt").write_text(GOOD)
    rows = _rows(ingest(tmp_path))
    assert rows["a.txt"][0] == "unreadable" and "recursion" in rows["a.txt"][1]
    assert rows["b.txt"][0] == "ok"


# -- the dashboard ----------------------------------------------------------------------------
def test_streamlit_never_sends_tracebacks_to_the_browser():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] is False


def _feature(geometry, **properties):
    base = {
        "article": "a", "title": "T", "source": "S", "published": "2016-07-15", "place": "Nice",
        "country": "FR", "geonameid": 2990440, "date": "2016-07-14", "date_start": "2016-07-14",
        "date_end": "2016-07-14", "date_precision": "day", "excerpt": "x", "event_type": "violence against civilians",
        "fatalities": 84, "event_group": 1, "id": "a:1", "url": None, "place_text": "Nice",
        "place_char_start": 0, "place_char_end": 4, "place_precision": "city", "admin1": "",
        "date_text": "", "date_char_start": None, "date_char_end": None, "date_source": "text",
        "excerpt_char_start": 0, "place_candidates": "",
    }
    base.update(properties)
    return {"type": "Feature", "properties": base, "geometry": geometry}


def _hand_made(tmp_path: Path) -> Path:
    point = {"type": "Point", "coordinates": [7.26, 43.7]}
    features = [
        _feature(point, id="good"),
        _feature(point, id="type", event_type="alien invasion"),
        _feature(point, id="precision", date_precision="fortnight"),
        _feature(point, id="place precision", place_precision="galaxy"),
        _feature({"type": "Point", "coordinates": [400.0, 95.0]}, id="coordinates"),
        _feature({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, id="polygon"),
        _feature(point, id="year 9999", date="9999-01-01", date_start="9999-01-01", date_end="9999-01-01"),
        _feature(point, id="year 1016", date="1016-12-12", date_start="1016-12-12", date_end="1016-12-12"),
        _feature(point, id="fatalities", fatalities=10**30),
    ]
    path = tmp_path / "hand.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_a_hand_made_geojson_is_checked_on_load_and_says_what_was_dropped(tmp_path):
    sys.path.insert(0, str(ROOT))
    from dashboard import mapview, view

    dataset = view.read_dataset(_hand_made(tmp_path))
    kept = set(dataset.events["id"])
    assert "good" in kept and "fatalities" in kept
    assert not kept & {"type", "precision", "place precision", "coordinates", "polygon", "year 9999", "year 1016"}
    problems = " ".join(dataset.summary["problems"])
    for word in ("event_type", "date_precision", "place_precision", "coordinates", "Polygon", "9999", "fatalities"):
        assert word in problems
    assert dataset.events.loc[dataset.events["id"] == "fatalities", "fatalities"].isna().all()
    mapview.events_payload(dataset.events)  # the map can be drawn
    dataset.bounds()


def test_the_dashboard_opens_a_hand_made_geojson_and_shows_what_was_dropped(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(sys, "argv", ["dashboard/app.py", "--data", str(_hand_made(tmp_path))])
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("dropped" in w.value for w in at.warning)


def test_an_unexpected_failure_shows_a_panel_not_a_traceback(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    import dashboard.view

    def broken(*args, **kwargs):
        raise RuntimeError("/secret/server/path exploded")

    monkeypatch.setattr(dashboard.view, "event_mask", broken)
    monkeypatch.setattr(sys, "argv", ["dashboard/app.py", "--data", str(_hand_made(tmp_path))])
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "went wrong" in shown and "/secret/server/path" not in shown
