"""The file interface of shared-CDO rotations: JSON problem in, JSON plan out.

Other tools produce these files, so the names are fixed (more optional fields are accepted and
ignored). Every refusal names the record and the field. Public holidays come from the caller
(`holidays_of(year, alsace_moselle)`), so that this module needs no calendar library.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Final

from matching.cdo_rotation import (
    PERIOD_DAYS_MAX,
    Cdo,
    Member,
    RotationParams,
    RotationPlan,
    RotationProblem,
    Slot,
    fixed_slot_problems,
    member_can,
    working_slots,
)
from matching.files import TIME_LIMIT_SECONDS_MAX, ProblemError

RECORDS_MAX: Final = 10_000
DATES_MAX: Final = 1000
WEIGHT_MAX: Final = 10_000
TRAVEL_KM_MAX: Final = 20_000.0

HolidaysOf = Callable[[int, bool], frozenset[date]]


def _date(value: Any, record: str, field: str) -> date:
    if not isinstance(value, str):
        raise ProblemError(record, field, "date AAAA-MM-JJ attendue", "YYYY-MM-DD date expected")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ProblemError(
            record, field, f"date invalide : {value[:20]}", f"invalid date: {value[:20]}"
        ) from None


def _number(item: dict[str, Any], record: str, name: str, low: float, high: float) -> float:
    value = item.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProblemError(record, name, "nombre attendu", "number expected")
    if not (math.isfinite(value) and low <= value <= high):
        raise ProblemError(
            record, name, f"valeur hors de [{low}, {high}]", f"value outside [{low}, {high}]"
        )
    return float(value)


def _text(item: dict[str, Any], record: str, name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise ProblemError(record, name, "texte de 1 à 200 caractères", "text of 1-200 characters")
    return value


def _unavailable(item: dict[str, Any], record: str) -> frozenset[date]:
    """Dates ("2027-01-15") and ranges ({"start": …, "end": …}); ranges must not overlap."""
    raw = item.get("unavailable", [])
    if not isinstance(raw, list) or len(raw) > DATES_MAX:
        raise ProblemError(record, "unavailable", "liste attendue", "list expected")
    days: set[date] = set()
    ranges: list[tuple[date, date, int]] = []
    for index, entry in enumerate(raw):
        field = f"unavailable[{index}]"
        if isinstance(entry, dict):
            first = _date(entry.get("start"), record, f"{field}.start")
            last = _date(entry.get("end"), record, f"{field}.end")
            if last < first:
                raise ProblemError(record, f"{field}.end", "fin avant le début", "end before start")
            if (last - first).days > PERIOD_DAYS_MAX:
                raise ProblemError(record, field, "plage de plus d'un an", "range over one year")
            ranges.append((first, last, index))
            days.update(first + timedelta(days=k) for k in range((last - first).days + 1))
        else:
            days.add(_date(entry, record, field))
    ranges.sort()
    for (_, a_end, _), (b_start, _, b_index) in pairwise(ranges):
        if b_start <= a_end:
            raise ProblemError(
                record,
                f"unavailable[{b_index}]",
                "plages d'indisponibilité qui se chevauchent",
                "overlapping unavailability ranges",
            )
    return frozenset(days)


def _units(days: float, half_days: bool, record: str, name: str) -> None:
    step = 0.5 if half_days else 1.0
    if abs(days / step - round(days / step)) > 1e-9:
        raise ProblemError(
            record,
            name,
            f"multiple de {step} jour attendu",
            f"multiple of {step} day expected",
        )


def read_rotation_problem(
    data: Any, *, holidays_of: HolidaysOf
) -> tuple[RotationProblem, RotationParams]:
    """Validate a decoded rotation problem; raise ProblemError on the first bad field."""
    if not isinstance(data, dict):
        raise ProblemError("problem", "", "objet JSON attendu", "JSON object expected")
    start = _date(data.get("start"), "problem", "start")
    end = _date(data.get("end"), "problem", "end")
    if end < start:
        raise ProblemError("problem", "end", "fin avant le début", "end before start")
    if (end - start).days + 1 > PERIOD_DAYS_MAX:
        raise ProblemError("problem", "end", "période de plus d'un an", "period over one year")
    slot = data.get("slot", "day")
    if slot not in ("day", "half_day"):
        raise ProblemError("problem", "slot", "« day » ou « half_day »", '"day" or "half_day"')
    half_days = slot == "half_day"
    years = range(start.year, end.year + 1)
    holidays = {
        flag: frozenset(d for year in years for d in holidays_of(year, flag))
        for flag in (False, True)
    }
    cdos = [_cdo(item, i, half_days) for i, item in enumerate(_records(data, "cdos"))]
    members = [
        _member(item, i, half_days, holidays) for i, item in enumerate(_records(data, "members"))
    ]
    for name, ids in (("cdos", [c.id for c in cdos]), ("members", [m.id for m in members])):
        seen: set[str] = set()
        for position, record_id in enumerate(ids):
            if record_id in seen:
                raise ProblemError(
                    f"{name}[{position}]",
                    "id",
                    f"identifiant en double : {record_id}",
                    f"duplicate id: {record_id}",
                )
            seen.add(record_id)
    problem = RotationProblem(start, end, half_days, tuple(cdos), tuple(members))
    slots = working_slots(problem)
    for position, member in enumerate(members):
        possible = sum(1 for day, _ in slots if member_can(member, day))
        wanted = round(member.days * (2 if half_days else 1))
        if wanted > possible:
            raise ProblemError(
                f"members[{position}]",
                "days",
                f"{member.days} jours demandés, le calendrier n'en permet que "
                f"{possible / (2 if half_days else 1)}",
                f"{member.days} days requested, the calendar allows only "
                f"{possible / (2 if half_days else 1)}",
            )
    previous = _previous(data.get("previous_plan", []), problem, "previous_plan")
    fixed = _previous(data.get("fixed", []), problem, "fixed")
    params = _params(data.get("params"))
    problem = RotationProblem(start, end, half_days, tuple(cdos), tuple(members), previous, fixed)
    wrong = fixed_slot_problems(problem, params)
    if wrong:
        french, english = wrong[0].words()
        raise ProblemError(
            "problem",
            "fixed",
            f"créneaux fixés impossibles : {french}",
            f"slots set by hand cannot be kept: {english}",
        )
    return problem, params


def _records(data: dict[str, Any], name: str) -> list[Any]:
    raw = data.get(name, [])
    if not isinstance(raw, list) or len(raw) > RECORDS_MAX:
        raise ProblemError("problem", name, "liste attendue", "list expected")
    return raw


def _place(item: dict[str, Any], record: str) -> tuple[float, float]:
    return _number(item, record, "lat", -90, 90), _number(item, record, "lon", -180, 180)


def _cdo(item: Any, position: int, half_days: bool) -> Cdo:
    record = f"cdos[{position}]"
    if not isinstance(item, dict):
        raise ProblemError(record, "", "objet attendu", "object expected")
    per_week = _number(item, record, "max_days_per_week", 0, 5)
    _units(per_week, half_days, record, "max_days_per_week")
    lat, lon = _place(item, record)
    return Cdo(_text(item, record, "id"), _unavailable(item, record), per_week, lat, lon)


def _member(
    item: Any, position: int, half_days: bool, holidays: dict[bool, frozenset[date]]
) -> Member:
    record = f"members[{position}]"
    if not isinstance(item, dict):
        raise ProblemError(record, "", "objet attendu", "object expected")
    days = _number(item, record, "days", 0, PERIOD_DAYS_MAX)
    _units(days, half_days, record, "days")
    weekdays = item.get("preferred_weekdays", [])
    if not isinstance(weekdays, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekdays
    ):
        raise ProblemError(
            record,
            "preferred_weekdays",
            "jours de 0 (lundi) à 6 attendus",
            "weekdays 0 (Monday) to 6 expected",
        )
    flags = {}
    for name in ("alsace_moselle", "same_cdo_as_before"):
        value = item.get(name, False)
        if not isinstance(value, bool):
            raise ProblemError(record, name, "booléen attendu", "boolean expected")
        flags[name] = value
    lat, lon = _place(item, record)
    return Member(
        _text(item, record, "id"),
        days,
        frozenset(weekdays),
        _unavailable(item, record),
        lat,
        lon,
        holidays[flags["alsace_moselle"]],
        flags["same_cdo_as_before"],
    )


def _previous(raw: Any, problem: RotationProblem, name: str) -> tuple[Slot, ...]:
    """A list of slots (`previous_plan`, or `fixed`: slots set by hand)."""
    if not isinstance(raw, list) or len(raw) > RECORDS_MAX * 10:
        raise ProblemError("problem", name, "liste attendue", "list expected")
    cdos = {c.id for c in problem.cdos}
    members = {m.id for m in problem.members}
    found = []
    for index, item in enumerate(raw):
        record = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise ProblemError(record, "", "objet attendu", "object expected")
        if item.get("cdo") not in cdos:
            raise ProblemError(record, "cdo", "CDO inconnu", "unknown CDO")
        if item.get("member") not in members:
            raise ProblemError(record, "member", "membre inconnu", "unknown member")
        half = item.get("half")
        if half not in (("am", "pm") if problem.half_days else (None,)):
            raise ProblemError(
                record, "half", "demi-journée incohérente", "half-day does not match the slots"
            )
        found.append(
            Slot(item["cdo"], item["member"], _date(item.get("date"), record, "date"), half)
        )
    return tuple(found)


def _params(raw: Any) -> RotationParams:
    if raw is None:
        return RotationParams()
    if not isinstance(raw, dict):
        raise ProblemError("params", "", "objet attendu", "object expected")
    defaults = RotationParams()
    travel = _number(
        {"v": raw.get("travel_km_max", defaults.travel_km_max)}, "params", "v", 0, TRAVEL_KM_MAX
    )
    limit = raw.get("time_limit_s", defaults.time_limit_s)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int | float)
        or not 0 < limit <= TIME_LIMIT_SECONDS_MAX
    ):
        raise ProblemError(
            "params", "time_limit_s", "durée hors limites", "time limit out of range"
        )
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise ProblemError("params", "seed", "entier ≥ 0 attendu", "integer ≥ 0 expected")
    weights = {}
    for name in (
        "weight_fairness",
        "weight_preferred_weekdays",
        "weight_continuity",
        "weight_regularity",
        "weight_stability",
    ):
        value = raw.get(name, getattr(defaults, name))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= WEIGHT_MAX:
            raise ProblemError(
                "params", name, f"entier de 0 à {WEIGHT_MAX}", f"integer from 0 to {WEIGHT_MAX}"
            )
        weights[name] = value
    return RotationParams(travel, float(limit), seed, **weights)


def write_plan(plan: RotationPlan) -> dict[str, Any]:
    return {
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "slots": [
            {"cdo": s.cdo, "member": s.member, "date": s.date.isoformat(), "half": s.half}
            for s in plan.slots
        ],
        "members": [
            {
                "id": m.id,
                "requested": m.requested,
                "served": m.served,
                "shortfall": m.shortfall,
                "unmet": {
                    "off_preferred_days": m.off_preferred_days,
                    "cdos": m.cdos,
                    "previous_slots_moved": m.previous_slots_moved,
                    "uneven_weeks": m.uneven_weeks,
                },
            }
            for m in plan.members
        ],
    }
