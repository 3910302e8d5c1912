"""Event types as data: geo/lexicons/event_types.tsv gives each type its code, precedence,
map colour and legend label, and the map payload carries colour and label to the browser."""

import json

from geo.events.find import _LEXICON, event_type_of
from geo.schema import EVENT_TYPES, TYPE_COLOURS, TYPE_LABELS, trigger_lexicon


def test_every_type_has_a_colour_and_a_label():
    assert set(TYPE_COLOURS) == set(EVENT_TYPES) == set(TYPE_LABELS)
    assert all(c.startswith("#") and len(c) == 7 for c in TYPE_COLOURS.values())
    assert EVENT_TYPES[0] == "battles" and EVENT_TYPES[-1] == "other"  # codes never move


def test_precedence_orders_the_trigger_lexicon():
    kinds = [kind for kind, _ in trigger_lexicon()]
    assert kinds[0] == "violence against civilians" and "other" not in kinds
    assert _LEXICON == trigger_lexicon()
    # words of two types: the type of lower precedence number wins
    assert event_type_of("Fighters executed prisoners after the battle") == "violence against civilians"
    assert event_type_of("Nothing of note") == "other"


def test_map_payload_carries_colours_and_labels():
    import geopandas as gpd
    from shapely.geometry import Point

    from dashboard.mapview import events_payload
    from geo.schema import EVENT_PROPERTIES

    row = {name: None for name in EVENT_PROPERTIES}
    row.update(id="a:1", event_type="riots", date_precision="day", place_precision="city",
               date="2020-01-02", date_start="2020-01-02", date_end="2020-01-02", excerpt="x",
               place_char_start=0, place_char_end=1, excerpt_char_start=0, title="t", source="s",
               published="2020-01-03", place="P", country="XX", event_group="g")
    frame = gpd.GeoDataFrame([row], geometry=[Point(1, 2)], crs="EPSG:4326")
    payload = json.loads(events_payload(frame))
    assert payload["type_colours"] == TYPE_COLOURS
    assert payload["type_labels"] == TYPE_LABELS
