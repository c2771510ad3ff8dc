"""The DuckDB database (`Store`) and what reads it: queries, trends, exports."""
