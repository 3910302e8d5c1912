"""The compiled pipeline (geo.native: ingest's stages built by mypyc) writes exactly what pure
Python writes, is used only when built from today's sources, and is what `make test` runs.

Each ingest here is a fresh ``datelines ingest`` process, once with ``DATELINES_PURE=1`` and once
without, so each imports the pipeline its own way; the GeoJSON and the report must be the same
bytes. Corpora: the seeds, the held-out articles (tests/corpora/heldout) and a generated corpus
(benchmarks/make_corpus.py), one process and ``--workers 2`` (results are pickled between
processes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import geo.native as native

ROOT = Path(__file__).resolve().parents[1]


def _can_compile() -> bool:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(compiler) is not None


def _run(args: list[str], *, pure: bool, cwd: Path = ROOT, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    if pure:
        env[native.PURE_ENV] = "1"
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _ingest(corpus: Path, out: Path, *, pure: bool, workers: int = 1) -> tuple[bytes, bytes]:
    out.mkdir()
    args = ["-m", "geo.cli", "ingest", str(corpus), "-o", str(out / "events.geojson"), "--report", str(out / "report.csv")]
    if workers > 1:
        args += ["--workers", str(workers)]
    done = _run(args, pure=pure)
    assert done.returncode == 0, done.stderr[-2000:]
    return (out / "events.geojson").read_bytes(), (out / "report.csv").read_bytes()


def _which(pure: bool) -> str:
    code = "import geo, geo.native as n, geo.places.find as f; print(n.active(), f.__file__)"
    done = _run(["-c", code], pure=pure)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


needs_compiled = pytest.mark.skipif(
    not native.active(), reason="the compiled pipeline is not in use (DATELINES_PURE set, or not built: make native)"
)


@pytest.mark.skipif(not _can_compile(), reason="no C compiler: Datelines runs in pure Python")
def test_make_test_runs_on_the_compiled_pipeline():
    compiled = _which(pure=False)
    assert compiled.startswith("True") and compiled.endswith(".so"), (
        f"the compiled pipeline is not in use ({compiled}): run `make native`"
    )
    assert _which(pure=True).startswith("False")


@needs_compiled
@pytest.mark.parametrize("name", ["seeds", "heldout"])
def test_compiled_and_pure_python_write_the_same_bytes(name, tmp_path):
    corpus = ROOT / "seeds" if name == "seeds" else ROOT / "tests" / "corpora" / "heldout"
    compiled = _ingest(corpus, tmp_path / "compiled", pure=False)
    pure = _ingest(corpus, tmp_path / "pure", pure=True)
    assert compiled[0].count(b'"Feature"') > 10
    assert compiled == pure


@needs_compiled
def test_compiled_workers_write_what_one_pure_process_writes(tmp_path):
    sys.path.insert(0, str(ROOT))
    from benchmarks.make_corpus import make_corpus

    corpus = make_corpus(120, tmp_path / "corpus", seed=7)
    compiled = _ingest(corpus, tmp_path / "compiled", pure=False, workers=2)
    pure = _ingest(corpus, tmp_path / "pure", pure=True)
    assert compiled[0].count(b'"Feature"') > 100
    assert compiled == pure


@needs_compiled
def test_tests_that_patch_the_pipeline_pass_in_pure_python():
    done = _run(["-m", "pytest", "-q", "-m", "pure_python", "-p", "no:cacheprovider", "tests"], pure=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout


def _fake_build(folder: Path, digests: dict[str, str]) -> None:
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for name in (*native.MODULES, f"{native.GROUP}__mypyc"):
        path = folder.joinpath(*name.split(".")).with_name(name.split(".")[-1] + suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    stamp = {"python": sys.implementation.cache_tag, "sources": digests}
    (folder / native.STAMP).write_text(json.dumps(stamp), encoding="utf-8")


def test_a_build_from_todays_sources_is_used(tmp_path):
    _fake_build(tmp_path, dict(native.source_digests()))
    files = native.compiled_files(tmp_path)
    assert files is not None and set(files) == {*native.MODULES, f"{native.GROUP}__mypyc"}


def test_a_build_from_older_sources_is_never_used_and_says_so(tmp_path):
    digests = dict(native.source_digests())
    digests["geo/events/find.py"] = "0" * 64  # a rule edited since the build
    _fake_build(tmp_path, digests)
    with pytest.warns(RuntimeWarning, match=r"geo/events/find\.py changed since.*make native"):
        assert native.compiled_files(tmp_path) is None
    # a module the compiled ones only import counts too: mypyc may build its constants in
    digests = dict(native.source_digests())
    digests["geo/gazetteer/index.py"] = "0" * 64
    _fake_build(tmp_path, digests)
    with pytest.warns(RuntimeWarning, match=r"geo/gazetteer/index\.py changed since"):
        assert native.compiled_files(tmp_path) is None


def test_an_incomplete_or_foreign_build_is_not_used(tmp_path):
    _fake_build(tmp_path, dict(native.source_digests()))
    next(tmp_path.rglob("find*")).unlink()
    assert native.compiled_files(tmp_path) is None
    other = tmp_path / "other"
    other.mkdir()
    _fake_build(other, dict(native.source_digests()))
    stamp = json.loads((other / native.STAMP).read_text())
    (other / native.STAMP).write_text(json.dumps({**stamp, "python": "cpython-29"}))
    assert native.compiled_files(other) is None
    assert native.compiled_files(tmp_path / "never-built") is None



def _written_out_inits() -> list[tuple[type, tuple]]:
    """Each class whose __init__ is written out, with values of its fields' types (compiled,
    an argument of another type is refused)."""
    import datetime as dt

    from geo.dates import find as dates
    from geo.events.find import Event
    from geo.places.find import PlaceMention
    from geo.places.resolve import ResolvedPlace
    from geo.read.articles import Article
    from geo.read.text import Sentence

    day = dt.date(2016, 3, 27)
    sentence = Sentence(0, 30, 0)
    mention = PlaceMention("Oldtown", 10, 17, "oldtown", "place", False, True, False, "", False, ())
    place = ResolvedPlace(mention, 7, "Oldtown", 34.5, 38.3, "SY", "13", "city", ("8 Newtown SY",), "", False, 900, ("far",), False)
    said = dates.DateMention("on Sunday", 18, 27, day, day, day, "day", "point", True)
    article = Article("a", "Troops entered Oldtown on Sunday.", "Oldtown")
    return [
        (Sentence, (0, 30, 1)),
        (PlaceMention, ("Oldtown", 10, 17, "oldtown", "place", True, False, True, "SY", True, ("oldtowne",))),
        (ResolvedPlace, (mention, 7, "Oldtown", 34.5, 38.3, "SY", "13", "city", ("8 Newtown SY",), "x", True, 900, ("far",), True)),
        (dates.DateMention, ("on Sunday", 18, 27, day, day, day, "day", "point", True)),
        (dates._Point, ("weekday", 2016, 3, 27, 6, "early", "last", -1, 2, "week", 3, True)),
        (dates._Span, (day, day, day, "day")),
        (Event, (article, place, sentence, said, day, day, day, "day", "text", "battles", 3, "7/battles/2016-03-27",
                 "background", 0.5, ("why",), ("sign",), said, (0, 30))),
    ]


@pytest.mark.pure_python  # a compiled __init__ shows no signature
@pytest.mark.parametrize(("cls", "values"), _written_out_inits(), ids=lambda v: getattr(v, "__name__", ""))
def test_a_written_out_init_has_the_dataclass_fields_signature(cls, values):
    """The classes whose __init__ is written out for speed (geo.native, "Frozen dataclasses")
    take exactly their fields, in order, with their defaults."""
    import dataclasses
    import inspect

    fields = dataclasses.fields(cls)
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert [p.default for p in parameters] == [
        inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default for f in fields
    ]


@pytest.mark.parametrize(("cls", "values"), _written_out_inits(), ids=lambda v: getattr(v, "__name__", ""))
def test_a_written_out_init_sets_every_field_and_stays_frozen(cls, values):
    """Compiled or not: each field set by keyword or by position, equal and hashed alike,
    ``dataclasses.replace`` works, and the object stays frozen."""
    import dataclasses

    fields = dataclasses.fields(cls)
    assert len(values) == len(fields)
    made = cls(**{f.name: v for f, v in zip(fields, values)})
    assert [getattr(made, f.name) for f in fields] == list(values)
    assert made == cls(*values) and hash(made) == hash(cls(*values))
    assert dataclasses.replace(made) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, fields[0].name, values[0])
