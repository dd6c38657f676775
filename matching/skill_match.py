"""Match volunteer employees to other companies' needs, optimally.

The core problem is a transportation problem: hours flow from volunteers to needs along
eligible pairs, each hour worth `score × priority`. OR-Tools' min-cost flow solves it exactly
(with a bypass arc, so unprofitable hours may stay unused) on a subset of the pairs, and the
flow's dual values price every eligible pair: pairs worth more join the subset until none is
left, which proves the optimum over all pairs; the duals give a valid upper bound at any time.
Side constraints (team size, no fragments, one need per volunteer) turn it into an integer
program, solved with CP-SAT from the flow solution as a hint. Every solver answer is checked
again here before it is returned.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Final

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from matching.beside import Beside
from matching.candidates import NeedView, VolunteerIndex
from matching.collector import cycle_collection_paused
from matching.entropic import EPSILON_SHARES, best_response, entropic_duals
from matching.geo import haversine_km
from matching.greedy import GreedyPairs, greedy_pairs
from matching.remote_groups import RemoteGroups, is_grouped
from matching.side_constraints import (
    SIDE_GAP_DEFAULT,
    SideRules,
    side_violation,
    solve_side,
)

LEVEL_MIN: Final = 1
LEVEL_MAX: Final = 4
PRIORITY_MIN: Final = 1
PRIORITY_MAX: Final = 10
TIME_LIMIT_SECONDS_DEFAULT: Final = 60.0
# Below this many volunteer × need pairs, checking each pair in Python costs less than a second
# (docs/matching.md): the reference solver serves them.
PLAIN_PAIRS_MAX: Final = 100_000
# Column generation: each need's best candidates first, then the best pairs the duals price.
# Below this many eligible pairs one flow over all of them is quicker than pricing rounds.
PAIRS_KEPT_MAX: Final = 500_000
# From this many needs found by distance, the first of them (this share) are found beside
# (`matching.beside`) while this process builds the remote groups and finds the others'.
NEEDS_SPLIT_MIN: Final = 4_000
NEEDS_SHARE_BESIDE: Final = 0.6
# Wide first columns save a whole flow on large instances (docs/matching.md, "Why these
# settings").
COLUMNS_PER_NEED_FIRST: Final = 30
COLUMNS_PER_VOLUNTEER_FIRST: Final = 4
COLUMNS_PER_NEED_PRICED: Final = 20
COLUMNS_PER_VOLUNTEER_PRICED: Final = 6
KEEP_SLACK_DIVISOR: Final = (
    4  # Unused columns within value/4 of their duals stay for the next flow.
)
# `_best_per`'s histogram: steps below each group's best value, as many as fit in this many
# cells in all (256 for 20 000 needs, 60 for 100 000 volunteers), within these limits.
BEST_PER_CELLS: Final = 6_000_000
BEST_PER_BUCKETS_MIN: Final = 16
BEST_PER_BUCKETS_MAX: Final = 256
COLUMNS_PER_GROUP: Final = 5  # Remote pairs taken per (need, volunteer group) when pricing.
PRICING_ROUNDS_MAX: Final = 30
# Rounds priced on the columns' smoothed duals before the first flow (`matching.entropic`),
# each warm-started one from the last ε steps of the one before.
ENTROPIC_ROUNDS: Final = 2
ENTROPIC_WARM_STEPS: Final = 1
# From this many columns, with a gap allowed, the first flow runs in two halves side by side.
SPLIT_COLUMNS_MIN: Final = 200_000
DUAL_RELAXATIONS_MAX: Final = 100_000


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


@dataclass(slots=True)
class _Columns:
    """The pairs the flow may use, as parallel arrays (one row per pair, no duplicates)."""

    volunteer: Any
    need: Any
    value: Any

    @classmethod
    def empty(cls) -> _Columns:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing.copy(), nothing.copy())

    def __len__(self) -> int:
        return len(self.volunteer)

    def subset(self, rows: Any) -> _Columns:
        return _Columns(self.volunteer[rows], self.need[rows], self.value[rows])

    def extend(self, volunteer: Any, need: Any, value: Any, needs_count: int) -> int:
        """Add pairs not already present; returns how many were new."""
        before = len(self)
        self.volunteer, self.need, self.value = _distinct(
            [(self.volunteer, self.need, self.value), (volunteer, need, value)], needs_count
        )
        return len(self) - before


def _distinct(parts: list[tuple[Any, Any, Any]], needs_count: int) -> tuple[Any, Any, Any]:
    """(volunteer, need, value) arrays of the parts joined, one row per pair (its first), in
    pair order."""
    v, n, value = (np.concatenate([part[i] for part in parts]) for i in range(3))
    first = _first_rows(v * needs_count + n)
    return v[first], n[first], value[first]


def _first_rows(key: Any) -> Any:
    """Row of each distinct key's first occurrence, in increasing key order (what
    `np.unique(key, return_index=True)` gives): one sort of keys packed above their rows
    when both fit in 63 bits, a third of the time of unique's stable argsort."""
    rows = len(key)
    row_bits = max(1, (rows - 1).bit_length())
    if not rows or int(key.min()) < 0 or int(key.max()).bit_length() + row_bits > 63:
        return np.unique(key, return_index=True)[1]
    packed = (key << row_bits) | np.arange(rows, dtype=np.int64)
    packed.sort()
    distinct = packed >> row_bits
    first = np.empty(rows, dtype=bool)
    first[0] = True
    np.not_equal(distinct[1:], distinct[:-1], out=first[1:])
    return packed[first] & ((1 << row_bits) - 1)


