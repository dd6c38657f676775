"""The exchange: engagements and their steps, paperwork, timesheets, monthly statements,
company positions and notifications."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Response, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from timebank.engagements import use_cases as engagements
from timebank.engagements.model import Step
from timebank.notifications import use_cases as notifications
from timebank.people.model import reads_salary_figures
from timebank.settlements import use_cases as settlements
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.schemas import (
    ApproveIn,
    CseIn,
    EngagementIn,
    EngagementOut,
    EngagementTermsIn,
    ExtensionIn,
    ExtensionOut,
    In,
    Int32,
    MonthIn,
    NotificationOut,
    PageOut,
    PositionOut,
    ReasonIn,
    SettlementOut,
    SignatureIn,
    StepIn,
    TimesheetIn,
    TimesheetOut,
    page_out,
)


class TimesheetChangeIn(In):
    """A corrected entry: the same fields as when it was logged, except its id."""

    work_date: date
    minutes: Int32
    description: str


class EngagementController(Controller):
    path = "/api/v1/engagements"
    tags = ["Mises à disposition"]

    @post("/", status_code=HTTP_201_CREATED)
    async def propose(
        self, data: JSONBody[EngagementIn], uow: Uow, actor: CurrentActor, now: Now
    ) -> EngagementOut:
        """The lender's admin proposes one of its employees for another company's need."""
        return EngagementOut.of(
            await engagements.propose(
                uow,
                actor,
                need_id=data.need_id,
                employee_id=data.employee_id,
                planned_minutes=data.planned_minutes,
                period_start=data.period_start,
                period_end=data.period_end,
                place=data.place,
                remote=data.remote,
                tasks=data.tasks,
                probation_days=data.probation_days,
                working_hours=data.working_hours,
                post_characteristics=data.post_characteristics,
                now=now,
            )
        )

    @patch("/{engagement_id:int}")
    async def set_terms(
        self,
        engagement_id: FromPath[int],
        data: JSONBody[EngagementTermsIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> EngagementOut:
        """Either company's admin fills the loan's terms (place, working hours and their spread,
        post characteristics, probation days) before it starts; the documents need them all."""
        return EngagementOut.of(
            await engagements.set_terms(
                uow,
                actor,
                engagement_id,
                place=data.place,
                probation_days=data.probation_days,
                working_hours=data.working_hours,
                post_characteristics=data.post_characteristics,
                now=now,
            )
        )

    @get("/")
    async def list_engagements(
        self,
        uow: Uow,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[EngagementOut]:
        page = await engagements.list_engagements(
            uow, actor, status=status, limit=limit, offset=offset
        )
        return page_out(page, [EngagementOut.of(e) for e in page.items])

    @get("/{engagement_id:int}")
    async def get_engagement(
        self, engagement_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> EngagementOut:
        """The engagement, its history (who, when, from which state) and missing paperwork."""
        view = await engagements.get_engagement(uow, actor, engagement_id)
        return EngagementOut.of(view.engagement, view=view)

    @post("/{engagement_id:int}/{step:str}", status_code=HTTP_200_OK)
    async def take_step(
        self,
        engagement_id: FromPath[int],
        step: FromPath[str],
        data: JSONBody[StepIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> EngagementOut:
        """Steps: accept (host), approve (lender), consent (employee), activate, complete,
        cancel. Illegal transitions answer 409 `illegal_transition`."""
        try:
            chosen = Step(step)
        except ValueError:
            raise refusals.STEP_NOT_FOUND.error(id=step, field="step") from None
        return EngagementOut.of(
            await engagements.take_step(uow, actor, engagement_id, chosen, note=data.note, now=now)
        )

    @post("/{engagement_id:int}/extensions", status_code=HTTP_201_CREATED)
    async def request_extension(
        self,
        engagement_id: FromPath[int],
        data: JSONBody[ExtensionIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> ExtensionOut:
        """The host asks for more hours on a running loan (a change request)."""
        extension = await engagements.request_extension(
            uow, actor, engagement_id, extra_minutes=data.extra_minutes, reason=data.reason, now=now
        )
        return ExtensionOut(
            id=extension.id,
            engagement_id=extension.engagement_id,
            extra_minutes=extension.extra_minutes,
            reason=extension.reason,
            status=extension.status,
        )

    @post(
        "/{engagement_id:int}/extensions/{extension_id:int}/{decision:str}", status_code=HTTP_200_OK
    )
    async def decide_extension(
        self,
        engagement_id: FromPath[int],
        extension_id: FromPath[int],
        decision: FromPath[str],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> EngagementOut:
        """The lender approves (`approve`) or refuses (`refuse`) the extra hours."""
        if decision not in ("approve", "refuse"):
            raise refusals.DECISION_NOT_FOUND.error(id=decision, field="decision")
        return EngagementOut.of(
            await engagements.decide_extension(
                uow, actor, engagement_id, extension_id, approve=decision == "approve", now=now
            )
        )

    @post("/{engagement_id:int}/signatures", status_code=HTTP_201_CREATED)
    async def sign(
        self,
        engagement_id: FromPath[int],
        data: JSONBody[SignatureIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> EngagementOut:
        """Sign the loan agreement or the employee's amendment as generated now (send the
        SHA-256 of the text read from GET /engagements/{id}/documents)."""
        return EngagementOut.of(
            await engagements.sign(
                uow,
                actor,
                engagement_id,
                document=data.document,
                document_hash=data.document_hash,
                now=now,
            )
        )

    @post("/{engagement_id:int}/cse", status_code=HTTP_201_CREATED)
    async def record_cse(
        self,
        engagement_id: FromPath[int],
        data: JSONBody[CseIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> EngagementOut:
        """A company admin records its works council's consultation and its date."""
        return EngagementOut.of(
            await engagements.record_cse(
                uow,
                actor,
                engagement_id,
                company_id=data.company_id,
                consulted_on=data.consulted_on,
                now=now,
            )
        )

    @post("/{engagement_id:int}/timesheets", status_code=HTTP_201_CREATED)
    async def log_time(
        self,
        engagement_id: FromPath[int],
        data: JSONBody[TimesheetIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> Response[TimesheetOut]:
        """The employee logs a day's hours (idempotent by `client_id`: 200 when repeated)."""
        entry, created = await engagements.log_time(
            uow,
            actor,
            engagement_id,
            client_id=data.client_id,
            work_date=data.work_date,
            minutes=data.minutes,
            description=data.description,
            now=now,
        )
        return Response(
            TimesheetOut.of(entry), status_code=HTTP_201_CREATED if created else HTTP_200_OK
        )

    @get("/{engagement_id:int}/timesheets")
    async def list_timesheets(
        self,
        engagement_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
    ) -> PageOut[TimesheetOut]:
        page = await engagements.list_entries(uow, actor, engagement_id, limit=limit, offset=offset)
        return page_out(page, [TimesheetOut.of(e) for e in page.items])


class TimesheetController(Controller):
    path = "/api/v1/timesheets"
    tags = ["Relevés d'heures"]

    @post("/approve", status_code=HTTP_200_OK)
    async def approve(
        self, data: JSONBody[ApproveIn], uow: Uow, actor: CurrentActor, now: Now
    ) -> list[TimesheetOut]:
        """The host approves one or many entries: minutes and at-cost cents are posted."""
        return [
            TimesheetOut.of(e)
            for e in await engagements.approve_entries(uow, actor, data.entry_ids, now=now)
        ]

    @post("/{entry_id:int}/reject", status_code=HTTP_200_OK)
    async def reject(
        self,
        entry_id: FromPath[int],
        data: JSONBody[ReasonIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> TimesheetOut:
        return TimesheetOut.of(
            await engagements.reject_entry(uow, actor, entry_id, reason=data.reason, now=now)
        )

    @put("/{entry_id:int}", status_code=HTTP_200_OK)
    async def change(
        self,
        entry_id: FromPath[int],
        data: JSONBody[TimesheetChangeIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> TimesheetOut:
        """The employee corrects an entry still awaiting review (same guardrails as logging;
        409 `already_reviewed` once approved or rejected)."""
        return TimesheetOut.of(
            await engagements.edit_entry(
                uow,
                actor,
                entry_id,
                work_date=data.work_date,
                minutes=data.minutes,
                description=data.description,
                now=now,
            )
        )

    @post("/{entry_id:int}/withdraw", status_code=HTTP_200_OK)
    async def withdraw(
        self, entry_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> TimesheetOut:
        """The employee withdraws an entry still awaiting review: it counts nowhere and can
        never be approved."""
        return TimesheetOut.of(await engagements.withdraw_entry(uow, actor, entry_id))


class SettlementController(Controller):
    path = "/api/v1"
    tags = ["Relevés de compensation"]

    @post("/settlements/prepare", status_code=HTTP_200_OK)
    async def prepare(
        self, data: JSONBody[MonthIn], uow: Uow, actor: CurrentActor, now: Now
    ) -> list[int]:
        """Operator: prepare a finished month's statements now (the job does it on the 1st)."""
        return await settlements.prepare_as_operator(uow, actor, month=data.month, now=now)

    @get("/companies/{company_id:int}/settlements")
    async def list_statements(
        self,
        company_id: FromPath[int],
        uow: Uow,
        actor: CurrentActor,
        month: FromQuery[date | None] = None,
    ) -> list[SettlementOut]:
        return [
            SettlementOut.of(s, cents=reads_salary_figures(actor, s.company_a, s.company_b))
            for s in await settlements.list_statements(uow, actor, company_id, month=month)
        ]

    @get("/settlements/{statement_id:int}")
    async def get_statement(
        self, statement_id: FromPath[int], uow: Uow, actor: CurrentActor
    ) -> SettlementOut:
        statement = await settlements.get_statement(uow, actor, statement_id)
        return SettlementOut.of(
            statement,
            cents=reads_salary_figures(actor, statement.company_a, statement.company_b),
        )

    @post("/settlements/{statement_id:int}/agree", status_code=HTTP_200_OK)
    async def agree(
        self, statement_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> SettlementOut:
        """One company agrees; once both have, the statement is frozen and settled."""
        return SettlementOut.of(await settlements.agree(uow, actor, statement_id, now=now))

    @post("/settlements/{statement_id:int}/dispute", status_code=HTTP_200_OK)
    async def dispute(
        self,
        statement_id: FromPath[int],
        data: JSONBody[ReasonIn],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
    ) -> SettlementOut:
        return SettlementOut.of(
            await settlements.dispute(uow, actor, statement_id, reason=data.reason, now=now)
        )

    @get("/companies/{company_id:int}/position")
    async def position(
        self, company_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> PositionOut:
        """Hours given and received, balance against the credit line, at-cost position."""
        result = await engagements.company_position(uow, actor, company_id, now=now)
        return PositionOut.model_validate(result, from_attributes=True)


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["Notifications"]

    @get("/")
    async def list_notifications(
        self,
        uow: Uow,
        actor: CurrentActor,
        unread: FromQuery[bool] = False,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> PageOut[NotificationOut]:
        page = await notifications.list_notifications(
            uow, actor, unread_only=unread, limit=limit, offset=offset
        )
        return page_out(page, [NotificationOut.of(n) for n in page.items])

    @post("/{notification_id:int}/read", status_code=HTTP_204_NO_CONTENT)
    async def mark_read(
        self, notification_id: FromPath[int], uow: Uow, actor: CurrentActor, now: Now
    ) -> None:
        await notifications.mark_read(uow, actor, notification_id, now=now)
