"""Print precision and recall of the seed events against tests/corpora/seeds_gold.csv.

    .venv/bin/python benchmarks/accuracy.py [CORPUS] [GOLD]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's geo, not an installed one

from geo import ingest
from geo.evaluate import read_gold, score_events

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "seeds"
    gold = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests" / "corpora" / "seeds_gold.csv"
    score = score_events(ingest(corpus).events, read_gold(gold))
    print(f"gold events found (recall):   {score.found}/{score.gold} = {score.recall:.2f}")
    print(f"events matching gold (precision): {score.correct}/{score.events} = {score.precision:.2f}")
    for line in score.missed:
        print("  missed:", line)
    for line in score.wrong:
        print("  unmatched:", line)


if __name__ == "__main__":
    main()
