"""Long articles: finding and resolving places grows with the text, not with its square.

Each name used to count the newlines from the start of the text (a 4.2 MB article took 326 s).
These texts are a few megabytes, written here; the generous timeout only catches the old
quadratic behaviour, no wall-clock figure is asserted."""

from __future__ import annotations

import pytest

from geo.gazetteer.index import load_gazetteer
from geo.places.geoparse import geoparse
from geo.places.find import find_places

GAZETTEER = load_gazetteer()
PARAGRAPH = (
    "Shelling hit Aleppo on Monday, and Syrian troops advanced towards Homs.\n"
    "Residents of Idlib Fled North As The Fighting Spread To Hama\n"
)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("separator", ["\n", " "])
def test_multi_megabyte_article_is_processed(separator: str) -> None:
    text = PARAGRAPH.replace("\n", separator) * 24_000  # about 3 MB
    assert len(text) > 3_000_000
    mentions = find_places(text, GAZETTEER)
    assert len(mentions) >= 24_000 * 4
    assert mentions[-1].end_char > len(text) - len(PARAGRAPH)


@pytest.mark.timeout(240)
def test_geoparse_of_a_long_article_places_every_copy() -> None:
    text = PARAGRAPH * 8_000
    found = geoparse(text, gazetteer=GAZETTEER)
    aleppo = [t for t in found if t.text == "Aleppo"]
    assert len(aleppo) == 8_000
    assert all(t.latitude is not None for t in aleppo)
