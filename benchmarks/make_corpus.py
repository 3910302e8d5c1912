"""A realistic generated corpus of news articles, for benchmarks and tests of large runs.

Articles are recombined from sentence templates written for this generator, in the style of the
seed corpus (conflict reporting on Syria, Iraq, Libya, Ukraine, Yemen, Afghanistan, Somalia and
Mali), with towns drawn from the gazetteer and dates written the ways news writes them ("on
Wednesday", "last March", "on 20 May 2015", "three days ago"). Around them:

* ``articles.csv`` gives most articles a title, an outlet and a publication date; a few rows
  carry a date that is not ISO 8601, and one lists a file that is not there;
* some articles are dated only by a dateline near the top ("Mar 28, 2016"), some not at all;
* some name only countries (no town to map), a few are HTML pages, one is in cp1252;
* a few inputs are bad: empty, whitespace only, a PDF named .txt, a .docx.

Deterministic: article ``i`` is the same for a given seed whatever ``n`` is, so a small corpus
is the start of a large one. Files go in folders of 1,000 (``b000/a000000.txt``).

Usage::

    python benchmarks/make_corpus.py 20000 /tmp/corpus-20k [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from geo.gazetteer.index import Gazetteer, load_gazetteer  # noqa: E402

__all__ = ["make_corpus", "conflict_towns", "Region", "REGIONS"]


@dataclass(frozen=True)
class Region:
    """A country at war, with who fights there and what news calls it."""

    country: str  # ISO code in the gazetteer
    name: str
    adjective: str
    actors: tuple[str, ...]
    capital_talks: tuple[str, ...]  # where talks about it are held


REGIONS: tuple[Region, ...] = (
    Region("SY", "Syria", "Syrian",
           ("Islamic State fighters", "government forces", "Kurdish-led fighters",
            "rebel brigades", "pro-government militiamen", "Turkish-backed factions"),
           ("Geneva", "Astana", "Moscow")),
    Region("IQ", "Iraq", "Iraqi",
           ("Islamic State militants", "Iraqi troops", "Shi'ite paramilitary units",
            "Kurdish peshmerga forces", "counter-terrorism units"),
           ("Baghdad", "Erbil", "Tehran")),
    Region("LY", "Libya", "Libyan",
           ("forces loyal to the unity government", "eastern-based forces", "local militias",
            "Islamic State militants"),
           ("Tunis", "Geneva", "Cairo")),
    Region("UA", "Ukraine", "Ukrainian",
           ("Russian forces", "Ukrainian troops", "separatist fighters", "Russian artillery units"),
           ("Minsk", "Istanbul", "Geneva")),
    Region("YE", "Yemen", "Yemeni",
           ("Houthi fighters", "coalition warplanes", "government troops", "southern separatists"),
           ("Riyadh", "Muscat", "Stockholm")),
    Region("AF", "Afghanistan", "Afghan",
           ("Taliban fighters", "Afghan security forces", "Islamic State militants"),
           ("Doha", "Islamabad", "Kabul")),
    Region("SO", "Somalia", "Somali",
           ("al-Shabaab militants", "Somali troops", "African Union soldiers"),
           ("Nairobi", "Mogadishu", "Addis Ababa")),
    Region("ML", "Mali", "Malian",
           ("jihadist fighters", "Malian soldiers", "Tuareg rebels", "French troops"),
           ("Algiers", "Bamako", "Niamey")),
)

SOURCES = (
    "Reuters (syndicated)", "Associated Press", "AFP", "BBC News", "Al Jazeera English",
    "The Guardian", "Kyiv Independent", "Libya Observer", "Rudaw", "Top Stories",
)

# -- sentence templates (written for this generator) --------------------------------------------
# {actor}/{Actor} a fighting force, {town}/{town2} towns of the region, {when} a date expression
# (may be empty), {n} a number, {talks} a city abroad, {country}/{adj} the region's names.
_EVENT_SENTENCES = (
    "{Actor} shelled {town} {when}, killing at least {n} civilians, a local monitoring group said.",
    "Heavy fighting broke out on the outskirts of {town} {when} as {actor} pushed towards the centre.",
    "{Actor} said they had recaptured {town} {when} after a siege that lasted weeks.",
    "An air strike on a crowded market in {town} killed {n} people {when}, according to medics.",
    "Hundreds of families fled {town} {when} ahead of an expected offensive by {actor}.",
    "A car bomb exploded near a checkpoint in {town} {when}, wounding several guards.",
    "Protesters rallied in central {town} {when} to demand the release of detained relatives.",
    "{Actor} withdrew from {town} {when}, two residents reached by telephone said.",
    "Local officials said {n} fighters were killed in clashes around {town} {when}.",
    "Gunmen abducted {n} aid workers on the road between {town} and {town2} {when}.",
    "Rockets struck a residential district of {town} {when}, the regional governor said.",
    "{Actor} seized a strategic hill overlooking {town} {when}, cutting the road to {town2}.",
    "Drones attacked a fuel depot on the edge of {town} {when}, setting it ablaze.",
    "Security forces arrested {n} suspected militants in a raid in {town} {when}.",
    "Sappers defused dozens of mines left behind in {town} {when}, the army said.",
    "At least {n} soldiers were killed when {actor} ambushed a convoy near {town} {when}.",
    "Residents of {town} said the artillery bombardment had continued {when} without pause.",
    "{Actor} launched a counter-attack west of {town} {when} and claimed to have retaken two villages.",
)
_FOLLOW_UPS = (  # "the town" stands for the town of the sentence before
    "The town was bombarded again {when}, residents said.",
    "Fighting inside the city went on {when}, a commander told reporters.",
    "The town fell to {actor} {when} after its defenders ran out of ammunition.",
)
_TALKS_SENTENCES = (
    "Envoys met in {talks} {when} to discuss a ceasefire for {town}.",
    "Delegations from both sides held talks in {talks} {when}, but no agreement was announced.",
)
_BACKGROUND = (
    "The claims could not be independently verified.",
    "Aid agencies have warned that the humanitarian situation across {country} is getting worse.",
    "A spokesman for the defence ministry declined to comment.",
    "Analysts said the campaign had stalled in recent months as both sides dug in.",
    "The United Nations called on all parties to protect civilians and allow aid convoys through.",
    "Journalists have had little access to the area, and casualty figures vary widely.",
    "The {adj} government has repeatedly accused foreign powers of arming its opponents.",
    "Satellite images published by researchers appeared to show fresh damage.",
    "Prices of bread and fuel have more than doubled, shopkeepers said.",
    "\u201cWe do not know who to trust any more,\u201d said one resident, who asked not to be named.",
)
_COUNTRY_ONLY = (  # diplomacy: countries, no town, so no event to map
    "Diplomats from {country} and its neighbours discussed border security.",
    "The foreign minister of {country} called for international support for reconstruction.",
    "Officials said talks on prisoner exchanges would continue next month.",
    "Observers said the negotiations between the government of {country} and its rivals had made little progress.",
)
_TITLES = (
    "{Actor} tighten grip around {town}",
    "{n} killed in {town} as fighting spreads",
    "Residents flee {town} as front line nears",
    "Air strikes hit {town} market",
    "{town} falls after weeks of clashes",
    "Ceasefire talks stall as {town} battle rages",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_COUNTS = ("two", "three", "five", "seven", "12", "15", "20", "23", "31", "40", "64", "112")
_BAD_KINDS = ("empty", "pdf", "docx", "whitespace", "cp1252")


def conflict_towns(gazetteer: Gazetteer, *, per_country: int = 40, min_population: int = 15_000) -> dict[str, list[str]]:
    """The largest towns of each region's country, as news spells them (ASCII, no diacritics)."""
    wanted = {r.country for r in REGIONS}
    found: dict[str, list[tuple[int, str]]] = {c: [] for c in wanted}
    for index in range(len(gazetteer)):
        place = gazetteer.place(index)
        if place.country in wanted and place.population >= min_population:
            found[place.country].append((-place.population, _ascii(place.name)))
    towns = {}
    for country, rows in found.items():
        names = list(dict.fromkeys(name for _, name in sorted(rows) if name))
        towns[country] = names[:per_country]
    return towns


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return folded.replace("\u2018", "").replace("\u2019", "'").replace("\u02bf", "").encode("ascii", "ignore").decode()


