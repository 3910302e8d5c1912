"""Output: events as a frame, GeoJSON, CSV and GeoParquet files and the per-article report."""
