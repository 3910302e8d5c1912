"""Extraction rules declared with the examples they exist for.

Every date pattern, place filter and event rule registers the sentences it must fire on
(``fires``) and the ones it must not (``holds``), written by us, never copied from an
article. ``tests/test_rule_examples.py`` runs every registered rule on its examples, so a
change that breaks a rule's reason to exist fails with the rule's name.

>>> import re
>>> pattern = re.compile(r"\\bdays? after\\b")
>>> example("dates.days_after", pattern.search,
...         fires=["two days after the city fell"], holds=["the days are long"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["RuleExamples", "braced", "example", "registered"]


@dataclass(frozen=True)
class RuleExamples:
    """A rule's name, how to run it on a text (truthy when it fires) and its examples."""

    name: str
    check: Callable[[str], object]
    fires: tuple[str, ...]
    holds: tuple[str, ...]

    def failures(self) -> list[str]:
        """Lines naming each example the rule gets wrong (empty when it gets all right)."""
        wrong = [f"{self.name}: should fire on {text!r}" for text in self.fires if not self.check(text)]
        wrong += [f"{self.name}: should not fire on {text!r}" for text in self.holds if self.check(text)]
        return wrong


_REGISTRY: dict[str, RuleExamples] = {}


def example(name: str, check: Callable[[str], object], *, fires: Sequence[str], holds: Sequence[str] = ()) -> None:
    """Declare rule ``name``: ``check(text)`` is truthy on each of ``fires`` and falsy on each
    of ``holds``. Names are unique ("stage.rule", e.g. "dates.day_month_year")."""
    if not fires:
        raise ValueError(f"rule {name!r} needs at least one example it fires on")
    if name in _REGISTRY and _REGISTRY[name].check is not check:
        raise ValueError(f"rule {name!r} is declared twice; give each rule its own name")
    _REGISTRY[name] = RuleExamples(name, check, tuple(fires), tuple(holds))


def registered() -> dict[str, RuleExamples]:
    """Every rule declared so far (import the stages first to declare theirs)."""
    return dict(_REGISTRY)


def braced(check: Callable[[str, int, int], object]) -> Callable[[str], object]:
    """A rule about one span of its sentence, run on examples that mark the span with braces:
    ``braced(lambda text, start, end: ...)("the {London}-based group")`` calls the check with
    "the London-based group" and the offsets of "London". An example without braces is a
    mistake in the example, said as such."""

    def run(example_text: str) -> object:
        start = example_text.find("{")
        end = example_text.find("}", start)
        if start < 0 or end < 0:
            raise ValueError(f"rule example {example_text!r} marks no span: put it in {{braces}}")
        text = example_text[:start] + example_text[start + 1 : end] + example_text[end + 1 :]
        return check(text, start, end - 1)

    return run
