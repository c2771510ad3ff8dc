"""Stage 1, ingest: files, folders and streams read into articles."""
