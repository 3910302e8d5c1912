"""Every extraction rule fires on the examples it exists for and holds on its counter-examples
(geo/rules.py). A failure names the rule and the example."""

import importlib
import pkgutil

import pytest

import geo
from geo.rules import registered


def _declare_all() -> dict:
    for module in pkgutil.walk_packages(geo.__path__, "geo."):
        importlib.import_module(module.name)
    return registered()


RULES = _declare_all()


@pytest.mark.parametrize("name", sorted(RULES) or ["(none yet)"])
def test_rule_fires_on_its_examples_and_holds_on_its_counter_examples(name):
    if name == "(none yet)":
        pytest.skip("no rule declares examples yet")
    assert RULES[name].failures() == []


def test_lexicon_tables_have_their_header_columns():
    from importlib import resources

    from geo.lexicons import table

    for path in resources.files("geo.lexicons").iterdir():
        if path.name.endswith(".tsv"):
            rows = table(path.name[:-4])
            assert all(all(key for key in row) for row in rows), path.name
