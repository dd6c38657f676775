"""The large-instance path's parts (`matching.large`), each against its definition or a
plain way of doing the same: greedy's pairs, the spatial index, the skill tables, the
pricing's histogram and the array helpers. The large path as a whole is held to the reference
solver through `solve` (`test_plain.py`, `test_skill_match.py`)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
import pytest

from matching.large import candidates, problem
from matching.skill_match import greedy
from tests.unit.matching.checker import greedy_reference, value_per_hour
from tests.unit.matching.instances import medium_instance, need, volunteer


@pytest.mark.parametrize("seed", range(40))
def test_greedy_takes_the_pairs_its_definition_takes(seed: int) -> None:
    """Remote pairs through the groups, the others as arrays: the same pairs, in the same
    order, with the same hours as the definition over every eligible pair (declined pairs
    left out, volunteers of the need's own company never taken)."""
    volunteers, needs = medium_instance(seed)
    rng = random.Random(seed)
    excluded = frozenset(
        (rng.choice(volunteers).id, rng.choice(needs).id) for _ in range(rng.randint(0, 6))
    )
    taken = problem.Problem(volunteers, needs, excluded).greedy()
    found = list(
        zip(
            taken.volunteer.tolist(),
            taken.need.tolist(),
            taken.value.tolist(),
            taken.hours.tolist(),
            strict=True,
        )
    )
    assert found == greedy_reference(volunteers, needs, excluded)
    assert greedy(volunteers, needs) == sum(
        value * hours for _, _, value, hours in greedy_reference(volunteers, needs)
    )


def _places_near_a_hard_spot(rng: random.Random) -> Callable[[], tuple[float, float]]:
    """Random places within a few degrees of a pole, the antimeridian or Paris (one drawn)."""
    centre = rng.choice([(89.5, 0.0), (-89.0, 120.0), (10.0, 179.9), (0.0, -179.8), (48.0, 2.0)])

    def near() -> tuple[float, float]:
        lat = max(-90.0, min(90.0, centre[0] + rng.uniform(-3, 3)))
        lon = (centre[1] + rng.uniform(-6, 6) + 180) % 360 - 180
        return lat, lon

    return near


@pytest.mark.parametrize("seed", range(12))
def test_spatial_index_finds_every_nearby_pair_anywhere_on_earth(seed: int) -> None:
    """Poles, the antimeridian and large radii: the latitude rows and longitude windows of the
    index never drop a pair the haversine accepts (compared with the checker over all pairs)."""
    rng = random.Random(seed)
    near = _places_near_a_hard_spot(rng)

    volunteers = [
        volunteer(
            f"v{i}",
            f"c{i % 7}",
            {"seo": rng.randint(1, 4)},
            rng.randint(1, 5),
            remote=False,
            at=near(),
            radius_km=rng.choice([5, 50, 150, 400]),
        )
        for i in range(80)
    ]
    needs = [
        need(f"n{j}", f"c{j % 5}", [("seo", 1, 1)], 5, remote=rng.random() < 0.5, at=near())
        for j in range(15)
    ]
    expected = {(v.id, n.id) for v in volunteers for n in needs if value_per_hour(v, n) is not None}
    arrays = problem.Problem(volunteers, needs, frozenset())
    local_v, local_n, _ = arrays.local
    found = {(volunteers[v].id, needs[n].id) for v, n in zip(local_v, local_n, strict=True)}
    assert found == expected


@pytest.mark.parametrize("seed", range(8))
def test_needs_asking_many_skills_find_every_pair_anywhere_on_earth(seed: int) -> None:
    """Needs asking more skills than the remote groups hold are enumerated one by one
    (`VolunteerIndex.candidates`): every eligible pair with its value, remote or within the
    radius, near the poles and the antimeridian too (compared with the checker)."""
    rng = random.Random(seed)
    near = _places_near_a_hard_spot(rng)
    codes = ["seo", "web-dev", "data", "cloud", "security"]

    volunteers = [
        volunteer(
            f"v{i}",
            f"c{i % 7}",
            {code: rng.randint(1, 4) for code in rng.sample(codes, rng.randint(1, 4))},
            rng.randint(1, 5),
            remote=rng.random() < 0.5,
            at=near(),
            radius_km=rng.choice([5, 50, 150, 400]),
            languages=tuple(rng.sample(["fr", "en"], rng.randint(1, 2))),
        )
        for i in range(80)
    ]
    needs = [
        need(
            f"n{j}",
            f"c{j % 5}",
            [(code, rng.randint(1, 3), rng.randint(1, 3)) for code in rng.sample(codes, 4)],
            5,
            remote=rng.random() < 0.7,
            at=near(),
            language=rng.choice(["fr", "en"]),
        )
        for j in range(15)
    ]
    expected = {
        (v.id, n.id): value
        for v in volunteers
        for n in needs
        if (value := value_per_hour(v, n)) is not None
    }
    arrays = problem.Problem(volunteers, needs, frozenset())
    local_v, local_n, local_value = arrays.local
    found = {
        (volunteers[v].id, needs[n].id): value
        for v, n, value in zip(
            local_v.tolist(), local_n.tolist(), local_value.tolist(), strict=True
        )
    }
    assert any(n.remote for n in needs) and any(not v.remote for v in volunteers)
    assert found == expected


@pytest.mark.parametrize("seed", range(20))
def test_pairs_found_twice_are_summed_once_either_way(seed: int) -> None:
    """Nearby pairs met through several skills: one row each, their points summed, in key
    order — by the packed sort, and by the unique it stands for when the bits do not fit."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(0, 300))
    pair = rng.integers(0, int(rng.integers(1, 50)), rows)
    points = rng.integers(1, int(rng.integers(2, 500)), rows)
    expected, inverse = np.unique(pair, return_inverse=True)
    sums = np.bincount(inverse, points).astype(np.int64) if rows else points
    points_bits = max(1, int(points.max(initial=0)).bit_length())
    for keys, summed in (
        candidates._summed_packed((pair << points_bits) | points, points_bits),
        candidates._summed_by_pair(pair, points),
    ):
        assert keys.tolist() == expected.tolist()
        assert summed.tolist() == sums.tolist()


@pytest.mark.parametrize("seed", range(10))
def test_greedy_order_is_the_same_packed_or_not(seed: int) -> None:
    """Value (highest first), need, volunteer: the radix sort of pairs in (need, volunteer)
    order, the packed sort and the lexsort it stands for when the counts are too large."""
    from matching.large.greedy import _in_greedy_order

    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 400))
    volunteer = rng.integers(0, 30, rows)
    need = rng.integers(0, 12, rows)
    value = rng.integers(1, 90, rows)
    packed = _in_greedy_order(volunteer, need, value, 12, 30)
    unpacked = _in_greedy_order(volunteer, need, value, 1 << 40, 1 << 40)
    order = np.lexsort((volunteer, need, -value))
    # Distinct pairs in (need, volunteer) order, as the nearby pairs come: the radix path.
    _, first = np.unique(need * 30 + volunteer, return_index=True)
    in_pair_order = [a[first] for a in (volunteer, need, value)]
    radix = _in_greedy_order(*in_pair_order, 12, 30)
    by_pair = np.lexsort((in_pair_order[0], in_pair_order[1], -in_pair_order[2]))
    assert [a.tolist() for a in radix] == [a[by_pair].tolist() for a in in_pair_order]
    for found in (packed, unpacked):
        assert [a.tolist() for a in found] == [
            volunteer[order].tolist(),
            need[order].tolist(),
            value[order].tolist(),
        ]


@pytest.mark.parametrize("seed", range(60))
def test_best_per_group_is_the_same_by_histogram_packed_or_not(seed: int) -> None:
    """Each group's `count` largest values, ties to the first row: the histogram (wide enough,
    and so narrow that most groups fall back to the sort), the packed sort and the stable
    argsort, all against a plain Python ranking."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 500))
    group = rng.integers(0, int(rng.integers(1, 40)), rows)
    reduced = rng.integers(-20, int(rng.integers(-19, 60)), rows)
    count = int(rng.integers(1, 6))
    ranked: dict[int, list[int]] = {}
    for row in sorted(range(rows), key=lambda i: (-int(reduced[i]), i)):
        ranked.setdefault(int(group[row]), []).append(row)
    expected = sorted(row for chosen in ranked.values() for row in chosen[:count])
    for mask in (
        problem.best_per(group, reduced, count),
        problem.best_per(group, reduced, count, buckets=int(rng.integers(1, 4))),
        problem.best_per_by_sort(group, reduced, count),
        problem.best_per_by_argsort(group, reduced, count),
    ):
        assert np.flatnonzero(mask).tolist() == expected


