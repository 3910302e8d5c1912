"""How fast ingest runs and how much memory it takes, on generated corpora (no asserts).

Each run is a fresh Python process, so start-up is paid and measured in every run, and its peak
memory is its own. Measured per run:

* start-up: importing ``geo`` and loading the gazetteer (and, for Dask, starting the local
  cluster with every worker's gazetteer loaded);
* articles/s after start-up: inputs of the corpus divided by the time ``ingest`` took, and
  per CPU-second (all processes, less the benchmark's own memory sampler): the figure to
  trust on a busy machine;
* peak memory: the process's own peak RSS (``getrusage``), and the peak of the sum over the
  process and all its children (sampled every 0.2 s with psutil), as RSS (counts pages that
  forked workers share, once per worker) and as PSS (shares them out: the fair total).

Corpora come from :mod:`benchmarks.make_corpus` and are kept in ``--corpora`` between runs.

Usage::

    python benchmarks/ingest_speed.py                     # 2,000 and 20,000 articles
    python benchmarks/ingest_speed.py --large 100000 --large-modes 1,dask
    python benchmarks/ingest_speed.py --real 2000,20000 --compare /tmp/old   # real text, vs an old checkout
    python benchmarks/ingest_speed.py --real 2000 --pure     # compiled (geo/native.py) vs pure Python

The real-text corpora copy the articles of ``../shared/devset/news`` and ``seeds/`` (read at
benchmark time, never stored in the repository) into a temporary folder, each copy made unique;
there Datelines also writes GeoJSON, as ``datelines ingest -o X.geojson`` does, and the naive peer
(geotext for places, ``dateparser.search_dates`` for dates) is measured in the same run.

Measured 2026-11-28 on the shared 2-core machine (load ~1), one process, 2,000 real copies,
articles per CPU-second after start-up: 961fcb7 280, f0a405e 246, with the events fast paths
315; the peer 65 (on 500). 20,000 copies: 288 per CPU-second, 286/s wall, peak 455 MB.
Later that day (load 6-16, which inflates CPU time too; compare within one run only): 8ba4491
202, with issue 15's output/start-up work 239 (whole process 185 -> 218, peak 360 -> 200 MB,
start-up 0.91 -> 0.78 s CPU and 281 -> 164 MB); --workers 2: 151 -> 229; the peer 52.
20,000 copies: 204 one process (peak 228 MB), 203 with --workers 2.
Issue 15's second round (load 0-5), 2,000 copies: 290-327 per CPU-second vs 230-271 for
61dff62 in the same runs, peak 115 vs 202 MB, start-up 0.35-0.54 s CPU and 110 MB (was
0.55-0.75 s, 166 MB); the peer 63-71, so 4.2x (was 3.3x). 20,000 copies at load ~0: 322
articles/s one process, 602 with --workers 2 (1.87x), 318 / 319 per CPU-second. Dask x2,
writing GeoJSON from the rows (ingest_dask_to_file): 269 per CPU-second vs 312 for --workers 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
#: What ``datelines`` sets for its process (geo.cli.PROCESS_ENVIRONMENT), given to every measured
#: child, the peer's too, so each runs as the command would; tests/test_cli.py keeps the two equal.
#: A copy, not an import: this module runs in the children too, which must import ``geo`` only
#: from the checkout they measure (``--code``), after it is put on the path.
_COMMAND_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1"}

MODES_HELP = "comma-separated: 1 (one process), 2, N (ingest(workers=...)), dask (LocalCluster of --workers)"


def _measure(mode: str, corpus: str, workers: int, code: Path = _ROOT, write: bool = False) -> dict:
    """In the child process: start up, ingest, report timings and memory as a dict.

    ``code`` is the repository whose ``geo`` is measured (another checkout compares versions);
    with ``write`` the events are also written as GeoJSON, as ``datelines ingest`` does.
    """
    start = time.perf_counter()
    sampler = _PeakSampler()
    sampler.start()
    sys.path.insert(0, str(code))
    from geo.gazetteer.index import load_gazetteer
    from geo.corpus.ingest import ingest

    extra: dict = {}
    if mode == "dask":
        from distributed import Client, LocalCluster

        from geo.corpus.distributed import ingest_dask

        # The client needs no gazetteer: start-up is the cluster with every worker's loaded,
        # set up as `datelines ingest --scheduler local` sets up its own (an older checkout
        # without LOCAL_CLUSTER_CONFIG: Dask's defaults), and warmed as ingest_dask warms it:
        # the pipeline imported too, as a pool's forked workers inherit it from the parent,
        # which imported it above. Warmed with the gazetteer only, each worker imported the
        # pipeline within the measured ingest (an older checkout without warm_workers: so).
        import dask
        import geo.corpus.distributed as dask_run

        dask.config.set(getattr(dask_run, "LOCAL_CLUSTER_CONFIG", {}))
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=":0")
        client = Client(cluster)
        getattr(dask_run, "warm_workers", lambda c: c.run(_load_gazetteer))(client)
        ready = time.perf_counter()
        cpu = _tree_cpu() - sampler.cpu
        result = _dask_to_geojson(corpus, client) if write else ingest_dask(corpus, scheduler=client)
        done = time.perf_counter()
        cpu = _tree_cpu() - sampler.cpu - cpu
        extra["worker_peak_rss_mb"] = max(client.run(_own_peak_mb).values())
        client.close()
        cluster.close()
    else:
        gazetteer = load_gazetteer()
        ready = time.perf_counter()
        extra["startup_cpu_s"] = time.process_time()
        extra["startup_rss_mb"] = _own_rss_mb()
        cpu = _tree_cpu() - sampler.cpu
        if write:
            result = _ingest_to_geojson(corpus, gazetteer, workers)
        else:
            result = ingest(corpus, gazetteer=gazetteer, workers=workers)
        done = time.perf_counter()
        cpu = _tree_cpu() - sampler.cpu - cpu
    import resource

    sampler.stop()
    extra["sampler_cpu_s"] = sampler.cpu  # the whole run's, start-up included
    inputs = int(result.summary["inputs"])
    return {
        "mode": mode,
        "workers": workers,
        "inputs": inputs,
        "articles": int(result.summary["articles"]),
        "events": int(result.summary["events"]),
        "startup_s": ready - start,
        "ingest_s": done - ready,
        "articles_per_s": inputs / (done - ready),
        "cpu_s": cpu,
        "self_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tree_peak_rss_mb": sampler.peak_rss / 2**20,
        "tree_peak_pss_mb": sampler.peak_pss / 2**20,
        **extra,
    }


def _ingest_to_geojson(corpus: str, gazetteer, workers: int):
    """Ingest and write GeoJSON to a throw-away file, as ``datelines ingest -o X.geojson`` does
    (:func:`geo.corpus.ingest.ingest_to_file`; an older checkout without it: ingest, then write)."""
    import geo.corpus.ingest as run

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "events.geojson"
        if hasattr(run, "ingest_to_file"):
            return run.ingest_to_file(corpus, target, gazetteer=gazetteer, workers=workers)
        from geo.output.export import write_events

        result = run.ingest(corpus, gazetteer=gazetteer, workers=workers)
        write_events(result.events, target)
        return result


def _dask_to_geojson(corpus: str, client):
    """Ingest on the cluster and write GeoJSON as ``datelines ingest`` writes it: streamed from
    the rows (``ingest_dask_to_file``; an older checkout without it: ingest_dask, then write)."""
    import geo.corpus.distributed as dask_run

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "events.geojson"
        if hasattr(dask_run, "ingest_dask_to_file"):
            return dask_run.ingest_dask_to_file(corpus, target, scheduler=client)
        from geo.output.export import write_events

        result = dask_run.ingest_dask(corpus, scheduler=client)
        write_events(result.events, target)
        return result


def _own_rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _load_gazetteer() -> None:
    from geo.gazetteer.index import load_gazetteer

    load_gazetteer()  # returns nothing: client.run would ship the gazetteer back


def _tree_cpu() -> float:
    """CPU seconds of this process, its live descendants and the children it has reaped."""
    import psutil

    me = psutil.Process()
    own = me.cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _own_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _PeakSampler(threading.Thread):
    """Peak of the summed RSS and PSS of this process and all its descendants.

    ``cpu`` is the CPU time the sampler itself has taken: the benchmark's, not the ingest's, so
    it is taken out of the measured CPU. Reading every process's PSS walks its page tables
    (about 3 ms a sample with a 2-worker Dask cluster): 0.2-0.3 s of a 4,000-article run, and
    more with Dask's four processes, whose heaps are their own, than with a pool's three,
    whose forked workers share their parent's pages.
    """

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self.cpu = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._halt.is_set():
            started = time.thread_time()
            rss = pss = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    info = proc.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.cpu += time.thread_time() - started
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _corpus(size: int, folder: Path, seed: int) -> Path:
    path = folder / f"corpus-{size}-seed{seed}"
    if not (path / "articles.csv").exists():
        sys.path.insert(0, str(_ROOT))
        from benchmarks.make_corpus import make_corpus

        started = time.perf_counter()
        make_corpus(size, path, seed=seed)
        print(f"  generated {size:,} inputs in {path} ({time.perf_counter() - started:.0f} s)", flush=True)
    return path


def _run_child(
    mode: str, corpus: Path, workers: int, *, code: Path = _ROOT, write: bool = False, pure: bool = False
) -> dict:
    """One measured run in a fresh process; ``pure``: with ``DATELINES_PURE=1`` (see geo/native.py)."""
    command = [sys.executable, __file__, "--child", mode, str(corpus), str(workers), "--code", str(code)]
    command += ["--write"] if write else []
    env = {k: v for k, v in os.environ.items() if k != "DATELINES_PURE"} | ({"DATELINES_PURE": "1"} if pure else {})
    env = _COMMAND_ENVIRONMENT | env  # every child (and the peer) as the datelines command runs
    done = subprocess.run(command, capture_output=True, text=True, cwd=code, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _modes(text: str, cores: int) -> list[tuple[str, int]]:
    out = []
    for item in text.split(","):
        item = item.strip()
        if item == "dask":
            out.append(("dask", cores))
        elif item:
            n = cores if item == "N" else int(item)
            out.append(("single" if n == 1 else "pool", n))
    return list(dict.fromkeys(out))  # on 2 cores, "2" and "N" are one run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=2000, help="inputs of the small corpus (0: skip)")
    parser.add_argument("--small-modes", default="1", help=MODES_HELP)
    parser.add_argument("--large", type=int, default=20000, help="inputs of the large corpus (0: skip)")
    parser.add_argument("--large-modes", default="1,2,N,dask", help=MODES_HELP)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="N: processes for 'N' and 'dask'")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()) / "datelines-bench",
                        help="where generated corpora are kept between runs")
    parser.add_argument("--real", default="",
                        help="comma-separated sizes of real-text corpora (e.g. 2000,20000): the dev-set "
                             "news and the seeds, copied; run these instead of the generated corpora")
    parser.add_argument("--real-modes", default="1", help=MODES_HELP + " (real-text corpora)")
    parser.add_argument("--compare", type=Path, action="append", default=[],
                        help="another checkout of the repository to measure on the real-text corpora "
                             "(e.g. an older commit unpacked with git archive); may be repeated")
    parser.add_argument("--pure", action="store_true",
                        help="also measure this checkout in pure Python (DATELINES_PURE=1: the compiled "
                             "pipeline of geo/native.py not loaded), in the same run")
    parser.add_argument("--peer-limit", type=int, default=2000,
                        help="articles the naive peer (geotext + dateparser) reads (0: skip the peer)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CORPUS", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=_ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--peer-child", nargs=2, metavar=("CORPUS", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, corpus, workers = args.child
        print(json.dumps(_measure(mode, corpus, int(workers), args.code, args.write)))
        return 0
    if args.peer_child:
        print(json.dumps(_measure_peer(args.peer_child[0], int(args.peer_child[1]))))
        return 0
    if args.real:
        return _real_text(args)

    print(f"datelines ingest benchmark: {os.cpu_count()} cores, N = {args.workers}, "
          f"DATELINES_CACHE={os.environ.get('DATELINES_CACHE', '(default)')}", flush=True)
    args.corpora.mkdir(parents=True, exist_ok=True)
    header = (f"{'inputs':>8} {'mode':<8} {'start-up':>9} {'ingest':>8} {'art/s':>7} {'events':>8} "
              f"{'art/cpu-s':>9} {'self peak':>10} {'tree RSS':>9} {'tree PSS':>9}")
    print(header)
    for size, modes in ((args.small, args.small_modes), (args.large, args.large_modes)):
        if size <= 0:
            continue
        corpus = _corpus(size, args.corpora, args.seed)
        for mode, workers in _modes(modes, args.workers):
            row = _run_child(mode, corpus, workers)
            label = {"single": "1", "pool": str(workers), "dask": f"dask×{workers}"}[mode]
            print(f"{row['inputs']:>8,} {label:<8} {row['startup_s']:>8.2f}s {row['ingest_s']:>7.1f}s "
                  f"{row['articles_per_s']:>7.0f} {row['events']:>8,} {row['inputs'] / row['cpu_s']:>9.0f} "
                  f"{row['self_peak_rss_mb']:>8.0f}MB "
                  f"{row['tree_peak_rss_mb']:>7.0f}MB {row['tree_peak_pss_mb']:>7.0f}MB"
                  + (f"  (each worker ≤ {row['worker_peak_rss_mb']:.0f} MB)" if "worker_peak_rss_mb" in row else ""),
                  flush=True)
    return 0


# --- Real text ----------------------------------------------------------------------------------

#: Real articles, read at benchmark time and never copied into the repository: ../shared/devset
#: from the main checkout (a worktree one level deeper finds it further up) and the seeds.
_DEVSET_NEWS = next(
    (up / "shared" / "devset" / "news" for up in _ROOT.parents if (up / "shared" / "devset" / "news").is_dir()),
    _ROOT.parent / "shared" / "devset" / "news",
)
_REAL_SOURCES = (_DEVSET_NEWS, _ROOT / "seeds")


def real_corpus(size: int, target: Path, sources: Sequence[Path] = _REAL_SOURCES) -> Path:
    """Copy the real articles of ``sources`` round-robin into ``target`` until there are ``size``.

    Each copy gets one unique last line (``Copy c00012f.``: letters and hex, so no date or
    place reader finds anything in it), so no two inputs are the same text; each copy's
    manifest row is its original's (title, source, published). Files go in folders of 1,000.
    """
    originals = _real_articles(sources)
    if not originals:
        raise SystemExit(f"No real articles found in {', '.join(map(str, sources))}: "
                         "the dev set is expected at ../shared/devset from the repository root.")
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "articles.csv", "w", newline="", encoding="utf-8") as manifest:
        writer = csv.writer(manifest)
        writer.writerow(["file", "title", "source", "published"])
        for i in range(size):
            text, row = originals[i % len(originals)]
            name = f"b{i // 1000:03d}/r{i:06d}.txt"
            (target / name).parent.mkdir(exist_ok=True)
            (target / name).write_text(f"{text.rstrip()}\n\nCopy c{i:07x}.\n", encoding="utf-8")
            writer.writerow([name, *row])
    return target


def _real_articles(sources: Sequence[Path]) -> list[tuple[str, list[str]]]:
    """(text, [title, source, published]) of every .txt article listed in each source's manifest."""
    out = []
    for folder in sources:
        manifest = folder / "articles.csv"
        if not manifest.exists():
            continue
        with open(manifest, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                path = folder / row["file"]
                if path.suffix == ".txt" and path.exists():
                    text = path.read_text(encoding="utf-8")
                    out.append((text, [row.get("title", ""), row.get("source", ""), row.get("published", "")]))
    return out


def _measure_peer(corpus: str, limit: int) -> dict:
    """In a child process: the naive pipeline a user could assemble, on the corpus's first articles.

    geotext finds city and country names, dateparser's ``search_dates`` finds dates; start-up
    (imports and geotext's tables) is measured apart, as for Datelines.
    """
    started = time.process_time()
    from dateparser.search import search_dates
    from geotext import GeoText

    GeoText("warm up in Paris")  # geotext reads its tables on first use
    search_dates("warm up on 3 May 2016", languages=["en"])
    ready = time.process_time()
    wall = time.perf_counter()
    paths = sorted(Path(corpus).glob("*/*.txt"))[:limit]
    found = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        places = GeoText(text)
        dates = search_dates(text, languages=["en"]) or []
        found += len(places.cities) + len(places.countries) + len(dates)
    return {"inputs": len(paths), "startup_cpu_s": ready - started, "cpu_s": time.process_time() - ready,
            "ingest_s": time.perf_counter() - wall, "found": found}


def _real_text(args: argparse.Namespace) -> int:
    """Datelines (this checkout and any --compare ones) and the naive peer on real-text corpora."""
    print(f"datelines real-text benchmark: {os.cpu_count()} cores; articles of "
          f"{', '.join(str(p) for p in _REAL_SOURCES)} copied, each copy unique", flush=True)
    print(f"{'inputs':>8} {'code':<28} {'mode':<5} {'start-up':>9} {'st. cpu':>8} {'st. RSS':>8} {'ingest':>8} "
          f"{'art/s':>7} {'events':>8} {'art/cpu-s':>9} {'whole/cpu-s':>11} {'self peak':>10}")
    with tempfile.TemporaryDirectory(prefix="datelines-real-") as folder:
        for size in (int(x) for x in args.real.split(",") if x.strip()):
            corpus = real_corpus(size, Path(folder) / f"real-{size}")
            measured: list[tuple[str, str, dict]] = []
            runs = [(_ROOT, False), *([(_ROOT, True)] if args.pure else []), *((c, False) for c in args.compare)]
            for code, pure in runs:
                name = _label(code)[:21] + (" (pure)" if pure else "")
                for mode, workers in _modes(args.real_modes, args.workers):
                    row = _run_child(mode, corpus, workers, code=code.resolve(), write=True, pure=pure)
                    measured.append((name, mode if mode != "pool" else str(workers), row))
                    label = {"single": "1", "pool": str(workers), "dask": f"dask×{workers}"}[mode]
                    startup_cpu = row.get("startup_cpu_s", float("nan"))
                    print(f"{row['inputs']:>8,} {name:<28} {label:<5} {row['startup_s']:>8.2f}s "
                          f"{startup_cpu:>7.2f}s {row.get('startup_rss_mb', float('nan')):>6.0f}MB "
                          f"{row['ingest_s']:>7.1f}s {row['articles_per_s']:>7.0f} {row['events']:>8,} "
                          f"{row['inputs'] / row['cpu_s']:>9.0f} {row['inputs'] / (row['cpu_s'] + startup_cpu):>11.0f} "
                          f"{row['self_peak_rss_mb']:>8.0f}MB", flush=True)
            peer = _print_peer(corpus, args.peer_limit) if args.peer_limit > 0 else None
            _print_ratios(measured, peer)
    return 0


def _whole_per_cpu(row: dict) -> float:
    """Articles per CPU-second counting start-up (the whole process)."""
    return row["inputs"] / (row["cpu_s"] + row.get("startup_cpu_s", 0.0))


def _print_ratios(measured: list[tuple[str, str, dict]], peer: dict | None) -> None:
    """The issue's ratios: each run's whole process against the naive peer's (per CPU-second),
    and a pool's articles per second (wall) against one process of the same code."""
    single = {code: row for code, mode, row in measured if mode == "single"}
    for code, mode, row in measured:
        parts = []
        if peer is not None:
            parts.append(f"{_whole_per_cpu(row) / _whole_per_cpu(peer):.1f}x the peer per CPU-second")
        if mode != "single" and code in single:
            parts.append(f"{row['articles_per_s'] / single[code]['articles_per_s']:.2f}x one process's articles/s (wall)")
        if parts:
            print(f"  {code} {mode}: " + ", ".join(parts), flush=True)


def _label(code: Path) -> str:
    """A short name for a checkout: its folder and, if it is a git checkout, its commit."""
    done = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    commit = done.stdout.strip() if done.returncode == 0 and code.resolve() == _ROOT else ""
    return f"{code.name}{' @' + commit if commit else ''}"[:28]


def _print_peer(corpus: Path, limit: int) -> dict | None:
    """Measure and print the naive peer; its row (None when it could not run)."""
    command = [sys.executable, __file__, "--peer-child", str(corpus), str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=_ROOT)
    if done.returncode != 0:
        missing = "geotext" if "geotext" in done.stderr else "dateparser" if "dateparser" in done.stderr else ""
        print(f"  naive peer not measured{f' ({missing} is not installed: pip install geotext dateparser)' if missing else ''}:"
              f" {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}", flush=True)
        return None
    row = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{row['inputs']:>8,} {'peer: geotext+search_dates':<28} {'1':<5} {'':>9} {row['startup_cpu_s']:>7.2f}s "
          f"{'':>8} {row['ingest_s']:>7.1f}s {row['inputs'] / row['ingest_s']:>7.0f} {row['found']:>8,} "
          f"{row['inputs'] / row['cpu_s']:>9.0f} {row['inputs'] / (row['cpu_s'] + row['startup_cpu_s']):>11.0f}",
          flush=True)
    return row


if __name__ == "__main__":
    raise SystemExit(main())
