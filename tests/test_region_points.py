"""geo.gazetteer.index._extent_middle: a region's point is the middle of its towns' extent,
strays left out and the antimeridian crossed (coordinates made up here)."""

from __future__ import annotations

import numpy as np

from geo.gazetteer.index import _extent_middle


def test_middle_of_the_whole_extent_not_of_the_crowd() -> None:
    # Many towns in the south, a few spread north: the middle of the span, not the crowd's mean.
    south = [(49.0 + 0.01 * k, -100.0 + 0.01 * k) for k in range(200)]
    north = [(51.0 + k, -98.0) for k in range(10)]  # 51..60, each cell near the next
    lat, lon = _extent_middle(np.asarray(south + north))
    assert abs(lat - 54.5) < 0.1 and -100.0 < lon < -98.0


def test_a_stray_far_from_every_other_town_is_left_out() -> None:
    towns = [(32.0 + 0.1 * k, 119.0 + 0.1 * k) for k in range(20)] + [(45.0, 80.0)]
    lat, lon = _extent_middle(np.asarray(towns))
    assert 32 < lat < 34 and 119 < lon < 121


def test_across_the_antimeridian() -> None:
    towns = [(52.0, 179.5), (52.1, 179.9), (52.0, -179.8), (52.2, -179.0), (52.1, -178.5)]
    lat, lon = _extent_middle(np.asarray(towns))
    assert abs(lat - 52.1) < 0.2 and (lon > 179 or lon < -179)
