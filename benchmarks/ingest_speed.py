"""How fast ingest runs and how much memory it takes, on generated corpora (no asserts).

Each run is a fresh Python process, so start-up is paid and measured in every run, and its peak
memory is its own. Measured per run:

* start-up: importing ``geo`` and loading the gazetteer (and, for Dask, starting the local
  cluster with every worker's gazetteer loaded);
* articles/s after start-up: inputs of the corpus divided by the time ``ingest`` took, and
  per CPU-second (all processes): the figure to trust on a busy machine;
* peak memory: the process's own peak RSS (``getrusage``), and the peak of the sum over the
  process and all its children (sampled every 0.2 s with psutil), as RSS (counts pages that
  forked workers share, once per worker) and as PSS (shares them out: the fair total).

Corpora come from :mod:`benchmarks.make_corpus` and are kept in ``--corpora`` between runs.

Usage::

    python benchmarks/ingest_speed.py                     # 2,000 and 20,000 articles
    python benchmarks/ingest_speed.py --large 100000 --large-modes 1,dask
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]

MODES_HELP = "comma-separated: 1 (one process), 2, N (ingest(workers=...)), dask (LocalCluster of --workers)"


def _measure(mode: str, corpus: str, workers: int) -> dict:
    """In the child process: start up, ingest, report timings and memory as a dict."""
    start = time.perf_counter()
    sampler = _PeakSampler()
    sampler.start()
    sys.path.insert(0, str(_ROOT))
    from geo.gazetteer import load_gazetteer
    from geo.ingest import ingest

    extra: dict = {}
    if mode == "dask":
        from distributed import Client, LocalCluster

        from geo.distributed import ingest_dask

        # The client needs no gazetteer: start-up is the cluster with every worker's loaded.
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=":0")
        client = Client(cluster)
        client.run(_load_gazetteer)
        ready = time.perf_counter()
        cpu = _tree_cpu()
        result = ingest_dask(corpus, scheduler=client)
        done = time.perf_counter()
        cpu = _tree_cpu() - cpu
        extra["worker_peak_rss_mb"] = max(client.run(_own_peak_mb).values())
        client.close()
        cluster.close()
    else:
        gazetteer = load_gazetteer()
        ready = time.perf_counter()
        cpu = _tree_cpu()
        result = ingest(corpus, gazetteer=gazetteer, workers=workers)
        done = time.perf_counter()
        cpu = _tree_cpu() - cpu
    import resource

    sampler.stop()
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


def _load_gazetteer() -> None:
    from geo.gazetteer import load_gazetteer

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
    """Peak of the summed RSS and PSS of this process and all its descendants."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._halt.is_set():
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


def _run_child(mode: str, corpus: Path, workers: int) -> dict:
    command = [sys.executable, __file__, "--child", mode, str(corpus), str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=_ROOT)
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
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CORPUS", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, corpus, workers = args.child
        print(json.dumps(_measure(mode, corpus, int(workers))))
        return 0

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


if __name__ == "__main__":
    raise SystemExit(main())
