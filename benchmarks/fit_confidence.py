"""Fit geo.events.confidence's weights on the dev set and print an honest reliability table.

    .venv/bin/python benchmarks/fit_confidence.py [--write]

Each dated point of the dev set (../shared/devset/news, with its manifest) is a row: the signs
geo.events.confidence.FEATURES (0/1) and whether it matches gold (the devset README's scoring).
An L2-regularised logistic regression is fitted by Newton steps, then Platt-scaled on
cross-validated log-odds (fitted and scored on the same points it would be over-confident).
The reliability table is nested-cross-validated by article (5 folds: no article's points are
scored by weights or scaling fitted on them); ``--write`` puts the weights fitted on all
points into geo/events/confidence.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's geo, not an installed one

from geo.read.articles import read_corpus  # noqa: E402
from geo.events.confidence import FEATURES  # noqa: E402
from geo.evaluate import evaluate_events, read_gold, reliability_table  # noqa: E402
from geo.output.frame import events_to_frame  # noqa: E402
from geo.gazetteer.index import load_gazetteer  # noqa: E402
from geo.corpus.ingest import process_article  # noqa: E402

DEVSET = next(
    (up / "shared" / "devset" / "news" for up in ROOT.parents if (up / "shared" / "devset" / "news").is_dir()),
    ROOT.parent / "shared" / "devset" / "news",
)
L2 = 1.0  # prior strength: a sign seen a handful of times moves the log-odds little
FOLDS = 5


def rows(corpus: Path, gold_path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(signs matrix, right or not, article index) for every dated point of the corpus."""
    gold = read_gold(gold_path)
    gazetteer = load_gazetteer()
    x, y, group = [], [], []
    for n, outcome in enumerate(read_corpus(corpus)):
        if outcome.article is None:
            continue
        events = process_article(outcome.article, gazetteer).events
        frame = events_to_frame(events)
        scored = evaluate_events(frame, [g for g in gold if g["article"] == outcome.article.id]).point_correct
        for i, ok in scored.items():
            x.append([name in events[i].signs for name in FEATURES])
            y.append(ok)
            group.append(n)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float), np.asarray(group)


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Intercept and weights of an L2-regularised logistic regression (intercept not shrunk)."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + penalty * w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def logits(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return w[0] + x @ w[1:]


def cv_logits(x: np.ndarray, y: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Each point's log-odds from weights fitted without its article (5 folds by article)."""
    out = np.zeros(len(y))
    articles = np.unique(group)
    for k in range(FOLDS):
        test = np.isin(group, articles[k::FOLDS])
        out[test] = logits(fit(x[~test], y[~test]), x[test])
    return out


def calibrated_fit(x: np.ndarray, y: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Weights, then Platt scaling on cross-validated log-odds: a model fitted and scored on
    the same points is over-confident, so its log-odds are rescaled (a + b*z) to what held-out
    points show."""
    w = fit(x, y)
    a, b = fit(cv_logits(x, y, group)[:, None], y)
    return np.concatenate([[a + b * w[0]], b * w[1:]])


def held_out_confidence(x: np.ndarray, y: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Each point's confidence from weights and scaling fitted without its article (nested,
    5 folds by article), rounded as geo.events.confidence rounds it."""
    held_out = np.zeros(len(y))
    articles = np.unique(group)
    for k in range(FOLDS):  # nested: weights and their scaling both fitted without the fold
        test = np.isin(group, articles[k::FOLDS])
        w = calibrated_fit(x[~test], y[~test], group[~test])
        held_out[test] = np.round(1.0 / (1.0 + np.exp(-logits(w, x[test]))), 2)
    return held_out


def print_cross_validated(x: np.ndarray, y: np.ndarray, group: np.ndarray, indent: str = "  ") -> None:
    """The reliability table of :func:`held_out_confidence` and the share right at >= 0.8."""
    held_out = held_out_confidence(x, y, group)
    print(f"{indent[:-2]}reliability, cross-validated by article (5 folds): bin, share right, mean confidence")
    for label, rate, mean in reliability_table(held_out.tolist(), y.astype(bool).tolist()):
        print(f"{indent}{label}  {rate}  mean {mean:.2f}")
    high = held_out >= 0.8
    print(f"{indent}confidence >= 0.8: {int(y[high].sum())}/{int(high.sum())} right")


def main() -> None:
    x, y, group = rows(DEVSET, DEVSET / "gold.csv")
    print(f"{len(y)} dated points from {len(set(group.tolist()))} articles, {int(y.sum())} right")
    print_cross_validated(x, y, group)
    w = calibrated_fit(x, y, group)
    print("weights fitted on all points, Platt-scaled (log-odds):")
    print(f"  intercept {w[0]:+.2f}")
    for name, value, count in zip(FEATURES, w[1:], x.sum(axis=0)):
        print(f"  {name:24s} {value:+.2f}  (present in {int(count)} points)")
    if "--write" in sys.argv[1:]:
        _write(w)


def _write(w: np.ndarray) -> None:
    path = ROOT / "geo" / "events" / "confidence.py"  # where geo.events.confidence lives
    text = path.read_text(encoding="utf-8")
    values = ", ".join(f"{v:.3f}" for v in w)
    text = re.sub(r"WEIGHTS: tuple\[float, \.\.\.\] = \(.*?\)\n", f"WEIGHTS: tuple[float, ...] = ({values})\n", text, flags=re.S)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
