"""Dev-set figures for events: precision, recall and main-event recall with and without the
manifest, plus the reliability table of ``confidence`` (in-sample, and nested cross-validated
by article as benchmarks/fit_confidence.py scores it).

    .venv/bin/python benchmarks/devset_events.py [-v] [CORPUS GOLD]

Defaults to ../shared/devset/news (read in place, never copied into the project).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's geo, not an installed one
sys.path.insert(0, str(Path(__file__).resolve().parent))  # fit_confidence beside it

from geo import ingest
from geo.evaluate import evaluate_events, ingest_without_manifest, read_gold, reliability_table

ROOT = Path(__file__).resolve().parent.parent
# ../shared/devset from the main checkout; a worktree one level deeper finds it further up
DEVSET = next(
    (up / "shared" / "devset" / "news" for up in ROOT.parents if (up / "shared" / "devset" / "news").is_dir()),
    ROOT.parent / "shared" / "devset" / "news",
)


def _report(name: str, events, gold, verbose: bool) -> None:
    result = evaluate_events(events, gold)
    print(f"== {name}: {len(events)} points")
    print(f"  precision {result.precision}")
    print(f"  recall    {result.recall}")
    print(f"  main      {result.main}")
    if "confidence" in events.columns and result.point_correct:
        index = sorted(result.point_correct)
        conf = [float(events.iloc[i]["confidence"]) for i in index]
        ok = [result.point_correct[i] for i in index]
        print("  reliability: confidence bin, share right, mean confidence")
        for label, rate, mean in reliability_table(conf, ok):
            print(f"    {label}  {rate}  mean {mean:.2f}")
        high = [k for c, k in zip(conf, ok) if c >= 0.8]
        print(f"  confidence >= 0.8: {sum(high)}/{len(high)} right")
    if verbose:
        for line in result.missed:
            print("  missed:", line)
        for line in result.unmatched:
            print("  unmatched:", line)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv[1:]
    corpus = Path(args[0]) if args else DEVSET
    gold = read_gold(Path(args[1]) if len(args) > 1 else corpus / "gold.csv")
    _report("with manifest", ingest(corpus).events, gold, verbose)
    _report("without manifest", ingest_without_manifest(corpus).events, gold, verbose)
    if corpus == DEVSET:  # the refit's honest figure: confidence scored on articles it was not fitted on
        from fit_confidence import print_cross_validated, rows

        print("== confidence, with manifest, weights refitted without each point's article")
        print_cross_validated(*rows(corpus, corpus / "gold.csv"), indent="    ")


if __name__ == "__main__":
    main()
