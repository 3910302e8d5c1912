"""Score ``geo.read_dates`` on the TempEval-3 platinum test set (Task A: timex extents and values).

    .venv/bin/python benchmarks/timex.py [PLATINUM.jsonl] [--baseline] [--errors]

Metrics as TempEval-3 (UzZaman et al. 2013): extent strict F1 (same span) and relaxed F1 (spans
overlap); value F1 = value accuracy over relaxed matches x relaxed F1 (the type must be in scope
on both sides). Printed for DATE expressions alone and for all types, one line each, then the time
the date reader takes over the news dev set (its share of ingest), for ``find_dates`` and
``read_dates``. ``--baseline`` scores ``find_dates`` (before ``read_dates`` existed) instead.
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's geo, not an installed one

from geo.dates.find import find_dates  # noqa: E402
DEVSET = ROOT.parent.parent / "shared" / "devset"
if not DEVSET.exists():  # run from /work/main: ../shared
    DEVSET = ROOT.parent / "shared" / "devset"


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    type: str
    value: str


def _baseline(text: str, dct: datetime.date) -> list[Timex]:
    """find_dates' mentions as timexes: its spans (with "in"/"on") and a value from its precision."""
    out = []
    for m in find_dates(text, dct):
        if m.date is None:
            continue
        value = {
            "day": m.date.isoformat(),
            "week": "%d-W%02d" % m.date.isocalendar()[:2],
            "month": m.date.strftime("%Y-%m"),
            "year": str(m.date.year),
        }.get(m.precision, "")
        out.append(Timex(m.start_char, m.end_char, "DATE", value))
    return out


def _ours(text: str, dct: datetime.date) -> list[Timex]:
    from geo import read_dates
    return [Timex(t.start_char, t.end_char, t.type, t.value) for t in read_dates(text, dct)]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(docs: list[dict], reader, types: set[str] | None, errors: bool = False) -> dict[str, float]:
    """TempEval-3 Task A extent and value scores over documents, restricted to ``types``."""
    n_sys = n_gold = strict = relaxed_sys = relaxed_gold = value_ok = 0
    for doc in docs:
        dct = datetime.date.fromisoformat(doc["dct"][:10])
        gold = [Timex(g["start"], g["end"], g["type"], g["value"]) for g in doc["timexes"]]
        sys_ = reader(doc["text"], dct)
        if types is not None:
            gold = [g for g in gold if g.type in types]
            sys_ = [s for s in sys_ if s.type in types]
        n_sys += len(sys_)
        n_gold += len(gold)
        for g in gold:
            hits = [s for s in sys_ if s.start < g.end and g.start < s.end]
            if hits:
                relaxed_gold += 1
                best = next((s for s in hits if (s.start, s.end) == (g.start, g.end)), hits[0])
                strict += (best.start, best.end) == (g.start, g.end)
                value_ok += best.value == g.value
                if errors and (best.value != g.value or (best.start, best.end) != (g.start, g.end)):
                    print(f"  {doc['dct'][:10]} gold {doc['text'][g.start:g.end]!r} {g.type} {g.value}"
                          f" | ours {doc['text'][best.start:best.end]!r} {best.type} {best.value}")
            elif errors:
                print(f"  {doc['dct'][:10]} missed {doc['text'][g.start:g.end]!r} {g.type} {g.value}")
        for s in sys_:
            if any(s.start < g.end and g.start < s.end for g in gold):
                relaxed_sys += 1
            elif errors:
                print(f"  {doc['dct'][:10]} extra {doc['text'][s.start:s.end]!r} {s.type} {s.value}")
    sp, sr = (strict / n_sys if n_sys else 0.0), (strict / n_gold if n_gold else 0.0)
    rp, rr = (relaxed_sys / n_sys if n_sys else 0.0), (relaxed_gold / n_gold if n_gold else 0.0)
    relaxed = _f1(rp, rr)
    accuracy = value_ok / relaxed_gold if relaxed_gold else 0.0
    return {"strict": _f1(sp, sr), "relaxed": relaxed, "value": accuracy * relaxed,
            "gold": n_gold, "system": n_sys}


def _reader_seconds(reader) -> float:
    """CPU seconds the reader takes over every news dev-set text, the best of 7 runs (other
    jobs share the machine; the best run is the least disturbed)."""
    news = DEVSET / "news"
    texts = [p.read_text(encoding="utf-8") for p in sorted(news.glob("*.txt"))]
    pub = datetime.date(2016, 1, 1)
    best = float("inf")
    for _ in range(7):
        t0 = time.process_time()
        for text in texts:
            reader(text, pub)
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else DEVSET / "timex" / "platinum.jsonl"
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    reader = _baseline if "--baseline" in sys.argv else _ours
    errors = "--errors" in sys.argv
    for scope, types in (("DATE", {"DATE"}), ("all types", None)):
        s = score(docs, reader, types, errors)
        print(f"{scope:9s}: strict {s['strict']:.3f}  relaxed {s['relaxed']:.3f}  value {s['value']:.3f}"
              f"  (gold {s['gold']}, system {s['system']})")
    if (DEVSET / "news").exists():
        from geo.dates import find as dates
        fd = _reader_seconds(dates.find_dates)
        line = f"news dev set: find_dates {fd * 1000:.1f} ms"
        if reader is _ours:
            from geo import read_dates
            line += f", read_dates {_reader_seconds(read_dates) * 1000:.1f} ms"
        print(line + " CPU for all 90 texts (best of 7)")


if __name__ == "__main__":
    main()