def _numbered(ids: Any, size: int) -> tuple[Any, Any]:
    """The distinct ids in increasing order and each row's rank among them (what
    `np.unique(ids, return_inverse=True)` gives), by counting: ids lie in 0..size−1."""
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    distinct = np.flatnonzero(present)
    rank = np.cumsum(present) - 1
    return distinct, rank[ids]


@dataclass(frozen=True, slots=True)
class _Pricing:
    columns: tuple[Any, Any, Any]  # Pairs worth adding: volunteer, need, value.
    volunteer_excess: Any  # Enumerated pairs: per volunteer, largest value above both duals.
    need_excess: Any  # Grouped remote pairs: per need, largest value above both duals.
    remote_volunteer_excess: Any  # The same pairs seen per volunteer.
    violations: int  # Pairs found priced above the duals.


class _Problem:
    """The solver's arrays: volunteers indexed, needs as views, capacities and exclusions."""

    def __init__(
        self,
        volunteers: list[Volunteer],
        needs: list[Need],
        excluded: frozenset[tuple[str, str]],
        *,
        needs_split_min: int = NEEDS_SPLIT_MIN,
    ) -> None:
        self.volunteers, self.needs = volunteers, needs
        self.needs_split_min = needs_split_min
        self.index = VolunteerIndex(
            companies=[v.company for v in volunteers],
            skills=[v.skills for v in volunteers],
            languages=[v.languages for v in volunteers],
            hours=[v.hours for v in volunteers],
            remote=[v.remote for v in volunteers],
            lat=[v.lat for v in volunteers],
            lon=[v.lon for v in volunteers],
            radius_km=[v.radius_km for v in volunteers],
        )
        self.views = [
            NeedView(
                j,
                n.company,
                tuple((r.skill, r.min_level, r.weight) for r in n.skills),
                n.remote,
                n.lat,
                n.lon,
                n.language,
                n.priority,
            )
            for j, n in enumerate(needs)
            if n.hours > 0
        ]
        self.supply = np.array([v.hours for v in volunteers], dtype=np.int64)
        self.demand = np.array([n.hours for n in needs], dtype=np.int64)
        v_index = {v.id: i for i, v in enumerate(volunteers)}
        n_index = {n.id: j for j, n in enumerate(needs)}
        by_need: dict[int, list[int]] = defaultdict(list)
        for v_id, n_id in excluded:
            if v_id in v_index and n_id in n_index:
                by_need[n_index[n_id]].append(v_index[v_id])
        self.excluded = {j: np.array(sorted(p), dtype=np.int64) for j, p in by_need.items()}
        self.excluded_keys = np.array(
            sorted(v * len(needs) + j for j, p in by_need.items() for v in p), dtype=np.int64
        )
        self.need_company = np.array(
            [self.index.company_numbers.get(n.company, -1) for n in needs], dtype=np.int64
        )
        self._groups: RemoteGroups | None = None
        self._local: tuple[Any, Any, Any] | None = None

    @property
    def groups(self) -> RemoteGroups:
        """Remote volunteers grouped for pricing without enumeration (built on first use)."""
        if self._groups is None:
            self._groups = RemoteGroups(
                skills=[v.skills for v in self.volunteers],
                languages=[v.languages for v in self.volunteers],
                hours=[v.hours for v in self.volunteers],
                remote=[v.remote for v in self.volunteers],
                company=self.index.company,
                needs=self.views,
                need_company=self.need_company,
            )
        return self._groups

    @property
    def local(self) -> tuple[Any, Any, Any]:
        """Every eligible pair the groups do not price (distance decides, or the need asks for
        more skills than groups hold), found once: volunteer, need, value per hour."""
        if self._local is None:
            grouped = frozenset(view.position for view in self.views if is_grouped(view))
            windowed = [view for view in self.views if view.position in grouped or not view.remote]
            parts = self._nearby(windowed, grouped, meanwhile=lambda: self.groups)
            for view in self.views:
                if view.position in grouped or not view.remote:
                    continue
                found = self.index.candidates(view)  # Many skills: enumerated, remote too.
                if found is not None:
                    positions = found.positions
                    parts.append((positions, np.full(len(positions), view.position), found.value))
            v, n, value = (np.concatenate([p[i] for p in parts]) for i in range(3))
            if len(self.excluded_keys):
                keep = ~np.isin(v * len(self.needs) + n, self.excluded_keys)
                v, n, value = v[keep], n[keep], value[keep]
            self._local = (v, n, value)
        return self._local

    def _nearby(
        self, windowed: list[NeedView], grouped: frozenset[int], meanwhile: Callable[[], object]
    ) -> list[tuple[Any, Any, Any]]:
        """The nearby pairs of `windowed` (in position order), the first needs' found beside
        (`matching.beside`) while this process does `meanwhile` and finds the others': each
        need's pairs depend on it alone, so the parts joined are the pairs found at once, in
        the same (need, volunteer) order."""
        if len(windowed) < self.needs_split_min:
            return [self.index.nearby_pairs(windowed, skip_remote_lists_of=grouped)]
        split = int(len(windowed) * NEEDS_SHARE_BESIDE)
        with Beside(
            lambda: self.index.nearby_pairs(windowed[:split], skip_remote_lists_of=grouped)
        ) as earlier:
            meanwhile()
            later = self.index.nearby_pairs(windowed[split:], skip_remote_lists_of=grouped)
            v, n, value = earlier.result()
        return [(v, n, value), later]

    def greedy(self) -> GreedyPairs:
        """The greedy matching over every eligible pair (best value per hour first)."""
        return greedy_pairs(
            local=self.local,
            groups=self.groups,
            supply=self.supply,
            demand=self.demand,
            company=self.index.company,
            need_company=self.need_company,
            excluded_keys=self.excluded_keys,
        )

    def _greedy_arrays(self) -> tuple[Any, Any, Any, Any]:
        found = self.greedy()
        return found.volunteer, found.need, found.value, found.hours

    def first_columns(self, params: MatchParams) -> tuple[tuple[Any, Any, Any], bool]:
        """Every eligible pair while they surely fit in `pairs_kept_max` (then the columns are
        complete); otherwise each need's best `columns_per_need_first`, each volunteer's best
        `columns_per_volunteer_first` and the greedy matching's pairs. Best values alone give most
        needs the same few volunteers; the greedy pairs spread them as capacities require
        (docs/matching.md)."""
        # The pairs found by distance first: the groups are built while the copy finds some.
        if len(self.local[0]) + self.groups.pairs_at_most() > params.pairs_kept_max:
            # The greedy beside (`matching.beside`) while this process prices.
            with Beside(self._greedy_arrays) as greedy:
                priced = self.price(
                    None, params.columns_per_need_first, params.columns_per_volunteer_first
                ).columns
                seed = GreedyPairs(*greedy.result())
            return _distinct(
                [priced, (seed.volunteer, seed.need, seed.value)], len(self.needs)
            ), False
        remote = self.groups.price(None, None, None)
        keep = ~np.isin(remote.volunteer * len(self.needs) + remote.need, self.excluded_keys)
        remote_pairs = (remote.volunteer[keep], remote.need[keep], remote.value[keep])
        return _distinct([self.local, remote_pairs], len(self.needs)), True

    def price(self, duals: tuple[Any, Any] | None, per_need: int, per_volunteer: int) -> _Pricing:
        """The pairs worth more than the duals (all pairs when there are none yet): remote pairs
        of grouped needs through the groups, the others from the pairs found once; each need's
        best `per_need` and each volunteer's best `per_volunteer` become columns."""
        u, w = duals if duals is not None else (None, None)
        local_v, local_n, local_value = self.local
        volunteer_excess = np.zeros(len(self.volunteers), dtype=np.int64)
        if u is None or w is None:
            above = local_value > 0  # Values are positive: every pair, without copies.
            whole = bool(above.all())
            parts = [
                (local_v, local_n, local_value)
                if whole
                else (local_v[above], local_n[above], local_value[above])
            ]
        else:
            reduced = local_value - (u[local_v] + w[local_n])
            above = reduced > 0
            np.maximum.at(volunteer_excess, local_v[above], reduced[above])
            parts = [(local_v[above], local_n[above], local_value[above])]
            del reduced
        remote = self.groups.price(u, w, COLUMNS_PER_GROUP)
        keep = ~np.isin(remote.volunteer * len(self.needs) + remote.need, self.excluded_keys)
        # A volunteer sits in several groups a need values: one row per remote pair. Remote
        # and distance-bound pairs never overlap.
        parts.append(
            _distinct(
                [(remote.volunteer[keep], remote.need[keep], remote.value[keep])], len(self.needs)
            )
        )
        violations = int(above.sum() + len(parts[1][0]))
        del above
        # Each need's best `per_need` and each volunteer's best `per_volunteer` (value above
        # the duals), over both parts without joining them (10 M rows on the first pricing).
        duals_given = None if u is None or w is None else (u, w)
        return _Pricing(
            _best_over_parts(parts, duals_given, per_need, per_volunteer),
            volunteer_excess,
            remote.need_excess,
            remote.volunteer_excess,
            violations,
        )


