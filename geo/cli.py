"""The ``datelines`` command: a thin shell over :mod:`geo`.

    datelines ingest CORPUS -o events.geojson [--report report.csv]
    datelines dashboard [PATH]
    datelines evaluate CORPUS GOLD.csv [-v] [--no-manifest]
    datelines review summary PATH [--review FILE]
"""

from __future__ import annotations

import os
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

#: Set for this process and the workers it starts, unless the user set them: numpy's OpenBLAS
#: starts a thread per core when numpy is imported and keeps it spinning for a while, about
#: 0.1 s of CPU at every start on two cores and a slice of the other core's time during a run,
#: for a pipeline that does no linear algebra worth a second thread.
PROCESS_ENVIRONMENT: dict[str, str] = {"OPENBLAS_NUM_THREADS": "1"}
for _name, _value in PROCESS_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn news articles into a map of dated, geolocated events — offline.",
)
_err = Console(stderr=True)


class OutputFormat(str, Enum):
    geojson = "geojson"
    csv = "csv"
    parquet = "parquet"


class GeocoderChoice(str, Enum):
    off = "off"
    nominatim = "nominatim"


@app.callback()
def _main() -> None:
    """Datelines: news articles in, dated and geolocated events out."""


@app.command()
def ingest(
    corpus: Annotated[Path, typer.Argument(help="A folder of articles (.txt .md .html, optional articles.csv), a .jsonl file or one article.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the events (.geojson, .csv or .parquet).")],
    report: Annotated[Optional[Path], typer.Option("--report", help="Also write one row per input: file, status, events, reason.")] = None,
    fmt: Annotated[Optional[OutputFormat], typer.Option("--format", help="Output format; default from the output's extension.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes to use (same output whatever the number).")] = 1,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run on Dask: 'local' or an existing cluster's address (tcp://HOST:8786).")] = None,
    max_bytes: Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse articles larger than this many bytes.")] = 10 * 1024 * 1024,
    geocoder: Annotated[GeocoderChoice, typer.Option("--geocoder", help="Online geocoding to confirm ambiguous places (off by default; needs internet).")] = GeocoderChoice.off,
    user_agent: Annotated[Optional[str], typer.Option("--user-agent", help="Your application and contact, required by Nominatim's usage policy.")] = None,
    geocoder_url: Annotated[Optional[str], typer.Option("--geocoder-url", help="Another Nominatim server, e.g. http://127.0.0.1:8080.")] = None,
    geocoder_cache: Annotated[Optional[Path], typer.Option("--geocoder-cache", help="SQLite cache of online answers (kept across runs).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    gazetteer: Annotated[Optional[Path], typer.Option("--gazetteer", help="Your own gazetteer added to the built-in one: GeoNames dump files (e.g. SY.txt or allCountries.txt with admin1CodesASCII.txt) or a CSV name,lat,lon[,country]; indexed once.")] = None,
    review: Annotated[Optional[Path], typer.Option("--review", help="Apply this review file (datelines-review.jsonl): analysts' confirmations, corrections and rejections.")] = None,
    include_rejected: Annotated[bool, typer.Option("--include-rejected", help="With --review: keep the events analysts rejected (review_status 'rejected').")] = False,
) -> None:
    """Read CORPUS and write its events as GeoJSON (RFC 7946), CSV or GeoParquet."""
    from geo.errors import DatelinesError
    from geo.output.export import write_report
    from geo.corpus.ingest import require_some_articles

    online = None
    fmt_name = fmt.value if fmt else None
    previous = _stop_cleanly_on_sigterm()
    try:
        _check_outputs(corpus, output, report, fmt_name)
        if gazetteer is not None:
            from geo.gazetteer.index import load_gazetteer

            load_gazetteer(user=gazetteer)  # index it now: a bad file stops here, clearly
            os.environ["DATELINES_GAZETTEER"] = str(gazetteer)  # workers and Dask load it too
        if geocoder is not GeocoderChoice.off:
            online = _make_online(geocoder.value, user_agent, geocoder_url, geocoder_cache)
        if review is not None:
            result = _run_reviewed(corpus, output, fmt=fmt_name, workers=workers, max_bytes=max_bytes,
                                   geocoder=online, review=review, include_rejected=include_rejected)
        else:
            result = _run(corpus, output, fmt=fmt_name, workers=workers, scheduler=scheduler,
                          max_bytes=max_bytes, geocoder=online, quiet=quiet)
        if report is not None:  # written even when nothing was read: it says why
            write_report(_report_rows(result), report)
        require_some_articles(result)
    except DatelinesError as err:
        # soft_wrap: a path in the message stays on one line, so it can be copied
        _err.print(f"[bold red]datelines:[/] {escape(str(err))}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(code=1) from err
    except OSError as err:  # a read-only folder, a full disk: say which file and what to do
        _err.print(f"[bold red]datelines:[/] {escape(_os_message(err))}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(code=1) from err
    finally:
        if online is not None:
            online.close()
        _restore_sigterm(previous)
    if not quiet:
        _print_summary(result, output, report)
        if review is not None:
            _print_review(result.review)


def _check_outputs(corpus: Path, output: Path, report: Path | None, fmt: str | None) -> None:
    """Refuse outputs that would overwrite an input, the manifest or each other (resolved
    paths are compared, so ``C/sub/../a.txt`` is ``C/a.txt``)."""
    from geo.read.articles import ARTICLE_SUFFIXES, MANIFEST_NAME
    from geo.errors import CorpusError

    root = corpus.expanduser().resolve()
    named = [("-o", output)] + ([("--report", report)] if report is not None else [])
    seen: dict[Path, str] = {}
    for option, path in named:
        where = path.expanduser().resolve()
        if where in seen:
            raise CorpusError(f"{option} {str(path)!r} is also {seen[where]}: give the events and the report different names.")
        seen[where] = option
        is_input = where == root or (
            root.is_dir() and where.parent.is_relative_to(root) and (
                where.name.lower() == MANIFEST_NAME or where.suffix.lower() in ARTICLE_SUFFIXES | {".jsonl"}
            )
        )
        if is_input:
            raise CorpusError(
                f"{option} {str(path)!r} is an input of the corpus (or its manifest): writing it "
                "would replace what you are reading; write the output outside the corpus."
            )
        parquet = option == "-o" and (fmt or where.suffix.lower().lstrip(".")) in {"parquet", "geoparquet"}
        if where.is_dir() and not parquet:
            raise CorpusError(f"{option} {str(path)!r} is a folder: name a file for the output.")


def _os_message(err: OSError) -> str:
    import errno

    where = f"{err.filename}: " if err.filename else ""
    what = err.strerror or str(err)
    if err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        hint = "the disk is full (or a size limit was reached): free some space or write elsewhere; nothing was replaced"
    elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "pick a folder you can write to (and articles you can read)"
    else:
        hint = "check the path and try again"
    return f"cannot complete the run: {where}{what}; {hint}."


def _stop_cleanly_on_sigterm():
    """SIGTERM unwinds like Ctrl-C, so temporary files and folders are removed on the way out.
    Returns the handler it replaced (None when it could not install one)."""
    import signal

    def stop(signum, frame) -> None:
        raise SystemExit(128 + signum)

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (e.g. called from a test runner's thread)
        return None


def _restore_sigterm(previous) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def _make_online(provider: str, user_agent: str | None, url: str | None, cache: Path | None):
    from urllib.parse import urlsplit

    from geo.geocode.services import make_geocoder

    domain, scheme = None, "https"
    if url:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        domain, scheme = parts.netloc, parts.scheme or "https"
    cache = cache or Path(os.environ.get("DATELINES_CACHE", Path.home() / ".cache" / "datelines")) / "geocoder.sqlite"
    return make_geocoder(provider, user_agent=user_agent, domain=domain, scheme=scheme, cache_path=cache)


def _run(corpus: Path, output: Path, *, fmt: str | None, workers: int, scheduler: str | None,
         max_bytes: int, geocoder, quiet: bool):
    """Ingest and write the events; nothing is written (an existing output stays) if nothing
    could be read."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from geo.corpus.ingest import ingest_to_file

    if scheduler:
        return _run_on_dask(corpus, output, fmt=fmt, scheduler=scheduler, max_bytes=max_bytes)
    show = not quiet and _err.is_terminal
    with Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=_err, transient=True, disable=not show,
    ) as progress:
        task = progress.add_task("ingest", total=_count_inputs(corpus) if show else None)
        result = ingest_to_file(
            corpus, output, fmt=fmt, workers=workers, max_bytes=max_bytes, geocoder=geocoder,
            on_progress=lambda done: progress.advance(task, done),
        )
    return result


def _run_on_dask(corpus: Path, output: Path, *, fmt: str | None, scheduler: str, max_bytes: int):
    from geo.corpus.distributed import ingest_dask, ingest_dask_to_file
    from geo.output.export import write_events_parquet

    if (fmt or output.suffix.lower().lstrip(".")) not in {"parquet", "geoparquet"}:
        # streamed from the partitions' rows, as one machine's run is: the same bytes
        return ingest_dask_to_file(corpus, output, fmt=fmt, scheduler=scheduler, max_bytes=max_bytes)
    result = ingest_dask(corpus, scheduler=scheduler, max_bytes=max_bytes)
    if result.summary.get("articles", 0) == 0:
        return result
    write_events_parquet(result.events, output)  # a folder of part files
    return result


def _count_inputs(corpus: Path) -> int | None:
    """How many files the progress bar will go through (None: unknown, e.g. JSON Lines)."""
    if not corpus.is_dir():
        return None
    return sum(1 for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() != ".jsonl") or None


def _report_rows(result) -> list[tuple]:
    """The report's rows (file, status, events, reason): kept as rows by a streaming run
    (no pandas needed), else read from the result's frame."""
    rows = getattr(result, "report_rows", None)
    if rows is not None:
        return rows
    from geo.schema import REPORT_COLUMNS

    return list(result.report[list(REPORT_COLUMNS)].itertuples(index=False, name=None))


def _print_summary(result, output: Path, report: Path | None) -> None:
    summary = result.summary
    by_status = summary["by_status"]
    _err.print(
        f"[bold]{summary['articles']}[/] articles read, [bold]{summary['events']}[/] events "
        f"→ {escape(str(output))}" + (f" (report: {escape(str(report))})" if report else ""),
        highlight=False,
    )
    without = [row for row in _report_rows(result) if row[1] != "ok"]
    if len(without):
        table = Table("file", "status", "reason", title="Inputs that gave no events or were not read", title_justify="left")
        for file, status, _events, reason in without[:20]:
            # file names and reasons are data: "[draft].txt" is not Rich markup
            table.add_row(escape(str(file)), str(status), escape(str(reason)))
        _err.print(table)
        if len(without) > 20:
            _err.print(f"… and {len(without) - 20} more: see --report", highlight=False)
    counts = ", ".join(f"{k}: {v}" for k, v in by_status.items() if v)
    _err.print(f"by status — {counts}", highlight=False)


# -- review ------------------------------------------------------------------------------------
review_app = typer.Typer(no_args_is_help=True, help="Analysts' review of the events: confirmed, corrected, rejected.")
app.add_typer(review_app, name="review")


def _run_reviewed(corpus: Path, output: Path, *, fmt: str | None, workers: int, max_bytes: int,
                  geocoder, review: Path, include_rejected: bool):
    """Ingest in memory, apply the review file, write the reviewed events (rejected left out
    unless asked for). Holds every event, unlike the streaming run: review needs them all."""
    from geo.output.export import write_events, write_events_parquet
    from geo.corpus.ingest import ingest as ingest_corpus
    from geo.review import ReviewError

    if review.is_dir():
        raise ReviewError(f"--review should be a file (datelines-review.jsonl), got the folder {str(review)!r}")
    result = ingest_corpus(corpus, workers=workers, max_bytes=max_bytes, geocoder=geocoder,
                           review=review, include_rejected=include_rejected)
    if result.summary.get("articles", 0) == 0:
        return result
    if (fmt or output.suffix.lower().lstrip(".")) in {"parquet", "geoparquet"}:
        write_events_parquet(result.events, output)  # a folder of part files, as without --review
    else:
        write_events(result.events, output, fmt=fmt)
    return result


def _print_review(reviewed, *, limit: int = 20) -> None:
    """The review's counts, implied precision, unreadable lines and orphaned decisions."""
    from geo.review import review_summary

    for line in review_summary(reviewed).lines():
        _err.print(escape(line), highlight=False)
    for warning in reviewed.warnings:
        _err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    if reviewed.orphans:
        table = Table("event", "field", "reviewer", "time", "why orphaned", title="Orphaned decisions", title_justify="left")
        for orphan in reviewed.orphans[:limit]:
            d = orphan.decision
            table.add_row(escape(d.event_id), escape(d.field), escape(d.reviewer), escape(d.time), escape(orphan.reason))
        _err.print(table)
        if len(reviewed.orphans) > limit:
            _err.print(f"… and {len(reviewed.orphans) - limit} more", highlight=False)


@review_app.command("summary")
def review_summary_command(
    path: Annotated[Path, typer.Argument(help="The corpus folder or events file (GeoJSON, CSV, GeoParquet) the review is of.")],
    review: Annotated[Optional[Path], typer.Option("--review", help="The review file; default: datelines-review.jsonl beside PATH.")] = None,
) -> None:
    """How many events are reviewed, confirmed, corrected, rejected; the precision that
    implies for the rest; and the decisions whose events are gone (orphans)."""
    from geo.errors import DatelinesError
    from geo.review import apply_review, default_review_path, read_review

    review = review or default_review_path(path)
    try:
        if not review.is_file():
            raise DatelinesError(f"No review file at {str(review)!r}: review events in the dashboard first, or pass --review FILE.")
        events = _events_of(path)
        _print_review(apply_review(events, read_review(review)))
    except (DatelinesError, OSError) as err:
        _err.print(f"[bold red]datelines:[/] {escape(str(err))}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(code=1) from err


def _events_of(path: Path):
    """Events of a corpus folder (ingested) or of an events file (read)."""
    from geo.output.export import read_events
    from geo.corpus.ingest import ingest as ingest_corpus

    source = path.expanduser()
    is_parts = source.is_dir() and any(source.glob("part-*.parquet"))
    if source.is_dir() and not is_parts:
        return ingest_corpus(source).events
    if source.suffix.lower() in {".geojson", ".json", ".csv", ".parquet", ".geoparquet"} or is_parts:
        return read_events(source)
    return ingest_corpus(source).events


@app.command()
def evaluate(
    corpus: Annotated[Path, typer.Argument(help="The corpus folder the gold rows were labelled on.")],
    gold: Annotated[Path, typer.Argument(help="Gold CSV: article,place,country,geonameid,lat,lon,place_precision,date_start,date_end,main,what.")],
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="List every missed gold row and every point that matches none, with its sentence.")] = False,
    no_manifest: Annotated[bool, typer.Option("--no-manifest", help="Ignore the corpus's articles.csv: dates come from the texts alone.")] = False,
) -> None:
    """Score CORPUS's events against GOLD: precision, recall and main-event recall (95% Wilson intervals)."""
    from geo.errors import DatelinesError
    from geo.evaluate import evaluate_events, ingest_without_manifest, read_gold
    from geo.corpus.ingest import ingest as ingest_corpus

    out = Console(highlight=False)
    try:
        rows = read_gold(gold)
        result = ingest_without_manifest(corpus) if no_manifest else ingest_corpus(corpus)
    except (DatelinesError, OSError, KeyError, ValueError) as err:
        _err.print(f"[bold red]datelines:[/] {escape(str(err))} (GOLD must be a readable CSV with the columns listed in --help)",
                   highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from err
    score = evaluate_events(result.events, rows)
    out.print(f"precision {score.precision}", markup=False)
    out.print(f"recall    {score.recall}", markup=False)
    out.print(f"main      {score.main}", markup=False)
    if verbose:
        for line in score.missed:
            out.print(f"missed: {line}", markup=False, soft_wrap=True)
        for line in score.unmatched:
            out.print(f"unmatched: {line}", markup=False, soft_wrap=True)


@app.command()
def dashboard(
    path: Annotated[Optional[Path], typer.Argument(help="A corpus folder or a GeoJSON/GeoParquet file; default: the seed corpus.")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port to serve on.")] = None,
    review: Annotated[Optional[Path], typer.Option("--review", help="The review file; default: datelines-review.jsonl beside PATH.")] = None,
) -> None:
    """Open the map dashboard (Streamlit) on PATH."""
    app_file = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(app_file)]
    if port:
        command += ["--server.port", str(port)]
    if path is not None or review is not None:
        command += ["--"]
    if path is not None:
        command += ["--data", str(path.resolve())]
    if review is not None:
        command += ["--review", str(review.resolve())]
    raise typer.Exit(subprocess.call(command, cwd=app_file.parent.parent))


if __name__ == "__main__":  # pragma: no cover
    app()
