"""The store's names for plans and events (domain/streams.py) are the classes' own, and a
stored topic resolves in a process that has not loaded the classes."""

from __future__ import annotations

import subprocess
import sys

from ehcp_audit.domain import streams
from ehcp_audit.domain.import_log import ImportLog
from ehcp_audit.domain.plan import EVENT_CLASSES, Plan, plan_id
from ehcp_audit.domain.vocabulary import ACTIONS


def test_topics_are_the_event_classes_topics() -> None:
    assert {a: cls.TOPIC for a, cls in EVENT_CLASSES.items()} == streams.ACTION_TOPICS
    assert set(streams.ACTION_TOPICS) == set(ACTIONS)
    assert Plan.Opened.TOPIC == streams.PLAN_OPENED
    assert ImportLog.Completed.TOPIC == streams.IMPORT_COMPLETED
    # Stored history names these classes: renaming one would orphan it.
    assert streams.ACTION_TOPICS["plan_issued"] == "ehcp_audit:Plan.PlanIssued"
    assert streams.ACTION_TOPICS["void"] == "ehcp_audit:Plan.Voided"
    assert plan_id("C1") == Plan.create_id("C1")


def test_a_stored_topic_resolves_before_the_classes_are_loaded() -> None:
    code = (
        "import sys\n"
        "from eventsourcing.utils import resolve_topic\n"
        "import ehcp_audit.application\n"
        "assert 'ehcp_audit.domain.plan' not in sys.modules\n"
        "print(resolve_topic('ehcp_audit:Plan.MeetingHeld').ACTION,"
        " resolve_topic('ehcp_audit:Plan.Opened').__qualname__,"
        " resolve_topic('ehcp_audit:ImportLog.Completed').__qualname__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.split() == ["meeting_held", "Plan.Opened", "ImportLog.Completed"]
