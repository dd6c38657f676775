"""Eligible pairs found without a V × N scan.

Volunteers are indexed by (language, skill, level, remote), each list sorted by place (latitude
row, then longitude). A need's candidates are the union of its skills' lists at the levels it
accepts: whole lists where both sides accept remote work, otherwise only the longitude windows
of the rows within reach, where the haversine distance then decides. Scores are summed with
NumPy.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, Final

import numpy as np

from matching.geo import EARTH_RADIUS_KM

LEVEL_SLOTS: Final = 5  # Levels 1–4, index 0 unused.
ROW_DEGREES: Final = 0.5  # Height of a latitude row of the spatial index.
_ROW_KEY: Final = 1000.0  # Place key = row × 1000 + longitude + 180 (longitude spans 360).


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


class VolunteerIndex:
    """Volunteers as arrays, and per (language, skill, level, travel band) two lists sorted by
    place: volunteers who accept remote work, and those who do not. A band holds the radii
    up to a power of two of kilometres, so a need looks at each band's volunteers only as far
    as that band's widest radius (one band for all would read every list as far as the widest
    radius of anyone)."""

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
        # Each band's widest reach in latitude, as an angle (with a margin against rounding): a
        # volunteer of the band further than this from a need in latitude alone cannot be
        # within its radius.
        bands = np.ceil(np.log2(np.maximum(self.radius_km, 1.0))).astype(np.int64)
        self.band_reach_rad = {
            int(b): float(self.radius_km[bands == b].max()) / EARTH_RADIUS_KM + 1e-9
            for b in np.unique(bands)
        }
        band = bands.tolist()
        found: dict[tuple[str, str, int, bool, int], list[int]] = defaultdict(list)
        for position in range(count):
            if hours[position] <= 0:
                continue
            for language in languages[position]:
                for skill, level in skills[position].items():
                    found[(language, skill, level, bool(remote[position]), band[position])].append(
                        position
                    )
        # Each list sorted by (latitude row, longitude): a need's neighbourhood is then a few
        # longitude windows, one per row within reach.
        place = np.floor((np.array(lat, dtype=np.float64) + 90) / ROW_DEGREES) * _ROW_KEY + (
            np.array(lon, dtype=np.float64) + 180
        )
        self.lists: dict[tuple[str, str, int, bool, int], tuple[Any, Any]] = {}
        for key, rows in found.items():
            positions = np.array(rows, dtype=np.int64)
            positions = positions[np.argsort(place[positions], kind="stable")]
            self.lists[key] = (positions, place[positions])
        self._score = np.zeros(count, dtype=np.int64)
        self._seen = np.zeros(count, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.company)

    def candidates(self, need: NeedView) -> Candidates | None:
        """Every eligible volunteer of `need` and the value per hour of each."""
        lat_deg, lon_deg = np.array([need.lat]), np.array([need.lon])
        windows = {}
        for band, reach in self.band_reach_rad.items():
            low, high = _windows(lat_deg, lon_deg, reach)
            windows[band] = (low[0], high[0])  # One need: its own rows, no padding.
        parts = []
        for skill, min_level, weight in need.skills:
            for level in range(min_level, LEVEL_SLOTS):
                points = weight * (1 + level - min_level)
                for remote, (band, (low, high)) in product((True, False), windows.items()):
                    found = self.lists.get((need.language, skill, level, remote, band))
                    if found is None:
                        continue
                    positions, places = found
                    if not (remote and need.remote):
                        first = np.searchsorted(places, low)
                        last = np.searchsorted(places, high, "right")
                        positions = np.concatenate(
                            [positions[a:b] for a, b in zip(first, last, strict=True) if b > a]
                            or [positions[:0]]
                        )
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
        keep = self.company[union] != self.company_numbers.get(need.company, -1)
        union, value = union[keep], value[keep]
        rows = np.flatnonzero(self._eligible(union, need))
        if not len(rows):
            return None
        return Candidates(union[rows], value[rows])

    def _eligible(self, positions: Any, need: NeedView) -> Any:
        """Remote on both sides, or within the volunteer's radius."""
        eligible = self.remote[positions].copy() if need.remote else np.zeros(len(positions), bool)
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

    def nearby_pairs(
        self, needs: Sequence[NeedView], *, skip_remote_lists_of: frozenset[int]
    ) -> tuple[Any, Any, Any]:
        """Every eligible pair that distance decides (one side does not accept remote work),
        for all `needs` at once: (volunteer, need position, value per hour).

        For each list, every need asking for that skill at or below that level takes its
        windows with one vectorised search; raw pairs are filtered by distance list by list
        (so memory stays bounded) and only then summed over the need's skills. Needs in
        `skip_remote_lists_of` leave out lists of remote volunteers when they allow remote work
        too (those pairs are priced elsewhere); other remote-allowing needs must not be given.
        """
        by_list: dict[tuple[str, str, int, bool], list[tuple[int, int]]] = defaultdict(list)
        for need in needs:
            for skill, min_level, weight in need.skills:
                for level in range(min_level, LEVEL_SLOTS):
                    for remote in (True, False):
                        if remote and need.remote:
                            assert need.position in skip_remote_lists_of
                            continue
                        points = weight * (1 + level - min_level)
                        by_list[(need.language, skill, level, remote)].append(
                            (need.position, points)
                        )
        nothing = np.zeros(0, dtype=np.int64)
        if not needs:
            return nothing, nothing.copy(), nothing.copy()
        size = max(need.position for need in needs) + 1
        at = np.array([need.position for need in needs], dtype=np.int64)
        lat_deg = np.array([need.lat for need in needs], dtype=np.float64)
        lon_deg = np.array([need.lon for need in needs], dtype=np.float64)
        # Per band, each need's windows as rows of two matrices (padded with empty windows).
        windows = {}
        for band, reach in self.band_reach_rad.items():
            found_low, found_high = _windows(lat_deg, lon_deg, reach)
            rows_max = found_low.shape[1]
            low = np.full((size, rows_max), -1.0)
            high = np.full((size, rows_max), -2.0)  # Empty window in padded rows.
            low[at], high[at] = found_low, found_high
            windows[band] = (low, high, rows_max)
        need_lat = np.zeros(size)
        need_lon = np.zeros(size)
        need_lat[at], need_lon[at] = np.radians(lat_deg), np.radians(lon_deg)
        need_company = np.full(size, -1, dtype=np.int64)
        priority = np.zeros(size, dtype=np.int64)
        need_company[at] = [self.company_numbers.get(need.company, -1) for need in needs]
        priority[at] = [need.priority for need in needs]
        asked = {key: np.array(asks, dtype=np.int64) for key, asks in by_list.items()}
        if not asked:
            return nothing, nothing.copy(), nothing.copy()
        # Each pair found as one integer, (need × volunteers + volunteer) above the points it
        # brings, when both fit in 63 bits (then one sort sums them); else as three arrays.
        points_bits = max(1, max(int(ask[:, 1].max()) for ask in asked.values()).bit_length())
        packed = (size * len(self.company)).bit_length() + points_bits <= 63
        found_keys, found_v, found_n, found_points = [], [], [], []
        for (key, ask), (band, (low, high, rows_max)) in product(asked.items(), windows.items()):
            listed = self.lists.get((*key, band))
            if listed is None:
                continue
            positions, places = listed
            asking, asked_points = ask[:, 0], ask[:, 1]
            first = np.searchsorted(places, low[asking])
            last = np.searchsorted(places, high[asking], "right")
            counts = np.maximum(last - first, 0).ravel()
            total = int(counts.sum())
            if not total:
                continue
            step = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            volunteer = positions[np.repeat(first.ravel(), counts) + step]
            which = np.repeat(np.repeat(np.arange(len(asking)), rows_max), counts)
            pair_need = asking[which]
            near = self._pairs_within_radius(volunteer, need_lat[pair_need], need_lon[pair_need])
            near &= self.company[volunteer] != need_company[pair_need]
            if packed:
                pair = pair_need[near] * len(self.company) + volunteer[near]
                found_keys.append((pair << points_bits) | asked_points[which][near])
            else:
                found_v.append(volunteer[near])
                found_n.append(pair_need[near])
                found_points.append(asked_points[which][near])
        if packed:
            if not found_keys:
                return nothing, nothing.copy(), nothing.copy()
            keys, score = _summed_packed(np.concatenate(found_keys), points_bits)
        else:
            if not found_v:
                return nothing, nothing.copy(), nothing.copy()
            raw = np.concatenate(found_n) * len(self.company) + np.concatenate(found_v)
            keys, score = _summed_by_pair(raw, np.concatenate(found_points))
        pair_need, pair_volunteer = np.divmod(keys, len(self.company))
        return pair_volunteer, pair_need, score * priority[pair_need]

    def _pairs_within_radius(self, volunteer: Any, lat: Any, lon: Any) -> Any:
        """Haversine test for parallel arrays of volunteers and need coordinates (radians)."""
        close = (
            np.abs(self.lat_rad[volunteer] - lat)
            <= self.radius_km[volunteer] / (EARTH_RADIUS_KM) + 1e-9
        )
        rows = np.flatnonzero(close)
        v, a, b = volunteer[rows], lat[rows], lon[rows]
        h = (
            np.sin((self.lat_rad[v] - a) / 2) ** 2
            + self.cos_lat[v] * np.cos(a) * np.sin((self.lon_rad[v] - b) / 2) ** 2
        )
        distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        close[rows] = distance <= self.radius_km[v]
        return close


