"""Shared-CDO rotations: known optima, holidays, stability on re-plan, random instances checked
by an independent checker, and the file interface's refusals."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from matching import cdo_rotation
from matching.cdo_rotation import (
    WHOLE_MODEL_VARIABLES_MAX,
    Cdo,
    Member,
    RotationParams,
    RotationProblem,
    solve,
)
from matching.files import ProblemError
from matching.rotation_files import read_rotation_problem, write_plan
from tests.unit.matching.rotation_checker import violations
from timebank.geography import public_holidays

STRASBOURG = (48.58, 7.75)
COLMAR = (48.08, 7.36)
METZ = (49.12, 6.18)


def member(
    mid: str,
    days: float,
    *,
    at: tuple[float, float] = STRASBOURG,
    preferred: tuple[int, ...] = (),
    unavailable: tuple[date, ...] = (),
    alsace_moselle: bool = False,
    years: tuple[int, ...] = (2025, 2026, 2027),
) -> Member:
    holidays = frozenset(d for y in years for d in public_holidays(y, alsace_moselle))
    return Member(mid, days, frozenset(preferred), frozenset(unavailable), at[0], at[1], holidays)


def cdo(cid: str, per_week: float, *, unavailable: tuple[date, ...] = ()) -> Cdo:
    return Cdo(cid, frozenset(unavailable), per_week, *STRASBOURG)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def test_known_optimum_when_capacity_is_short() -> None:
    # One week of whole days, the CDO works 3: 4 days asked, 3 served, one each at least.
    problem = RotationProblem(
        date(2027, 1, 4),
        date(2027, 1, 8),
        False,
        (cdo("c", 3),),
        (member("a", 2), member("b", 2)),
    )
    plan = solve(problem, RotationParams(time_limit_s=10))
    assert plan.status == "optimal" and plan.bound == plan.objective
    assert sorted(m.served for m in plan.members) == [1.0, 2.0]
    assert sum(m.shortfall for m in plan.members) == 1.0
    assert not violations(problem, RotationParams(), plan.slots, alsace_moselle={"a": 0, "b": 0})


def test_every_request_met_on_preferred_days_when_possible() -> None:
    problem = RotationProblem(
        date(2027, 1, 4),
        date(2027, 1, 29),
        False,
        (cdo("c", 4),),
        (member("a", 4, preferred=(0,)), member("b", 4, preferred=(2,))),
    )
    plan = solve(problem, RotationParams(time_limit_s=10))
    assert plan.status == "optimal"
    assert all(m.shortfall == 0 and m.off_preferred_days == 0 for m in plan.members)
    assert {s.date.weekday() for s in plan.slots if s.member == "a"} == {0}
    assert all(m.uneven_weeks == 0 for m in plan.members)  # One a week, every week.


@pytest.mark.parametrize(
    ("first", "last", "holiday", "alsace_moselle", "working_days"),
    [
        (date(2027, 7, 12), date(2027, 7, 16), date(2027, 7, 14), False, 4),  # Fête nationale.
        (date(2027, 3, 29), date(2027, 4, 2), date(2027, 3, 29), False, 4),  # Lundi de Pâques.
        # Alsace-Moselle: 25 and 26 December both off.
        (date(2025, 12, 22), date(2025, 12, 26), date(2025, 12, 26), True, 3),
        (date(2027, 3, 22), date(2027, 3, 26), date(2027, 3, 26), True, 4),  # Vendredi saint.
    ],
)
def test_no_slot_on_public_holidays(
    first: date, last: date, holiday: date, alsace_moselle: bool, working_days: int
) -> None:
    problem = RotationProblem(
        first, last, False, (cdo("c", 5),), (member("m", 5, alsace_moselle=alsace_moselle),)
    )
    plan = solve(problem, RotationParams(time_limit_s=10))
    assert holiday not in {s.date for s in plan.slots}
    assert plan.members[0].served == working_days  # Every other working day, no more.


def test_26_december_is_worked_outside_alsace_moselle() -> None:
    problem = RotationProblem(
        date(2025, 12, 26), date(2025, 12, 26), False, (cdo("c", 5),), (member("m", 1),)
    )
    assert [s.date for s in solve(problem, RotationParams(time_limit_s=10)).slots] == [
        date(2025, 12, 26)
    ]


def test_half_days_of_one_day_stay_within_the_travel_limit() -> None:
    # Strasbourg–Metz ≈ 130 km: one CDO never does both on the same day.
    problem = RotationProblem(
        date(2027, 1, 4),
        date(2027, 1, 8),
        True,
        (cdo("c", 5),),
        (member("s", 2.5), member("m", 2.5, at=METZ)),
    )
    params = RotationParams(travel_km_max=50, time_limit_s=10)
    plan = solve(problem, params)
    assert not violations(problem, params, plan.slots, alsace_moselle={"s": 0, "m": 0})
    # Five days, each at one member only: 2 + 2 whole days, and on the fifth one half-day (its
    # other half would need the far member). 4.5 days is the optimum.
    assert plan.status == "optimal"
    assert sum(m.served for m in plan.members) == 4.5
    by_day: dict[date, set[str]] = {}
    for s in plan.slots:
        by_day.setdefault(s.date, set()).add(s.member)
    assert all(len(members) == 1 for members in by_day.values())


def _random_problem(rng: random.Random, half_days: bool) -> tuple[RotationProblem, dict[str, bool]]:
    first = date(2027, 1, 4) + timedelta(weeks=rng.randint(0, 20))
    last = first + timedelta(days=rng.randint(4, 27))
    cdos = tuple(
        Cdo(
            f"c{i}",
            frozenset(rng.sample(days_between(first, last), rng.randint(0, 3))),
            rng.choice([2, 3, 4, 2.5]) if half_days else rng.choice([2, 3, 4]),
            *STRASBOURG,
        )
        for i in range(rng.randint(1, 3))
    )
    flags = {f"m{j}": rng.random() < 0.4 for j in range(rng.randint(1, 6))}
    members = tuple(
        member(
            mid,
            rng.randint(0, 8) / (2 if half_days else 1),
            at=rng.choice([STRASBOURG, COLMAR, METZ]),
            preferred=tuple(rng.sample(range(5), rng.randint(0, 2))),
            unavailable=tuple(rng.sample(days_between(first, last), rng.randint(0, 4))),
            alsace_moselle=flag,
        )
        for mid, flag in flags.items()
    )
    return RotationProblem(first, last, half_days, cdos, members), flags


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(30))
def test_random_plans_respect_every_hard_rule(seed: int) -> None:
    rng = random.Random(seed)
    problem, flags = _random_problem(rng, half_days=seed % 2 == 0)
    params = RotationParams(travel_km_max=rng.choice([20, 80, 200]), time_limit_s=3)
    plan = solve(problem, params)
    assert violations(problem, params, plan.slots, alsace_moselle=flags) == []
    assert plan.bound >= plan.objective
    for outcome in plan.members:
        assert outcome.served + outcome.shortfall == outcome.requested
    again = solve(problem, params)
    assert write_plan(again) == write_plan(plan)  # Deterministic: one worker, fixed seed.


@pytest.mark.parametrize("seed", range(12))
def test_two_step_plans_respect_every_hard_rule(seed: int) -> None:
    """Large groups are planned CDO by CDO after an allocation: forced here on small ones."""
    rng = random.Random(1000 + seed)
    problem, flags = _random_problem(rng, half_days=seed % 2 == 0)
    extra = Cdo("extra", frozenset(), 2, *COLMAR)
    problem = RotationProblem(
        problem.start, problem.end, problem.half_days, (*problem.cdos, extra), problem.members
    )
    params = RotationParams(
        whole_model_variables_max=0, travel_km_max=rng.choice([20, 80, 200]), time_limit_s=4
    )
    plan = solve(problem, params)
    assert plan.stats["two_steps"] == 1.0
    assert violations(problem, params, plan.slots, alsace_moselle=flags) == []
    assert plan.objective <= plan.bound
    whole = cdo_rotation._solve_whole(problem, params)
    assert plan.objective <= whole.bound  # Never above what one model proves possible.


def test_replanning_after_an_absence_moves_only_the_slots_it_must() -> None:
    first, last = date(2027, 1, 4), date(2027, 1, 29)
    members = (member("a", 5, preferred=(0,)), member("b", 5, preferred=(3,)), member("c", 3))
    problem = RotationProblem(first, last, False, (cdo("x", 4),), members)
    params = RotationParams(time_limit_s=20)
    before = solve(problem, params)
    absent = tuple(days_between(date(2027, 1, 11), date(2027, 1, 15)))
    forced = sum(1 for s in before.slots if s.date in absent)
    assert forced > 0
    changed = RotationProblem(
        first, last, False, (cdo("x", 4, unavailable=absent),), members, before.slots
    )
    after = solve(changed, params)
    fresh = solve(RotationProblem(first, last, False, changed.cdos, members), params)
    moved = len(set(before.slots) - set(after.slots))
    moved_without_stability = len(set(before.slots) - set(fresh.slots))
    assert moved == forced  # The minimum: only the slots of the absent week.
    assert moved <= moved_without_stability
    assert sum(m.previous_slots_moved for m in after.members) == forced


@pytest.mark.parametrize("two_steps", [False, True])
def test_slots_set_by_hand_are_kept_and_the_rest_replanned_stably(
    two_steps: bool,
) -> None:
    first, last = date(2027, 1, 4), date(2027, 1, 29)
    members = (member("a", 5, preferred=(0,)), member("b", 5, preferred=(3,)), member("c", 3))
    cdos = (cdo("x", 3), cdo("y", 2))
    problem = RotationProblem(first, last, False, cdos, members)
    params = RotationParams(
        whole_model_variables_max=0 if two_steps else WHOLE_MODEL_VARIABLES_MAX, time_limit_s=10
    )
    before = solve(problem, params)
    # The coordinator moves "c" onto a Friday the plan had not given it, with CDO "y".
    taken = {(s.cdo, s.date) for s in before.slots} | {(s.member, s.date) for s in before.slots}
    friday = next(
        d
        for d in days_between(first, last)
        if d.weekday() == 4 and ("y", d) not in taken and ("c", d) not in taken
    )
    by_hand = cdo_rotation.Slot("y", "c", friday, None)
    changed = RotationProblem(first, last, False, cdos, members, before.slots, (by_hand,))
    assert cdo_rotation.fixed_slot_problems(changed, params) == []
    after = solve(changed, params)
    assert by_hand in after.slots
    assert (
        violations(changed, params, after.slots, alsace_moselle=dict.fromkeys("abc", False)) == []
    )
    assert cdo_rotation.check_plan(changed, params, after.slots) == []
    moved = len(set(before.slots) - set(after.slots))
    fresh = solve(RotationProblem(first, last, False, cdos, members, fixed=(by_hand,)), params)
    assert by_hand in fresh.slots
    # Stability: the re-plan keeps more of the plan than planning afresh would.
    assert 1 <= moved < len(set(before.slots) - set(fresh.slots))


def test_slots_set_by_hand_on_a_holiday_are_refused() -> None:
    members = (member("a", 2),)
    problem = RotationProblem(
        date(2027, 7, 12),
        date(2027, 7, 16),
        False,
        (cdo("x", 4),),
        members,
        fixed=(cdo_rotation.Slot("x", "a", date(2027, 7, 14), None),),
    )
    found = cdo_rotation.fixed_slot_problems(problem, RotationParams())
    assert found and found[0].rule is cdo_rotation.Rule.UNAVAILABLE
    assert found[0].day == date(2027, 7, 14) and found[0].cdo == "x"


def _holidays(year: int, alsace_moselle: bool) -> frozenset[date]:
    return public_holidays(year, alsace_moselle)


PROBLEM = {
    "start": "2027-01-04",
    "end": "2027-03-26",
    "slot": "half_day",
    "cdos": [
        {
            "id": "cdo1",
            "unavailable": ["2027-01-15"],
            "max_days_per_week": 4,
            "lat": 48.58,
            "lon": 7.75,
        }
    ],
    "members": [
        {
            "id": "m1",
            "days": 6.5,
            "preferred_weekdays": [0, 2],
            "unavailable": [],
            "lat": 48.6,
            "lon": 7.7,
            "alsace_moselle": True,
        }
    ],
    "previous_plan": [{"cdo": "cdo1", "member": "m1", "date": "2027-01-05", "half": "am"}],
    "params": {"travel_km_max": 50, "time_limit_s": 60, "seed": 0},
}


@pytest.mark.parametrize(
    ("change", "record", "field"),
    [
        (lambda p: p.update(end="2027-01-01"), "problem", "end"),
        (lambda p: p.update(end="2028-02-01"), "problem", "end"),
        (lambda p: p["members"][0].update(days=200), "members[0]", "days"),
        (lambda p: p["members"][0].update(days=1.25), "members[0]", "days"),
        (lambda p: p["previous_plan"][0].update(member="m9"), "previous_plan[0]", "member"),
        (
            lambda p: p["members"][0].update(
                unavailable=[
                    {"start": "2027-02-01", "end": "2027-02-10"},
                    {"start": "2027-02-08", "end": "2027-02-12"},
                ]
            ),
            "members[0]",
            "unavailable[1]",
        ),
        (lambda p: p["members"].append(dict(p["members"][0])), "members[1]", "id"),
        (lambda p: p["cdos"][0].update(lat=95), "cdos[0]", "lat"),
        (lambda p: p.update(slot="hour"), "problem", "slot"),
        (
            lambda p: p["members"][0].update(preferred_weekdays=[7]),
            "members[0]",
            "preferred_weekdays",
        ),
        (lambda p: p["params"].update(time_limit_s=0), "params", "time_limit_s"),
        (
            lambda p: p.update(
                fixed=[{"cdo": "cdo1", "member": "m1", "date": "2027-01-15", "half": "am"}]
            ),
            "problem",
            "fixed",
        ),
        (lambda p: p.update(fixed=[{"cdo": "cdo9"}]), "fixed[0]", "cdo"),
    ],
)
def test_bad_rotation_files_name_the_record_and_field(
    change: object, record: str, field: str
) -> None:
    problem = json.loads(json.dumps(PROBLEM))
    change(problem)  # type: ignore[operator]
    with pytest.raises(ProblemError) as caught:
        read_rotation_problem(problem, holidays_of=_holidays)
    assert (caught.value.record, caught.value.field) == (record, field)
    assert caught.value.message_fr and caught.value.message_en


def test_command_line_plans_a_file(tmp_path: Path) -> None:
    source, target = tmp_path / "problem.json", tmp_path / "plan.json"
    source.write_text(json.dumps(PROBLEM))
    root = Path(__file__).resolve().parents[3]
    command = [sys.executable, "-m", "web.cli", "rotation", "solve", str(source), "-o", str(target)]
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin"}
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, env=env)
    assert result.returncode == 0, result.stderr
    plan = json.loads(target.read_text())
    assert plan["status"] == "optimal"
    assert plan["members"] == [
        {
            "id": "m1",
            "requested": 6.5,
            "served": 6.5,
            "shortfall": 0.0,
            "unmet": {
                "off_preferred_days": 0.5,  # The previous plan's Tuesday morning is kept.
                "cdos": 1,
                "previous_slots_moved": 0,
                "uneven_weeks": plan["members"][0]["unmet"]["uneven_weeks"],
            },
        }
    ]
    assert {"cdo": "cdo1", "member": "m1", "date": "2027-01-05", "half": "am"} in plan["slots"]
    source.write_text("{broken")
    broken = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, env=env)
    assert broken.returncode == 1
    assert "line 1" in broken.stderr
    assert not target.read_text().startswith("{broken")


def test_a_breach_is_worded_in_french_with_names_and_french_dates() -> None:
    breach = cdo_rotation.Breach(
        cdo_rotation.Rule.UNAVAILABLE, cdo="12", member="34", day=date(2026, 12, 24), half="am"
    )
    french, english = breach.words({"12": "Claire Dumas", "34": "Brasserie d'Alsace"})
    assert french == (
        "Claire Dumas chez Brasserie d'Alsace le 24/12/2026 (matin) : "
        "jour d'indisponibilité ou férié"
    )
    assert english.startswith("Claire Dumas at Brasserie d'Alsace on 2026-12-24 (morning)")
    for rule in cdo_rotation.Rule:  # Every rule has its words, with no code or repr in them.
        words = cdo_rotation.Breach(rule, cdo="12", day=date(2026, 12, 24)).words()
        assert all(words) and not any("Slot(" in w or "datetime" in w for w in words)
