"""`datelines ingest` end to end on the seed corpus: RFC 7946 output, a report row per input,
the same bytes however it is run, and clear messages (exit 1, no traceback) when it cannot run."""

from __future__ import annotations

import csv
import decimal
import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from typer.testing import CliRunner

from geo.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATELINES = Path(sys.executable).parent / "datelines"
SEED_FILES = sorted(p.name for p in SEEDS.iterdir() if p.is_file() and p.name != "articles.csv")

runner = CliRunner()


def _ingest(*args: str | Path):
    result = runner.invoke(app, ["ingest", *map(str, args)])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed_run")
    result = _ingest(SEEDS, "-o", out / "out.geojson", "--report", out / "report.csv")
    assert result.exit_code == 0, result.output
    return out, result


# -- GeoJSON ----------------------------------------------------------------------------------
def test_ingest_seeds_writes_rfc7946_geojson(seed_run):
    out, _ = seed_run
    text = (out / "out.geojson").read_text(encoding="utf-8")
    doc = json.loads(text, parse_float=decimal.Decimal)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert len(doc["features"]) > 0
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert "crs" not in feature
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]  # RFC 7946: longitude first
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for value in (lon, lat):
            assert -value.as_tuple().exponent <= 6, f"{value} has more than 6 decimals"
        props = feature["properties"]
        for key in ("published", "date", "date_start", "date_end"):
            assert props[key] is None or len(props[key]) == 10  # ISO dates


def test_coordinates_are_longitude_then_latitude(seed_run):
    out, _ = seed_run
    doc = json.loads((out / "out.geojson").read_text(encoding="utf-8"))
    palmyra = [f for f in doc["features"] if f["properties"]["place_text"] == "Palmyra"]
    assert palmyra
    lon, lat = palmyra[0]["geometry"]["coordinates"]
    assert (round(lon), round(lat)) == (38, 35)  # Tadmur, Syria: 38.28 E, 34.56 N


