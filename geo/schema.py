"""The event schema: one place for the property names every output shares.

`datelines ingest` (GeoJSON, CSV, GeoParquet) and the dashboard's downloads write exactly these
columns in this order, so QGIS, kepler.gl and scripts can rely on them. Names are a stable
interface: add new ones at the end, never rename.
"""

from __future__ import annotations

from geo.lexicons import column, table

__all__ = [
    "EVENT_PROPERTIES",
    "EVENT_TYPES",
    "TYPE_COLOURS",
    "TYPE_LABELS",
    "trigger_lexicon",
    "DATE_PRECISIONS",
    "PLACE_PRECISIONS",
    "REPORT_COLUMNS",
    "ARTICLE_STATUSES",
    "PUBLISHED_SOURCES",
    "EVENT_KINDS",
    "REVIEW_STATUSES",
    "REVIEW_FIELDS",
    "REVIEW_PROPERTIES",
]

#: Event types, after ACLED's top-level event types (acleddata.com codebook), plus "other" for
#: a sentence that names a place and a date but no recognisable kind of action. Data:
#: geo/lexicons/event_types.tsv (its row order is each type's code; add new types at the end).
EVENT_TYPES: tuple[str, ...] = column("event_types", "type")

#: Each event type's map colour and legend label, sent to the browser in the map payload, so a
#: new type gets its colour and legend entry without a JavaScript edit.
TYPE_COLOURS: dict[str, str] = dict(zip(EVENT_TYPES, column("event_types", "colour")))
TYPE_LABELS: dict[str, str] = {t: label or t for t, label in zip(EVENT_TYPES, column("event_types", "label"))}


def trigger_lexicon() -> tuple[tuple[str, str], ...]:
    """(event type, one regular expression of its action words), by precedence: the type
    listed first wins a sentence that has words of several. From geo/lexicons/event_triggers.tsv
    and event_types.tsv; a type with no precedence has no words ("other")."""
    words: dict[str, list[str]] = {}
    for row in table("event_triggers"):
        if row["type"] not in EVENT_TYPES:
            raise ValueError(f"event_triggers.tsv names type {row['type']!r}: add it to event_types.tsv first")
        words.setdefault(row["type"], []).append(row["pattern"])
    ranked = sorted((int(r["precedence"]), r["type"]) for r in table("event_types") if r["precedence"])
    return tuple((kind, "|".join(words[kind])) for _, kind in ranked)


#: How exactly an event's date is known. "undated": a relative expression ("on Wednesday") in an
#: article with no publication date; its date, date_start and date_end are null. "quarter",
#: "season" and "decade" only where the text says so ("the third quarter", "last summer",
#: "the 1990s"); appended so the codes of the older values do not change.
DATE_PRECISIONS: tuple[str, ...] = (
    "day", "week", "month", "year", "undated", "quarter", "season", "decade",
)  # fmt: skip

#: How exactly an event's place is known: a populated place, a province (admin1) drawn at its
#: namesake town, or a whole country drawn at a representative point.
PLACE_PRECISIONS: tuple[str, ...] = ("city", "admin1", "country")

