"""One reader per source format; each returns records as a DataFrame plus deviations and quarantine."""
