"""Each assignment explained: the skills met and at which level, remote or the distance, the
language, the hours (`docs/matching.md`, "Explanations")."""

from __future__ import annotations

from typing import Any

from matching.geo import haversine_km
from matching.model import Assignment, Explanation, Need, SkillMet, Volunteer


def explain_assignments(
    volunteers: list[Volunteer], needs: list[Need], volunteer_rows: Any, need_rows: Any, hours: Any
) -> tuple[Assignment, ...]:
    """The explained assignments of the pairs given hours, sorted by need then volunteer id.

    A skill met at a given level is the same immutable record wherever it appears, built once.
    """
    met_records: dict[tuple[str, int, int, int], SkillMet] = {}
    result = []
    for v, n, amount in zip(
        volunteer_rows.tolist(), need_rows.tolist(), hours.tolist(), strict=True
    ):
        volunteer, need = volunteers[v], needs[n]
        levels = volunteer.skills
        met, score = [], 0
        for r in need.skills:
            level = levels.get(r.skill, 0)
            if level >= r.min_level:
                key = (r.skill, level, r.min_level, r.weight)
                record = met_records.get(key)
                if record is None:
                    record = met_records[key] = SkillMet(*key)
                met.append(record)
                score += r.weight * (1 + level - r.min_level)
        distance = haversine_km(volunteer.lat, volunteer.lon, need.lat, need.lon)
        result.append(
            Assignment(
                volunteer.id,
                need.id,
                amount,
                score,
                Explanation(
                    tuple(met),
                    need.remote and volunteer.remote,
                    round(distance, 1),
                    need.language,
                    amount,
                ),
            )
        )
    result.sort(key=lambda a: (a.need, a.volunteer))
    return tuple(result)
