"""Plain-Python API clients for the sources samepage reads. No Dagster, no warehouse."""
