"""An independent checker of CDO rotation plans, written apart from the solver: working days
from the `holidays` calendar directly, and every hard rule counted again."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import holidays

from matching.cdo_rotation import RotationParams, RotationProblem, Slot


def is_public_holiday(day: date, alsace_moselle: bool) -> bool:
    calendar = holidays.France(years=day.year, subdiv="57" if alsace_moselle else None)
    return day in calendar


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dl = math.radians(b[1] - a[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def violations(
    problem: RotationProblem,
    params: RotationParams,
    plan: tuple[Slot, ...],
    *,
    alsace_moselle: dict[str, bool],
) -> list[str]:
    found: list[str] = []
    cdos = {c.id: c for c in problem.cdos}
    members = {m.id: m for m in problem.members}
    per_day_units = 2 if problem.half_days else 1
    cdo_slot = Counter((s.cdo, s.date, s.half) for s in plan)
    member_slot = Counter((s.member, s.date, s.half) for s in plan)
    found += [f"CDO twice in {k}" for k, n in cdo_slot.items() if n > 1]
    found += [f"member twice in {k}" for k, n in member_slot.items() if n > 1]
    weekly = Counter((s.cdo, s.date.isocalendar()[:2]) for s in plan)
    for (cdo, _), n in weekly.items():
        if n > cdos[cdo].max_days_per_week * per_day_units + 1e-9:
            found.append(f"{cdo} over its weekly maximum")
    served = Counter(s.member for s in plan)
    for member, n in served.items():
        if n > members[member].days * per_day_units + 1e-9:
            found.append(f"{member} served beyond the request")
    for s in plan:
        if s.date.weekday() >= 5 or not problem.start <= s.date <= problem.end:
            found.append(f"{s} not a working day of the period")
        if is_public_holiday(s.date, alsace_moselle[s.member]):
            found.append(f"{s} on a public holiday")
        if s.date in cdos[s.cdo].unavailable or s.date in members[s.member].unavailable:
            found.append(f"{s} on an unavailable day")
        if problem.half_days != (s.half in ("am", "pm")):
            found.append(f"{s} wrong slot kind")
    by_cdo_day: dict[tuple[str, date], dict[str | None, str]] = {}
    for s in plan:
        by_cdo_day.setdefault((s.cdo, s.date), {})[s.half] = s.member
    for (cdo, day), halves in by_cdo_day.items():
        if "am" in halves and "pm" in halves:
            a, b = members[halves["am"]], members[halves["pm"]]
            if km((a.lat, a.lon), (b.lat, b.lon)) > params.travel_km_max:
                found.append(f"{cdo} travels too far on {day}")
    return found
