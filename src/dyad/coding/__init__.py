"""The stages that turn an article into events, in pipeline order, and what runs them (one process,
workers, a Dask cluster)."""
