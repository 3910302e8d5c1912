"""The compiled pipeline: ingest's stages built as C extensions by mypyc, used only while current.

Why compile: ingest's time is spread thin over a hundred small rules (regex searches, token
loops, dictionary look-ups; no one function takes more than 8% of it), so no hand-made fast
path speeds it much. mypyc, mypy's compiler, turns the same typed Python into C extensions and
speeds every rule at once, with no second copy of the rules to keep in step: the ``.py`` files
stay the one truth, and pure Python is always the fallback.

How it is used:

* ``make native`` (part of ``make setup``; it calls :func:`build`) compiles :data:`MODULES` into
  :func:`native_folder` (inside the virtual environment, as it is built for its Python) and
  records a SHA-256 of each source file of ``geo`` next to them.
* ``import geo`` calls :func:`activate`: when every recorded digest matches today's sources, an
  import hook loads those modules from the compiled files; when any source has changed since
  (a rule edited and not yet rebuilt), nothing compiled is used and one warning says so, as a
  stale extension would run yesterday's rules.
* ``DATELINES_PURE=1`` runs pure Python whatever is built (the byte-identity test compares
  the two).

Frozen dataclasses: mypyc compiles a dataclass's own methods, but the ``__init__`` that
``dataclasses`` generates stays Python (about 1 us a call for ten fields; some 180,000 objects
in 2,000 articles). The pipeline's most-built classes (``PlaceMention``, ``ResolvedPlace``,
``Event``, ``DateMention``, ``Sentence``, the date parser's ``_Point`` and ``_Span``) are declared
``init=False`` with an ``__init__`` written out as ``object.__setattr__(self, "field", value)``
per field, which is what the generated one does and which mypyc compiles to a direct store
(thirty times faster). tests/test_compiled_pipeline.py holds each to its fields: names, order
and defaults.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: The modules compiled: every stage ``process_article`` runs, events as rows and the GeoJSON
#: writer's loop, and nothing that reads files, talks to services or draws (those are not where
#: ingest's time goes).
MODULES: tuple[str, ...] = (
    "geo.read.text",
    "geo.read.wordlist",
    "geo.read.document",
    "geo.read.stamps",
    "geo.gazetteer.keys",
    "geo.places.find",
    "geo.places.filters",
    "geo.places.regions",
    "geo.places.resolve",
    "geo.dates.words",
    "geo.dates.find",
    "geo.dates.timex_rules",
    "geo.events.dates",
    "geo.events.confidence",
    "geo.events.find",
    "geo.output.frame",
    "geo.output.features",
)

#: The compiled modules' shared library (mypyc's "group"): one, so calls between stages are C calls.
GROUP = "datelines_native"
STAMP = "stamp.json"
PURE_ENV = "DATELINES_PURE"

_ROOT = Path(__file__).resolve().parents[1]


def by_fields(obj: object) -> tuple[type, tuple]:
    """``__reduce__`` of a frozen dataclass in :data:`MODULES`: compiled, such a class cannot be
    unpickled field by field (its frozen ``__setattr__`` refuses), so it is rebuilt by calling
    the class with its fields, as pure Python would build it. Pickles cross ``--workers``
    processes and fill the dashboard's article cache."""
    return type(obj), tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))  # type: ignore[arg-type]


def native_folder() -> Path:
    """Where the compiled modules live: in the running Python's environment, per Python version."""
    return Path(sys.prefix) / "datelines-native" / sys.implementation.cache_tag


def _source(module: str) -> Path:
    return _ROOT.joinpath(*module.split(".")).with_suffix(".py")


