"""Reading action logs: parsing and checking rows, the rejects file, the import itself."""