#: Properties of every event feature, in output order.
EVENT_PROPERTIES: tuple[str, ...] = (
    # the required properties
    "article",  # article id: the file stem
    "title",
    "source",
    "published",  # ISO date of publication, or null
    "place",  # the gazetteer's name of the place
    "country",  # ISO 3166-1 alpha-2
    "geonameid",  # GeoNames id (int)
    "date",  # best single day, ISO date, or null when undated
    "date_start",  # first day the event could be on
    "date_end",  # last day the event could be on
    "date_precision",  # one of DATE_PRECISIONS
    "excerpt",  # the sentence that reports the event
    "event_type",  # one of EVENT_TYPES
    "fatalities",  # int, or null when the sentence gives no count
    "event_group",  # reports of the same happening share this id
    # provenance: where in the article the evidence is
    "id",  # stable event id: "<article>:<place_char_start>"
    "url",  # the article's url, or null
    "place_text",  # the place as written in the article
    "place_char_start",  # offsets into the article text (Python str indices)
    "place_char_end",
    "place_precision",  # one of PLACE_PRECISIONS
    "admin1",  # GeoNames admin1 code of the place
    "date_text",  # the date expression as written, "" when dated from context
    "date_char_start",  # offsets of the date expression, null when none
    "date_char_end",
    "date_source",  # "text" | "context" (an earlier sentence) | "lead" (the article's lead date) | "published"
    "excerpt_char_start",  # offset of the excerpt in the article text
    "place_candidates",  # "geonameid name CC" of the candidates it beat, ";"-separated
    # trust: how the event was read and how far to believe it (added for review)
    "published_from",  # where the publication date came from: one of PUBLISHED_SOURCES
    "event_kind",  # one of EVENT_KINDS
    "confidence",  # 0-1: the chance the point is right in place and date (geo.events.confidence)
    "review_reasons",  # why it may be wrong, ";"-separated, worst first ("" when none)
    # provenance of the date and the place (issue 8)
    "date_used_char_start",  # offsets of the date expression the date came from: its own
    "date_used_char_end",  # sentence's, or an earlier one's ("context", "lead"); null for "published"
    "date_sentence_char_start",  # the sentence holding that expression
    "date_sentence_char_end",
    "place_candidates_lost",  # why each of place_candidates lost, ";"-separated, same order
    "date_evidence",  # the earlier sentence a "context"/"lead" date was read from, "" otherwise
)

#: Where an article's publication date came from: the manifest, a JSON field, the HTML's
#: metadata, a stamp at the start of the body ("text"), a wire dateline, or nowhere ("").
PUBLISHED_SOURCES: tuple[str, ...] = ("manifest", "jsonl", "html", "text", "dateline", "")

#: "event": a happening the article reports; "background": a dated happening it recalls as
#: history (ended more than geo.events.find.BACKGROUND_DAYS before publication). Talk of what might
#: or usually happens, with no date of its own, is left out altogether.
EVENT_KINDS: tuple[str, ...] = ("event", "background")

#: The columns of an ingest report (one row per input file and per manifest row).
REPORT_COLUMNS: tuple[str, ...] = ("file", "status", "events", "reason")

#: What became of one input: read and mapped, read with no place, read with no date to anchor
#: it, not readable, or not an article at all.
ARTICLE_STATUSES: tuple[str, ...] = ("ok", "no_places", "undated", "unreadable", "skipped")

#: What an analyst made of an event (geo.review): not looked at yet, confirmed as the machine
#: had it, corrected (some field changed), or rejected (not an event; left out of exports).
REVIEW_STATUSES: tuple[str, ...] = ("unreviewed", "confirmed", "corrected", "rejected")

#: What a review decision can change: the status, a correctable field, or the note.
REVIEW_FIELDS: tuple[str, ...] = ("status", "place", "date", "event_type", "fatalities", "note")

#: Columns a reviewed export adds after EVENT_PROPERTIES (only when a review file is applied):
#: who decided what and when, and the machine's original value of every corrected column
#: (null where that field was not corrected).
REVIEW_PROPERTIES: tuple[str, ...] = (
    "review_status",  # one of REVIEW_STATUSES
    "reviewed_by",  # the reviewer of the latest decision
    "reviewed_at",  # its time, ISO 8601 UTC
    "review_note",  # the latest note
    "review_corrected",  # the corrected fields, ";"-separated: place, date, event_type, fatalities
    "place_auto",  # the machine's values of corrected columns
    "country_auto",
    "geonameid_auto",
    "admin1_auto",
    "place_precision_auto",
    "longitude_auto",
    "latitude_auto",
    "date_auto",
    "date_start_auto",
    "date_end_auto",
    "date_precision_auto",
    "event_type_auto",
    "fatalities_auto",
)