def _windows(lat_deg: Any, lon_deg: Any, reach_rad: float) -> tuple[Any, Any]:
    """Place keys bounding everyone within `reach_rad` (an angle) of each need: the latitude
    rows within reach, and in each a longitude window (whole rows near the poles or the
    antimeridian). The window is safe: the haversine distance is at least
    2R·asin(cos φ_min · sin(|Δλ|/2)). Per need, a row of low and a row of high keys (rows
    beyond a need's own latitude rows hold the empty window −1, −2)."""
    reach_deg = math.degrees(reach_rad)
    first_row = np.floor((lat_deg - reach_deg + 90) / ROW_DEGREES)
    last_row = np.floor((lat_deg + reach_deg + 90) / ROW_DEGREES)
    rows_max = int((last_row - first_row).max()) + 1
    row = first_row[:, None] + np.arange(rows_max, dtype=np.float64)[None, :]
    keys = row * _ROW_KEY
    far_lat = np.minimum(90.0, np.maximum(np.abs(lat_deg - reach_deg), np.abs(lat_deg + reach_deg)))
    cos_min = np.cos(np.radians(far_lat))
    safe_cos = np.where(cos_min > 1e-9, cos_min, 1.0)
    ratio = np.where(cos_min > 1e-9, math.sin(reach_rad / 2) / safe_cos, 2.0)
    half_width = np.degrees(2 * np.arcsin(np.minimum(ratio, 1.0))) + 1e-9
    west, east = lon_deg - half_width + 180, lon_deg + half_width + 180
    whole = (ratio >= 1) | (west < 0) | (east > 360)  # Whole rows: poles or antimeridian.
    west, east = np.where(whole, 0.0, west), np.where(whole, 360.0, east)
    low, high = keys + west[:, None], keys + east[:, None]
    beyond = row > last_row[:, None]
    low[beyond], high[beyond] = -1.0, -2.0
    return low, high


def _summed_packed(key: Any, points_bits: int) -> tuple[Any, Any]:
    """Pair keys packed above their points: each distinct pair once, in increasing order, with
    the sum of its points. One sort of plain integers (vectorised) does what a unique with
    inverse indices (an argsort and two gathers) would, in about a third of the time."""
    if not len(key):
        return key, key.copy()
    key.sort()
    pair = key >> points_bits
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    return pair[starts], np.add.reduceat(key & ((1 << points_bits) - 1), starts)


def _summed_by_pair(pair: Any, points: Any) -> tuple[Any, Any]:
    """`_summed_packed` for keys that do not fit: a unique with inverse indices."""
    unique, inverse = np.unique(pair, return_inverse=True)
    return unique, np.bincount(inverse, points).astype(np.int64)
