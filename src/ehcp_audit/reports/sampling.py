"""Which children an inspection pack shows: the sampling modes and the draw across settings."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI parses --sample-from before any store or DuckDB is loaded
    import duckdb

MODES = ("all", "late", "phase-transfer", "school:URN")


@dataclass(frozen=True)
class Candidate:
    child_id: str
    stratum: str  # the setting of the child's latest row in the period ('' for none)
    settings: tuple[str, ...]
    late: bool
    phase_transfer: bool


@dataclass(frozen=True)
class SampleFrom:
    """`--sample-from`: all, late, phase-transfer or school:URN."""

    mode: str
    urn: str = ""

    @classmethod
    def parse(cls, text: str) -> SampleFrom:
        value = text.strip()
        if value.lower().startswith("school:"):
            urn = value.split(":", 1)[1].strip()
            if not urn:
                raise ValueError("school: needs the setting's URN, e.g. school:123456")
            return cls("school", urn)
        if value.lower() in ("all", "late", "phase-transfer"):
            return cls(value.lower())
        raise ValueError(f"{text!r} is not one of {', '.join(MODES)}")

    def __str__(self) -> str:
        return f"school:{self.urn}" if self.mode == "school" else self.mode

    def eligible(self, candidate: Candidate) -> bool:
        if self.mode == "late":
            return candidate.late
        if self.mode == "phase-transfer":
            return candidate.phase_transfer
        if self.mode == "school":
            return self.urn in candidate.settings
        return True

    def words(self) -> str:
        """The population in plain words, after 'children with any step in the period'."""
        return {
            "all": "",
            "late": " and any of them missed or overdue",
            "phase-transfer": " and a phase transfer deadline in it",
            "school": f" at the setting with URN {self.urn}",
        }[self.mode]


ALL = SampleFrom("all")


def candidates(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[Candidate]:
    """Every child with a compliance row whose period date is in [start, end], by child id."""
    from ehcp_audit.view.queries import records

    return [
        Candidate(r["child_id"], r["stratum"], tuple(r["settings"]), r["late"], r["phase_transfer"])
        for r in records(con, "inspection_population", start=start, end=end)
    ]


def draw(population: Sequence[Candidate], size: int, seed: int, stratify: bool) -> list[str]:
    """`size` children, reproducible from `seed`, returned in child-id order.

    Stratified: settings are put in a random order weighted by their number of children
    (Efraimidis-Spirakis keys), then one child is taken from each setting in turn, so a sample
    spreads over as many settings as it has children before any setting gives a second, and a
    larger setting is more likely to be among them. Otherwise a simple random sample.
    """
    rng = random.Random(seed)
    ordered = sorted(population, key=lambda c: c.child_id)
    if not stratify:
        return sorted(c.child_id for c in rng.sample(ordered, min(size, len(ordered))))
    strata: dict[str, list[str]] = {}
    for c in ordered:
        strata.setdefault(c.stratum, []).append(c.child_id)
    for children in strata.values():
        rng.shuffle(children)
    keyed = sorted(strata, key=lambda s: rng.random() ** (1 / len(strata[s])), reverse=True)
    chosen: list[str] = []
    for turn in range(max((len(v) for v in strata.values()), default=0)):
        for stratum in keyed:
            if len(chosen) == size:
                return sorted(chosen)
            if turn < len(strata[stratum]):
                chosen.append(strata[stratum][turn])
    return sorted(chosen)
