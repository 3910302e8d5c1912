"""The gazetteer behind a small protocol (geo.gazetteer.index.PlaceIndex): the place stages run on
any object with its methods, here a toy index of one made-up town (written for Datelines)."""

import datetime as dt

from geo.read.articles import Article
from geo.gazetteer.index import Country, Place, PlaceIndex, load_gazetteer
from geo.corpus.ingest import process_article
from geo.places.find import find_places


class ToyIndex:
    """One town, "Oldtown" in the made-up country "XX"."""

    countries = {"XX": Country("XX", "Oldland", 1, 10.0, 20.0, 1_000_000)}
    _town = Place(0, 42, "Oldtown", 10.5, 20.5, "XX", "01", 250_000)

    def has_key(self, key): return key == "oldtown"
    def variant_keys(self, key): return ()
    def places(self, key): return (self._town,) if key == "oldtown" else ()
    def word_frequency(self, key): return 0.0
    def is_frequent_word(self, word): return False
    def largest_population(self, key): return self._town.population if key == "oldtown" else 0
    def country(self, key): return None
    def is_capital(self, key, country): return False
    def region(self, key): return None
    def demonym(self, key): return None
    def region_info(self, key): return None
    def area(self, key): return None


def test_the_real_gazetteer_and_a_toy_index_both_fit_the_protocol():
    assert isinstance(load_gazetteer(), PlaceIndex)
    assert isinstance(ToyIndex(), PlaceIndex)


def test_a_toy_index_drives_the_place_and_event_stages():
    text = "Floods in Oldtown\nRebels shelled Oldtown on 3 May 2021, killing four people."
    assert [m.text for m in find_places(text, ToyIndex())] == ["Oldtown", "Oldtown"]
    article = Article(id="a", text=text, title="", source="", published=dt.date(2021, 5, 4), url=None, file="a.txt")
    result = process_article(article, ToyIndex())
    assert [(e.place.geonameid, e.date, e.fatalities) for e in result.events] == [(42, dt.date(2021, 5, 3), 4)]
