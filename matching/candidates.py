"""Eligible pairs found without a V × N scan, and priced against dual values.

Volunteers are indexed by (language, skill, level, remote), each list sorted by latitude. A
need's candidates are the union of its skills' lists at the levels it accepts: whole lists where
both sides accept remote work, otherwise only the latitude band within reach, where the
haversine distance then decides. Scores are summed with NumPy. Given dual values, the same
pass keeps only the pairs worth more than the duals say: the pricing step of column generation.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from matching.geo import EARTH_RADIUS_KM

LEVEL_SLOTS: Final = 5  # Levels 1–4, index 0 unused.


@dataclass(frozen=True, slots=True)
class NeedView:
    """What the candidate search needs of one need (kept free of the solver's model)."""

    position: int
    company: str
    skills: tuple[tuple[str, int, int], ...]  # (skill, minimum level, weight)
    remote: bool
    lat: float
    lon: float
    language: str
    priority: int


@dataclass(frozen=True, slots=True)
class Candidates:
    """Eligible volunteers of one need (positions in the volunteer list) and their values."""

    positions: Any  # int64
    value: Any  # int64: score × priority, per hour.
    reduced: Any  # int64: value minus the duals (the value itself when no duals are given).


class VolunteerIndex:
    """Volunteers as arrays, and per (language, skill, level) two lists sorted by latitude:
    volunteers who accept remote work, and those who do not."""

    def __init__(
        self,
        *,
        companies: Sequence[str],
        skills: Sequence[dict[str, int]],
        languages: Sequence[frozenset[str]],
        hours: Sequence[int],
        remote: Sequence[bool],
        lat: Sequence[float],
        lon: Sequence[float],
        radius_km: Sequence[float],
    ) -> None:
        count = len(companies)
        self.company_numbers = {name: i for i, name in enumerate(sorted(set(companies)))}
        self.company = np.array([self.company_numbers[c] for c in companies], dtype=np.int64)
        self.remote = np.array(remote, dtype=bool)
        self.lat_rad = np.radians(np.array(lat, dtype=np.float64))
        self.lon_rad = np.radians(np.array(lon, dtype=np.float64))
        self.cos_lat = np.cos(self.lat_rad)
        self.radius_km = np.array(radius_km, dtype=np.float64)
        # Widest reach in latitude, as an angle (with a margin against rounding): a volunteer
        # further than this from a need in latitude alone cannot be within its radius.
        self.reach_rad = float(self.radius_km.max(initial=0.0)) / EARTH_RADIUS_KM + 1e-9
        found: dict[tuple[str, str, int, bool], list[int]] = defaultdict(list)
        for position in range(count):
            if hours[position] <= 0:
                continue
            for language in languages[position]:
                for skill, level in skills[position].items():
                    found[(language, skill, level, bool(remote[position]))].append(position)
        self.lists: dict[tuple[str, str, int, bool], tuple[Any, Any]] = {}
        for key, rows in found.items():
            positions = np.array(rows, dtype=np.int64)
            positions = positions[np.argsort(self.lat_rad[positions], kind="stable")]
            self.lists[key] = (positions, self.lat_rad[positions])
        self._score = np.zeros(count, dtype=np.int64)
        self._seen = np.zeros(count, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.company)

    def candidates(
        self,
        need: NeedView,
        *,
        volunteer_duals: Any | None = None,
        need_dual: int = 0,
        excluded: Any | None = None,
        best: int | None = None,
    ) -> Candidates | None:
        """Eligible volunteers of `need` whose value exceeds the duals (all of them if none);
        with `best`, only that many of the highest reduced values (ties in index order)."""
        lat = math.radians(need.lat)
        parts = []
        for skill, min_level, weight in need.skills:
            for level in range(min_level, LEVEL_SLOTS):
                points = weight * (1 + level - min_level)
                for remote in (True, False):
                    found = self.lists.get((need.language, skill, level, remote))
                    if found is None:
                        continue
                    positions, lats = found
                    if not (remote and need.remote):
                        first, last = np.searchsorted(
                            lats, (lat - self.reach_rad, lat + self.reach_rad)
                        )
                        positions = positions[first:last]
                    if len(positions):
                        self._score[positions] += points
                        parts.append(positions)
        if not parts:
            return None
        if len(parts) == 1:
            union = parts[0]
        else:
            joined = np.concatenate(parts)
            order = np.arange(len(joined), dtype=np.int64)
            self._seen[joined] = order
            union = joined[self._seen[joined] == order]  # One row per volunteer, no sort.
        value = self._score[union] * need.priority
        self._score[union] = 0
        reduced = value - need_dual
        if volunteer_duals is not None:
            reduced = reduced - volunteer_duals[union]
        keep = reduced > 0
        keep &= self.company[union] != self.company_numbers.get(need.company, -1)
        if excluded is not None and len(excluded):
            keep &= ~np.isin(union, excluded)
        union, value, reduced = union[keep], value[keep], reduced[keep]
        if best is not None and len(union) > best:
            # Highest reduced values first; the distance is computed only as far as needed.
            order = np.argsort(-reduced, kind="stable")
            union, value, reduced = union[order], value[order], reduced[order]
            chosen: list[Any] = []
            found_count, start = 0, 0
            while found_count < best and start < len(union):
                stop = min(len(union), start + 4 * best)
                rows = np.arange(start, stop)
                rows = rows[self._eligible(union[rows], need)][: best - found_count]
                chosen.append(rows)
                found_count += len(rows)
                start = stop
            rows = np.concatenate(chosen)
        else:
            rows = np.flatnonzero(self._eligible(union, need))
        if not len(rows):
            return None
        return Candidates(union[rows], value[rows], reduced[rows])

    def _eligible(self, positions: Any, need: NeedView) -> Any:
        """Remote on both sides, or within the volunteer's radius."""
        eligible = self.remote[positions] if need.remote else np.zeros(len(positions), bool)
        rest = np.flatnonzero(~eligible)
        if len(rest):
            eligible[rest] = self._within_radius(positions[rest], need)
        return eligible

    def _within_radius(self, positions: Any, need: NeedView) -> Any:
        lat, lon = math.radians(need.lat), math.radians(need.lon)
        d_lat = self.lat_rad[positions] - lat
        d_lon = self.lon_rad[positions] - lon
        h = (
            np.sin(d_lat / 2) ** 2
            + self.cos_lat[positions] * math.cos(lat) * np.sin(d_lon / 2) ** 2
        )
        distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        return distance <= self.radius_km[positions]
