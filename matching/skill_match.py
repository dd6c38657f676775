"""Match volunteer employees to other companies' needs, optimally: the entry point.

The core problem is a transportation problem: hours flow from volunteers to needs along
eligible pairs, each hour worth `score × priority`; side constraints (team size, no fragments,
one need per volunteer) turn it into an integer program. `solve` picks the path:

- up to `MatchParams.plain_pairs_max` volunteer × need pairs (the service's own instances),
  the reference solver `matching.plain`: every pair checked, one min-cost flow, or
  `matching.side_constraints` over every pair;
- above, `matching.large`: candidates found without checking every pair, column generation
  priced by the flow's duals, which gives a valid upper bound at any time.

Both answer with the same records (`matching.model`), re-exported here for callers.
"""

from __future__ import annotations

from matching.collector import cycle_collection_paused
from matching.large import greedy_objective, solve_large
from matching.model import (
    LEVEL_MAX,
    LEVEL_MIN,
    PRIORITY_MAX,
    PRIORITY_MIN,
    TIME_LIMIT_SECONDS_DEFAULT,
    Assignment,
    Explanation,
    MatchParams,
    MatchSolution,
    Need,
    RequiredSkill,
    SkillMet,
    SolverFault,
    Volunteer,
)
from matching.plain import solve_plain

__all__ = [
    "LEVEL_MAX",
    "LEVEL_MIN",
    "PRIORITY_MAX",
    "PRIORITY_MIN",
    "TIME_LIMIT_SECONDS_DEFAULT",
    "Assignment",
    "Explanation",
    "MatchParams",
    "MatchSolution",
    "Need",
    "RequiredSkill",
    "SkillMet",
    "SolverFault",
    "Volunteer",
    "greedy",
    "solve",
]


def solve(
    volunteers: list[Volunteer],
    needs: list[Need],
    params: MatchParams,
    *,
    excluded: frozenset[tuple[str, str]] = frozenset(),
) -> MatchSolution:
    """The optimal matching (or the best found in the time limit), with a valid upper bound.
    `excluded` (volunteer id, need id) pairs are never used (declined proposals, say)."""
    if len(volunteers) * len(needs) <= params.plain_pairs_max:
        return solve_plain(volunteers, needs, params, excluded=excluded)
    with cycle_collection_paused():
        return solve_large(volunteers, needs, params, excluded)


def greedy(volunteers: list[Volunteer], needs: list[Need]) -> int:
    """Baseline: best value per hour first, as many hours as fit. Returns its objective."""
    return greedy_objective(volunteers, needs)
