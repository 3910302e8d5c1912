"""Corpus runs: ingest of a folder or stream, in one process, several workers or Dask."""
