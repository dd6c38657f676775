"""Shared-CDO rotation benchmark: seeded instances, time to first solution, final gap, and a
re-plan after one CDO is away for a week (slots moved against the minimum), in one run.

    python bench/rotation.py [--sizes 1x8x4,1x8x52,10x60x13h,20x200x13] [--limit 60]

A size is CDOs × members × weeks, with `h` for half-day slots. Members sit around Strasbourg
(some in Alsace-Moselle), ask for 60–90 % of what the CDOs can give in all, prefer one or two
weekdays and have a few days off; CDOs work 3–4 days a week with a few days off. The greedy
hint alone is reported too (its objective), as the baseline. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.cdo_rotation import (  # noqa: E402
    SERVED_UNIT_WEIGHT,
    Cdo,
    Member,
    RotationParams,
    RotationProblem,
    requested_units,
    solve,
    working_slots,
)
from timebank.geography import public_holidays  # noqa: E402

START = date(2027, 1, 4)


def instance(cdos: int, members: int, weeks: int, *, half_days: bool, seed: int) -> RotationProblem:
    rng = random.Random(seed)
    end = START + timedelta(weeks=weeks) - timedelta(days=3)
    days = [START + timedelta(days=k) for k in range((end - START).days + 1)]
    years = range(START.year, end.year + 1)
    holidays = {
        flag: frozenset(d for y in years for d in public_holidays(y, flag))
        for flag in (False, True)
    }
    the_cdos = tuple(
        Cdo(
            f"cdo{i}",
            frozenset(rng.sample(days, min(len(days), rng.randint(0, weeks)))),
            rng.choice([3, 4]),
            48.58 + rng.uniform(-0.3, 0.3),
            7.75 + rng.uniform(-0.3, 0.3),
        )
        for i in range(cdos)
    )
    capacity_days = sum(c.max_days_per_week for c in the_cdos) * weeks * 0.9
    share = rng.uniform(0.6, 0.9) * capacity_days / members
    step = 0.5 if half_days else 1.0
    the_members = tuple(
        Member(
            f"m{j}",
            max(step, round(share * rng.uniform(0.5, 1.5) / step) * step),
            frozenset(rng.sample(range(5), rng.randint(1, 2))),
            frozenset(rng.sample(days, min(len(days), rng.randint(0, weeks)))),
            48.58 + rng.uniform(-0.5, 0.5),
            7.75 + rng.uniform(-0.5, 0.5),
            holidays[rng.random() < 0.5],
            False,
        )
        for j in range(members)
    )
    problem = RotationProblem(START, end, half_days, the_cdos, the_members)
    # Requests the calendar cannot hold are cut to what it can (the file reader refuses them).
    slots = working_slots(problem)
    fitted = []
    for m in the_members:
        possible = sum(1 for d, _ in slots if d not in m.unavailable and d not in m.holidays)
        unit = 2 if half_days else 1
        fitted.append(
            Member(
                m.id,
                min(m.days, possible / unit),
                m.preferred_weekdays,
                m.unavailable,
                m.lat,
                m.lon,
                m.holidays,
            )
        )
    return RotationProblem(START, end, half_days, the_cdos, tuple(fitted))


def run(size: str, limit: float) -> dict[str, Any]:
    half_days = size.endswith("h")
    cdos, members, weeks = (int(part) for part in size.rstrip("h").split("x"))
    problem = instance(cdos, members, weeks, half_days=half_days, seed=1)
    params = RotationParams(time_limit_s=limit, travel_km_max=50)
    started = time.perf_counter()
    plan = solve(problem, params)
    seconds = time.perf_counter() - started
    # Re-plan: the first CDO away for the second week, the first plan as the previous one.
    away = frozenset(START + timedelta(days=7 + k) for k in range(5))
    first = problem.cdos[0]
    changed = RotationProblem(
        problem.start,
        problem.end,
        problem.half_days,
        (
            Cdo(first.id, first.unavailable | away, first.max_days_per_week, first.lat, first.lon),
            *problem.cdos[1:],
        ),
        problem.members,
        plan.slots,
    )
    forced = sum(1 for s in plan.slots if s.cdo == first.id and s.date in away)
    started = time.perf_counter()
    replanned = solve(changed, params)
    replan_seconds = time.perf_counter() - started
    moved = len(set(plan.slots) - set(replanned.slots))
    requested = sum(requested_units(problem, m) for m in problem.members)
    served = len(plan.slots)
    return {
        "cdos": cdos,
        "members": members,
        "weeks": weeks,
        "slot": "half_day" if half_days else "day",
        "variables": int(plan.stats.get("variables", 0)),
        "status": plan.status,
        "seconds": round(seconds, 3),
        "first_solution_seconds": round(plan.stats.get("first_solution_seconds", -1), 3),
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": round((plan.bound - plan.objective) / max(1, plan.objective), 6),
        "requested_units": requested,
        "served_units": served,
        "greedy_objective": int(plan.stats.get("greedy_objective", 0)),
        # The first solution is the greedy plan (CP-SAT's hint): its gap to the final bound.
        "first_solution_gap": round(
            (plan.bound - plan.stats.get("greedy_objective", 0)) / max(1, plan.bound), 6
        ),
        # The gap on the soft terms alone (the served days, worth 1 000 000 each, set aside).
        "soft_gap": round(
            (plan.bound - plan.objective) / max(1, plan.bound - SERVED_UNIT_WEIGHT * served),
            6,
        ),
        "replan": {
            "status": replanned.status,
            "seconds": round(replan_seconds, 3),
            "slots_moved": moved,
            "slots_that_had_to_move": forced,
        },
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1x8x4,1x8x52,10x60x13h")
    parser.add_argument("--limit", type=float, default=60.0)
    args = parser.parse_args()
    runs = [run(size, args.limit) for size in args.sizes.split(",")]
    print(json.dumps({"date": time.strftime("%Y-%m-%d"), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
