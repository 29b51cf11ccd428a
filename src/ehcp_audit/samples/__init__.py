"""Synthetic action logs for a made-up local authority (see generator.py)."""

from __future__ import annotations

from ehcp_audit.samples.badrows import BadRow
from ehcp_audit.samples.generator import (
    DEFAULT_END,
    SampleConfig,
    SampleGenerator,
    Summary,
    bad_rows_path,
    write_sample,
    write_tracker_sample,
)
from ehcp_audit.samples.model import ChildHistory, Review, SampleEntry

__all__ = [
    "DEFAULT_END",
    "BadRow",
    "ChildHistory",
    "Review",
    "SampleConfig",
    "SampleEntry",
    "SampleGenerator",
    "Summary",
    "bad_rows_path",
    "write_sample",
    "write_tracker_sample",
]