def _best_over_parts(
    parts: list[tuple[Any, Any, Any]],
    duals: tuple[Any, Any] | None,
    per_need: int,
    per_volunteer: int,
) -> tuple[Any, Any, Any]:
    """The rows (volunteer, need, value) of the parts joined that are among their need's best
    `per_need` or their volunteer's best `per_volunteer` by value above the duals (ties: the
    earlier row of the joined parts), without joining them: each part's own best on either
    side hold every row of the joined best, so the best are taken again among those."""

    def above(volunteer: Any, need: Any, value: Any) -> Any:
        return value if duals is None else value - duals[0][volunteer] - duals[1][need]

    kept = []
    for volunteer, need, value in parts:
        reduced = above(volunteer, need, value)
        chosen = _best_per(need, reduced, per_need)
        chosen |= _best_per(volunteer, reduced, per_volunteer)
        rows = np.flatnonzero(chosen)
        kept.append((volunteer[rows], need[rows], value[rows]))
    volunteer, need, value = (np.concatenate([k[i] for k in kept]) for i in range(3))
    reduced = above(volunteer, need, value)
    chosen = _best_per(need, reduced, per_need)
    chosen |= _best_per(volunteer, reduced, per_volunteer)
    return volunteer[chosen], need[chosen], value[chosen]