@functools.cache
def source_digests() -> tuple[tuple[str, str], ...]:
    """(path, SHA-256) of every source file of ``geo``, read once a process: the code it runs.

    A build is current only while all of them match, not only :data:`MODULES`' (mypyc reads the
    modules they import for types and may build their constants into the compiled code); the
    dashboard's caches key their results by them too (``dashboard.cache_files.pipeline_version``)."""
    package = _ROOT / "geo"
    return tuple(
        (path.relative_to(_ROOT).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(package.rglob("*.py"))
    )


def _compiled_file(folder: Path, module: str) -> Path | None:
    """The extension file built for ``module`` in ``folder`` (any suffix this Python loads)."""
    base = folder.joinpath(*module.split("."))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if base.with_name(base.name + suffix).is_file():
            return base.with_name(base.name + suffix)
    return None


class _CompiledFinder:
    """Finds the compiled file of each module it was built for; leaves every other import alone."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None):
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


_active: _CompiledFinder | None = None


def active() -> bool:
    """True when this process imports the compiled modules."""
    return _active is not None


def activate() -> bool:
    """Load :data:`MODULES` from their compiled files from now on, if built from today's sources.

    Returns whether it did. Call it before any of them is imported (``geo/__init__`` does);
    does nothing with ``DATELINES_PURE`` set, or when nothing is built."""
    global _active
    if _active is not None:
        return True
    if os.environ.get(PURE_ENV) or any(m in sys.modules for m in MODULES):
        return False
    files = compiled_files(native_folder())
    if files is None:
        return False
    _active = _CompiledFinder(files)
    sys.meta_path.insert(0, _active)
    return True


def compiled_files(folder: Path) -> dict[str, Path] | None:
    """Each module's compiled file in ``folder``, or None when they must not be used: never
    built, built for another Python, incomplete, or built from sources that have changed since
    (then with a warning: a stale extension would run yesterday's rules)."""
    try:
        recorded = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        built = recorded.get("sources", {})
        today = dict(source_digests())
        changed = sorted({*built, *today} - {name for name in today if built.get(name) == today[name]})
    except (OSError, ValueError, AttributeError):
        return None  # never built here (or an unreadable stamp): pure Python
    if recorded.get("python") != sys.implementation.cache_tag:
        return None
    if changed:
        warnings.warn(
            "Datelines: the compiled pipeline was built from older sources "
            f"({', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''} changed since); "
            "running pure Python, about a fifth slower. "
            "Run `make native` to rebuild it.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
    files = {name: _compiled_file(folder, name) for name in (*MODULES, f"{GROUP}__mypyc")}
    found = {name: file for name, file in files.items() if file is not None}
    return found if len(found) == len(files) else None  # an incomplete build: pure Python


def build(target: Path | None = None) -> Path:
    """Compile :data:`MODULES` with mypyc into ``target`` (default :func:`native_folder`).

    Builds in a temporary folder and swaps it in whole, so a failed build leaves the last good
    one in place. Needs mypy (``pip install -e '.[native]'``) and a C compiler."""
    import shutil
    import tempfile

    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError as error:
        raise SystemExit(
            f"Building the compiled pipeline needs mypy and setuptools ({error}): "
            "pip install -e '.[native]'"
        ) from error
    target = target or native_folder()
    target.parent.mkdir(parents=True, exist_ok=True)
    digests = dict(source_digests())
    with tempfile.TemporaryDirectory(prefix="datelines-native-") as work:
        staging = Path(work) / "lib"
        sources = [str(_source(m).relative_to(_ROOT)) for m in MODULES]
        here = os.getcwd()
        os.chdir(_ROOT)  # mypyc names each module from its path below the repository
        try:
            # the modules they import (geopandas, geopy, ...) are read for types only, quietly
            extensions = mypycify(
                ["--ignore-missing-imports", "--follow-imports=silent", *sources], target_dir=str(Path(work) / "c"), group_name=GROUP, opt_level="3", multi_file=True,
            )
            os.chdir(work)  # setuptools would read the repository's pyproject.toml
            setup(
                name="datelines-native",
                ext_modules=extensions,
                script_args=["--quiet", "build_ext", "--build-lib", str(staging), "--build-temp", str(Path(work) / "o"),
                             "--parallel", str(os.cpu_count() or 1)],
            )
        finally:
            os.chdir(here)
        stamp = {"python": sys.implementation.cache_tag, "sources": digests}
        (staging / STAMP).write_text(json.dumps(stamp, indent=1), encoding="utf-8")
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        shutil.move(str(staging), str(target))
        shutil.rmtree(old, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    """``build`` or ``status``: what ``make native`` runs (``python -c "import geo.native as n; n.main(['build'])"``)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["build"]:
        print(f"compiled pipeline built in {build()}")
        return 0
    if args == ["status"]:
        print("compiled" if active() else "pure Python", native_folder())
        return 0
    print("usage: main(['build']) or main(['status'])", file=sys.stderr)
    return 2


