"""Instances for the matching tests: volunteers and needs built by hand, small random ones (a
brute force can check them) and medium ones (a simplex code can)."""

from __future__ import annotations

import random

from matching.skill_match import Need, RequiredSkill, Volunteer

PARIS = (48.8566, 2.3522)
LYON = (45.764, 4.8357)


def volunteer(
    vid: str,
    company: str,
    skills: dict[str, int],
    hours: int,
    *,
    remote: bool = True,
    at: tuple[float, float] = PARIS,
    radius_km: float = 30,
    languages: tuple[str, ...] = ("fr",),
) -> Volunteer:
    return Volunteer(
        vid, company, skills, hours, remote, at[0], at[1], radius_km, frozenset(languages)
    )


def need(
    nid: str,
    company: str,
    skills: list[tuple[str, int, int]],
    hours: int,
    *,
    remote: bool = True,
    at: tuple[float, float] = PARIS,
    language: str = "fr",
    priority: int = 5,
) -> Need:
    return Need(
        nid,
        company,
        tuple(RequiredSkill(*s) for s in skills),
        hours,
        remote,
        at[0],
        at[1],
        language,
        priority,
    )


def random_instance(rng: random.Random) -> tuple[list[Volunteer], list[Need]]:
    skills = ["seo", "web-dev", "crm"]
    volunteers = [
        volunteer(
            f"v{i}",
            f"c{rng.randint(0, 3)}",
            {s: rng.randint(1, 4) for s in rng.sample(skills, rng.randint(1, 2))},
            rng.randint(0, 3),
            remote=rng.random() < 0.6,
            at=(48 + rng.random(), 2 + rng.random()),
            radius_km=rng.choice([20, 80]),
            languages=tuple(rng.sample(["fr", "en"], rng.randint(1, 2))),
        )
        for i in range(rng.randint(1, 3))
    ]
    needs = [
        need(
            f"n{j}",
            f"c{rng.randint(0, 3)}",
            [(s, rng.randint(1, 3), rng.randint(1, 3)) for s in rng.sample(skills, 1)],
            rng.randint(1, 3),
            remote=rng.random() < 0.5,
            at=(48 + rng.random(), 2 + rng.random()),
            language=rng.choice(["fr", "en"]),
            priority=rng.randint(1, 10),
        )
        for j in range(rng.randint(1, 3))
    ]
    return volunteers, needs


def medium_instance(seed: int) -> tuple[list[Volunteer], list[Need]]:
    rng = random.Random(seed)
    skills = ["seo", "web-dev", "crm", "data", "cyber"]
    volunteers = [
        volunteer(
            f"v{i}",
            f"c{rng.randint(0, 9)}",
            {s: rng.randint(1, 4) for s in rng.sample(skills, rng.randint(1, 3))},
            rng.randint(0, 12),
            remote=rng.random() < 0.6,
            at=(43 + 6 * rng.random(), 6 * rng.random()),
            radius_km=rng.choice([20, 80, 200]),
            languages=("fr", "en") if rng.random() < 0.3 else ("fr",),
        )
        for i in range(rng.randint(20, 60))
    ]
    needs = [
        need(
            f"n{j}",
            f"c{rng.randint(0, 9)}",
            [
                (s, rng.randint(1, 3), rng.randint(1, 4))
                for s in rng.sample(skills, rng.randint(1, 3))
            ],
            rng.randint(0, 30),
            remote=rng.random() < 0.5,
            at=(43 + 6 * rng.random(), 6 * rng.random()),
            language="en" if rng.random() < 0.15 else "fr",
            priority=rng.randint(1, 10),
        )
        for j in range(rng.randint(5, 25))
    ]
    return volunteers, needs
