"""Files written for other systems: tables (CSV, Parquet, XLSX), the SEN2 return, pseudonyms,
and the formula-safe cells every CSV or XLSX goes through."""