def _when(rng: random.Random, published: dt.date) -> str:
    """A date expression, the way news writes one, relative to the publication date."""
    roll = rng.random()
    if roll < 0.25:
        back = rng.randint(1, 6)
        return f"on {_WEEKDAYS[(published - dt.timedelta(days=back)).weekday()]}"
    if roll < 0.32:
        back = rng.randint(1, 6)
        return f"on {_WEEKDAYS[(published - dt.timedelta(days=back)).weekday()]} night"
    if roll < 0.40:
        return rng.choice(("yesterday", "last night", "earlier today"))
    if roll < 0.47:
        return rng.choice(("last week", "earlier this month", "last month"))
    if roll < 0.55:
        return f"last {_MONTHS[(published.month - 1 - rng.randint(1, 5)) % 12]}"
    if roll < 0.68:
        day = published - dt.timedelta(days=rng.randint(2, 40))
        return f"on {day.day} {_MONTHS[day.month - 1]}" + (f" {day.year}" if rng.random() < 0.5 else "")
    if roll < 0.73:
        day = published - dt.timedelta(days=rng.randint(60, 700))
        return f"in {_MONTHS[day.month - 1]} {day.year}"
    if roll < 0.80:
        return f"{rng.choice(('two', 'three', 'four', 'five'))} days ago"
    return ""  # no date in the sentence: dated by context or the publication date


