"""Lists of places whose commas stripped text lost ("struck Kafr Zita Oldham al-Newton and
Tal Minster"): the first name still counts, a person's name beside others still does not.
Examples written for Datelines."""

from __future__ import annotations

from geo.gazetteer.index import load_gazetteer
from geo.places.find import find_places

GAZETTEER = load_gazetteer()


def _names(text: str) -> list[str]:
    return [m.text for m in find_places(text, GAZETTEER)]


def test_first_name_of_a_list_without_commas_is_a_place():
    text = "Jets struck Kafr Zita Oldham al-Newton and Tal Minster in Syria on Monday."
    assert "Kafr Zita" in _names(text)


def test_the_villages_of_opens_a_list_too():
    text = "Gunmen entered the villages of Kafr Zita Oldham al-Newton and Tal Minster at dawn."
    assert "Kafr Zita" in _names(text)


def test_a_name_glued_to_other_names_without_a_list_is_not_a_place():
    assert "Kafr Zita" not in _names("Jets struck Kafr Zita Oldham Airbase on Monday.")


def test_a_person_in_a_list_of_people_is_not_a_place():
    assert "Kafr Zita" not in _names("Police met Kafr Zita Hassan Omar and Ali Mansour on Monday.")