def _best_per(group: Any, reduced: Any, count: int, buckets: int | None = None) -> Any:
    """Mask of the `count` rows with the largest `reduced` in each `group` (ties: first row).

    No sort of every row: per group, a histogram of each row's distance below the group's
    best value (in `buckets` steps of one) gives the distance where the `count` best end; rows
    closer are in, rows at that distance are taken first row first. Groups whose `count` best
    reach further than the histogram go through the sort (`_best_per_by_sort`).
    """
    rows = len(group)
    if not rows:
        return np.zeros(0, dtype=bool)
    if int(group.min()) < 0:
        return _best_per_by_sort(group, reduced, count)
    groups = int(group.max()) + 1
    if buckets is None:
        buckets = min(BEST_PER_BUCKETS_MAX, max(BEST_PER_BUCKETS_MIN, BEST_PER_CELLS // groups))
    top = np.full(groups, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(top, group, reduced)
    distance = top[group] - reduced  # Zero for each group's best rows.
    np.minimum(distance, buckets, out=distance)  # `buckets`: further than the histogram.
    cells = np.bincount(group * (buckets + 1) + distance, minlength=groups * (buckets + 1))
    below = np.cumsum(cells.reshape(groups, buckets + 1), axis=1)  # Rows at ≤ d below best.
    total = below[:, buckets]
    reached = below[:, :buckets] >= count
    edge = np.where(reached.any(axis=1), reached.argmax(axis=1), buckets)  # Last distance in.
    edge[total <= count] = buckets  # Every row of a small group is in.
    unresolved = (edge == buckets) & (total > count)
    before_edge = np.where(edge > 0, below[np.arange(groups), np.maximum(edge - 1, 0)], 0)
    edge_row = edge[group]
    mask = distance < edge_row
    mask |= (distance == edge_row) & (edge_row == buckets)  # Small groups: the far rows too.
    mask &= ~unresolved[group]
    # Rows at the edge distance, in row order: each group takes its first (count − before).
    at_edge = np.flatnonzero((distance == edge_row) & (edge_row < buckets))
    if len(at_edge):
        edge_group = group[at_edge]
        order = np.argsort(edge_group, kind="stable")
        sorted_group = edge_group[order]
        taken = _rank_in_runs(sorted_group) < (count - before_edge[sorted_group])
        mask[at_edge[order[taken]]] = True
    if unresolved.any():
        rest = np.flatnonzero(unresolved[group])
        mask[rest[_best_per_by_sort(group[rest], reduced[rest], count)]] = True
    return mask


def _best_per_by_sort(group: Any, reduced: Any, count: int) -> Any:
    """`_best_per` by one sort of packed integers (group, value, row)."""
    rows = len(group)
    if not rows:
        return np.zeros(0, dtype=bool)
    low = int(reduced.min())
    row_bits = max(1, (rows - 1).bit_length())
    value_bits = max(1, (int(reduced.max()) - low).bit_length())
    shift = value_bits + row_bits
    if int(group.min()) < 0 or shift + max(1, int(group.max()).bit_length()) > 63:
        return _best_per_by_argsort(group, reduced, count)
    # One integer per row: group, then the largest reduced value, then the row. A sort of
    # plain integers (vectorised) orders them; the group's first row is carried forward.
    key = (group << shift) | ((((1 << value_bits) - 1) - (reduced - low)) << row_bits)
    index = np.arange(rows, dtype=np.int64)
    key |= index
    key.sort()
    first = np.empty(rows, dtype=bool)
    first[0] = True
    sorted_group = key >> shift
    np.not_equal(sorted_group[1:], sorted_group[:-1], out=first[1:])
    del sorted_group
    start = np.where(first, index, 0)
    np.maximum.accumulate(start, out=start)
    start += count
    mask = np.zeros(rows, dtype=bool)
    mask[key[index < start] & ((1 << row_bits) - 1)] = True
    return mask


def _best_per_by_argsort(group: Any, reduced: Any, count: int) -> Any:
    """`_best_per` when its integer keys would not fit: one stable argsort."""
    order = np.argsort(group * (1 << 32) + ((1 << 31) - reduced), kind="stable")
    sorted_group = group[order]
    mask = np.zeros(len(group), dtype=bool)
    mask[order[_rank_in_runs(sorted_group) < count]] = True
    return mask


def _rank_in_runs(sorted_group: Any) -> Any:
    """Each row's place (0, 1, …) within its run of equal values of a sorted array."""
    rows = len(sorted_group)
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    return np.arange(rows) - np.repeat(starts, np.diff(np.r_[starts, rows]))


def _flow(capacities: tuple[Any, Any], columns: _Columns) -> tuple[Any, int]:
    """Min-cost flow over the columns given the hours (per volunteer, per need) they may
    use: hours per column, and the objective (maximised value).

    Only volunteers and needs with a column become nodes: the others could only push hours in
    and back out again, which costs the push–relabel algorithm real work for nothing.
    """
    volunteers, column_volunteer = _numbered(columns.volunteer, len(capacities[0]))
    needs, column_need = _numbered(columns.need, len(capacities[1]))
    supply, demand = capacities[0][volunteers], capacities[1][needs]
    flow = min_cost_flow.SimpleMinCostFlow()
    source, offset = 0, 1 + len(supply)
    sink = offset + len(demand)
    total = int(supply.sum())
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.zeros(len(supply)), np.arange(offset, sink)]).astype(np.int32),
        np.concatenate([np.arange(1, offset), np.full(len(demand), sink)]).astype(np.int32),
        np.concatenate([supply, demand]).astype(np.int64),
        np.zeros(len(supply) + len(demand), dtype=np.int64),
    )
    first = flow.num_arcs()
    # One hour more than can ever flow: a pair arc is never saturated, so the residual graph
    # gives duals of the volunteers and needs alone (no arc-capacity duals, see `_duals`).
    flow.add_arcs_with_capacity_and_unit_cost(
        (1 + column_volunteer).astype(np.int32),
        (offset + column_need).astype(np.int32),
        np.minimum(supply[column_volunteer], demand[column_need]).astype(np.int64) + 1,
        (-columns.value).astype(np.int64),
    )
    # Hours nobody needs (or nobody can give profitably) go round through the bypass.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverFault(f"min-cost flow status {status}")
    hours = np.asarray(
        flow.flows(np.arange(first, first + len(columns), dtype=np.int32)), dtype=np.int64
    )
    return hours, -int(flow.optimal_cost())


