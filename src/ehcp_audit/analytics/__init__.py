"""Analytics over the compliance rows: named SQL files run by DuckDB, returned as DataFrames."""
