"""The ingest pipeline: discover source files, read, validate, normalise, resolve, load, report."""
