"""Score :func:`geo.geoparse` on the public geoparsing news corpora (GeoWebNews, TR-News).

    .venv/bin/python benchmarks/geoparsing.py [DEVSET_DIR] [--errors N]

Metrics as Gritta et al. (2019) and ../shared/devset/README.md give them:

- recognition: a predicted span that overlaps a gold toponym span is right; precision, recall
  and F1 over spans. GeoWebNews' eleven toponym types (literal and associative, demonyms
  included) are gold; its "Non_Toponym", "Literal_Expression" and "Non_Lit_Expression" rows
  are not toponyms.
- resolution, over correctly recognised gold toponyms that have coordinates: Acc@161km, mean
  error (km) and AUC (area under the curve of log errors, lower is better); a name recognised
  but given no coordinates counts as 20,039 km (half the Earth's circumference). A name given
  the gold's own GeoNames id counts as 0 km (countries and regions are one entity whatever
  point a gazetteer gives them).

The corpora stay in ../shared/devset and are only read here; one line is printed per corpus.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.places.geoparse import geoparse  # noqa: E402
from geo.gazetteer.index import load_gazetteer  # noqa: E402

MAX_KM = 20_039.0
NOT_TOPONYMS = frozenset({"Non_Toponym", "Literal_Expression", "Non_Lit_Expression"})
CORPORA = ("gwn", "trnews")


@dataclass
class Score:
    """Counts and errors of one corpus."""

    predicted: int = 0
    predicted_right: int = 0
    gold: int = 0
    gold_found: int = 0
    placed: int = 0
    errors: list[float] | None = None

    def line(self, name: str, seconds: float) -> str:
        """One line: recognition P/R/F1, Acc@161 (all and over placed names), mean error, AUC."""
        p = self.predicted_right / max(self.predicted, 1)
        r = self.gold_found / max(self.gold, 1)
        f1 = 2 * p * r / max(p + r, 1e-9)
        err = np.asarray(self.errors or [MAX_KM])
        acc = 100 * float(np.mean(err <= 161))
        placed = err[err < MAX_KM]
        acc_placed = 100 * float(np.mean(placed <= 161)) if len(placed) else 0.0
        auc = float(np.trapezoid(np.sort(np.log(err + 1)) / math.log(MAX_KM + 1)) / max(len(err) - 1, 1))
        return (
            f"{name:7s} P {p:.3f} R {r:.3f} F1 {f1:.3f} | Acc@161 {acc:.1f} (placed {acc_placed:.1f}, "
            f"{len(placed)}/{len(err)}) mean {float(err.mean()):.0f} km AUC {auc:.3f} | {seconds:.1f} s"
        )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def score_article(row: dict, found: list, score: Score, misses: list[str]) -> None:
    """Add one article's predictions (``geoparse`` output) to ``score``."""
    gold = [g for g in row["gold"] if g.get("type") not in NOT_TOPONYMS]
    score.predicted += len(found)
    score.gold += len(gold)
    for t in found:
        if any(g["start"] < t.end and t.start < g["end"] for g in gold):
            score.predicted_right += 1
        else:
            misses.append(f"FP {row['id']} {t.text!r} {t.kind}")
    for g in gold:
        hits = [t for t in found if g["start"] < t.end and t.start < g["end"]]
        if not hits:
            misses.append(f"FN {row['id']} {g['text']!r} {g.get('type')}")
            continue
        score.gold_found += 1
        if g.get("lat") is None or g.get("lon") is None:
            continue
        t = hits[0]
        if t.latitude is None:
            score.errors.append(MAX_KM)
            misses.append(f"UNPLACED {row['id']} {g['text']!r} {t.kind} ({t.why})")
            continue
        same = g.get("geonameid") is not None and str(g["geonameid"]) == str(t.geonameid)
        km = 0.0 if same else _km(float(g["lat"]), float(g["lon"]), t.latitude, t.longitude)
        score.errors.append(km)
        if km > 161:
            misses.append(f"FAR {row['id']} {g['text']!r} -> {t.name} {t.country} {t.kind} {km:.0f} km")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devset", nargs="?", default=str(ROOT.parent.parent / "shared" / "devset" / "geoparsing"))
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each corpus")
    parser.add_argument("--gazetteer", default=None, help="a gazetteer file or folder to add")
    args = parser.parse_args()
    folder = Path(args.devset)
    if not folder.exists():
        folder = Path("/work/shared/devset/geoparsing")
    gazetteer = load_gazetteer(user=args.gazetteer) if args.gazetteer else load_gazetteer()
    for name in CORPORA:
        path = folder / f"{name}.jsonl"
        if not path.exists():
            print(f"{name}: {path} not found")
            continue
        score, misses = Score(errors=[]), []
        began = time.perf_counter()
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            found = geoparse(row["text"], gazetteer=gazetteer)
            score_article(row, found, score, misses)
        print(score.line(name, time.perf_counter() - began))
        for m in misses[: args.errors]:
            print("   ", m)


if __name__ == "__main__":
    main()
