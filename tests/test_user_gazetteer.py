"""Bring your own gazetteer: small GeoNames-format files and a CSV, written here, are indexed
once on disk and add their villages, airbases, regions and own places to the built-in ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import GazetteerError
from geo.gazetteer.index import load_gazetteer
from geo.gazetteer.geonames import open_user_gazetteer
from geo.places.geoparse import geoparse

BUILT_IN = load_gazetteer()  # loaded before any test points the cache folder elsewhere

# Made-up entries in GeoNames' 19-column layout (ids far above GeoNames' own).
ROWS = [
    ("990000001", "Tell Qarmoun", "Tell Qarmoun", "Tall Qarmun,Tel Karmoun", "35.61", "37.12", "P", "PPL", "SY", "", "09", "", "", "", "0"),
    ("990000002", "Wadi Zelloun Air Base", "Wadi Zelloun Air Base", "", "34.90", "37.40", "S", "AIRB", "SY", "", "11", "", "", "", "0"),
    ("990000003", "Qarmoun Governorate", "Qarmoun Governorate", "Qarmoun", "35.20", "38.00", "A", "ADM1", "SY", "", "99", "", "", "", "0"),
    ("990000004", "Nameless Creek", "Nameless Creek", "", "35.00", "38.00", "H", "STM", "SY", "", "09", "", "", "", "0"),
]


def write_dump(folder: Path) -> Path:
    lines = ["\t".join(r + ("", "", "Asia/Damascus", "2024-01-01")) for r in ROWS]
    (folder / "XX.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "admin1CodesASCII.txt").write_text("SY.99\tQarmoun Governorate\tQarmoun Governorate\t990000003\n", encoding="utf-8")
    return folder / "XX.txt"


def test_dump_is_indexed_once_and_read_from_disk(tmp_path: Path) -> None:
    dump = write_dump(tmp_path)
    cache = tmp_path / "cache"
    user = open_user_gazetteer(dump, cache_dir=cache)
    assert [r[1] for r in user.rows("tall qarmun")] == [990000001]
    assert user.rows("nameless creek") == ()  # streams and other water are left out
    assert user.admin1_name("SY", "99") == "Qarmoun Governorate"
    again = open_user_gazetteer(dump, cache_dir=cache)
    assert again.index == user.index and len(list(cache.glob("*.sqlite"))) == 1


def test_geoparse_finds_villages_airbases_and_regions_of_the_users_gazetteer(tmp_path: Path) -> None:
    dump = write_dump(tmp_path)
    text = "Syrian troops shelled Tell Qarmoun and jets took off from Wadi Zelloun Air Base in Syria."
    assert "Tell Qarmoun" not in {t.text for t in geoparse(text, gazetteer=BUILT_IN)}
    gaz = BUILT_IN.with_user(open_user_gazetteer(dump, cache_dir=tmp_path / "cache"))
    found = {t.text: t for t in geoparse(text, gazetteer=gaz)}
    assert found["Tell Qarmoun"].geonameid == 990000001
    assert found["Tell Qarmoun"].latitude == pytest.approx(35.61)
    assert found["Wadi Zelloun Air Base"].geonameid == 990000002
    region = gaz.region_info("qarmoun governorate") or gaz.region_info("qarmoun")
    assert region is not None and region.geonameid == 990000003


def test_own_places_from_a_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATELINES_CACHE", str(tmp_path / "cache"))
    own = tmp_path / "mine.csv"
    own.write_text("name,lat,lon,country\nCamp Nowhere Ridge,36.5,40.1,SY\n", encoding="utf-8")
    found = geoparse("Fighters were moved to Camp Nowhere Ridge on Tuesday.", gazetteer=own)
    assert [(t.text, t.latitude, t.longitude) for t in found] == [("Camp Nowhere Ridge", 36.5, 40.1)]


@pytest.mark.parametrize("content", ["only\ttwo\n", "Somewhere,north,east\n"])
def test_unusable_files_get_a_clear_error(tmp_path: Path, content: str) -> None:
    bad = tmp_path / ("bad.txt" if "\t" in content else "bad.csv")
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError, match="Cannot index"):
        open_user_gazetteer(bad, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.sqlite"))


def test_missing_gazetteer_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="GeoNames dump file"):
        open_user_gazetteer(tmp_path / "nope.txt")


def test_cli_ingest_with_own_gazetteer_maps_an_own_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from geo.cli import app

    monkeypatch.delenv("DATELINES_GAZETTEER", raising=False)  # restored after the CLI sets it
    monkeypatch.setenv("DATELINES_CACHE", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Camp Nowhere Ridge shelled\n\nOn 3 March 2016 rebels shelled Camp Nowhere Ridge in Syria, killing four.\n",
        encoding="utf-8",
    )
    own = tmp_path / "mine.csv"
    own.write_text("Camp Nowhere Ridge,36.5,40.1,SY\n", encoding="utf-8")
    out = tmp_path / "out.geojson"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "-o", str(out), "--gazetteer", str(own), "-q"])
    assert result.exit_code == 0, result.output
    points = [f["geometry"]["coordinates"] for f in json.loads(out.read_text("utf-8"))["features"]]
    assert [40.1, 36.5] in points


def test_cli_ingest_with_a_bad_gazetteer_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from geo.cli import app

    monkeypatch.delenv("DATELINES_GAZETTEER", raising=False)
    monkeypatch.setenv("DATELINES_CACHE", str(tmp_path / "cache"))
    bad = tmp_path / "bad.csv"
    bad.write_text("Somewhere,north,east\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "-o", str(tmp_path / "o.geojson"), "--gazetteer", str(bad)])
    assert result.exit_code == 1
    assert "Cannot index" in result.output
