"""Importing review-tracker spreadsheets (XLSX/CSV) through a column mapping (docs/tracker.md)."""

from ehcp_audit.ingest.tracker.importer import TrackerResult, import_tracker
from ehcp_audit.ingest.tracker.mapping import TrackerMapping, load_mapping

__all__ = ["TrackerMapping", "TrackerResult", "import_tracker", "load_mapping"]