def _fill(template: str, rng: random.Random, region: Region, towns: list[str], town: str, published: dt.date) -> str:
    actor = rng.choice(region.actors)
    text = template.format(
        Actor=actor[0].upper() + actor[1:],
        actor=actor,
        town=town,
        town2=rng.choice(towns),
        when=_when(rng, published),
        n=rng.choice(_COUNTS),
        talks=rng.choice(region.capital_talks),
        country=region.name,
        adj=region.adjective,
    )
    return " ".join(text.split()).replace(" ,", ",").replace(" .", ".")


def _article(i: int, seed: int, towns: dict[str, list[str]]) -> tuple[str, str, str, dt.date]:
    """Title, source, text and publication date of article ``i``."""
    rng = random.Random(f"{seed}:{i}")
    region = rng.choice(REGIONS)
    local = towns[region.country]
    published = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 10))
    main = rng.choice(local[:15])
    title = _fill(rng.choice(_TITLES), rng, region, local, main, published)
    source = rng.choice(SOURCES)
    sentences: list[str] = []
    if rng.random() < 0.04:  # diplomacy only: countries, no town
        title = f"Talks on {region.name} make little progress"
        pool = _COUNTRY_ONLY + _BACKGROUND
        sentences = [_fill(rng.choice(pool), rng, region, local, main, published) for _ in range(rng.randint(4, 8))]
    else:
        for _ in range(rng.randint(7, 15)):
            roll = rng.random()
            town = main if rng.random() < 0.55 else rng.choice(local)
            if roll < 0.55:
                template = rng.choice(_EVENT_SENTENCES)
            elif roll < 0.65 and sentences:
                template = rng.choice(_FOLLOW_UPS)
            elif roll < 0.72:
                template = rng.choice(_TALKS_SENTENCES)
            else:
                template = rng.choice(_BACKGROUND)
            sentences.append(_fill(template, rng, region, local, town, published))
    paragraphs, k = [], 0
    while k < len(sentences):
        take = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[k : k + take]))
        k += take
    return title, source, "\n\n".join(paragraphs), published


