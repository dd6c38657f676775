"""Trainings: the employee logs and rates, the employer approves; public ratings."""

from __future__ import annotations

from dataclasses import asdict

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from timebank.trainings import use_cases
from timebank.trainings.model import Training
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import TrainingIn, TrainingOut, TrainingRatingIn, TrainingScoreOut


def _out(training: Training) -> TrainingOut:
    values = asdict(training)
    del values["created_at"]
    return TrainingOut(**values)


class TrainingController(Controller):
    path = "/api/v1"
    tags = ["Formations"]

    @post("/employees/{employee_id:int}/trainings", status_code=HTTP_201_CREATED)
    async def log_training(
        self,
        employee_id: FromPath[int],
        data: JSONBody[TrainingIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> TrainingOut:
        """The employee logs a qualifying training they took."""
        return _out(
            await use_cases.log_training(
                uow,
                actor,
                employee_id,
                title=data.title,
                provider=data.provider,
                starts_on=data.starts_on,
                ends_on=data.ends_on,
                minutes=data.minutes,
                now=now,
                plan_link=data.plan_link,
                domain_code=data.domain_code,
            )
        )

    @get("/employees/{employee_id:int}/trainings")
    async def list_trainings(
        self, employee_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> list[TrainingOut]:
        return [_out(t) for t in await use_cases.list_trainings(uow, actor, employee_id)]

    @post("/trainings/{training_id:int}/approve", status_code=HTTP_200_OK)
    async def approve(
        self, training_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> TrainingOut:
        return _out(await use_cases.review_training(uow, actor, training_id, approve=True, now=now))

    @post("/trainings/{training_id:int}/reject", status_code=HTTP_200_OK)
    async def reject(
        self, training_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> TrainingOut:
        return _out(
            await use_cases.review_training(uow, actor, training_id, approve=False, now=now)
        )

    @post("/trainings/{training_id:int}/rating", status_code=HTTP_200_OK)
    async def rate(
        self,
        training_id: FromPath[int],
        data: JSONBody[TrainingRatingIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> TrainingOut:
        """The employee who took the training rates it, 1 to 5, with an optional comment."""
        return _out(
            await use_cases.rate_training(
                uow, actor, training_id, stars=data.rating, comment=data.comment, now=now
            )
        )

    @get("/trainings/ratings", opt={"public": True})
    async def ratings(
        self,
        uow: Uow,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
        domain: FromQuery[str | None] = None,
    ) -> list[TrainingScoreOut]:
        """Each training's average rating and count, published by the programme; `domain`
        keeps the trainings of one skill domain (its code; the shape stays the same)."""
        return [
            TrainingScoreOut(**asdict(s))
            for s in await use_cases.public_scores(uow, limit=limit, offset=offset, domain=domain)
        ]
