"""Datelines: news articles in, dated and geolocated events out."""
