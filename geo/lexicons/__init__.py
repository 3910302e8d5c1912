"""Word lists and tables the extraction rules read, kept as data: one fact in one place.

Each table is a tab-separated file in this folder. The first non-comment line names the
columns; lines starting with ``#`` are comments (say where a list came from there). A rule
that needs months, numbers or event words reads them from here instead of spelling them out,
so a new word is added once and every rule that reads the table sees it.

>>> months = table("months")          # doctest: +SKIP
>>> months[0]["name"], months[0]["number"]
('january', '1')
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["column", "table"]


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``<name>.tsv`` as dicts keyed by the header's column names.

    Raises FileNotFoundError naming the table when there is no such file, and ValueError
    naming the line when a row has more cells than the header (a stray tab)."""
    text = resources.files(__name__).joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        return ()
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) > len(header):
            raise ValueError(f"lexicon {name}.tsv, data line {number}: {len(cells)} cells for {len(header)} columns")
        rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
    return tuple(rows)


@cache
def column(name: str, field: str | None = None) -> tuple[str, ...]:
    """One column of table ``name`` (its first column when ``field`` is None), in file order."""
    rows = table(name)
    if not rows:
        return ()
    key = field or next(iter(rows[0]))
    return tuple(row[key] for row in rows)
