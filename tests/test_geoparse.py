"""geo.places.geoparse: every place mention with its kind and point, on sentences written here."""

from __future__ import annotations

import pytest

from geo.gazetteer.index import load_gazetteer
from geo.places.geoparse import Toponym, geoparse

GAZETTEER = load_gazetteer()
KINDS = {"town", "admin1", "country", "demonym", "region", "county", "landmark"}


def parse(text: str) -> dict[str, Toponym]:
    found = geoparse(text, gazetteer=GAZETTEER)
    for t in found:
        assert text[t.start : t.end] == t.text and t.kind in KINDS
        assert (t.latitude is None) == (t.longitude is None)
        assert t.latitude is not None or t.why, f"{t.text} unplaced without a reason"
    return {t.text: t for t in found}


def test_demonyms_are_their_country() -> None:
    found = parse("Mexican officials met Canadians and Sri Lankan envoys.")
    assert found["Mexican"].kind == "demonym" and found["Mexican"].country == "MX"
    assert found["Canadians"].country == "CA"
    assert found["Sri Lankan"].country == "LK"
    assert found["Mexican"].geonameid == GAZETTEER.countries["MX"].geonameid


def test_regions_are_placed_at_the_region() -> None:
    found = parse("Floods hit Texas and Alberta, and Queensland braced for more.")
    assert found["Texas"].kind == "admin1" and found["Texas"].precision == "admin1"
    assert found["Texas"].admin1 == "TX" and 25 < found["Texas"].latitude < 37
    assert found["Alberta"].country == "CA" and 49 < found["Alberta"].latitude < 60
    assert found["Queensland"].country == "AU" and found["Queensland"].latitude < -10


def test_abbreviations() -> None:
    found = parse("The U.S. and U.K. sent aid to Louisville, Ky., and to Fresno, Calif.")
    assert found["U.S."].kind == "country" and found["U.S."].country == "US"
    assert found["U.K."].country == "GB"
    assert found["Ky."].admin1 == "KY" and found["Calif."].admin1 == "CA"
    assert found["Louisville"].admin1 == "KY"


def test_short_state_abbreviations_only_after_a_town() -> None:
    assert "Pa." not in parse("Pa. said the dinner was ready.")
    assert parse("He grew up in Scranton, Pa., and moved.")["Pa."].admin1 == "PA"


def test_continents_and_areas_are_not_towns() -> None:
    found = parse("Leaders from the Middle East and Europe met African ministers.")
    assert found["Middle East"].kind == "region" and found["Middle East"].country == ""
    assert found["Europe"].kind == "region" and 35 < found["Europe"].latitude < 60
    assert found["African"].kind == "region"


def test_words_and_contractions_are_not_places() -> None:
    found = parse("One of them said we're ready. We're here, I've seen it; one day soon.")
    assert not {"One", "We're", "I've"} & set(found)


def test_sentence_openers_do_not_make_a_town_a_surname() -> None:
    text = "Although Lisbon's economy grew, Lisbon lagged. Residents of Lisbon waited."
    assert sum(t.text == "Lisbon" for t in geoparse(text, gazetteer=GAZETTEER)) == 3


def test_homonym_in_the_region_the_article_names() -> None:
    found = parse("In Kentucky, officials in Paris said the roads had reopened.")
    assert found["Paris"].country == "US" and found["Paris"].admin1 == "KY"


def test_landmarks_are_placed_at_their_town() -> None:
    found = parse("A fire broke out in Denver on Colfax Avenue near the Denver Art Museum.")
    assert found["Colfax Avenue"].kind == "landmark"
    assert found["Denver Art Museum"].kind == "landmark"
    assert found["Colfax Avenue"].latitude == pytest.approx(found["Denver"].latitude)


def test_no_places_no_output() -> None:
    assert geoparse("nothing here at all", gazetteer=GAZETTEER) == []


def test_a_small_town_that_speaks_is_a_person() -> None:
    text = "Bassett said the road was closed. Later, Bassett added that it had reopened."
    assert "Bassett" not in parse(text)
    assert "Moscow" in parse("Russian envoys left. Moscow said it would respond.")


def test_places_inside_organisation_names_are_toponyms() -> None:
    found = parse("A reporter for the Chicago Tribune spoke to Toronto Police officers.")
    assert found["Chicago"].country == "US" and found["Toronto"].country == "CA"


def test_us_counties_are_placed_at_the_county_of_the_articles_state() -> None:
    found = parse("Flooding closed roads in Monroe County on Tuesday, officials in Bloomington, Indiana, said.")
    county = found["Monroe County"]
    assert county.kind == "county" and county.precision == "admin2" and county.admin1 == "IN"
    assert 38.9 < county.latitude < 39.4 and -86.8 < county.longitude < -86.2
    assert any(c.endswith(" NY") for c in county.candidates)