def test_report_has_one_row_per_input(seed_run):
    out, _ = seed_run
    with (out / "report.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["file", "status", "events", "reason"]
    assert sorted(r["file"] for r in rows) == SEED_FILES
    statuses = {r["file"]: r["status"] for r in rows}
    assert statuses.pop("README.md") == "skipped"
    assert set(statuses.values()) == {"ok"}
    doc = json.loads((out / "out.geojson").read_text(encoding="utf-8"))
    assert sum(int(r["events"]) for r in rows) == len(doc["features"])


def test_summary_names_the_output_and_counts(seed_run):
    _, result = seed_run
    assert "5 articles read" in result.output
    assert "README.md" in result.output


# -- determinism ------------------------------------------------------------------------------
def test_running_twice_gives_the_same_bytes(seed_run, tmp_path):
    out, _ = seed_run
    again = _ingest(SEEDS, "-o", tmp_path / "out.geojson", "--report", tmp_path / "report.csv", "-q")
    assert again.exit_code == 0, again.output
    assert (tmp_path / "out.geojson").read_bytes() == (out / "out.geojson").read_bytes()
    assert (tmp_path / "report.csv").read_bytes() == (out / "report.csv").read_bytes()


def test_two_workers_give_the_same_bytes(seed_run, tmp_path):
    out, _ = seed_run
    result = _ingest(SEEDS, "-o", tmp_path / "out.geojson", "--report", tmp_path / "report.csv",
                     "--workers", "2", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.geojson").read_bytes() == (out / "out.geojson").read_bytes()
    assert (tmp_path / "report.csv").read_bytes() == (out / "report.csv").read_bytes()


def test_as_a_real_subprocess(seed_run, tmp_path):
    out, _ = seed_run
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    done = subprocess.run(
        [str(DATELINES), "ingest", str(SEEDS), "-o", str(tmp_path / "out.geojson"),
         "--report", str(tmp_path / "report.csv")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "out.geojson").read_bytes() == (out / "out.geojson").read_bytes()
    assert (tmp_path / "report.csv").read_bytes() == (out / "report.csv").read_bytes()


# -- other formats ----------------------------------------------------------------------------
def test_format_csv(seed_run, tmp_path):
    out, _ = seed_run
    result = _ingest(SEEDS, "-o", tmp_path / "events.txt", "--format", "csv", "-q")
    assert result.exit_code == 0, result.output
    with (tmp_path / "events.txt").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    doc = json.loads((out / "out.geojson").read_text(encoding="utf-8"))
    assert len(rows) == len(doc["features"])
    assert {"longitude", "latitude", "article", "date", "excerpt"} <= set(rows[0])
    first = doc["features"][0]
    assert (float(rows[0]["longitude"]), float(rows[0]["latitude"])) == tuple(first["geometry"]["coordinates"])


def test_format_parquet(seed_run, tmp_path):
    out, _ = seed_run
    result = _ingest(SEEDS, "-o", tmp_path / "events.parquet", "-q")
    assert result.exit_code == 0, result.output
    frame = gpd.read_parquet(tmp_path / "events.parquet")
    doc = json.loads((out / "out.geojson").read_text(encoding="utf-8"))
    assert len(frame) == len(doc["features"])
    assert frame.crs.to_epsg() == 4326
    assert set(frame.geometry.geom_type) == {"Point"}


def test_an_unknown_format_is_refused_by_name(tmp_path):
    result = _ingest(SEEDS, "-o", tmp_path / "x.geojson", "--format", "shapefile")
    assert result.exit_code != 0
    assert "shapefile" in result.output


# -- failures ---------------------------------------------------------------------------------
def test_a_corpus_with_nothing_readable_fails_and_says_why(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "scan.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (corpus / "empty.txt").write_bytes(b"")
    result = _ingest(corpus, "-o", tmp_path / "out.geojson", "--report", tmp_path / "report.csv")
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "No article could be read" in message
    assert "scan.txt" in message and "PDF" in message and "empty" in message
    assert not (tmp_path / "out.geojson").exists()
    # The report is written all the same: it is what tells the user which file failed and why.
    with (tmp_path / "report.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["file"]: r["status"] for r in csv.DictReader(fh)}
    assert rows == {"empty.txt": "unreadable", "scan.txt": "unreadable"}


def test_an_empty_folder_fails_and_says_what_it_expected(tmp_path):
    (tmp_path / "corpus").mkdir()
    result = _ingest(tmp_path / "corpus", "-o", tmp_path / "out.geojson")
    assert result.exit_code == 1
    assert ".txt" in result.output and "No article could be read" in " ".join(result.output.split())


def test_a_missing_corpus_fails_with_a_clear_message(tmp_path):
    result = _ingest(tmp_path / "nowhere", "-o", tmp_path / "out.geojson")
    assert result.exit_code == 1
    assert "does not exist" in result.output and "nowhere" in result.output
    assert not isinstance(result.exception, (KeyError, OSError, TypeError, ValueError))


def test_a_missing_corpus_as_a_subprocess_prints_no_traceback(tmp_path):
    done = subprocess.run(
        [str(DATELINES), "ingest", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out.geojson")],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert "does not exist" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_max_bytes_below_one_is_refused(tmp_path):
    result = _ingest(SEEDS, "-o", tmp_path / "out.geojson", "--max-bytes", "0")
    assert result.exit_code != 0
    assert "max-bytes" in result.output


def test_file_names_that_look_like_markup_are_shown_as_they_are(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "[draft] scan.txt").write_bytes(b"%PDF-1.4\n")
    (corpus / "[bold]notes.txt").write_text("Troops entered Palmyra on 2 March 2016.\n", encoding="utf-8")
    result = _ingest(corpus, "-o", tmp_path / "out.geojson")
    assert result.exit_code == 0, result.output
    assert "[draft] scan.txt" in result.output
    (corpus / "[bold]notes.txt").unlink()
    result = _ingest(corpus, "-o", tmp_path / "out.geojson")
    assert result.exit_code == 1
    assert "[draft] scan.txt" in result.output


def test_the_command_runs_numpy_on_one_blas_thread_unless_the_user_says_otherwise():
    """OpenBLAS's spinning threads cost CPU at every start for no work of ours; a user's own
    setting is kept, and the speed benchmark measures its children as the command runs."""
    probe = "import os, geo.cli; print(os.environ.get('OPENBLAS_NUM_THREADS'))"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    ours = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    theirs = subprocess.run(
        [sys.executable, "-c", probe], env=env | {"OPENBLAS_NUM_THREADS": "4"}, capture_output=True, text=True, check=True
    )
    assert (ours.stdout.strip(), theirs.stdout.strip()) == ("1", "4")
    from benchmarks import ingest_speed
    from geo.cli import PROCESS_ENVIRONMENT

    assert ingest_speed._COMMAND_ENVIRONMENT == PROCESS_ENVIRONMENT