def _dateline(rng: random.Random, published: dt.date) -> str:
    if rng.random() < 0.5:
        return f"{_MONTHS[published.month - 1][:3]} {published.day}, {published.year}"
    return f"{published.day} {_MONTHS[published.month - 1]} {published.year} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d} GMT"


def _bad_kind(i: int) -> str | None:
    """Which bad input article ``i`` is replaced by, if any: four among the first 40, then one
    in 250."""
    early = {3: "empty", 17: "pdf", 29: "docx", 38: "cp1252"}
    if i in early:
        return early[i]
    if i >= 250 and i % 250 == 137:
        return _BAD_KINDS[(i // 250) % len(_BAD_KINDS)]
    return None


def make_corpus(
    n: int, folder: str | Path, *, seed: int = 0, gazetteer: Gazetteer | None = None, html_every: int = 97
) -> Path:
    """Write ``n`` inputs (articles, and a few bad files) and ``articles.csv`` to ``folder``.

    Parameters
    ----------
    n
        Inputs to write; about 0.4 % of them are bad files on purpose.
    folder
        Created if missing; files already there with the same names are overwritten.
    seed
        The same seed gives the same corpus, byte for byte.
    gazetteer
        Where towns come from; default :func:`geo.gazetteer.index.load_gazetteer`.
    html_every
        One article in this many is an HTML page (0: none).
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    towns = conflict_towns(gazetteer or load_gazetteer())
    manifest: list[tuple[str, str, str, str]] = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}:file")
        sub = root / f"b{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        bad = _bad_kind(i)
        stem = f"b{i // 1000:03d}/a{i:06d}"
        title, source, text, published = _article(i, seed, towns)
        if bad == "empty":
            (root / f"{stem}.txt").write_bytes(b"")
        elif bad == "whitespace":
            (root / f"{stem}.txt").write_bytes(b"\n \n\t\n")
        elif bad == "pdf":
            (root / f"{stem}.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
        elif bad == "docx":
            (root / f"{stem}.docx").write_bytes(b"PK\x03\x04" + bytes(60))
        if bad in {"empty", "whitespace", "pdf", "docx"}:
            continue
        # How the article is dated: manifest (most), dateline only, or not at all.
        roll = rng.random()
        header = f"{source}\n\n{title}\n\n"
        if 0.82 <= roll < 0.94:
            header += _dateline(rng, published) + "\n\n"
        if html_every and i % html_every == html_every - 1:
            paragraphs = "".join(f"<p>{p}</p>\n" for p in text.split("\n\n"))
            page = (f"<!doctype html>\n<html><head><title>{title}</title></head><body>\n<nav>Home | World | "
                    f"Middle East</nav>\n<article><h1>{title}</h1>\n{paragraphs}</article>\n"
                    f"<footer>\u00a9 {source}</footer></body></html>\n")
            name = f"{stem}.html"
            (root / name).write_text(page, encoding="utf-8")
        else:
            name = f"{stem}.txt"
            encoding = "cp1252" if bad == "cp1252" else "utf-8"
            body = header + text + "\n"
            if bad == "cp1252":
                body = body.replace("said.", "said \u2013 \u201cin caf\u00e9s\u201d.", 1)
            (root / name).write_bytes(body.encode(encoding, errors="replace"))
        if roll < 0.82:
            value = published.isoformat()
            if rng.random() < 0.01:
                value = published.strftime("%d/%m/%Y")  # not ISO 8601: reported, dated from text
            manifest.append((name, title, source, value))
    manifest.append(("b999/missing.txt", "An article that was never saved", "AFP", "2016-01-01"))
    with (root / "articles.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("file", "title", "source", "published"))
        writer.writerows(manifest)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="inputs to write")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--html-every", type=int, default=97, help="one article in this many is HTML (0: none)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    make_corpus(args.n, args.folder, seed=args.seed, html_every=args.html_every)
    print(f"{args.n} inputs in {args.folder} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
