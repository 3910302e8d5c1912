"""How far to trust one event: a probability that its point is right in place and date.

Each event is described by a few yes/no signs a reviewer would look at (where its date came
from, how exact the date and place are, whether the place is far from the article's others or
had close rivals, whether the sentence is a headline or a list); a logistic model turns them
into ``confidence`` and the signs that lower it become ``review_reasons``.

The weights in :data:`WEIGHTS` are fitted by ``benchmarks/fit_confidence.py`` on the dev set
(../shared/devset/news, points scored as the devset README defines it), L2-regularised so a
sign seen a few times cannot swing the answer, then Platt-scaled on cross-validated log-odds
so that "0.85" means what held-out articles show; the script prints its nested, article-grouped
cross-validated reliability table. Hand-written logistic regression (a dozen features, Newton
steps in numpy): scikit-learn for one small fit is not worth the dependency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

__all__ = ["FEATURES", "REASONS", "WEIGHTS", "confidence_of", "reasons_of"]

#: The signs, in model order. Each is 0 or 1 for an event.
FEATURES: Final[tuple[str, ...]] = (
    "date_from_context",  # dated by an earlier sentence
    "date_from_lead",  # dated by the article's lead date, nothing nearer
    "date_from_publication",  # nothing in the text dates it: the publication week
    "date_coarse",  # the date is a month or a year
    "date_week",  # the date is a week
    "province_level",  # a province drawn at its capital
    "far_from_others",  # more than 300 km from every other place of the article
    "close_rivals",  # the name has other gazetteer candidates
    "headline",  # the title or the first line: a summary, not the account
    "one_of_a_list",  # the sentence names three or more places
    "background",  # a happening told as history (well before publication)
    "hedged",  # "would", "could", "alleged", "reportedly", "said to"
    "named_once",  # the place is named in only this sentence of the article
    "named_often",  # the place is named three times or more: what the article is about
    "in_headline_too",  # the place is also named in the title or first line
    "locative",  # written after a word that introduces places ("in", "near", "captured")
    "toll",  # the sentence gives a death toll for this place
    "own_day",  # its own sentence names the day
    "sole_candidate",  # its own sentence names the day and the name has no rival in the gazetteer
    "abroad",  # in another country than most of the article's events
    "capital",  # a national capital (often the government, a speaker's seat, a landmark)
    "date_of_a_saying",  # dated by the day something was said ("the monitor said on Monday")
    "reaction",  # the sentence reacts to a happening (condemned, investigating, accused)
    "casualties",  # the sentence tells of people killed, dead or hurt
    "ongoing",  # an activity going on ("battles continued", "the constant bombardment"), not one happening
    "planned",  # what is planned, expected or aimed at ("will", "expected to", "aimed at")
)

#: What each sign tells a reviewer (only signs that lower confidence are listed).
REASONS: Final[Mapping[str, str]] = {
    "date_from_context": "date from another sentence",
    "date_from_lead": "date from the article's lead",
    "date_from_publication": "no date in the text: publication week",
    "date_coarse": "date only to the month or year",
    "date_week": "date only to the week",
    "province_level": "province-level",
    "far_from_others": "far from the article's other places",
    "close_rivals": "homonym with close rivals",
    "headline": "headline only",
    "one_of_a_list": "one of a list of places",
    "background": "background (earlier happening)",
    "hedged": "hedged or hypothetical wording",
    "named_once": "place named only once",
    "named_often": "",
    "in_headline_too": "",
    "locative": "",
    "toll": "",
    "own_day": "",
    "sole_candidate": "",
    "abroad": "in another country than the article's other events",
    "capital": "a capital (may stand for its government)",
    "date_of_a_saying": "dated by the day of a report",
    "reaction": "a reaction to a happening, which may be elsewhere or earlier",
    "casualties": "",
    "ongoing": "an ongoing activity, not one happening",
    "planned": "planned or expected, may not have happened",
}

#: Intercept first, then one weight per feature (log-odds). Written by
#: benchmarks/fit_confidence.py; see its output for provenance.
WEIGHTS: Final[tuple[float, ...]] = (2.098, 0.220, 0.148, -0.010, -0.165, -0.583, -0.663, -0.094, -0.658, 0.078, -0.377, -0.087, -0.162, 0.085, 0.487, 0.005, 0.124, 0.396, 0.164, 0.275, -0.560, 0.958, -0.513, -0.710, 0.453, -0.675, -0.530)


def confidence_of(signs: Mapping[str, bool], weights: tuple[float, ...] = WEIGHTS) -> float:
    """The model's probability that the point is right, rounded to two decimals."""
    z = weights[0] + sum(w for name, w in zip(FEATURES, weights[1:]) if signs.get(name))
    return round(1.0 / (1.0 + math.exp(-z)), 2)


def reasons_of(signs: Mapping[str, bool], weights: tuple[float, ...] = WEIGHTS) -> tuple[str, ...]:
    """The signs present that lower confidence, worst first, in a reviewer's words."""
    present = [(w, name) for name, w in zip(FEATURES, weights[1:]) if signs.get(name) and w < 0]
    return tuple(REASONS[name] for _, name in sorted(present) if REASONS[name])
