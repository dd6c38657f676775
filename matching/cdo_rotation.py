"""Shared-CDO rotations: which member each CDO serves in each slot of a period, with CP-SAT.

Slots are whole days or half-days on working days (no weekend, no public holiday of the member's
place: the caller gives each member its holidays, so this module needs no calendar library).
Hard: one member per CDO per slot and one CDO per member per slot, both sides' unavailability,
each CDO's weekly maximum, at most the days each member asked for, and with half-days a CDO's
morning and afternoon at members within the travel limit. The objective serves as many units
as possible first, then (weighted, the weights are parameters) fairness to the worst-served
member, preferred weekdays, the same CDO for a member, regularity over the weeks and stability
against a previous plan. A greedy plan is the hint; every answer is checked again here.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from ortools.sat.python import cp_model

from matching.geo import haversine_km

PERIOD_DAYS_MAX: Final = 366
# Above this many (CDO, member, slot) triples one model is too slow: plan in two steps.
WHOLE_MODEL_VARIABLES_MAX: Final = 30_000
ALLOCATION_TIME_SHARE: Final = 0.1  # Of the time limit, for the first of the two steps.
ALLOCATION_SECONDS_MAX: Final = 10.0
SERVED_UNIT_WEIGHT: Final = 1_000_000  # One more unit served outweighs every soft term.
RATIO_SCALE: Final = 1000  # Satisfaction in per mille.
HALVES: Final = ("am", "pm")


class RotationFault(RuntimeError):
    """CP-SAT returned a plan our own checks refute (a bug outside this module)."""


class Rule(StrEnum):
    """A hard rule of a plan (`check_plan`)."""

    UNKNOWN = "unknown"  # A CDO or member the problem does not hold.
    NOT_WORKING_DAY = "not_working_day"  # Outside the period, a weekend or not a slot.
    UNAVAILABLE = "unavailable"  # The CDO's or the member's day off, or a public holiday.
    SLOT_KIND = "slot_kind"  # A whole day in a half-day period, or the other way round.
    TWICE = "twice"  # A CDO or a member in two places at once.
    WEEKLY_MAXIMUM = "weekly_maximum"  # A CDO beyond its days a week.
    BEYOND_REQUEST = "beyond_request"  # A member served more than it asked for.
    TOO_FAR = "too_far"  # A CDO's morning and afternoon beyond the travel limit.
    FIXED_MISSING = "fixed_missing"  # A slot set by hand left out.


@dataclass(frozen=True, slots=True)
class Breach:
    """One hard rule a plan breaks, with who and when: the caller words it for people."""

    rule: Rule
    cdo: str | None = None
    member: str | None = None
    day: date | None = None
    half: str | None = None

    @classmethod
    def at(cls, rule: Rule, slot: Slot) -> Breach:
        return cls(rule, cdo=slot.cdo, member=slot.member, day=slot.date, half=slot.half)

    def words(self, names: dict[str, str] | None = None) -> tuple[str, str]:
        """The breach in French and in English, each CDO and member by its name in `names`
        (else its id), the day as `24/12/2026` (matin / après-midi)."""
        named = names or {}
        cdo = named.get(self.cdo or "", self.cdo or "")
        member = named.get(self.member or "", self.member or "")
        day_fr = day_en = ""
        if self.day is not None:
            half_fr = {"am": " (matin)", "pm": " (après-midi)"}.get(self.half or "", "")
            half_en = {"am": " (morning)", "pm": " (afternoon)"}.get(self.half or "", "")
            day_fr = f"{self.day:%d/%m/%Y}{half_fr}"
            day_en = f"{self.day.isoformat()}{half_en}"
        who_fr = " chez ".join(x for x in (cdo, member) if x)
        who_en = " at ".join(x for x in (cdo, member) if x)
        match self.rule:
            case Rule.UNKNOWN:
                return (
                    f"{who_fr} le {day_fr} : CDO ou membre inconnu de la période",
                    f"{who_en} on {day_en}: a CDO or member the period does not know",
                )
            case Rule.NOT_WORKING_DAY:
                return (
                    f"le {day_fr} n'est pas un jour ouvré de la période ({who_fr})",
                    f"{day_en} is not a working day of the period ({who_en})",
                )
            case Rule.UNAVAILABLE:
                return (
                    f"{who_fr} le {day_fr} : jour d'indisponibilité ou férié",
                    f"{who_en} on {day_en}: a day off or a public holiday",
                )
            case Rule.SLOT_KIND:
                return (
                    f"{who_fr} le {day_fr} : la période se planifie par "
                    + ("demi-journées" if self.half is None else "journées entières"),
                    f"{who_en} on {day_en}: the period is planned in "
                    + ("half-days" if self.half is None else "whole days"),
                )
            case Rule.TWICE:
                return (
                    f"{who_fr} a deux créneaux le {day_fr}",
                    f"{who_en} has two slots on {day_en}",
                )
            case Rule.WEEKLY_MAXIMUM:
                return (
                    f"{who_fr} dépasse son maximum de jours la semaine du {day_fr}",
                    f"{who_en} exceeds its days a week in the week of {day_en}",
                )
            case Rule.BEYOND_REQUEST:
                return (
                    f"{who_fr} aurait plus de jours qu'il n'en a demandé",
                    f"{who_en} would get more days than it asked for",
                )
            case Rule.TOO_FAR:
                return (
                    f"{who_fr} irait trop loin entre le matin et l'après-midi du {day_fr}",
                    f"{who_en} would travel too far between morning and afternoon on {day_en}",
                )
            case Rule.FIXED_MISSING:
                return (
                    f"le créneau fixé à la main de {who_fr} le {day_fr} manque",
                    f"the slot set by hand for {who_en} on {day_en} is missing",
                )

    def __str__(self) -> str:
        """In English, ids as they are: for faults and logs."""
        who = " ".join(f"{k}={v}" for k, v in (("cdo", self.cdo), ("member", self.member)) if v)
        when = f"{self.day}{' ' + self.half if self.half else ''}" if self.day else ""
        return f"{self.rule.value}: {' '.join(x for x in (who, when) if x)}".rstrip(": ")


@dataclass(frozen=True, slots=True)
class Cdo:
    id: str
    unavailable: frozenset[date]
    max_days_per_week: float
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    days: float  # Requested over the period; half-days count 0.5.
    preferred_weekdays: frozenset[int]  # 0 = Monday.
    unavailable: frozenset[date]
    lat: float
    lon: float
    holidays: frozenset[date]  # Public holidays where the member is (Alsace-Moselle included).
    same_cdo_as_before: bool = False


@dataclass(frozen=True, slots=True)
class Slot:
    cdo: str
    member: str
    date: date
    half: str | None  # "am", "pm", or None for a whole day.


@dataclass(frozen=True, slots=True)
class RotationProblem:
    start: date
    end: date
    half_days: bool
    cdos: tuple[Cdo, ...]
    members: tuple[Member, ...]
    previous_plan: tuple[Slot, ...] = ()
    # Slots set by hand: every plan contains them (see `fixed_slot_problems` for their checks).
    fixed: tuple[Slot, ...] = ()


@dataclass(frozen=True, slots=True)
class RotationParams:
    travel_km_max: float = 50.0
    time_limit_s: float = 60.0
    seed: int = 0
    weight_fairness: int = 100
    weight_preferred_weekdays: int = 4
    weight_continuity: int = 20
    weight_regularity: int = 2
    weight_stability: int = 100
    # Above this many variables of the whole model, plans go in two steps (tests set it to 0).
    whole_model_variables_max: int = WHOLE_MODEL_VARIABLES_MAX


@dataclass(frozen=True, slots=True)
class MemberOutcome:
    id: str
    requested: float
    served: float
    shortfall: float
    off_preferred_days: float  # Days served outside the preferred weekdays.
    cdos: int  # Distinct CDOs serving the member.
    previous_slots_moved: int
    uneven_weeks: int  # Weeks more than one slot away from an even spread.


@dataclass(frozen=True, slots=True)
class RotationPlan:
    status: str  # optimal, feasible, infeasible, empty
    objective: int
    bound: int
    slots: tuple[Slot, ...]
    members: tuple[MemberOutcome, ...]
    stats: dict[str, float] = field(default_factory=dict)


def working_slots(problem: RotationProblem) -> list[tuple[date, str | None]]:
    """Every (date, half) from start to end on Monday–Friday, in order."""
    halves: tuple[str | None, ...] = HALVES if problem.half_days else (None,)
    found: list[tuple[date, str | None]] = []
    day = problem.start
    while day <= problem.end:
        if day.weekday() < 5:
            found.extend((day, half) for half in halves)
        day += timedelta(days=1)
    return found


def units_per_day(problem: RotationProblem) -> int:
    return 2 if problem.half_days else 1


def requested_units(problem: RotationProblem, member: Member) -> int:
    return round(member.days * units_per_day(problem))


def member_can(member: Member, day: date) -> bool:
    return day not in member.unavailable and day not in member.holidays


def cdo_can(cdo: Cdo, day: date) -> bool:
    return day not in cdo.unavailable


def week_of(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def solve(problem: RotationProblem, params: RotationParams) -> RotationPlan:
    """The best plan found within the time limit, with a bound; deterministic for a fixed seed
    (one worker). Large groups are planned in two steps (see `_solve_in_two_steps`)."""
    slot_count = len(working_slots(problem))
    asking = sum(1 for m in problem.members if requested_units(problem, m))
    if (
        len(problem.cdos) > 1
        and len(problem.cdos) * asking * slot_count > params.whole_model_variables_max
    ):
        return _solve_in_two_steps(problem, params)
    return _solve_whole(problem, params)


def _solve_whole(problem: RotationProblem, params: RotationParams) -> RotationPlan:
    """One CP-SAT model of every (CDO, member, slot): CP-SAT's own bound."""
    started = time.perf_counter()
    slots = working_slots(problem)
    wanted = {m.id: requested_units(problem, m) for m in problem.members}
    if not problem.cdos or not any(wanted.values()) or not slots:
        return RotationPlan("empty", 0, 0, (), _outcomes(problem, ()), {})
    whole = _WholeModel.of(problem, slots, wanted)
    served = whole.add_rules(problem, params)
    objective = whole.objective_terms(problem, params, served)
    for key in _fixed_keys(problem, slots):
        if key not in whole.x:
            raise RotationFault(f"fixed slot {key} is not a possible slot")
        whole.model.add(whole.x[key] == 1)
    whole.model.maximize(sum(objective))
    hint = _greedy(problem, params, slots, set(whole.x))
    hint_ready = time.perf_counter()  # The greedy hint is already a complete, valid plan.
    for key, var in whole.x.items():
        whole.model.add_hint(var, 1 if key in hint else 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = params.seed
    # Probing at presolve costs more than it saves on these models (docs/rotation.md).
    solver.parameters.cp_model_probing_level = 0
    # The limit is deterministic time, so that the same input gives the same plan whatever the
    # machine's load; the wall clock only guards against a runaway (twice the limit, plus 5 s).
    solver.parameters.max_deterministic_time = params.time_limit_s
    solver.parameters.max_time_in_seconds = 2 * params.time_limit_s + 5
    first_solution = _FirstSolution()
    status = solver.solve(whole.model, first_solution)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found:
        chosen = {key for key, var in whole.x.items() if solver.value(var)}
        claimed = "optimal" if status == cp_model.OPTIMAL else "feasible"
    else:
        chosen, claimed = hint, "feasible"  # Nothing better within the time limit.
    plan = _checked_plan(problem, params, chosen)
    value = plan_objective(problem, params, plan)
    if claimed == "optimal" and value != round(solver.objective_value):
        raise RotationFault(f"objective {solver.objective_value} but the plan is worth {value}")
    bound = solver.best_objective_bound
    if not math.isfinite(bound) or not found:
        bound = _trivial_bound(problem, params)
    return RotationPlan(
        claimed,
        value,
        max(round(bound), value),
        plan,
        _outcomes(problem, plan),
        {
            "seconds": time.perf_counter() - started,
            "first_solution_seconds": min(hint_ready, first_solution.at or hint_ready) - started,
            "variables": float(len(whole.x)),
            "greedy_objective": float(plan_objective(problem, params, _slots_of(problem, hint))),
        },
    )


Key = tuple[int, int, int]  # (CDO, member, slot) by their places in the problem's lists.


@dataclass
class _WholeModel:
    """The whole model's variables: x[c, m, s] when CDO c serves member m in slot s (only where
    both can), and the same variables grouped as the rules read them."""

    model: cp_model.CpModel
    slots: list[tuple[date, str | None]]
    wanted: dict[str, int]
    x: dict[Key, cp_model.IntVar]
    by_cdo_slot: dict[tuple[int, int], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_member_slot: dict[tuple[int, int], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_cdo_week: dict[tuple[int, tuple[int, int]], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_member: dict[int, list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))
    by_member_week: dict[tuple[int, tuple[int, int]], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_cdo_member: dict[tuple[int, int], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def of(
        cls, problem: RotationProblem, slots: list[tuple[date, str | None]], wanted: dict[str, int]
    ) -> _WholeModel:
        model = cp_model.CpModel()
        x: dict[Key, cp_model.IntVar] = {}
        for c, cdo in enumerate(problem.cdos):
            for m, member in enumerate(problem.members):
                if not wanted[member.id]:
                    continue
                for s, (day, _) in enumerate(slots):
                    if cdo_can(cdo, day) and member_can(member, day):
                        x[c, m, s] = model.new_bool_var(f"x{c}_{m}_{s}")
        whole = cls(model, slots, wanted, x)
        for (c, m, s), var in x.items():
            week = week_of(slots[s][0])
            whole.by_cdo_slot[c, s].append(var)
            whole.by_member_slot[m, s].append(var)
            whole.by_cdo_week[c, week].append(var)
            whole.by_member[m].append(var)
            whole.by_member_week[m, week].append(var)
            whole.by_cdo_member[c, m].append(var)
        return whole

    def add_rules(
        self, problem: RotationProblem, params: RotationParams
    ) -> dict[int, cp_model.IntVar]:
        """The hard rules: one member per CDO and one CDO per member in a slot, each CDO's days
        per week, travel between half-days. Returns the units each member is served."""
        model, unit = self.model, units_per_day(problem)
        for group in (*self.by_cdo_slot.values(), *self.by_member_slot.values()):
            if len(group) > 1:
                model.add_at_most_one(group)
        for (c, _), group in self.by_cdo_week.items():
            limit = math.floor(problem.cdos[c].max_days_per_week * unit + 1e-9)
            if len(group) > limit:
                model.add(sum(group) <= limit)
        served = {}
        for m, member in enumerate(problem.members):
            if not self.wanted[member.id]:
                continue
            served[m] = model.new_int_var(0, self.wanted[member.id], f"served{m}")
            model.add(served[m] == sum(self.by_member[m]))
        if problem.half_days:
            _travel_limit(model, problem, params, self.slots, self.x)
        return served

    def objective_terms(
        self, problem: RotationProblem, params: RotationParams, served: dict[int, cp_model.IntVar]
    ) -> list[cp_model.LinearExprT]:
        """What the plan is worth (`plan_objective` computes the same of a plan): units served,
        the worst-served member's share, preferred weekdays, continuity, regularity, stability."""
        model, x, slots = self.model, self.x, self.slots
        objective: list[cp_model.LinearExprT] = [
            SERVED_UNIT_WEIGHT * var for var in served.values()
        ]
        # Fairness: the worst-served member's satisfaction, in per mille.
        worst = model.new_int_var(0, RATIO_SCALE, "worst")
        for m, var in served.items():
            model.add(worst * self.wanted[problem.members[m].id] <= RATIO_SCALE * var)
        objective.append(params.weight_fairness * worst)
        for (_, m, s), var in x.items():
            if slots[s][0].weekday() in problem.members[m].preferred_weekdays:
                objective.append(params.weight_preferred_weekdays * var)
        previous_cdos = _previous_cdos(problem)
        for (c, m), group in self.by_cdo_member.items():
            uses = model.new_bool_var(f"uses{c}_{m}")
            for var in group:
                model.add_implication(var, uses)
            objective.append(-params.weight_continuity * uses)
            member = problem.members[m]
            if member.same_cdo_as_before and problem.cdos[c].id in previous_cdos[member.id]:
                objective.append(params.weight_continuity * uses)
        objective.extend(
            -params.weight_regularity * dev
            for dev in _regularity(model, problem, slots, self.by_member_week, self.wanted)
        )
        kept = _previous_keys(problem, slots)
        for (c, m, s), var in x.items():
            if (c, m, s) in kept:
                objective.append(params.weight_stability * var)
        return objective


def _checked_plan(
    problem: RotationProblem, params: RotationParams, chosen: set[Key]
) -> tuple[Slot, ...]:
    """The chosen (CDO, member, slot) keys as the plan's slots in date order, checked against
    every rule again (`check_plan`)."""
    plan = tuple(
        sorted(
            _slots_of(problem, chosen),
            key=lambda slot: (slot.date, HALVES.index(slot.half) if slot.half else 0, slot.cdo),
        )
    )
    problems = check_plan(problem, params, plan)
    if problems:
        raise RotationFault("; ".join(str(p) for p in problems[:5]))
    return plan


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Remembers when CP-SAT found its first solution."""

    def __init__(self) -> None:
        super().__init__()
        self.at = 0.0

    def on_solution_callback(self) -> None:
        if not self.at:
            self.at = time.perf_counter()


def _slots_of(problem: RotationProblem, chosen: set[tuple[int, int, int]]) -> tuple[Slot, ...]:
    slots = working_slots(problem)
    return tuple(
        Slot(problem.cdos[c].id, problem.members[m].id, slots[s][0], slots[s][1])
        for c, m, s in chosen
    )


def _trivial_bound(problem: RotationProblem, params: RotationParams) -> int:
    """Every unit served, full fairness, every unit on a preferred day and every previous slot
    kept: no plan is worth more."""
    units = sum(requested_units(problem, m) for m in problem.members)
    return (
        SERVED_UNIT_WEIGHT * units
        + params.weight_fairness * RATIO_SCALE
        + params.weight_preferred_weekdays * units
        + params.weight_stability * len(problem.previous_plan)
        + params.weight_continuity * len(problem.cdos) * len(problem.members)
    )


def _travel_limit(
    model: cp_model.CpModel,
    problem: RotationProblem,
    params: RotationParams,
    slots: list[tuple[date, str | None]],
    x: dict[tuple[int, int, int], cp_model.IntVar],
) -> None:
    """Afternoon at m2 forbids a morning, the same day, at a member beyond the travel limit."""
    far = {
        (a, b)
        for a, ma in enumerate(problem.members)
        for b, mb in enumerate(problem.members)
        if haversine_km(ma.lat, ma.lon, mb.lat, mb.lon) > params.travel_km_max
    }
    index = {(slots[s][0], slots[s][1]): s for s in range(len(slots))}
    for c in range(len(problem.cdos)):
        for s, (day, half) in enumerate(slots):
            if half != "pm":
                continue
            morning = index[day, "am"]
            for b in range(len(problem.members)):
                afternoon = x.get((c, b, s))
                if afternoon is None:
                    continue
                away = [
                    var
                    for a in range(len(problem.members))
                    if (a, b) in far and (var := x.get((c, a, morning))) is not None
                ]
                if away:
                    model.add(afternoon + sum(away) <= 1)


def _regularity(
    model: cp_model.CpModel,
    problem: RotationProblem,
    slots: list[tuple[date, str | None]],
    by_member_week: dict[tuple[int, tuple[int, int]], list[cp_model.IntVar]],
    wanted: dict[str, int],
) -> list[cp_model.IntVar]:
    """|units in week × weeks − requested| per member and week (an even spread scores 0)."""
    weeks = sorted({week_of(day) for day, _ in slots})
    deviations = []
    for m, member in enumerate(problem.members):
        if not wanted[member.id]:
            continue
        for week in weeks:
            units = sum(by_member_week.get((m, week), []))
            gap = len(weeks) * units - wanted[member.id]
            dev = model.new_int_var(0, len(weeks) * len(slots) + wanted[member.id], "dev")
            model.add(dev >= gap)
            model.add(dev >= -gap)
            deviations.append(dev)
    return deviations


def _previous_cdos(problem: RotationProblem) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for slot in problem.previous_plan:
        found[slot.member].add(slot.cdo)
    return found


def _keys_of(
    problem: RotationProblem, slots: list[tuple[date, str | None]], chosen: tuple[Slot, ...]
) -> set[tuple[int, int, int]]:
    c_index = {c.id: i for i, c in enumerate(problem.cdos)}
    m_index = {m.id: i for i, m in enumerate(problem.members)}
    s_index = {key: i for i, key in enumerate(slots)}
    return {
        (c_index[p.cdo], m_index[p.member], s_index[(p.date, p.half)])
        for p in chosen
        if p.cdo in c_index and p.member in m_index and (p.date, p.half) in s_index
    }


def _previous_keys(
    problem: RotationProblem, slots: list[tuple[date, str | None]]
) -> set[tuple[int, int, int]]:
    return _keys_of(problem, slots, problem.previous_plan)


def _fixed_keys(
    problem: RotationProblem, slots: list[tuple[date, str | None]]
) -> set[tuple[int, int, int]]:
    return _keys_of(problem, slots, problem.fixed)


def fixed_slot_problems(problem: RotationProblem, params: RotationParams) -> list[Breach]:
    """What is wrong with the slots set by hand (empty when a plan can contain them all):
    unknown CDO or member, a slot outside the working slots, and every hard rule."""
    known_cdos = {c.id for c in problem.cdos}
    known_members = {m.id for m in problem.members}
    possible = set(working_slots(problem))
    found = []
    for slot in problem.fixed:
        if slot.cdo not in known_cdos or slot.member not in known_members:
            found.append(Breach.at(Rule.UNKNOWN, slot))
        elif (slot.date, slot.half) not in possible:
            working = problem.start <= slot.date <= problem.end and slot.date.weekday() < 5
            found.append(Breach.at(Rule.SLOT_KIND if working else Rule.NOT_WORKING_DAY, slot))
    return found or check_plan(problem, params, problem.fixed)


def _greedy(
    problem: RotationProblem,
    params: RotationParams,
    slots: list[tuple[date, str | None]],
    allowed: set[tuple[int, int, int]],
) -> set[tuple[int, int, int]]:
    """A feasible plan to start from: previous slots first, then members by request, each slot
    on a preferred weekday and with the member's CDO where possible."""
    unit = units_per_day(problem)
    left = {m: requested_units(problem, member) for m, member in enumerate(problem.members)}
    busy_cdo: set[tuple[int, int]] = set()
    busy_member: set[tuple[int, int]] = set()
    week_load: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    where: dict[tuple[int, date, str | None], int] = {}
    chosen: set[tuple[int, int, int]] = set()

    def fits(c: int, m: int, s: int) -> bool:
        day, half = slots[s]
        if (c, m, s) not in allowed or (c, s) in busy_cdo or (m, s) in busy_member:
            return False
        limit = math.floor(problem.cdos[c].max_days_per_week * unit + 1e-9)
        if week_load[c, week_of(day)] >= limit or left[m] <= 0:
            return False
        if half is not None:
            other = where.get((c, day, "pm" if half == "am" else "am"))
            if other is not None:
                a, b = problem.members[m], problem.members[other]
                if haversine_km(a.lat, a.lon, b.lat, b.lon) > params.travel_km_max:
                    return False
        return True

    def take(c: int, m: int, s: int) -> None:
        day, half = slots[s]
        chosen.add((c, m, s))
        busy_cdo.add((c, s))
        busy_member.add((m, s))
        week_load[c, week_of(day)] += 1
        where[c, day, half] = m
        left[m] -= 1

    for key in sorted(_fixed_keys(problem, slots)):
        take(*key)  # Checked by the caller (`fixed_slot_problems`): always allowed.
    for key in sorted(_previous_keys(problem, slots)):
        if fits(*key):
            take(*key)
    order = sorted(range(len(problem.members)), key=lambda m: (-left[m], problem.members[m].id))
    for m in order:
        member = problem.members[m]
        ranked = sorted(
            range(len(slots)),
            key=lambda s: (slots[s][0].weekday() not in member.preferred_weekdays, s),
        )
        cdos_used = [c for c, mm, _ in chosen if mm == m]
        cdo_order = sorted(range(len(problem.cdos)), key=lambda c: (c not in cdos_used, c))
        for s in ranked:
            if left[m] <= 0:
                break
            for c in cdo_order:
                if fits(c, m, s):
                    take(c, m, s)
                    cdos_used.append(c)
                    break
    return chosen


def check_plan(
    problem: RotationProblem, params: RotationParams, plan: tuple[Slot, ...]
) -> list[Breach]:
    """Every hard rule the plan breaks (empty when it is valid)."""
    cdos = {c.id: c for c in problem.cdos}
    members = {m.id: m for m in problem.members}
    unit = units_per_day(problem)
    problems: list[Breach] = []
    seen_cdo: set[tuple[str, date, str | None]] = set()
    seen_member: set[tuple[str, date, str | None]] = set()
    week_load: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    week_day: dict[tuple[str, tuple[int, int]], date] = {}
    served: dict[str, int] = defaultdict(int)
    place: dict[tuple[str, date, str | None], str] = {}
    for slot in plan:
        cdo, member = cdos.get(slot.cdo), members.get(slot.member)
        if cdo is None or member is None:
            problems.append(Breach.at(Rule.UNKNOWN, slot))
            continue
        if not problem.start <= slot.date <= problem.end or slot.date.weekday() >= 5:
            problems.append(Breach.at(Rule.NOT_WORKING_DAY, slot))
        if not cdo_can(cdo, slot.date) or not member_can(member, slot.date):
            problems.append(Breach.at(Rule.UNAVAILABLE, slot))
        if (slot.half is None) == problem.half_days:
            problems.append(Breach.at(Rule.SLOT_KIND, slot))
        if (slot.cdo, slot.date, slot.half) in seen_cdo:
            problems.append(Breach(Rule.TWICE, cdo=slot.cdo, day=slot.date, half=slot.half))
        if (slot.member, slot.date, slot.half) in seen_member:
            problems.append(Breach(Rule.TWICE, member=slot.member, day=slot.date, half=slot.half))
        seen_cdo.add((slot.cdo, slot.date, slot.half))
        seen_member.add((slot.member, slot.date, slot.half))
        week_load[slot.cdo, week_of(slot.date)] += 1
        monday = slot.date - timedelta(days=slot.date.weekday())
        week_day.setdefault((slot.cdo, week_of(slot.date)), monday)
        served[slot.member] += 1
        place[slot.cdo, slot.date, slot.half] = slot.member
    for (cdo_id, week), load in week_load.items():
        if load > math.floor(cdos[cdo_id].max_days_per_week * unit + 1e-9):
            problems.append(Breach(Rule.WEEKLY_MAXIMUM, cdo=cdo_id, day=week_day[cdo_id, week]))
    for member_id, units in served.items():
        if units > requested_units(problem, members[member_id]):
            problems.append(Breach(Rule.BEYOND_REQUEST, member=member_id))
    for (cdo_id, day, half), member_id in place.items():
        if half == "am" and (other := place.get((cdo_id, day, "pm"))) is not None:
            a, b = members[member_id], members[other]
            if haversine_km(a.lat, a.lon, b.lat, b.lon) > params.travel_km_max:
                problems.append(Breach(Rule.TOO_FAR, cdo=cdo_id, day=day))
    present = set(plan)
    problems.extend(Breach.at(Rule.FIXED_MISSING, s) for s in problem.fixed if s not in present)
    return problems


def plan_objective(problem: RotationProblem, params: RotationParams, plan: tuple[Slot, ...]) -> int:
    """The objective of a plan, recomputed from the plan alone (not from the solver)."""
    slots = working_slots(problem)
    weeks = sorted({week_of(day) for day, _ in slots})
    wanted = {m.id: requested_units(problem, m) for m in problem.members}
    members = {m.id: m for m in problem.members}
    served: dict[str, int] = defaultdict(int)
    per_week: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    pairs: set[tuple[str, str]] = set()
    total = 0
    previous = {(p.cdo, p.member, p.date, p.half) for p in problem.previous_plan}
    previous_cdos = _previous_cdos(problem)
    for slot in plan:
        served[slot.member] += 1
        per_week[slot.member, week_of(slot.date)] += 1
        pairs.add((slot.cdo, slot.member))
        if slot.date.weekday() in members[slot.member].preferred_weekdays:
            total += params.weight_preferred_weekdays
        if (slot.cdo, slot.member, slot.date, slot.half) in previous:
            total += params.weight_stability
    total += SERVED_UNIT_WEIGHT * sum(served.values())
    asking = [m for m in problem.members if wanted[m.id]]
    if asking:
        total += params.weight_fairness * min(
            RATIO_SCALE * served[m.id] // wanted[m.id] for m in asking
        )
    for cdo_id, member_id in pairs:
        total -= params.weight_continuity
        if members[member_id].same_cdo_as_before and cdo_id in previous_cdos[member_id]:
            total += params.weight_continuity
    for m in asking:
        for week in weeks:
            total -= params.weight_regularity * abs(
                len(weeks) * per_week[m.id, week] - wanted[m.id]
            )
    return total


def _outcomes(problem: RotationProblem, plan: tuple[Slot, ...]) -> tuple[MemberOutcome, ...]:
    unit = units_per_day(problem)
    weeks = sorted({week_of(day) for day, _ in working_slots(problem)})
    previous: dict[str, set[tuple[str, date, str | None]]] = defaultdict(set)
    for p in problem.previous_plan:
        previous[p.member].add((p.cdo, p.date, p.half))
    result = []
    for member in problem.members:
        mine = [slot for slot in plan if slot.member == member.id]
        wanted = requested_units(problem, member)
        per_week: dict[tuple[int, int], int] = defaultdict(int)
        for slot in mine:
            per_week[week_of(slot.date)] += 1
        even = wanted / max(1, len(weeks))
        kept = {(s.cdo, s.date, s.half) for s in mine}
        result.append(
            MemberOutcome(
                member.id,
                wanted / unit,
                len(mine) / unit,
                (wanted - len(mine)) / unit,
                sum(1 for s in mine if s.date.weekday() not in member.preferred_weekdays) / unit
                if member.preferred_weekdays
                else 0.0,
                len({s.cdo for s in mine}),
                len(previous[member.id] - kept),
                sum(1 for week in weeks if abs(per_week[week] - even) > 1),
            )
        )
    return tuple(result)


def _capacity_units(problem: RotationProblem, cdo: Cdo) -> int:
    """Slots a CDO can work in the period: its available working slots, week by week capped
    at its weekly maximum."""
    unit = units_per_day(problem)
    per_week: dict[tuple[int, int], int] = defaultdict(int)
    for day, _ in working_slots(problem):
        if cdo_can(cdo, day):
            per_week[week_of(day)] += 1
    limit = math.floor(cdo.max_days_per_week * unit + 1e-9)
    return sum(min(limit, count) for count in per_week.values())


def _solve_in_two_steps(problem: RotationProblem, params: RotationParams) -> RotationPlan:
    """Large groups: first which CDO serves which member and how many slots (small CP-SAT:
    capacity, requests, one CDO per member where possible, previous pairs kept), then one
    calendar per CDO with the whole model, CDO after CDO, a member's days with an earlier CDO
    closed to the later ones. The bound is the relaxation "every slot a CDO can work is served
    and every soft term at its best", valid but looser than one model's."""
    started = time.perf_counter()
    wanted = [requested_units(problem, m) for m in problem.members]
    capacity = [_capacity_units(problem, c) for c in problem.cdos]
    slots = working_slots(problem)
    # A complete plan at once (greedy), kept if the two steps do no better.
    allowed = {
        (c, m, s)
        for c, cdo in enumerate(problem.cdos)
        for m, member in enumerate(problem.members)
        if wanted[m]
        for s, (day, _) in enumerate(slots)
        if cdo_can(cdo, day) and member_can(member, day)
    }
    greedy_plan = _by_time(_slots_of(problem, _greedy(problem, params, slots, allowed)))
    first_solution = time.perf_counter() - started
    first_limit = min(ALLOCATION_SECONDS_MAX, max(1.0, params.time_limit_s * ALLOCATION_TIME_SHARE))
    allocation, variables = _allocation(problem, params, wanted, capacity, first_limit)
    per_cdo_limit = max(1.0, (params.time_limit_s - first_limit) / len(problem.cdos))
    ordered = _by_time(_calendars(problem, params, allocation, per_cdo_limit))
    if plan_objective(problem, params, greedy_plan) > plan_objective(problem, params, ordered):
        ordered = greedy_plan
    problems = check_plan(problem, params, ordered)
    if problems:
        raise RotationFault("; ".join(str(p) for p in problems[:5]))
    value = plan_objective(problem, params, ordered)
    units_max = min(sum(wanted), sum(capacity))
    bound = (
        SERVED_UNIT_WEIGHT * units_max
        + params.weight_fairness * RATIO_SCALE
        + params.weight_preferred_weekdays * units_max
        + params.weight_stability * len(problem.previous_plan)
    )
    return RotationPlan(
        "optimal" if value >= bound else "feasible",
        value,
        max(bound, value),
        ordered,
        _outcomes(problem, ordered),
        {
            "seconds": time.perf_counter() - started,
            "first_solution_seconds": first_solution,
            "variables": float(variables),
            "two_steps": 1.0,
            "greedy_objective": float(plan_objective(problem, params, greedy_plan)),
        },
    )


def _by_time(slots: Iterable[Slot]) -> tuple[Slot, ...]:
    """Slots by day, half-day and CDO."""
    return tuple(
        sorted(
            slots,
            key=lambda slot: (slot.date, HALVES.index(slot.half) if slot.half else 0, slot.cdo),
        )
    )


def _allocation(
    problem: RotationProblem,
    params: RotationParams,
    wanted: list[int],
    capacity: list[int],
    seconds: float,
) -> tuple[dict[tuple[int, int], int], int]:
    """The first step: how many slots each CDO gives each member (CDO, member → slots), and
    how many pairs the model weighed."""
    slots = working_slots(problem)
    model = cp_model.CpModel()
    share: dict[tuple[int, int], cp_model.IntVar] = {}
    uses: dict[tuple[int, int], cp_model.IntVar] = {}
    previous = _previous_cdos(problem)
    objective = []
    for c, cdo in enumerate(problem.cdos):
        for m, member in enumerate(problem.members):
            if not wanted[m]:
                continue
            common = sum(1 for day, _ in slots if cdo_can(cdo, day) and member_can(member, day))
            top = min(wanted[m], capacity[c], common)
            if top <= 0:
                continue
            share[c, m] = model.new_int_var(0, top, f"a{c}_{m}")
            uses[c, m] = model.new_bool_var(f"y{c}_{m}")
            model.add(share[c, m] <= top * uses[c, m])
            objective.append(SERVED_UNIT_WEIGHT * share[c, m])
            # One face per member, near ones first, previous pairs kept.
            distance = haversine_km(cdo.lat, cdo.lon, member.lat, member.lon)
            cost = params.weight_continuity * 10 + round(distance)
            if cdo.id in previous[member.id]:
                cost -= params.weight_stability * 10
            objective.append(-cost * uses[c, m])
    # Stability: each (CDO, member) keeps up to its slots of the previous plan, so a re-plan
    # only moves what a change forces (worth as much as the calendars' stability terms).
    previous_count = Counter((c, m) for c, m, _ in _previous_keys(problem, slots))
    for key, count in previous_count.items():
        if key in share:
            kept = model.new_int_var(0, count, f"k{key[0]}_{key[1]}")
            model.add(kept <= share[key])
            objective.append(params.weight_stability * 10 * kept)
    fixed_count = Counter((c, m) for c, m, _ in _fixed_keys(problem, slots))
    for key, count in fixed_count.items():
        if key not in share:
            raise RotationFault(f"slots set by hand for {key} that the pair cannot work")
        model.add(share[key] >= count)  # Slots set by hand stay with their CDO.
    for c in range(len(problem.cdos)):
        row = [var for (cc, _), var in share.items() if cc == c]
        if row:
            model.add(sum(row) <= capacity[c])
    for m in range(len(problem.members)):
        column = [var for (_, mm), var in share.items() if mm == m]
        if column:
            model.add(sum(column) <= wanted[m])
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = params.seed
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.max_time_in_seconds = 2 * seconds + 5
    status = solver.solve(model)
    allocation = (
        {key: int(solver.value(var)) for key, var in share.items() if solver.value(var) > 0}
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        else {}
    )
    return allocation, len(share)


def _calendars(
    problem: RotationProblem,
    params: RotationParams,
    allocation: dict[tuple[int, int], int],
    seconds_per_cdo: float,
) -> list[Slot]:
    """The second step: each CDO's calendar with the whole model on its members' shares, CDO
    after CDO; a member's days taken by an earlier CDO, or set by hand with another, are closed
    to it."""
    unit = units_per_day(problem)
    member_index = {member.id: m for m, member in enumerate(problem.members)}
    closed: dict[int, set[date]] = defaultdict(set)
    closed_elsewhere: dict[tuple[int, int], set[date]] = defaultdict(set)
    for slot in problem.fixed:
        for c, cdo in enumerate(problem.cdos):
            if cdo.id != slot.cdo:
                closed_elsewhere[c, member_index[slot.member]].add(slot.date)
    plan: list[Slot] = []
    for c, cdo in enumerate(problem.cdos):
        mine = [(m, units) for (cc, m), units in sorted(allocation.items()) if cc == c]
        if not mine:
            continue
        members = tuple(
            replace(
                problem.members[m],
                days=units / unit,
                unavailable=problem.members[m].unavailable
                | frozenset(closed[m])
                | frozenset(closed_elsewhere[c, m]),
            )
            for m, units in mine
        )
        part = _solve_whole(
            RotationProblem(
                problem.start,
                problem.end,
                problem.half_days,
                (cdo,),
                members,
                tuple(s for s in problem.previous_plan if s.cdo == cdo.id),
                tuple(s for s in problem.fixed if s.cdo == cdo.id),
            ),
            replace(params, time_limit_s=seconds_per_cdo),
        )
        plan.extend(part.slots)
        for slot in part.slots:
            closed[member_index[slot.member]].add(slot.date)
    return plan