@pytest.mark.parametrize("seed", range(10))
def test_first_rows_and_numbering_are_what_unique_gives(seed: int) -> None:
    """The packed sort of keys above rows (and its fallback for keys too wide to pack), and
    the numbering by counting, against `np.unique`."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 500))
    key = rng.integers(0, int(rng.integers(1, 60)), rows)
    expected_first = np.unique(key, return_index=True)[1]
    assert problem.first_rows(key).tolist() == expected_first.tolist()
    wide = key + (1 << 60)
    assert problem.first_rows(wide).tolist() == expected_first.tolist()
    distinct, rank = problem.numbered(key, int(key.max()) + 1 + int(rng.integers(0, 5)))
    expected_distinct, expected_rank = np.unique(key, return_inverse=True)
    assert distinct.tolist() == expected_distinct.tolist()
    assert rank.tolist() == expected_rank.tolist()


def _one_window(lat: float, lon: float, reach_rad: float) -> tuple[list[float], list[float]]:
    """The window of one need, written out with `math` for the test: latitude rows within
    reach, and in each the longitude band outside which the haversine distance is at least
    2R·asin(cos φ_min · sin(|Δλ|/2)) > reach (whole rows near the poles or the antimeridian)."""
    reach_deg = math.degrees(reach_rad)
    first_row = math.floor((lat - reach_deg + 90) / candidates.ROW_DEGREES)
    last_row = math.floor((lat + reach_deg + 90) / candidates.ROW_DEGREES)
    rows = [row * candidates._ROW_KEY for row in range(first_row, last_row + 1)]
    far_lat = min(90.0, max(abs(lat - reach_deg), abs(lat + reach_deg)))
    cos_min = math.cos(math.radians(far_lat))
    ratio = math.sin(reach_rad / 2) / cos_min if cos_min > 1e-9 else 2.0
    if ratio >= 1:
        return rows, [r + 360 for r in rows]
    half_width = math.degrees(2 * math.asin(ratio)) + 1e-9
    west, east = lon - half_width + 180, lon + half_width + 180
    if west < 0 or east > 360:
        return rows, [r + 360 for r in rows]
    return [r + west for r in rows], [r + east for r in rows]


@pytest.mark.parametrize("seed", range(10))
def test_windows_of_many_needs_are_each_needs_window(seed: int) -> None:
    """The vectorised windows against each need's window worked out alone, poles and
    antimeridian included: the same latitude rows, the same longitude bounds (to rounding far
    inside the margin), and empty windows in the padding."""
    rng = np.random.default_rng(seed)
    count = 60
    lat = np.concatenate([rng.uniform(-90, 90, count - 4), [89.9, -89.95, 0.0, 45.0]])
    lon = np.concatenate([rng.uniform(-180, 180, count - 4), [10.0, -170.0, 179.99, -179.99]])
    reach_rad = float(rng.choice([10.0, 100.0, 1000.0, 5000.0])) / candidates.EARTH_RADIUS_KM
    low, high = candidates._windows(lat, lon, reach_rad)
    for i in range(count):
        one_low, one_high = _one_window(float(lat[i]), float(lon[i]), reach_rad)
        rows = len(one_low)
        assert np.allclose(low[i, :rows], one_low, rtol=0, atol=1e-9)
        assert np.allclose(high[i, :rows], one_high, rtol=0, atol=1e-9)
        assert (low[i, rows:] == -1.0).all() and (high[i, rows:] == -2.0).all()
