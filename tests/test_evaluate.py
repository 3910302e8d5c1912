"""geo.evaluate's dev-set measure: what counts as a match, precision over dated points,
recall over city/admin1 gold rows, main-event recall, and Wilson intervals."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.evaluate import Rate, evaluate_events, reliability_table


def _points(rows):
    frame = pd.DataFrame(
        [{"article": a, "place": p, "geonameid": g, "date": d, "date_source": "text", "excerpt": f"{p} was shelled."}
         for a, p, g, d, _, _ in rows]
    )
    return gpd.GeoDataFrame(frame, geometry=[Point(lon, lat) for *_, lat, lon in rows], crs="EPSG:4326")


def _gold(article, place, gid, lat, lon, start, end, *, main="no", precision="city"):
    return {"article": article, "place": place, "geonameid": gid, "lat": lat, "lon": lon,
            "place_precision": precision, "date_start": start, "date_end": end, "main": main, "what": "x"}


def test_a_point_matches_by_id_or_distance_and_by_its_date_in_the_window():
    points = _points([
        ("a1", "Northtown", 1, "2020-05-03", 10.0, 20.0),  # same id, date inside
        ("a1", "Near Northtown", 99, "2020-05-03", 10.1, 20.1),  # ~15 km away: agrees
        ("a1", "Northtown", 1, "2020-06-01", 10.0, 20.0),  # right place, date outside
        ("a1", "Farville", 2, "2020-05-03", 12.0, 22.0),  # wrong place
        ("a1", "Northtown", 1, None, 10.0, 20.0),  # undated: not scored
        ("b2", "Northtown", 1, "2020-05-03", 10.0, 20.0),  # another article's gold
    ])
    gold = [_gold("a1", "Northtown", 1, 10.0, 20.0, "2020-05-01", "2020-05-04", main="yes")]
    result = evaluate_events(points, gold)
    assert (result.precision.hits, result.precision.total) == (2, 4)
    assert (result.recall.hits, result.recall.total) == (1, 1)
    assert (result.main.hits, result.main.total) == (1, 1)
    assert len(result.unmatched) == 2 and all("shelled" in line for line in result.unmatched)


def test_recall_counts_city_and_admin1_rows_and_main_only_main_rows():
    points = _points([("a1", "Northtown", 1, "2020-05-03", 10.0, 20.0)])
    gold = [
        _gold("a1", "Northtown", 1, 10.0, 20.0, "2020-05-01", "2020-05-04"),
        _gold("a1", "Hill province", None, 11.0, 21.0, "2020-05-01", "2020-05-04", main="yes", precision="admin1"),
        _gold("a1", "Countryland", None, 30.0, 30.0, "2020-05-01", "2020-05-04", precision="country"),
    ]
    result = evaluate_events(points, gold)
    assert (result.recall.hits, result.recall.total) == (1, 2)
    assert (result.main.hits, result.main.total) == (0, 1)
    assert len(result.missed) == 1 and "MAIN Hill province" in result.missed[0]


def test_wilson_interval_brackets_the_rate_and_stays_in_zero_one():
    low, high = Rate(9, 10).interval
    assert low < 0.9 < high <= 1.0
    assert Rate(0, 5).interval[0] == 0.0
    assert Rate(30, 30).interval[1] == pytest.approx(1.0)
    assert Rate(0, 0).interval == (0.0, 1.0)


def test_reliability_table_bins_confidence_and_counts_right_points():
    table = reliability_table([0.1, 0.9, 0.85, 0.5], [False, True, False, True], bins=(0.0, 0.2, 0.8, 1.0001))
    by_label = {label: rate for label, rate, _ in table}
    assert (by_label["0.8–1.0"].hits, by_label["0.8–1.0"].total) == (1, 2)
    assert by_label["0.0–0.2"].total == 1


def test_evaluate_command_prints_the_three_rates_and_lists_misses(tmp_path):
    from typer.testing import CliRunner

    from geo.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "s1.txt").write_text(
        "Shelling in Kirkuk\n\nKIRKUK, 3 May 2020 - Mortar shelling hit Kirkuk on Sunday, killing four people.\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "article,place,country,geonameid,lat,lon,place_precision,date_start,date_end,main,what\n"
        "s1,Kirkuk,IQ,,35.47,44.39,city,2020-05-03,2020-05-03,yes,mortar shelling\n"
        "s1,Erbil,IQ,,36.19,44.01,city,2020-05-01,2020-05-01,no,a row nothing finds\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["evaluate", str(corpus), str(gold), "-v"])
    assert result.exit_code == 0, result.output
    assert "recall" in result.output and "(1/2;" in result.output
    assert "main" in result.output and "missed: s1 Erbil" in result.output
    missing = CliRunner().invoke(app, ["evaluate", str(corpus), str(tmp_path / "none.csv")])
    assert missing.exit_code == 1


def test_no_manifest_scores_the_texts_own_dates(tmp_path):
    from typer.testing import CliRunner

    from geo.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "articles.csv").write_text("file,title,source,published\ns1.txt,T,S,2020-01-01\n", encoding="utf-8")
    (corpus / "s1.txt").write_text(
        "Shelling in Kirkuk\n\nSun 3 May 2020 Mortar shelling hit Kirkuk on Sunday, killing four people.\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "article,place,country,geonameid,lat,lon,place_precision,date_start,date_end,main,what\n"
        "s1,Kirkuk,IQ,,35.47,44.39,city,2020-05-03,2020-05-03,yes,mortar shelling\n",
        encoding="utf-8",
    )
    with_manifest = CliRunner().invoke(app, ["evaluate", str(corpus), str(gold)])
    without = CliRunner().invoke(app, ["evaluate", str(corpus), str(gold), "--no-manifest"])
    assert "(0/1;" in with_manifest.output  # the manifest's wrong date puts Sunday in December
    assert "recall    100.0% (1/1;" in without.output
    assert (corpus / "articles.csv").exists()  # the corpus itself is left alone
