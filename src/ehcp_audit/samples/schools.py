"""Made-up schools: URNs, names built from nature words, phases and lateness.

Names combine a tree/landscape word with a place-like ending ("Oakfield",
"Willowbrook"), never a person's name, so nothing in a sample can be read as
identifying anyone.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from ehcp_audit.samples import distributions as dist

_STEMS = (
    "Oak", "Ash", "Birch", "Willow", "Elm", "Hazel", "Rowan", "Alder", "Beech",
    "Cedar", "Holly", "Maple", "Hawthorn", "Juniper", "Larch", "Poplar", "Linden",
    "Meadow", "Brook", "River", "Bramble", "Heather", "Fern", "Clover", "Kingfisher",
    "Heron", "Skylark", "Otter", "Badger", "Bluebell", "Primrose", "Foxglove",
)  # fmt: skip
_ENDINGS = (
    "field", "brook", "wood", "dale", "mead", "hill", "bank", "ridge", "vale",
    "side", "croft", "lea", "moor", "gate", "well", "combe", "ford", "stone",
)  # fmt: skip
_QUALIFIERS = ("", "North ", "South ", "East ", "West ", "Upper ", "Lower ", "Great ", "Little ")

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "nursery": ("{} Nursery School", "{} Early Years Centre"),
    "primary": ("{} Primary School", "{} Primary Academy", "{} Community Primary School"),
    "secondary": ("{} High School", "{} Academy", "{} Secondary School"),
    "special": ("{} School", "{} Special School", "{} Specialist Learning Centre"),
    "college": ("{} College", "{} Sixth Form College", "{} College of Further Education"),
}

# National curriculum years each kind of setting teaches (-1 = nursery year).
_COVERS: dict[str, tuple[int, int]] = {
    "nursery": (-3, -1),
    "primary": (-1, 6),
    "secondary": (7, 13),
    "special": (-1, 14),
    "college": (12, 20),
}
MAX_SCHOOLS = 5000


@dataclass(frozen=True, slots=True)
class School:
    urn: int
    name: str
    kind: str
    lateness: float  # multiplies every school-run delay; 1.0 is a typical school
    weight: float  # relative share of EHCP children placed there
    uk_dates: bool  # its staff type dates as DD/MM/YYYY
    recorder: str  # `recorded_by` of what the setting records itself

    @property
    def urn_text(self) -> str:
        return str(self.urn)

    def distance(self, year_group: int) -> int:
        low, high = _COVERS[self.kind]
        return max(low - year_group, 0, year_group - high)


def _kind_counts(n: int) -> list[str]:
    if n < len(dist.SCHOOL_KIND_SHARES):
        return list(dist.SCHOOL_KIND_PRIORITY[:n])
    shares = dist.SCHOOL_KIND_SHARES
    counts = {kind: 1 for kind in shares}
    spare = n - len(shares)
    raw = {kind: share * spare for kind, share in shares.items()}
    for kind in shares:
        counts[kind] += int(raw[kind])
    leftover = n - sum(counts.values())
    by_remainder = sorted(shares, key=lambda k: (raw[k] - int(raw[k]), k), reverse=True)
    for kind in by_remainder[:leftover]:
        counts[kind] += 1
    return [kind for kind in shares for _ in range(counts[kind])]


def make_schools(rng: random.Random, n: int) -> list[School]:
    if not 1 <= n <= MAX_SCHOOLS:
        raise ValueError(f"schools must be between 1 and {MAX_SCHOOLS}")
    kinds = _kind_counts(n)
    rng.shuffle(kinds)
    urns = rng.sample(range(100000, 1000000), n)
    used: set[str] = set()
    lateness = [dist.school_lateness(rng) for _ in range(n)]
    # A few schools are much later than the rest, so school league tables have a tail.
    for index in sorted(range(n), key=lambda i: lateness[i])[-max(1, n // 8) :]:
        lateness[index] = min(dist.LATENESS_MAX, max(2.0, lateness[index] * 1.8))
    schools = []
    for index, kind in enumerate(kinds):
        while True:
            stem = rng.choice(_QUALIFIERS) + rng.choice(_STEMS) + rng.choice(_ENDINGS)
            name = rng.choice(_TEMPLATES[kind]).format(stem)
            if name not in used:
                used.add(name)
                break
        schools.append(
            School(
                urn=urns[index],
                name=name,
                kind=kind,
                lateness=lateness[index],
                weight=rng.lognormvariate(0.0, 0.6) * dist.KIND_WEIGHT[kind],
                uk_dates=rng.random() < dist.P_SCHOOL_UK_DATES,
                recorder=f"setting-{urns[index]}",
            )
        )
    return schools


class SchoolPicker:
    """Chooses a setting for a year group: the nearest phase, special or mainstream."""

    def __init__(self, schools: list[School]) -> None:
        self.schools = schools
        self._pools: dict[tuple[int, bool], tuple[list[School], list[float]]] = {}
        for year_group in range(-3, 21):
            nearest = min(s.distance(year_group) for s in schools)
            near = [s for s in schools if s.distance(year_group) == nearest]
            special = [s for s in near if s.kind == "special"] or near
            mainstream = [s for s in near if s.kind != "special"] or near
            for is_special, pool in ((True, special), (False, mainstream)):
                self._pools[(year_group, is_special)] = (
                    pool,
                    list(accumulate(s.weight for s in pool)),
                )

    def pick(self, rng: random.Random, year_group: int, special: bool, avoid: int = 0) -> School:
        pool, cumulative = self._pools[(min(max(year_group, -3), 20), special)]
        for _ in range(4):
            school = pool[bisect(cumulative, rng.random() * cumulative[-1])]
            if school.urn != avoid:
                return school
        return school
