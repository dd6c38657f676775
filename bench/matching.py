"""Skill-matching benchmark: seeded instances, solve time, objective, bound, gap, and the
greedy baseline (best value first) on the same instance, in one run.

    python bench/matching.py [--sizes 2000x400,10000x2000] [--scarce]

Instances: volunteers and needs spread over French towns (weighted by region), 3–6 skills per
volunteer drawn from a skewed distribution over the shipped taxonomy, 1–3 required skills per
need, 70 % remote-friendly volunteers, 50 % remote-allowed needs, languages mostly French.
`--scarce` gives volunteers few hours, where greedy loses most. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.skill_match import (  # noqa: E402
    MatchParams,
    Need,
    RequiredSkill,
    Volunteer,
    greedy,
    solve,
)
from timebank.skills.model import load_taxonomy  # noqa: E402


def instance(
    volunteers: int, needs: int, *, seed: int, scarce: bool
) -> tuple[list[Volunteer], list[Need]]:
    rng = random.Random(seed)
    places = json.loads((ROOT / "timebank/demo/places.json").read_text(encoding="utf-8"))
    codes = [s.code for s in load_taxonomy().skills]
    weights = [1 / (rank + 1) for rank in range(len(codes))]  # A few skills are common.
    companies = max(10, volunteers // 4)
    result_v = []
    for i in range(volunteers):
        place = rng.choice(places)
        skills = {
            code: rng.randint(1, 4) for code in rng.choices(codes, weights, k=rng.randint(3, 6))
        }
        result_v.append(
            Volunteer(
                f"v{i}",
                f"c{rng.randrange(companies)}",
                skills,
                rng.choice([2, 4, 6]) if scarce else rng.choice([4, 8, 12, 16, 20]),
                rng.random() < 0.7,
                place["lat"],
                place["lon"],
                rng.choice([10, 30, 50, 100]),
                frozenset(["fr", "en"] if rng.random() < 0.4 else ["fr"]),
            )
        )
    result_n = []
    for j in range(needs):
        place = rng.choice(places)
        required = tuple(
            RequiredSkill(code, rng.randint(1, 3), rng.randint(1, 5))
            for code in sorted(set(rng.choices(codes, weights, k=rng.randint(1, 3))))
        )
        result_n.append(
            Need(
                f"n{j}",
                f"c{rng.randrange(companies)}",
                required,
                rng.randint(8, 60),
                rng.random() < 0.5,
                place["lat"],
                place["lon"],
                "en" if rng.random() < 0.1 else "fr",
                rng.randint(1, 10),
            )
        )
    return result_v, result_n


def run(volunteers: int, needs: int, *, scarce: bool) -> dict[str, Any]:
    v, n = instance(volunteers, needs, seed=1, scarce=scarce)
    started = time.perf_counter()
    solution = solve(v, n, MatchParams())
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    baseline = greedy(v, n)
    greedy_seconds = time.perf_counter() - started
    gap = (solution.bound - solution.objective) / max(1, solution.objective)
    return {
        "volunteers": volunteers,
        "needs": needs,
        "scarce": scarce,
        "eligible_pairs": int(solution.stats.get("pairs", 0)),
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": round(gap, 6),
        "seconds": round(elapsed, 3),
        "build_seconds": round(solution.stats.get("build_seconds", 0.0), 3),
        "solve_seconds": round(solution.stats.get("solve_seconds", 0.0), 3),
        "greedy_objective": baseline,
        "greedy_seconds": round(greedy_seconds, 3),
        "optimum_over_greedy": round(solution.objective / max(1, baseline) - 1, 6),
        "assignments": len(solution.assignments),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000x400,10000x2000")
    parser.add_argument("--scarce", action="store_true")
    args = parser.parse_args()
    results = []
    for size in args.sizes.split(","):
        volunteers, needs = (int(part) for part in size.split("x"))
        modes = [True] if args.scarce else [False, True]
        results.extend(run(volunteers, needs, scarce=scarce) for scarce in modes)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"date": time.strftime("%Y-%m-%d"), "peak_memory_mb": round(peak_mb), "runs": results},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
