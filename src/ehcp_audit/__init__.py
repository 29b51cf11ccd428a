"""ehcp-audit: event-sourced compliance audit of EHCP annual reviews."""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # Stored events name their classes "ehcp_audit:Plan.<Event>" and "ehcp_audit:ImportLog..."
    # (explicit topics, domain/streams.py), which the event store resolves through this
    # package. The classes are defined on first use, not by every command that opens a store.
    if name == "Plan":
        from ehcp_audit.domain.plan import Plan

        return Plan
    if name == "ImportLog":
        from ehcp_audit.domain.import_log import ImportLog

        return ImportLog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
