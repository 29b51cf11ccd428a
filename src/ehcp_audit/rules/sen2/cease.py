"""SEN2 CeaseReason codes (item 4.6 of the DfE SEN2 person-level guide, 2025) and a mapping from
the free-text `reason` of `plan_ceased` to them. See docs/sen2.md for the source and the doubts."""

from __future__ import annotations

import re
from typing import Final

# First match wins, so the order settles texts that name two things ("moved to Wales to
# start a job" is code 7, not 4). None means: recognised, but deliberately left to a person.
_RULES: Final[tuple[tuple[int | None, tuple[str, ...]], ...]] = (
    (8, (r"\b(deceased|died|death|passed away)\b",)),
    (
        7,
        (
            r"outside (of )?england",
            r"abroad|overseas|emigrat",
            r"\bleft the (uk|country)\b",
            r"\bmoved to (wales|scotland|northern ireland|ireland)\b",
        ),
    ),
    (
        5,
        (
            r"\b(another|other|new|different) (la|local authority|authority|council)\b",
            r"\btransfer(red)? (out|to (la|local authority))\b",
            r"\bout of (the )?(area|county|borough)\b",
        ),
    ),
    (
        1,
        (
            r"\bmax(imum)? age\b|\bage limit\b",
            r"\b(aged?|turned|reached|over) 25\b|\b25 (or|and) over\b",
            r"\badult estate\b",
        ),
    ),
    (3, (r"higher education|\buniversity\b|\bdegree\b",)),
    # The guide excludes apprenticeships from code 4; which code then applies is a judgement.
    (None, (r"apprentice",)),
    (4, (r"(?<!un)employ|\bpaid work\b|\bjob\b",)),
    (
        6,
        (
            r"no longer wish|\b(dis)?engag",
            r"left (education|training|school|college)",
            r"not in education|\bneet\b",
        ),
    ),
    (
        2,
        (
            r"needs? (are |being )?met|without (an |a )?(ehc )?plan",
            r"sen support|no longer (needs|requires)|outcomes (achieved|met)",
        ),
    ),
    (9, (r"\bother\b|adult (social care|services)",)),
)
_PATTERNS: Final = tuple((code, re.compile("|".join(parts))) for code, parts in _RULES)


def cease_reason_code(reason: str) -> int | None:
    """The SEN2 CeaseReason code for a reason text, or None when it does not clearly map."""
    text = " ".join(reason.lower().replace("/", " / ").split())
    for code, pattern in _PATTERNS:
        if pattern.search(text):
            return code
    return None
