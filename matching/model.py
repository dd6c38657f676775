"""The matching problem's records: volunteers, needs, the parameters (the large path's
thresholds among them), and the answer with its assignments explained.

Shared by the reference solver (`matching.plain`), the large-instance path (`matching.large`)
and the file interface (`matching.files`); `matching.skill_match.solve` chooses the path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from matching.side_constraints import SIDE_GAP_DEFAULT, SideRules

LEVEL_MIN: Final = 1
LEVEL_MAX: Final = 4
PRIORITY_MIN: Final = 1
PRIORITY_MAX: Final = 10
TIME_LIMIT_SECONDS_DEFAULT: Final = 60.0
# Below this many volunteer × need pairs, checking each pair in Python costs less than a second
# (docs/matching.md): the reference solver serves them.
PLAIN_PAIRS_MAX: Final = 100_000

# The large path's thresholds (`matching.large`), defaults of the parameters' fields.
# Column generation: each need's best candidates first, then the best pairs the duals price.
# Below this many eligible pairs one flow over all of them is quicker than pricing rounds.
PAIRS_KEPT_MAX: Final = 500_000
# From this many needs found by distance, a share of them are found beside
# (`matching.large.beside`) while this process builds the remote groups and finds the others'.
NEEDS_SPLIT_MIN: Final = 4_000
# Wide first columns save a whole flow on large instances (docs/matching.md, "Why these
# settings").
COLUMNS_PER_NEED_FIRST: Final = 30
COLUMNS_PER_VOLUNTEER_FIRST: Final = 4
COLUMNS_PER_NEED_PRICED: Final = 20
COLUMNS_PER_VOLUNTEER_PRICED: Final = 6
PRICING_ROUNDS_MAX: Final = 30
# From this many columns, with a gap allowed, the first flow runs in two halves side by side.
SPLIT_COLUMNS_MIN: Final = 200_000


@dataclass(frozen=True, slots=True)
class Volunteer:
    id: str
    company: str
    skills: dict[str, int]  # skill code → level 1–4
    hours: int  # Available in the period.
    remote: bool
    lat: float
    lon: float
    radius_km: float
    languages: frozenset[str]


@dataclass(frozen=True, slots=True)
class RequiredSkill:
    skill: str
    min_level: int
    weight: int


@dataclass(frozen=True, slots=True)
class Need:
    id: str
    company: str
    skills: tuple[RequiredSkill, ...]
    hours: int
    remote: bool
    lat: float
    lon: float
    language: str
    priority: int


@dataclass(frozen=True, slots=True)
class MatchParams:
    max_team_size: int | None = None
    min_assignment_hours: int | None = None
    one_need_per_volunteer: bool = False
    time_limit_s: float = TIME_LIMIT_SECONDS_DEFAULT
    seed: int = 0
    # Stop pricing once the bound is this close (0: prove the optimum over every eligible pair).
    relative_gap_limit: float = 0.0
    # With side constraints: stop once the answer is this close to the relaxation's bound.
    side_gap: float = SIDE_GAP_DEFAULT
    # With side constraints and at most this many eligible pairs: the relaxation over all of
    # them bounds the answer (`matching.side_constraints`); above, CP-SAT on the flow's columns
    # under the flow's bound.
    side_pairs_max: int = PAIRS_KEPT_MAX
    # Up to this many volunteer × need pairs, the reference solver (`matching.plain`).
    plain_pairs_max: int = PLAIN_PAIRS_MAX
    # The large-instance thresholds (their reasons beside the constants above); tests set them
    # low to force column generation on small instances.
    pairs_kept_max: int = PAIRS_KEPT_MAX
    needs_split_min: int = NEEDS_SPLIT_MIN
    columns_per_need_first: int = COLUMNS_PER_NEED_FIRST
    columns_per_volunteer_first: int = COLUMNS_PER_VOLUNTEER_FIRST
    columns_per_need_priced: int = COLUMNS_PER_NEED_PRICED
    columns_per_volunteer_priced: int = COLUMNS_PER_VOLUNTEER_PRICED
    pricing_rounds_max: int = PRICING_ROUNDS_MAX
    split_columns_min: int = SPLIT_COLUMNS_MIN

    def side_rules(self, time_limit_s: float) -> SideRules:
        """These side constraints, to search for `time_limit_s` seconds."""
        return SideRules(
            self.max_team_size,
            self.min_assignment_hours,
            self.one_need_per_volunteer,
            time_limit_s,
            self.seed,
            self.side_gap,
        )

    @property
    def has_side_constraints(self) -> bool:
        return (
            self.max_team_size is not None
            or self.min_assignment_hours is not None
            or self.one_need_per_volunteer
        )


@dataclass(frozen=True, slots=True)
class SkillMet:
    skill: str
    level: int
    min_level: int
    weight: int


@dataclass(frozen=True, slots=True)
class Explanation:
    skills: tuple[SkillMet, ...]
    remote: bool
    distance_km: float
    language: str
    hours: int


@dataclass(frozen=True, slots=True)
class Assignment:
    volunteer: str
    need: str
    hours: int
    score_per_hour: int
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class MatchSolution:
    status: str  # optimal, feasible, infeasible, empty
    objective: int
    bound: int
    assignments: tuple[Assignment, ...]
    stats: dict[str, float] = field(default_factory=dict)


class SolverFault(RuntimeError):
    """A solver returned something our own checks refute (a bug outside this module)."""