def test_a_county_followed_by_its_state_is_in_that_state() -> None:
    found = parse("Deputies in Marion County, Ore., and LAUREL COUNTY in Kentucky searched.")
    assert found["Marion County"].admin1 == "OR"
    assert found["LAUREL COUNTY"].kind == "county" and found["LAUREL COUNTY"].admin1 == "KY"


def test_saint_and_st_counties_are_one() -> None:
    assert parse("Saint Croix County deputies in Wisconsin said.")["Saint Croix County"].admin1 == "WI"


def test_a_state_named_like_a_country_or_city_after_its_town() -> None:
    found = parse("The company has offices in Atlanta, Georgia, and in Tacoma, Washington, officials said.")
    assert found["Georgia"].kind == "admin1" and found["Georgia"].admin1 == "GA"
    assert found["Washington"].kind == "admin1" and found["Washington"].admin1 == "WA"
    assert parse("He flew to Tbilisi, Georgia, on Monday.")["Georgia"].kind == "country"


def test_the_capital_beats_its_small_namesakes_in_the_same_country() -> None:
    found = parse("Officials in Charleston, West Virginia, said Washington had not called. Washington is far.")
    assert found["Washington"].admin1 == "DC"


def test_a_place_inside_an_organisation_name_is_the_one_the_article_already_placed() -> None:
    found = {t.start: t for t in geoparse("LONDON, Ky. - London Police arrested two men.", gazetteer=GAZETTEER)}
    first, second = sorted(found)[0], sorted(found)[-1]
    assert found[first].admin1 == "KY" and found[second].text == "London" and found[second].admin1 == "KY"


def test_namesakes_that_lie_together_win_together() -> None:
    # Edmonton and Enfield are both north London districts and both Canadian towns far apart;
    # beside London they are London's.
    found = parse("A man from Edmonton was jailed on Monday. He lived near London and worked in Enfield.")
    assert found["Edmonton"].country == "GB" and found["Enfield"].country == "GB"


def test_a_province_is_not_a_namesake_entry_of_unknown_population() -> None:
    found = parse("Heavy rain fell across Hunan and Hubei this week.")
    assert found["Hunan"].kind == "admin1" and found["Hubei"].kind == "admin1"
    assert 24 < found["Hunan"].latitude < 30 and 29 < found["Hubei"].latitude < 33
    assert parse("Rebels shelled Idlib on Monday.")["Idlib"].kind == "town"


def test_abbreviated_saints_and_forts_are_whole_names() -> None:
    found = parse("Flights from St. Louis to St. Petersburg resumed; he lives in Fort St. John, B.C.")
    assert found["St. Louis"].country == "US" and found["St. Petersburg"].country == "RU"
    assert found["Fort St. John"].kind == "town" and found["Fort St. John"].country == "CA"


def test_two_lone_names_whose_namesakes_lie_side_by_side() -> None:
    # Nothing else on the map: Edmonton and Enfield as the council's districts, not Alberta's
    # capital and a Nova Scotia village 4,600 km apart.
    found = parse("Pupils from Edmonton planted a garden. Enfield Council thanked them.")
    assert found["Edmonton"].country == "GB" and found["Enfield"].country == "GB"
    # With Alberta named, Edmonton stays Canadian.
    assert parse("Pupils from Edmonton, Alberta planted a garden.")["Edmonton"].country == "CA"


def test_a_town_of_that_name_beats_a_city_that_once_had_it() -> None:
    # Harare was once Salisbury, and Richmond, Virginia counts a Manchester among its names.
    found = parse("British police in Salisbury and Manchester said the Russian envoys had left.")
    assert found["Salisbury"].country == "GB" and found["Manchester"].country == "GB"


def test_kurdish_is_kurdistan_not_iraq() -> None:
    found = parse("Kurdish fighters advanced near Kobani in Syria.")
    assert found["Kurdish"].kind == "region" and found["Kurdish"].name == "Kurdistan"


def test_a_bare_name_is_the_one_the_article_qualified() -> None:
    found = geoparse("NEWARK, N.J. - A woman flew to San Francisco. Newark officials said sorry.", gazetteer=GAZETTEER)
    newarks = [t for t in found if t.text.lower() == "newark"]
    assert len(newarks) == 2 and all(t.admin1 == "NJ" for t in newarks)


def test_a_town_qualified_by_a_state_it_is_not_in_stays_unplaced() -> None:
    # No Holliday in Vermont: not the Texas one either.
    found = geoparse("HOLLIDAY, Vt. - Deputies said the roads were closed.", gazetteer=GAZETTEER)
    assert all(t.country != "US" or t.admin1 in {"", "VT"} for t in found)


def test_a_wire_dateline_naming_a_capital_is_the_capital() -> None:
    text = "WASHINGTON (Reuters) - British officials in London and Sunderland said Britain would act."
    found = [t for t in geoparse(text, gazetteer=GAZETTEER) if t.text == "WASHINGTON"]
    assert found and found[0].admin1 == "DC"
