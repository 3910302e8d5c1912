"""Dates: date expressions in text (TIMEX3-style reading and the fast scan ingest uses), their words and patterns as data."""
