"""The check before a report or export is written: the chain verified up to the position it
states, from the last point verified earlier (docs/integrity.md, "Reports and exports").

Past that point every entry is hashed again, as `verify` does. Up to it, the check is cheap: the
entries and links are counted (a deletion or insertion changes the count), the link there must
still have the hash computed earlier (a rewritten chain changes it), and the entry there must
still match its link.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from ehcp_audit.errors import TamperedStoreError
from ehcp_audit.store.chain import as_uuid
from ehcp_audit.store.check import (
    START,
    Problem,
    Verified,
    chain_recorder,
    not_intact,
    verify,
)
from ehcp_audit.store.recorders import ChainRecorder

if TYPE_CHECKING:
    from ehcp_audit.application import EhcpAudit

REWRITTEN = (
    "the chain does not have the hash verified here earlier: the log up to this position "
    "was rewritten since"
)


def keeps_chain(app: EhcpAudit) -> bool:
    return isinstance(app.recorder, ChainRecorder)


def check_up_to(
    app: EhcpAudit, upto: int, remembered: Verified | None, full: bool = False
) -> Verified:
    """The last entry up to `upto`, verified (from `remembered` on, unless `full`); raises
    TamperedStoreError with `verify`'s message if the log does not match its chain."""
    if remembered is not None and not _still_holds(app, remembered):
        _refuse(app, max(upto, remembered.position), remembered)
    usable = remembered is not None and not full and remembered.position <= upto
    verdict = verify(app, upto=upto, start=remembered if usable and remembered else START)
    if verdict.problem is not None:
        raise TamperedStoreError(not_intact(verdict.problem, verdict.entries))
    return verdict.reached


def _still_holds(app: EhcpAudit, point: Verified) -> bool:
    recorder = chain_recorder(app)
    if recorder.prefix_counts(point.position) != (point.entries, point.entries):
        return False
    link = recorder.head_link(point.position)
    if link is None or link.position != point.position or link.hash != point.hash:
        return False
    found = app.recorder.select_notifications(point.position, 1)
    if not found or found[0].id != point.position:
        return False
    event = found[0]
    return (
        (as_uuid(event.originator_id), event.originator_version, event.topic)
        == (link.originator_id, link.originator_version, link.topic)
        and hashlib.sha256(event.state).digest() == link.state_sha256
    )


def _refuse(app: EhcpAudit, upto: int, point: Verified) -> None:
    """The whole check, for `verify`'s own words; a chain rewritten to fit passes it, so then
    the remembered hash is what is named."""
    verdict = verify(app, upto=upto)
    problem = verdict.problem or Problem(point.position, "anchor", None, None, REWRITTEN)
    raise TamperedStoreError(not_intact(problem, verdict.entries))