def _duals(capacities: tuple[Any, Any], columns: _Columns, hours: Any) -> tuple[Any, Any]:
    """Dual values (per volunteer hour, per need hour) of the flow over the columns.

    Shortest distances from the source in the residual graph, by Bellman–Ford relaxations
    vectorised over arcs: d(v) is the volunteer's dual and −d(n) the need's. Exact when the
    flow is optimal; the pricing pass makes the bound valid whatever their quality.
    """
    supply, demand = capacities
    used_v = np.bincount(columns.volunteer, hours, len(supply))
    used_n = np.bincount(columns.need, hours, len(demand))
    d_v = np.where(used_v < supply, 0.0, np.inf)  # Source → volunteer still has room.
    d_n = np.where(used_n > 0, 0.0, np.inf)  # Sink (distance 0 via the bypass) → need.
    # Pair arcs are never saturated (see `_flow`): every column is a forward residual arc.
    f_v, f_n = columns.volunteer, columns.need
    f_cost = columns.value.astype(np.float64)
    backward = hours > 0
    b_v, b_n = columns.volunteer[backward], columns.need[backward]
    b_cost = columns.value[backward].astype(np.float64)
    for _ in range(DUAL_RELAXATIONS_MAX):
        before_n, before_v = d_n.copy(), d_v.copy()
        np.minimum.at(d_n, f_n, d_v[f_v] - f_cost)
        np.minimum.at(d_v, b_v, d_n[b_n] + b_cost)
        if np.array_equal(before_n, d_n) and np.array_equal(before_v, d_v):
            break
    u = np.maximum(d_v, 0.0)
    w = np.maximum(-d_n, 0.0)
    u[~np.isfinite(u)] = 0.0
    w[~np.isfinite(w)] = 0.0
    return u.astype(np.int64), w.astype(np.int64)


def _bound(problem: _Problem, duals: tuple[Any, Any], priced: _Pricing) -> int:
    """An upper bound on the whole problem from any nonnegative duals and their pricing:
    either side's duals raised to cover the pairs priced above them (the lower of the two
    ways). Valid whatever the duals' quality."""
    u, w = duals
    local_part = int((problem.supply * (u + priced.volunteer_excess)).sum())
    need_side = local_part + int((problem.demand * (w + priced.need_excess)).sum())
    excess_v = np.maximum(priced.volunteer_excess, priced.remote_volunteer_excess)
    volunteer_side = int((problem.supply * (u + excess_v)).sum() + (problem.demand * w).sum())
    return min(need_side, volunteer_side)


def _hours_scarce(problem: _Problem, columns: _Columns) -> bool:
    """Whether the volunteers with a column offer fewer hours than their needs ask. Then the
    best pairs by value cannot hold the optimum (the needs compete for the same volunteers)
    and a flow on them gives duals too far off to bound within the gap (docs/matching.md)."""
    volunteers, _ = _numbered(columns.volunteer, len(problem.supply))
    needs, _ = _numbered(columns.need, len(problem.demand))
    return int(problem.supply[volunteers].sum()) < int(problem.demand[needs].sum())


