"""Event groups: reports of one happening (same place, type, overlapping dates) share an id."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.events.find import GroupKeys, group_first_days, group_labels
from geo.schema import EVENT_TYPES


def _reference(keys: list[tuple[int, str, dt.date | None, dt.date | None]]) -> list[dt.date | None]:
    """Brute force: connected components of the overlap graph within (place, type)."""
    n = len(keys)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            a, b = keys[i], keys[j]
            if a[2] is None or b[2] is None or a[:2] != b[:2]:
                continue
            if a[2] <= b[3] and b[2] <= a[3]:
                parent[find(i)] = find(j)
    first: dict[int, dt.date] = {}
    for i, k in enumerate(keys):
        if k[2] is not None:
            root = find(i)
            first[root] = min(first.get(root, k[2]), k[2])
    return [first[find(i)] if k[2] is not None else None for i, k in enumerate(keys)]


day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(1990, 3, 1))
event = st.tuples(
    st.sampled_from([163808, 170063]),
    st.sampled_from(EVENT_TYPES[:2]),
    st.one_of(st.none(), st.tuples(day, st.integers(0, 20))),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(event, max_size=30))
def test_groups_are_the_connected_runs_of_overlapping_reports(raw):
    keys = [
        (g, kind, None, None) if span is None else (g, kind, span[0], span[0] + dt.timedelta(days=span[1]))
        for g, kind, span in raw
    ]
    columns = GroupKeys.of([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], [k[3] for k in keys])
    got = group_first_days(columns)
    expected = _reference(keys)
    for value, want in zip(got.tolist(), expected):
        assert (dt.date.fromordinal(value) if want is not None else None) == want


def test_labels_name_place_type_and_first_day_and_undated_events_stand_alone():
    keys = GroupKeys.of(
        [163808, 163808, 163808],
        ["battles", "battles", "battles"],
        ["2016-12-05", "2016-12-10", None],
        ["2016-12-11", "2016-12-10", None],
    )
    labels = group_labels(keys, group_first_days(keys), ["a:1", "b:2", "c:3"])
    assert labels == ["163808/battles/2016-12-05", "163808/battles/2016-12-05", "c:3"]
