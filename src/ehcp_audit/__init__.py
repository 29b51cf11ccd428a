"""ehcp-audit: event-sourced compliance audit of EHCP annual reviews."""

__version__ = "0.1.0"
