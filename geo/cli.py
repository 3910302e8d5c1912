"""The ``datelines`` command: a thin shell over :mod:`geo`.

    datelines ingest CORPUS -o events.geojson [--report report.csv]
    datelines dashboard [PATH]
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
) -> None:
    """Read CORPUS and write its events as GeoJSON (RFC 7946), CSV or GeoParquet."""
    from geo.errors import DatelinesError
    from geo.export import write_report
    from geo.ingest import require_some_articles

    online = None
    fmt_name = fmt.value if fmt else None
    previous = _stop_cleanly_on_sigterm()
    try:
        _check_outputs(corpus, output, report, fmt_name)
        if geocoder is not GeocoderChoice.off:
            online = _make_online(geocoder.value, user_agent, geocoder_url, geocoder_cache)
        result = _run(corpus, output, fmt=fmt_name, workers=workers, scheduler=scheduler,
                      max_bytes=max_bytes, geocoder=online, quiet=quiet)
        if report is not None:  # written even when nothing was read: it says why
            write_report(result.report, report)
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


def _check_outputs(corpus: Path, output: Path, report: Path | None, fmt: str | None) -> None:
    """Refuse outputs that would overwrite an input, the manifest or each other (resolved
    paths are compared, so ``C/sub/../a.txt`` is ``C/a.txt``)."""
    from geo.articles import ARTICLE_SUFFIXES, MANIFEST_NAME
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

    from geo.geocoders import make_geocoder

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

    from geo.ingest import ingest_to_file

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
    from geo.distributed import ingest_dask
    from geo.export import write_events, write_events_parquet

    result = ingest_dask(corpus, scheduler=scheduler, max_bytes=max_bytes)
    if result.summary.get("articles", 0) == 0:
        return result
    if (fmt or output.suffix.lower().lstrip(".")) in {"parquet", "geoparquet"}:
        write_events_parquet(result.events, output)  # a folder of part files
    else:
        write_events(result.events, output, fmt=fmt)
    return result


def _count_inputs(corpus: Path) -> int | None:
    """How many files the progress bar will go through (None: unknown, e.g. JSON Lines)."""
    if not corpus.is_dir():
        return None
    return sum(1 for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() != ".jsonl") or None


def _print_summary(result, output: Path, report: Path | None) -> None:
    summary = result.summary
    by_status = summary["by_status"]
    _err.print(
        f"[bold]{summary['articles']}[/] articles read, [bold]{summary['events']}[/] events "
        f"→ {escape(str(output))}" + (f" (report: {escape(str(report))})" if report else ""),
        highlight=False,
    )
    without = result.report[result.report["status"] != "ok"]
    if len(without):
        table = Table("file", "status", "reason", title="Inputs that gave no events or were not read", title_justify="left")
        for row in without.head(20).itertuples(index=False):
            # file names and reasons are data: "[draft].txt" is not Rich markup
            table.add_row(escape(str(row.file)), str(row.status), escape(str(row.reason)))
        _err.print(table)
        if len(without) > 20:
            _err.print(f"… and {len(without) - 20} more: see --report", highlight=False)
    counts = ", ".join(f"{k}: {v}" for k, v in by_status.items() if v)
    _err.print(f"by status — {counts}", highlight=False)


@app.command()
def dashboard(
    path: Annotated[Optional[Path], typer.Argument(help="A corpus folder or a GeoJSON/GeoParquet file; default: the seed corpus.")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port to serve on.")] = None,
) -> None:
    """Open the map dashboard (Streamlit) on PATH."""
    app_file = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(app_file)]
    if port:
        command += ["--server.port", str(port)]
    if path is not None:
        command += ["--", "--data", str(path.resolve())]
    raise typer.Exit(subprocess.call(command, cwd=app_file.parent.parent))


if __name__ == "__main__":  # pragma: no cover
    app()
