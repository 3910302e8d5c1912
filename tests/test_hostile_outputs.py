"""Hostile runs of `datelines ingest` must never lose the user's data nor leave debris: outputs
that name an input are refused, a run that reads nothing keeps the old output, failed and
interrupted writes clean up after themselves, concurrent writers leave one whole output."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geo.cli import app
from geo.output.export import read_events, write_events, write_events_parquet
from geo.corpus.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
runner = CliRunner()


def _ingest(*args):
    result = runner.invoke(app, ["ingest", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    return corpus


def _debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".part"))


# -- outputs that name an input ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["000_918cd6dbcfa04ff4.txt", "articles.csv"])
@pytest.mark.parametrize("option", ["-o", "--report"])
def test_an_output_naming_an_input_or_the_manifest_is_refused(tmp_path, name, option):
    corpus = _corpus(tmp_path)
    before = (corpus / name).read_bytes()
    args = [corpus, "-o", tmp_path / "ev.geojson", "--report", tmp_path / "r.csv"]
    args[args.index(option) + 1] = corpus / "sub" / ".." / name  # resolved paths are compared
    result = _ingest(*args)
    assert result.exit_code == 1
    assert "datelines:" in result.output and name in result.output
    assert (corpus / name).read_bytes() == before


def test_an_output_naming_the_single_input_file_is_refused(tmp_path):
    article = _corpus(tmp_path) / "001_4bcda67e899bb960.txt"
    before = article.read_bytes()
    result = _ingest(article, "-o", article)
    assert result.exit_code == 1 and "datelines:" in result.output
    assert article.read_bytes() == before


def test_the_events_and_the_report_cannot_be_one_file(tmp_path):
    result = _ingest(SEEDS, "-o", tmp_path / "ev.geojson", "--report", tmp_path / "ev.geojson")
    assert result.exit_code == 1 and "datelines:" in result.output
    assert not (tmp_path / "ev.geojson").exists()


# -- a run that reads nothing -----------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".geojson", ".parquet"])
def test_a_run_that_reads_nothing_keeps_the_previous_output(tmp_path, suffix):
    out = tmp_path / f"ev{suffix}"
    assert _ingest(SEEDS, "-o", out).exit_code == 0
    before = read_events(out)
    (tmp_path / "empty").mkdir()
    result = _ingest(tmp_path / "empty", "-o", out)
    assert result.exit_code == 1
    assert len(read_events(out)) == len(before) > 0


# -- failed writes ----------------------------------------------------------------------------
def _small_file_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo.cli", "ingest", *map(str, args), "-q"],
        capture_output=True, text=True, timeout=300, cwd=ROOT, **kwargs,
    )


def test_a_full_disk_leaves_no_debris_and_keeps_the_old_output(tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "ev.geojson"
    out.write_text("old events\n")
    # Files may not grow past 20 kB: the events (about 60 kB) hit it as a full disk would.
    done = _cli(SEEDS, "-o", out, preexec_fn=_small_file_limit(20_000))
    assert done.returncode == 1, done.stderr
    assert "datelines:" in done.stderr and "Traceback" not in done.stderr
    assert out.read_text() == "old events\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["ev.geojson"]


def test_an_existing_folder_as_the_output_is_refused_without_debris(tmp_path):
    (tmp_path / "ev.geojson").mkdir()
    result = _ingest(SEEDS, "-o", tmp_path / "ev.geojson")
    assert result.exit_code == 1 and "datelines:" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ev.geojson"]


def test_an_unwritable_folder_gives_a_clean_message():
    done = _cli(SEEDS, "-o", "/sys/datelines-test/ev.geojson")
    assert done.returncode == 1
    assert "datelines:" in done.stderr and "Traceback" not in done.stderr


def test_a_failed_write_through_the_library_removes_its_temporary_file(tmp_path):
    events = ingest(SEEDS).events

    class Boom(Exception):
        pass

    def parts():
        yield events
        raise Boom

    from geo.output.export import write_events_parts

    with pytest.raises(Boom):
        write_events_parts(parts(), tmp_path / "ev.geojson")
    assert list(tmp_path.iterdir()) == []


# -- interrupted runs -------------------------------------------------------------------------
def _big_corpus(tmp_path: Path, copies: int = 600) -> Path:
    """Seed copies enough that a run is still reading when the test's signal reaches it: 60
    copies took about 0.15 s after the spool appeared, and on a loaded machine the run was
    sometimes done (output written, or its spool half removed) before the test woke to signal."""
    corpus = tmp_path / "big"
    corpus.mkdir()
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("0*.txt"))]
    for i in range(copies):
        (corpus / f"a{i:03d}.txt").write_text(texts[i % len(texts)], "utf-8")
    return corpus


def _start_and_wait_for_spool(corpus: Path, out: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "geo.cli", "ingest", str(corpus), "-o", str(out), "-q"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    for _ in range(1200):  # the run makes its spool as it starts reading
        if _debris(out.parent) or process.poll() is not None:
            break
        time.sleep(0.05)
    return process


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_an_interrupted_run_leaves_no_debris(tmp_path, how):
    corpus = _big_corpus(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "ev.geojson"
    out.write_text("old events\n")
    process = _start_and_wait_for_spool(corpus, out)
    assert process.poll() is None, process.stderr.read()
    process.send_signal(how)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    assert out.read_text() == "old events\n"
    if how == signal.SIGTERM:
        assert _debris(out_dir) == []
    # What kill -9 leaves is cleaned by the next run.
    done = _cli(SEEDS, "-o", out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["ev.geojson"]


# -- concurrent writers and permissions -------------------------------------------------------
def test_concurrent_parquet_writers_leave_one_whole_folder(tmp_path, monkeypatch):
    """A second writer arrives while the first is swapping its folder in: both finish, the
    output is one writer's whole set of parts, and no temporary folder is left."""
    import threading

    import geo.output.export

    events = ingest(SEEDS).events
    target = tmp_path / "ev.parquet"
    write_events_parquet(events, target, rows_per_part=2)
    real_replace = os.replace
    errors: list[BaseException] = []
    second: list[threading.Thread] = []

    def write_again() -> None:
        try:
            write_events_parquet(events.iloc[:3], target)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    def replace_and_let_another_writer_in(src, dst):
        real_replace(src, dst)
        if Path(src) == target and not second:  # the old folder is out of the way
            second.append(threading.Thread(target=write_again))
            second[0].start()
            second[0].join(3)  # it either completes in the gap or waits for its turn

    monkeypatch.setattr(geo.output.export.os, "replace", replace_and_let_another_writer_in)
    write_events_parquet(events, target, rows_per_part=2)
    second[0].join(60)
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ev.parquet"]
    assert len(read_events(target)) in {3, len(events)}


def test_parquet_folders_and_geojson_files_get_the_same_permissions(tmp_path):
    events = ingest(SEEDS).events
    write_events(events, tmp_path / "ev.geojson")
    write_events_parquet(events, tmp_path / "ev.parquet")
    file_mode = (tmp_path / "ev.geojson").stat().st_mode & 0o777
    folder_mode = (tmp_path / "ev.parquet").stat().st_mode & 0o777
    assert folder_mode & 0o444 == file_mode & 0o444  # the same readers
    assert folder_mode & 0o222 == file_mode & 0o222  # the same writers
    for part in (tmp_path / "ev.parquet").iterdir():
        assert part.stat().st_mode & 0o777 == file_mode
