"""The file interface of skill matching: JSON problem in, JSON solution out.

Other tools produce these files, so the names are fixed (more optional fields are accepted and
ignored). Every refusal names the record and the field.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Final

import orjson

from matching.model import (
    LEVEL_MAX,
    LEVEL_MIN,
    PAIRS_KEPT_MAX,
    PRIORITY_MAX,
    PRIORITY_MIN,
    MatchParams,
    MatchSolution,
    Need,
    RequiredSkill,
    Volunteer,
)
from matching.side_constraints import SIDE_GAP_DEFAULT

RECORDS_MAX: Final = 1_000_000
HOURS_MAX: Final = 10_000
TIME_LIMIT_SECONDS_MAX: Final = 3600.0
SKILLS_PER_NEED_MAX: Final = 20
WEIGHT_MAX: Final = 100
# A skill code is any label the file's producer uses (not only the shipped taxonomy's codes).
SKILL_CODE_LENGTH_MAX: Final = 100


class ProblemError(ValueError):
    """A problem file that cannot be solved as it is: which record, which field, why."""

    def __init__(self, record: str, field: str, message_fr: str, message_en: str) -> None:
        super().__init__(f"{record}: {field}: {message_en}")
        self.record = record
        self.field = field
        self.message_fr = message_fr
        self.message_en = message_en


def _get(item: dict[str, Any], record: str, name: str, kind: type | tuple[type, ...]) -> Any:
    if name not in item:
        raise ProblemError(record, name, "champ manquant", "missing field")
    value = item[name]
    if isinstance(value, bool) and kind is not bool:
        raise ProblemError(record, name, "type invalide", "wrong type")
    if not isinstance(value, kind):
        raise ProblemError(record, name, "type invalide", "wrong type")
    return value


def _hours(item: dict[str, Any], record: str) -> int:
    hours = _get(item, record, "hours", int)
    if not 0 <= hours <= HOURS_MAX:
        raise ProblemError(
            record, "hours", f"heures hors de [0, {HOURS_MAX}]", f"hours outside [0, {HOURS_MAX}]"
        )
    return int(hours)


def _place(item: dict[str, Any], record: str) -> tuple[float, float]:
    lat = float(_get(item, record, "lat", (int, float)))
    lon = float(_get(item, record, "lon", (int, float)))
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise ProblemError(record, "lat", "latitude hors limites", "latitude out of range")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise ProblemError(record, "lon", "longitude hors limites", "longitude out of range")
    return lat, lon


def _level(value: Any, record: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not LEVEL_MIN <= value <= LEVEL_MAX:
        raise ProblemError(record, field, "niveau hors de 1–4", "level outside 1–4")
    return value


def _skill_code_shaped(code: Any) -> bool:
    return type(code) is str and 0 < len(code) <= SKILL_CODE_LENGTH_MAX


def _skill(code: Any, record: str, field: str, known: frozenset[str] | None) -> str:
    """A skill code: any non-empty label up to SKILL_CODE_LENGTH_MAX characters, and one of
    `known` when the caller gives a list."""
    if not _skill_code_shaped(code):
        raise ProblemError(
            record,
            field,
            f"code de compétence vide ou de plus de {SKILL_CODE_LENGTH_MAX} caractères",
            f"skill code empty or longer than {SKILL_CODE_LENGTH_MAX} characters",
        )
    if known is not None and code not in known:
        raise ProblemError(
            record,
            field,
            f"compétence inconnue : {str(code)[:60]}",
            f"unknown skill: {str(code)[:60]}",
        )
    return str(code)


def _number_in(value: Any, low: float, high: float) -> bool:
    return (type(value) is float or type(value) is int) and low <= value <= high


def _volunteer_plain(item: Any, known: frozenset[str] | None) -> Volunteer | None:
    """The volunteer when every field is plainly right (the usual case, checked without the
    per-field calls), else None: then `_volunteer` checks it field by field and says what is
    wrong. Never accepts what `_volunteer` refuses."""
    if type(item) is not dict:
        return None
    skills, languages = item.get("skills"), item.get("languages")
    if type(skills) is not dict or type(languages) is not list or not languages:
        return None
    for code, level in skills.items():
        if (
            not _skill_code_shaped(code)
            or (known is not None and code not in known)
            or type(level) is not int
            or not LEVEL_MIN <= level <= LEVEL_MAX
        ):
            return None
    for code in languages:
        if type(code) is not str:
            return None
    lat, lon, radius = item.get("lat"), item.get("lon"), item.get("radius_km")
    hours, remote = item.get("hours"), item.get("remote")
    if not (
        _number_in(lat, -90, 90)
        and _number_in(lon, -180, 180)
        and _number_in(radius, 0, sys.float_info.max)
        and type(hours) is int
        and 0 <= hours <= HOURS_MAX
        and type(remote) is bool
        and type(item.get("id")) is str
        and type(item.get("company")) is str
    ):
        return None
    return Volunteer(
        id=item["id"],
        company=item["company"],
        skills=dict(skills),
        hours=hours,
        remote=remote,
        lat=float(item["lat"]),
        lon=float(item["lon"]),
        radius_km=float(item["radius_km"]),
        languages=frozenset(languages),
    )


def _volunteer(item: Any, position: int, known: frozenset[str] | None) -> Volunteer:
    plain = _volunteer_plain(item, known)
    return plain if plain is not None else _volunteer_checked(item, position, known)


def _volunteer_checked(item: Any, position: int, known: frozenset[str] | None) -> Volunteer:
    record = f"volunteers[{position}]"
    if not isinstance(item, dict):
        raise ProblemError(record, "", "objet attendu", "object expected")
    skills_raw = _get(item, record, "skills", dict)
    skills = {
        _skill(code, record, f"skills.{code}", known): _level(level, record, f"skills.{code}")
        for code, level in skills_raw.items()
    }
    lat, lon = _place(item, record)
    radius = float(_get(item, record, "radius_km", (int, float)))
    if not (math.isfinite(radius) and radius >= 0):
        raise ProblemError(record, "radius_km", "rayon négatif", "negative radius")
    languages = _get(item, record, "languages", list)
    if not languages or not all(isinstance(code, str) for code in languages):
        raise ProblemError(record, "languages", "langues manquantes", "languages missing")
    return Volunteer(
        id=str(_get(item, record, "id", str)),
        company=str(_get(item, record, "company", str)),
        skills=skills,
        hours=_hours(item, record),
        remote=bool(_get(item, record, "remote", bool)),
        lat=lat,
        lon=lon,
        radius_km=radius,
        languages=frozenset(languages),
    )


def _need(item: Any, position: int, known: frozenset[str] | None) -> Need:
    record = f"needs[{position}]"
    if not isinstance(item, dict):
        raise ProblemError(record, "", "objet attendu", "object expected")
    skills_raw = _get(item, record, "skills", list)
    if not skills_raw:
        raise ProblemError(record, "skills", "aucune compétence demandée", "no required skill")
    if len(skills_raw) > SKILLS_PER_NEED_MAX:
        raise ProblemError(
            record,
            "skills",
            f"plus de {SKILLS_PER_NEED_MAX} compétences demandées",
            f"more than {SKILLS_PER_NEED_MAX} required skills",
        )
    skills = []
    for index, skill in enumerate(skills_raw):
        field = f"skills[{index}]"
        if not isinstance(skill, dict):
            raise ProblemError(record, field, "objet attendu", "object expected")
        weight = _get(skill, record, "weight", int) if "weight" in skill else 1
        if not 1 <= weight <= WEIGHT_MAX:
            raise ProblemError(
                record,
                f"{field}.weight",
                f"poids hors de 1–{WEIGHT_MAX}",
                f"weight outside 1–{WEIGHT_MAX}",
            )
        skills.append(
            RequiredSkill(
                _skill(skill.get("skill"), record, f"{field}.skill", known),
                _level(skill.get("min_level"), record, f"{field}.min_level"),
                int(weight),
            )
        )
    priority = _get(item, record, "priority", int) if "priority" in item else 5
    if not PRIORITY_MIN <= priority <= PRIORITY_MAX:
        raise ProblemError(record, "priority", "priorité hors de 1–10", "priority outside 1–10")
    lat, lon = _place(item, record)
    return Need(
        id=str(_get(item, record, "id", str)),
        company=str(_get(item, record, "company", str)),
        skills=tuple(skills),
        hours=_hours(item, record),
        remote=bool(_get(item, record, "remote", bool)),
        lat=lat,
        lon=lon,
        language=str(_get(item, record, "language", str)),
        priority=int(priority),
    )


def _params(raw: Any) -> MatchParams:
    if raw is None:
        return MatchParams()
    if not isinstance(raw, dict):
        raise ProblemError("params", "", "objet attendu", "object expected")
    team = raw.get("max_team_size")
    minimum = raw.get("min_assignment_hours")
    for name, value in (("max_team_size", team), ("min_assignment_hours", minimum)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ProblemError(
                "params", name, "entier ≥ 1 ou null attendu", "integer ≥ 1 or null expected"
            )
    limit = raw.get("time_limit_s", 60)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int | float)
        or not (0 < limit <= TIME_LIMIT_SECONDS_MAX)
    ):
        raise ProblemError(
            "params", "time_limit_s", "durée hors limites", "time limit out of range"
        )
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise ProblemError("params", "seed", "entier ≥ 0 attendu", "integer ≥ 0 expected")
    gap = raw.get("relative_gap_limit", 0.0)
    if isinstance(gap, bool) or not isinstance(gap, int | float) or not 0 <= gap < 1:
        raise ProblemError(
            "params",
            "relative_gap_limit",
            "écart relatif hors de [0, 1[",
            "relative gap outside [0, 1)",
        )
    side_gap = raw.get("side_gap", SIDE_GAP_DEFAULT)
    if isinstance(side_gap, bool) or not isinstance(side_gap, int | float) or not 0 <= side_gap < 1:
        raise ProblemError(
            "params", "side_gap", "écart relatif hors de [0, 1[", "relative gap outside [0, 1)"
        )
    side_pairs = raw.get("side_pairs_max", PAIRS_KEPT_MAX)
    if (
        isinstance(side_pairs, bool)
        or not isinstance(side_pairs, int)
        or not (0 <= side_pairs <= PAIRS_KEPT_MAX)
    ):
        raise ProblemError(
            "params",
            "side_pairs_max",
            f"entier de 0 à {PAIRS_KEPT_MAX} attendu",
            f"integer from 0 to {PAIRS_KEPT_MAX} expected",
        )
    return MatchParams(
        max_team_size=team,
        min_assignment_hours=minimum,
        one_need_per_volunteer=bool(raw.get("one_need_per_volunteer", False)),
        time_limit_s=float(limit),
        seed=seed,
        relative_gap_limit=float(gap),
        side_gap=float(side_gap),
        side_pairs_max=side_pairs,
    )


def read_problem(
    data: Any, *, known_skills: frozenset[str] | None
) -> tuple[list[Volunteer], list[Need], MatchParams]:
    """Validate a decoded problem document; raise ProblemError on the first bad field."""
    if not isinstance(data, dict):
        raise ProblemError("problem", "", "objet JSON attendu", "JSON object expected")
    raw_volunteers = data.get("volunteers", [])
    raw_needs = data.get("needs", [])
    if not isinstance(raw_volunteers, list) or len(raw_volunteers) > RECORDS_MAX:
        raise ProblemError("problem", "volunteers", "liste attendue", "list expected")
    if not isinstance(raw_needs, list) or len(raw_needs) > RECORDS_MAX:
        raise ProblemError("problem", "needs", "liste attendue", "list expected")
    volunteers = [_volunteer(item, i, known_skills) for i, item in enumerate(raw_volunteers)]
    needs = [_need(item, i, known_skills) for i, item in enumerate(raw_needs)]
    ids: list[tuple[str, list[str]]] = [
        ("volunteers", [v.id for v in volunteers]),
        ("needs", [n.id for n in needs]),
    ]
    for name, record_ids in ids:
        seen: set[str] = set()
        for position, record_id in enumerate(record_ids):
            if record_id in seen:
                raise ProblemError(
                    f"{name}[{position}]",
                    "id",
                    f"identifiant en double : {record_id}",
                    f"duplicate id: {record_id}",
                )
            seen.add(record_id)
    return volunteers, needs, _params(data.get("params"))


def write_solution(solution: MatchSolution) -> dict[str, Any]:
    return {
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "assignments": [
            {
                "volunteer": a.volunteer,
                "need": a.need,
                "hours": a.hours,
                "score_per_hour": a.score_per_hour,
                "explanation": {
                    "skills": [
                        {
                            "skill": s.skill,
                            "level": s.level,
                            "min_level": s.min_level,
                            "weight": s.weight,
                        }
                        for s in a.explanation.skills
                    ],
                    "remote": a.explanation.remote,
                    "distance_km": a.explanation.distance_km,
                    "language": a.explanation.language,
                    "hours": a.explanation.hours,
                },
            }
            for a in solution.assignments
        ],
    }


def solution_json(solution: MatchSolution) -> bytes:
    """`write_solution`'s document as compact UTF-8 JSON, written straight from the solver's
    records (their field names are the file's; a test holds the two to the same bytes): a
    third of the time of building the dictionaries first on large solutions."""
    return orjson.dumps(
        {
            "status": solution.status,
            "objective": solution.objective,
            "bound": solution.bound,
            "assignments": solution.assignments,
        },
        option=orjson.OPT_SERIALIZE_NUMPY,  # A NumPy integer slipping in is still a number.
    )
