"""The large path's arrays: each need's candidates found without checking every pair
(`matching.large.candidates`, `matching.large.remote_groups`), the columns the flow may use,
and the pricing of every eligible pair against a flow's duals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from matching.large.beside import Beside
from matching.large.candidates import NeedView, VolunteerIndex
from matching.large.greedy import GreedyPairs, greedy_pairs
from matching.large.remote_groups import RemoteGroups, is_grouped
from matching.model import NEEDS_SPLIT_MIN, MatchParams, Need, Volunteer

# From `NEEDS_SPLIT_MIN` needs found by distance, the first of them (this share) are found
# beside (`matching.large.beside`) while this process builds the remote groups and finds the
# others'.
NEEDS_SHARE_BESIDE: Final = 0.6
KEEP_SLACK_DIVISOR: Final = (
    4  # Unused columns within value/4 of their duals stay for the next flow.
)
# `best_per`'s histogram: steps below each group's best value, as many as fit in this many
# cells in all (256 for 20 000 needs, 60 for 100 000 volunteers), within these limits.
BEST_PER_CELLS: Final = 6_000_000
BEST_PER_BUCKETS_MIN: Final = 16
BEST_PER_BUCKETS_MAX: Final = 256
COLUMNS_PER_GROUP: Final = 5  # Remote pairs taken per (need, volunteer group) when pricing.
# Rounds priced on the columns' smoothed duals before the first flow
# (`matching.large.entropic`), each warm-started one from the last ε steps of the one before.
ENTROPIC_ROUNDS: Final = 2
ENTROPIC_WARM_STEPS: Final = 1
DUAL_RELAXATIONS_MAX: Final = 100_000  # Bellman–Ford sweeps for a flow's duals, at most.


@dataclass(slots=True)
class Columns:
    """The pairs the flow may use, as parallel arrays (one row per pair, no duplicates)."""

    volunteer: Any
    need: Any
    value: Any

    @classmethod
    def empty(cls) -> Columns:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing.copy(), nothing.copy())

    def __len__(self) -> int:
        return len(self.volunteer)

    def subset(self, rows: Any) -> Columns:
        return Columns(self.volunteer[rows], self.need[rows], self.value[rows])

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
    first = first_rows(v * needs_count + n)
    return v[first], n[first], value[first]


def first_rows(key: Any) -> Any:
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


def numbered(ids: Any, size: int) -> tuple[Any, Any]:
    """The distinct ids in increasing order and each row's rank among them (what
    `np.unique(ids, return_inverse=True)` gives), by counting: ids lie in 0..size−1."""
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    distinct = np.flatnonzero(present)
    rank = np.cumsum(present) - 1
    return distinct, rank[ids]


@dataclass(frozen=True, slots=True)
class Pricing:
    columns: tuple[Any, Any, Any]  # Pairs worth adding: volunteer, need, value.
    volunteer_excess: Any  # Enumerated pairs: per volunteer, largest value above both duals.
    need_excess: Any  # Grouped remote pairs: per need, largest value above both duals.
    remote_volunteer_excess: Any  # The same pairs seen per volunteer.
    violations: int  # Pairs found priced above the duals.


class Problem:
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
        (`matching.large.beside`) while this process does `meanwhile` and finds the others': each
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
            # The greedy beside (`matching.large.beside`) while this process prices.
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

    def price(self, duals: tuple[Any, Any] | None, per_need: int, per_volunteer: int) -> Pricing:
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
        return Pricing(
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
        chosen = best_per(need, reduced, per_need)
        chosen |= best_per(volunteer, reduced, per_volunteer)
        rows = np.flatnonzero(chosen)
        kept.append((volunteer[rows], need[rows], value[rows]))
    volunteer, need, value = (np.concatenate([k[i] for k in kept]) for i in range(3))
    reduced = above(volunteer, need, value)
    chosen = best_per(need, reduced, per_need)
    chosen |= best_per(volunteer, reduced, per_volunteer)
    return volunteer[chosen], need[chosen], value[chosen]


def best_per(group: Any, reduced: Any, count: int, buckets: int | None = None) -> Any:
    """Mask of the `count` rows with the largest `reduced` in each `group` (ties: first row).

    No sort of every row: per group, a histogram of each row's distance below the group's
    best value (in `buckets` steps of one) gives the distance where the `count` best end; rows
    closer are in, rows at that distance are taken first row first. Groups whose `count` best
    reach further than the histogram go through the sort (`best_per_by_sort`).
    """
    rows = len(group)
    if not rows:
        return np.zeros(0, dtype=bool)
    if int(group.min()) < 0:
        return best_per_by_sort(group, reduced, count)
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
        mask[rest[best_per_by_sort(group[rest], reduced[rest], count)]] = True
    return mask


def best_per_by_sort(group: Any, reduced: Any, count: int) -> Any:
    """`best_per` by one sort of packed integers (group, value, row)."""
    rows = len(group)
    if not rows:
        return np.zeros(0, dtype=bool)
    low = int(reduced.min())
    row_bits = max(1, (rows - 1).bit_length())
    value_bits = max(1, (int(reduced.max()) - low).bit_length())
    shift = value_bits + row_bits
    if int(group.min()) < 0 or shift + max(1, int(group.max()).bit_length()) > 63:
        return best_per_by_argsort(group, reduced, count)
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


def best_per_by_argsort(group: Any, reduced: Any, count: int) -> Any:
    """`best_per` when its integer keys would not fit: one stable argsort."""
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
