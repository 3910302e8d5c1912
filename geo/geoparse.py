"""Geoparsing: every place name of a text, with what it is and where.

:func:`geoparse` is the toponym-level view of the same machinery the event pipeline uses
(:func:`geo.places.find_places` then :func:`geo.resolve.resolve_places`), for users who want
the places themselves and for scoring against the field's benchmarks
(``benchmarks/geoparsing.py``). Unlike events, it keeps every mention: countries are placed at
the country, first-level regions at the region, nationality adjectives at their country.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike

from geo.gazetteer import Gazetteer, load_gazetteer
from geo.places import PlaceMention, find_places
from geo.resolve import ResolvedPlace, resolve_places

__all__ = ["Toponym", "geoparse"]


@dataclass(frozen=True, slots=True)
class Toponym:
    """One place mention: where it is in the text, what kind of place, and where on Earth.

    ``kind`` is "town", "admin1", "country", "demonym", "region" (continents and named areas
    such as "Middle East") or "landmark". ``latitude``/``longitude`` are None when the name
    could not be placed; ``why`` then says why. ``candidates`` are the places it beat, as
    "geonameid name CC", best first.
    """

    start: int
    end: int
    text: str
    kind: str
    latitude: float | None
    longitude: float | None
    geonameid: int | None
    name: str = ""
    country: str = ""
    admin1: str = ""
    precision: str = ""
    why: str = ""
    candidates: tuple[str, ...] = ()


_KIND = {"place": "town", "country": "country", "demonym": "demonym", "region": "admin1", "area": "region"}


def geoparse(text: str, *, gazetteer: Gazetteer | str | PathLike[str] | None = None) -> list[Toponym]:
    """Every place mention of ``text``, in order, with its coordinates or why it has none.

    Parameters
    ----------
    text
        The article text.
    gazetteer
        A loaded :class:`geo.gazetteer.Gazetteer`; or the path of your own gazetteer files
        (GeoNames dump files with admin1CodesASCII.txt, or a CSV name,lat,lon[,country]),
        added to the built-in one and indexed once on disk; None for the built-in one.
    """
    if isinstance(gazetteer, Gazetteer):
        gaz = gazetteer
    else:
        gaz = load_gazetteer(user=gazetteer) if gazetteer is not None else load_gazetteer()
    mentions = find_places(text, gaz)
    resolved = {r.mention.start_char: r for r in resolve_places(mentions, gaz)}
    return [_toponym(m, resolved.get(m.start_char), gaz) for m in mentions]


def _toponym(m: PlaceMention, r: ResolvedPlace | None, gazetteer: Gazetteer) -> Toponym:
    kind = _KIND.get(m.kind, m.kind)
    if m.kind == "demonym":
        code = gazetteer.demonym(m.key)
        country = gazetteer.countries.get(code or "")
        if country is None:
            return _unplaced(m, kind, f"no country known for the adjective {m.text!r}")
        return Toponym(
            m.start_char, m.end_char, m.text, kind, country.latitude, country.longitude,
            country.geonameid, country.name, country.code, "", "country",
        )
    if m.kind in {"region", "area"}:
        region = gazetteer.region_info(m.key) if m.kind == "region" else gazetteer.area(m.key)
        if region is None or region.latitude is None:
            return _unplaced(m, kind, "no point for this region offline (GeoNames' admin1 points come with --gazetteer)")
        return Toponym(
            m.start_char, m.end_char, m.text, kind, region.latitude, region.longitude,
            region.geonameid, region.name, region.country, region.admin1,
            "admin1" if m.kind == "region" else "region",
        )
    if r is None:
        return _unplaced(m, kind, "no candidate fits the article")
    return Toponym(
        m.start_char, m.end_char, m.text, kind, r.latitude, r.longitude, r.geonameid, r.name,
        r.country, r.admin1, r.precision, "", r.candidates,
    )


def _unplaced(m: PlaceMention, kind: str, why: str) -> Toponym:
    return Toponym(m.start_char, m.end_char, m.text, kind, None, None, None, why=why)