def _entropic_rounds(
    problem: _Problem, columns: _Columns, params: MatchParams
) -> tuple[_Columns, int]:
    """Column generation before the first flow, on approximate duals (`matching.entropic`):
    each round prices every eligible pair against the columns' smoothed duals and adds the
    best pairs above them, a fraction of a flow's time. The first round drops the columns
    far below its duals; later ones only add (a flow's exact duals, further from these,
    would find the dropped pairs again). Returns the columns and the lowest bound seen."""
    bound = np.iinfo(np.int64).max
    duals: tuple[Any, Any] | None = None
    for round_number in range(ENTROPIC_ROUNDS):
        duals = entropic_duals(
            columns.volunteer,
            columns.need,
            columns.value,
            problem.supply,
            problem.demand,
            start=duals,
            steps=None if duals is None else ENTROPIC_WARM_STEPS,
        )
        u, w = duals
        priced = problem.price(
            duals, params.columns_per_need_priced, params.columns_per_volunteer_priced
        )
        bound = min(bound, _bound(problem, duals, priced))
        if priced.violations == 0:
            break  # The duals hold on every eligible pair: no pair to add.
        if round_number == 0:
            reduced = columns.value - u[columns.volunteer] - w[columns.need]
            columns = columns.subset(reduced >= -(columns.value // KEEP_SLACK_DIVISOR))
        columns.extend(*priced.columns, len(problem.needs))
    return columns, bound


def _split_flow(problem: _Problem, columns: _Columns) -> tuple[Any, int, tuple[Any, Any]]:
    """The first flow in two independent halves, side by side (`matching.beside`): a flow's
    time grows faster than its size (docs/matching.md). The needs are split at their median
    longitude (distance-bound pairs stay within a half); each volunteer's hours are shared
    between the halves as the columns' smoothed plan shares them (`matching.entropic`,
    exp(reduced value / ε) per column).
    Returns hours per column, the objective and duals to price with, from the halves' (the
    pricing makes any duals a valid bound; these are close because the halves share the
    hours as the smoothed duals do)."""
    u, w = entropic_duals(
        columns.volunteer, columns.need, columns.value, problem.supply, problem.demand
    )
    longitude = np.array([n.lon for n in problem.needs], dtype=np.float64)
    half_of_need = (longitude > np.median(longitude[columns.need])).astype(np.int64)
    half = half_of_need[columns.need]
    epsilon = float(columns.value.max()) * EPSILON_SHARES[-1]
    mass = np.exp((columns.value - u[columns.volunteer] - w[columns.need]) / epsilon)
    volunteers = len(problem.supply)
    by_half = np.bincount(columns.volunteer * 2 + half, mass, 2 * volunteers).reshape(-1, 2)
    total = by_half.sum(axis=1)
    share = np.divide(by_half[:, 0], total, out=np.full(volunteers, 0.5), where=total > 0)
    first_hours = np.rint(problem.supply * share).astype(np.int64)
    capacities = (
        (first_hours, problem.demand),
        (problem.supply - first_hours, problem.demand),
    )
    rows = (np.flatnonzero(half == 0), np.flatnonzero(half == 1))
    parts = (columns.subset(rows[0]), columns.subset(rows[1]))
    with Beside(lambda: _part_flow(capacities[0], parts[0])) as beside:
        later = _part_flow(capacities[1], parts[1])
        earlier = beside.result()
    hours = np.zeros(len(columns), dtype=np.int64)
    hours[rows[0]], hours[rows[1]] = earlier[0], later[0]
    objective = int((hours * columns.value).sum())
    # Each need's dual from its half; then each volunteer's best response to them over its
    # columns, and each need's to those: exactly feasible on the columns, and lower (the
    # halves' duals ignore the columns a volunteer has in the half it gave no hours to).
    joined_w = np.where(half_of_need == 0, earlier[2], later[2])
    joined_u = best_response(columns.volunteer, columns.value - joined_w[columns.need], volunteers)
    joined_w = best_response(columns.need, columns.value - joined_u[columns.volunteer], len(w))
    return hours, objective, (joined_u, joined_w)


def _part_flow(capacities: tuple[Any, Any], columns: _Columns) -> tuple[Any, Any, Any]:
    """One half of `_split_flow`: hours per column and the half's duals (u, w)."""
    if not len(columns):
        nothing = np.zeros(0, dtype=np.int64)
        return (
            nothing,
            np.zeros(len(capacities[0]), np.int64),
            np.zeros(len(capacities[1]), np.int64),
        )
    hours, _ = _flow(capacities, columns)
    u, w = _duals(capacities, columns, hours)
    return hours, u, w


def _core_objective(problem: _Problem, columns: _Columns, hours: Any) -> int:
    """Our own check of a flow or CP-SAT answer: capacities respected, objective recomputed."""
    if (hours < 0).any():
        raise SolverFault("negative hours")
    used_v = np.bincount(columns.volunteer, hours, len(problem.supply))
    used_n = np.bincount(columns.need, hours, len(problem.demand))
    if (used_v > problem.supply).any() or (used_n > problem.demand).any():
        raise SolverFault("hours above what a volunteer offers or a need asks")
    return int((hours * columns.value).sum())


def side_rules(params: MatchParams, time_limit_s: float) -> SideRules:
    """The side constraints of `params`, to search for `time_limit_s` seconds."""
    return SideRules(
        params.max_team_size,
        params.min_assignment_hours,
        params.one_need_per_volunteer,
        time_limit_s,
        params.seed,
        params.side_gap,
    )


def _side_ok(problem: _Problem, columns: _Columns, hours: Any, params: MatchParams) -> bool:
    rules = side_rules(params, params.time_limit_s)
    broken = side_violation(
        problem.supply, problem.demand, columns.volunteer, columns.need, hours, rules
    )
    return broken is None


def _cp_sat(
    problem: _Problem, columns: _Columns, params: MatchParams, hint: Any
) -> tuple[Any, str, int]:
    """Side constraints: hours x[p] and use y[p] per column; one worker, explicit limits."""
    model = cp_model.CpModel()
    capacity = np.minimum(problem.supply[columns.volunteer], problem.demand[columns.need])
    x = [model.new_int_var(0, int(c), f"x[{i}]") for i, c in enumerate(capacity)]
    y = [model.new_bool_var(f"y[{i}]") for i in range(len(columns))]
    by_volunteer: dict[int, list[int]] = defaultdict(list)
    by_need: dict[int, list[int]] = defaultdict(list)
    for i, (v, n) in enumerate(zip(columns.volunteer.tolist(), columns.need.tolist(), strict=True)):
        by_volunteer[v].append(i)
        by_need[n].append(i)
        model.add(x[i] <= int(capacity[i]) * y[i])
        if params.min_assignment_hours is not None:
            least = min(params.min_assignment_hours, int(problem.demand[n]))
            model.add(x[i] >= least * y[i])
    for v, rows in by_volunteer.items():
        model.add(sum(x[i] for i in rows) <= int(problem.supply[v]))
        if params.one_need_per_volunteer:
            model.add(sum(y[i] for i in rows) <= 1)
    for n, rows in by_need.items():
        model.add(sum(x[i] for i in rows) <= int(problem.demand[n]))
        if params.max_team_size is not None:
            model.add(sum(y[i] for i in rows) <= params.max_team_size)
    model.maximize(sum(int(value) * x[i] for i, value in enumerate(columns.value.tolist())))
    for i, amount in enumerate(hint.tolist()):
        model.add_hint(x[i], amount)
        model.add_hint(y[i], 1 if amount > 0 else 0)
    solver = cp_model.CpSolver()
    # Two cores: one worker with linearisation level 2 proves assignment-like models fastest.
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = params.seed
    solver.parameters.max_time_in_seconds = params.time_limit_s
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return np.zeros(len(columns), dtype=np.int64), "infeasible", 0
    hours = np.array([solver.value(var) for var in x], dtype=np.int64)
    claimed = "optimal" if status == cp_model.OPTIMAL else "feasible"
    return hours, claimed, int(solver.best_objective_bound)


def solve(
    volunteers: list[Volunteer],
    needs: list[Need],
    params: MatchParams,
    *,
    excluded: frozenset[tuple[str, str]] = frozenset(),
) -> MatchSolution:
    """The optimal matching (or the best found in the time limit), with a valid upper bound.

    Up to `plain_pairs_max` volunteer × need pairs, the reference solver (`matching.plain`:
    every pair checked, one min-cost flow). Above, column generation: the flow runs on each
    need's best candidates and each volunteer's best needs; its duals then price every
    eligible pair, and pairs worth more join the columns until none is left (proven optimum)
    or the time limit. `excluded` (volunteer id, need id)
    pairs are never used (declined proposals, say).
    """
    if len(volunteers) * len(needs) <= params.plain_pairs_max:
        from matching.plain import solve_plain  # It builds on this module's records.

        return solve_plain(volunteers, needs, params, excluded=excluded)
    with cycle_collection_paused():
        return _solve(volunteers, needs, params, excluded)


def _solve(
    volunteers: list[Volunteer],
    needs: list[Need],
    params: MatchParams,
    excluded: frozenset[tuple[str, str]],
) -> MatchSolution:
    started = time.perf_counter()
    problem = _Problem(volunteers, needs, excluded, needs_split_min=params.needs_split_min)
    # Complete: the columns hold every eligible pair.
    first, complete = problem.first_columns(params)
    columns = _Columns(*first)  # No duplicates: one row per (need, volunteer) by construction.
    if not len(columns):
        return MatchSolution("empty", 0, 0, (), {"pairs": 0.0})
    if complete and params.has_side_constraints and len(columns) <= params.side_pairs_max:
        return _solve_side(problem, columns, params, started)
    found = _column_generation(problem, columns, complete, params, started)
    hours, objective, draft = found.hours, found.objective, found.draft
    if params.has_side_constraints and not _side_ok(problem, found.columns, hours, params):
        hours, objective = _side_on_columns(problem, found.columns, params, hours, started)
        draft = None
    assignments = (
        draft if draft is not None else _chosen_assignments(volunteers, needs, found.columns, hours)
    )
    return MatchSolution(
        "optimal" if found.bound == objective else "feasible",
        objective,
        found.bound,
        assignments,
        {**found.stats, "seconds": time.perf_counter() - started},
    )


@dataclass
class _Generated:
    """Where column generation stopped: its columns, the flow's hours on them and objective,
    the lowest bound of its rounds, assignments explained on the way (or None) and figures."""

    columns: _Columns
    hours: Any
    objective: int
    bound: int
    draft: tuple[Assignment, ...] | None
    stats: dict[str, float]


def _column_generation(
    problem: _Problem, columns: _Columns, complete: bool, params: MatchParams, started: float
) -> _Generated:
    """Flows on the columns, each round's duals pricing every eligible pair, until the bound is
    within the gap allowed, nothing prices above the duals, or the time or rounds run out."""
    rounds, flow_seconds, pricing_seconds = 0, 0.0, time.perf_counter() - started
    bound, entropic_seconds = np.iinfo(np.int64).max, 0.0
    if not complete and _hours_scarce(problem, columns):
        tick = time.perf_counter()
        columns, bound = _entropic_rounds(problem, columns, params)
        entropic_seconds = time.perf_counter() - tick
    capacities = (problem.supply, problem.demand)
    split_first = False
    draft: tuple[Assignment, ...] | None = None  # Assignments explained beside the pricing.
    while True:
        rounds += 1
        tick = time.perf_counter()
        # With a gap allowed, a large first flow runs in halves side by side; the next ones
        # (if its bound is not close enough) whole.
        split = (
            not complete
            and rounds == 1
            and params.relative_gap_limit > 0
            and len(columns) >= params.split_columns_min
        )
        if split:
            hours, objective, (u, w) = _split_flow(problem, columns)
            split_first = True
        else:
            hours, objective = _flow(capacities, columns)
        if _core_objective(problem, columns, hours) != objective:
            raise SolverFault("min-cost flow objective does not match its flows")
        flow_seconds += time.perf_counter() - tick
        if complete:
            bound = objective  # Min-cost flow over every eligible pair: the optimum itself.
            break
        if not split:
            u, w = _duals(capacities, columns, hours)
        tick = time.perf_counter()
        if split and not params.has_side_constraints:
            # The halves' bound is usually within the gap allowed: the assignments are
            # explained here while the copy prices (work lost only if whole flows follow).
            with Beside(partial(_priced_arrays, problem, (u, w), params)) as beside:
                draft = _chosen_assignments(problem.volunteers, problem.needs, columns, hours)
                priced = _pricing_of(beside.result())
        else:
            priced = problem.price(
                (u, w), params.columns_per_need_priced, params.columns_per_volunteer_priced
            )
        pricing_seconds += time.perf_counter() - tick
        bound = min(bound, _bound(problem, (u, w), priced))  # Every round's: the lowest.
        if bound < objective:
            raise SolverFault("dual bound below a feasible objective")
        out_of_time = time.perf_counter() - started > params.time_limit_s
        gap = (bound - objective) / max(1, objective)
        if gap <= params.relative_gap_limit or out_of_time or rounds >= params.pricing_rounds_max:
            break
        # Nothing priced above the duals proves a whole flow optimal; halves may still be
        # improved by a whole flow on the same columns.
        if priced.violations == 0 and not split:
            break
        # Columns the duals price well below zero and the flow leaves unused make the next
        # flow slower for nothing; pricing brings them back if they become worth it.
        draft = None  # Other hours will come.
        reduced = columns.value - u[columns.volunteer] - w[columns.need]
        trimmed = columns.subset((hours > 0) | (reduced >= -(columns.value // KEEP_SLACK_DIVISOR)))
        if not trimmed.extend(*priced.columns, len(problem.needs)) and not split:
            break
        columns = trimmed
    return _Generated(
        columns,
        hours,
        objective,
        int(bound),
        draft,
        {
            "pairs": float(len(columns)),
            "complete": float(complete),
            "rounds": float(rounds),
            "pricing_seconds": pricing_seconds,
            "flow_seconds": flow_seconds,
            "entropic_seconds": entropic_seconds,
            "split_first_flow": float(split_first),
        },
    )


def _side_on_columns(
    problem: _Problem, columns: _Columns, params: MatchParams, hint: Any, started: float
) -> tuple[Any, int]:
    """Side constraints on the flow's columns (instances above `side_pairs_max`): CP-SAT hinted
    with the flow's hours, in the time left; its bound holds for the columns only, so the
    caller keeps the flow's (valid for every pair, side constraints or not)."""
    remaining = max(1.0, params.time_limit_s - (time.perf_counter() - started))
    hours, claimed, _ = _cp_sat(problem, columns, replace(params, time_limit_s=remaining), hint)
    if claimed == "infeasible":
        # Every side constraint is met by assigning nothing, so this is a time-out.
        hours = np.zeros(len(columns), dtype=np.int64)
    objective = _core_objective(problem, columns, hours)
    if not _side_ok(problem, columns, hours, params):
        raise SolverFault("CP-SAT answer breaks a side constraint")
    return hours, objective


def _solve_side(
    problem: _Problem, columns: _Columns, params: MatchParams, started: float
) -> MatchSolution:
    """Side constraints over every eligible pair: `matching.side_constraints` (the linear
    relaxation's bound, CP-SAT on its support and each need's best pairs)."""
    rules = side_rules(params, max(0.1, params.time_limit_s - (time.perf_counter() - started)))
    answer = solve_side(
        problem.supply, problem.demand, columns.volunteer, columns.need, columns.value, rules
    )
    if _core_objective(problem, columns, answer.hours) != answer.objective:
        raise SolverFault("side-constrained objective does not match its hours")
    status = "optimal" if answer.bound == answer.objective else "feasible"
    assignments = _chosen_assignments(problem.volunteers, problem.needs, columns, answer.hours)
    return MatchSolution(
        status,
        answer.objective,
        answer.bound,
        assignments,
        {
            **answer.stats,
            "complete": 1.0,
            "bound_kind_relaxation": 1.0,
            "seconds": time.perf_counter() - started,
        },
    )


def _priced_arrays(
    problem: _Problem, duals: tuple[Any, Any], params: MatchParams
) -> tuple[Any, ...]:
    """A round's pricing as flat arrays, to come back from a forked copy (`matching.beside`)."""
    priced = problem.price(
        duals, params.columns_per_need_priced, params.columns_per_volunteer_priced
    )
    return (
        *priced.columns,
        priced.volunteer_excess,
        priced.need_excess,
        priced.remote_volunteer_excess,
        np.array([priced.violations], dtype=np.int64),
    )


def _pricing_of(arrays: tuple[Any, ...]) -> _Pricing:
    """`_priced_arrays` read back."""
    volunteer, need, value, volunteer_excess, need_excess, remote_excess, violations = arrays
    return _Pricing(
        (volunteer, need, value), volunteer_excess, need_excess, remote_excess, int(violations[0])
    )


def _chosen_assignments(
    volunteers: list[Volunteer], needs: list[Need], columns: _Columns, hours: Any
) -> tuple[Assignment, ...]:
    """The explained assignments of the columns given hours."""
    chosen = np.flatnonzero(hours > 0)
    return explain_assignments(
        volunteers, needs, columns.volunteer[chosen], columns.need[chosen], hours[chosen]
    )


def explain_assignments(
    volunteers: list[Volunteer], needs: list[Need], volunteer_rows: Any, need_rows: Any, hours: Any
) -> tuple[Assignment, ...]:
    """The explained assignments of the pairs given hours, sorted by need then volunteer id.

    A skill met at a given level is the same immutable record wherever it appears, built once.
    """
    met_records: dict[tuple[str, int, int, int], SkillMet] = {}
    result = []
    for v, n, amount in zip(
        volunteer_rows.tolist(), need_rows.tolist(), hours.tolist(), strict=True
    ):
        volunteer, need = volunteers[v], needs[n]
        levels = volunteer.skills
        met, score = [], 0
        for r in need.skills:
            level = levels.get(r.skill, 0)
            if level >= r.min_level:
                key = (r.skill, level, r.min_level, r.weight)
                record = met_records.get(key)
                if record is None:
                    record = met_records[key] = SkillMet(*key)
                met.append(record)
                score += r.weight * (1 + level - r.min_level)
        distance = haversine_km(volunteer.lat, volunteer.lon, need.lat, need.lon)
        result.append(
            Assignment(
                volunteer.id,
                need.id,
                amount,
                score,
                Explanation(
                    tuple(met),
                    need.remote and volunteer.remote,
                    round(distance, 1),
                    need.language,
                    amount,
                ),
            )
        )
    result.sort(key=lambda a: (a.need, a.volunteer))
    return tuple(result)


def greedy(volunteers: list[Volunteer], needs: list[Need]) -> int:
    """Baseline: best value per hour first, as many hours as fit (see `matching.greedy`).
    Returns its objective."""
    return _Problem(volunteers, needs, frozenset()).greedy().objective
