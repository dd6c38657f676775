"""Loans (mises à disposition): a company's admin proposing one of its employees for another
company's need, a company's loans as lender and as host, the employee's own loans, a loan's
page (parties, timeline, paperwork, the steps it is this person's turn to take, extensions) and
its two documents, read and signed in the page.

Whose turn it is comes from the domain (`turn_of` in timebank/engagements/model.py, returned by
the use cases as `turn`): a template shows a button only for what the turn lists, and the use
case refuses anything else.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from timebank import formatting, rules
from timebank.documents import use_cases as document_use_cases
from timebank.documents.model import SIGNERS
from timebank.employees import use_cases as employee_use_cases
from timebank.engagements import use_cases as engagement_use_cases
from timebank.engagements.model import (
    PAPERWORK_STATUSES,
    TERM_LABELS,
    TERMS_LENGTH_MAX,
    Paper,
    Step,
    missing_terms,
)
from timebank.errors import TimebankError
from timebank.formatting import parse_duration_minutes
from timebank.needs import use_cases as need_use_cases
from timebank.needs.model import Need, NeedStatus
from timebank.people.model import Actor, Role
from web import refusals
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    checked,
    clamped_page,
    day_of,
    read_form,
    refused,
    render,
    see_other,
    text,
    values_of,
    whole_number,
)

NOTICES.update(
    {
        "conditions": "Conditions du prêt enregistrées : les documents sont établis avec "
        "elles ; relisez-les avant de signer.",
        "etape_accepter": "Mise à disposition acceptée : l'employeur doit maintenant l'approuver.",
        "etape_approuver": "Prêt approuvé : le salarié est invité à donner son accord.",
        "etape_consentir": "Votre accord écrit est enregistré.",
        "etape_demarrer": "La mise à disposition a commencé : les heures réservées sont au "
        "grand livre.",
        "etape_clore": "Mise à disposition close.",
        "etape_annuler": "Mise à disposition annulée : les heures réservées sont libérées.",
        "extension_accepter": "Prolongation acceptée : les heures prévues sont augmentées.",
        "extension_refuser": "Prolongation refusée.",
        "proposee": "Mise à disposition proposée : l'entreprise d'accueil est prévenue et doit "
        "l'accepter ; les conditions du prêt peuvent être complétées ici.",
    }
)

LOANS_PAGE_SIZE: Final = 20
PROPOSE: Final = "loans/propose.html"
# Staff listed per company the admin runs on the proposal form (the staff page pages the rest).
PROPOSE_STAFF_MAX: Final = 200
PROPOSE_FIELDS: Final = (
    "employee_id",
    "planned_minutes",
    "period_start",
    "period_end",
    "place",
    "remote",
    "tasks",
)
DETAIL: Final = "loans/detail.html"
DOCUMENT: Final = "loans/document.html"
# French addresses of the steps, to the domain's steps.
STEP_SLUGS: Final = {
    "accepter": Step.ACCEPT,
    "approuver": Step.APPROVE,
    "consentir": Step.CONSENT,
    "demarrer": Step.ACTIVATE,
    "clore": Step.COMPLETE,
    "annuler": Step.CANCEL,
}
SLUG_OF_STEP: Final = {step: slug for slug, step in STEP_SLUGS.items()}
DOCUMENT_SLUGS: Final = {"convention": "loan_agreement", "avenant": "employee_amendment"}
SLUG_OF_DOCUMENT: Final = {kind: slug for slug, kind in DOCUMENT_SLUGS.items()}
# `?cote=` of the company's list, to the use case's sides.
SIDES: Final = {"preteuse": "lender", "accueil": "host"}
EXTENSION_DECISIONS: Final = {"accepter": True, "refuser": False}
CSE_PAPERS: Final = (Paper.CSE_LENDER, Paper.CSE_HOST)


def loan_path(engagement_id: int) -> str:
    return f"/mises-a-disposition/{engagement_id}"


class LoanPages(Controller):
    include_in_schema = False

    @get("/entreprises/{company_id:int}/mises-a-disposition")
    async def company_loans(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        cote: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """The company's loans, as lender and as host, newest first."""
        side = SIDES.get(cote or "")
        chosen = cote if side else None

        async def one_page(offset: int) -> Any:
            return await engagement_use_cases.company_engagements(
                uow,
                actor,
                company_id,
                side=side,
                status=None,
                limit=LOANS_PAGE_SIZE,
                offset=offset,
            )

        result, pagination = await clamped_page(page, LOANS_PAGE_SIZE, one_page)
        return render(
            request,
            "loans/company.html",
            company_id=company_id,
            company_name=actor.company_name(company_id),
            result=result,
            pagination=pagination,
            cote=chosen,
        )

    @get("/mes-missions")
    async def my_loans(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """The loans of the person as the employee lent."""

        async def one_page(offset: int) -> Any:
            return await engagement_use_cases.my_engagements(
                uow, actor, limit=LOANS_PAGE_SIZE, offset=offset
            )

        result, pagination = await clamped_page(page, LOANS_PAGE_SIZE, one_page)
        return render(request, "loans/mine.html", result=result, pagination=pagination)

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        engagement_id: int,
        *,
        refusal: TimebankError | None = None,
        form: dict[str, Any] | None = None,
        action: str = "",
    ) -> Template:
        sheet = await engagement_use_cases.loan_sheet(uow, actor, engagement_id)
        values: dict[str, Any] = {
            "sheet": sheet,
            "e": sheet.engagement,
            "step_slugs": SLUG_OF_STEP,
            "document_slugs": SLUG_OF_DOCUMENT,
            "cse_papers": CSE_PAPERS,
            "action": action,
            "signed_on": {
                Paper.AGREEMENT_LENDER: "convention",
                Paper.AGREEMENT_HOST: "convention",
                Paper.AMENDMENT_EMPLOYEE: "avenant",
                Paper.AMENDMENT_LENDER: "avenant",
            },
            "records": {record.paper: record for record in sheet.engagement.papers},
            "missing_terms": missing_terms(sheet.engagement),
            "term_labels": TERM_LABELS,
            "terms_open": sheet.engagement.status in PAPERWORK_STATUSES,
            "terms_form": (
                form or {}
                if action == "conditions"
                else {
                    "place": sheet.engagement.place,
                    "working_hours": sheet.engagement.working_hours,
                    "post_characteristics": sheet.engagement.post_characteristics,
                    "probation_days": (
                        ""
                        if sheet.engagement.probation_days is None
                        else str(sheet.engagement.probation_days)
                    ),
                }
            ),
        }
        if refusal is not None:
            return refused(request, DETAIL, refusal, form or {}, **values)
        return render(request, DETAIL, **values)

    @get("/mises-a-disposition/{engagement_id:int}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        engagement_id: FromPath[int],
    ) -> Template:
        """The loan: parties, period, hours, timeline, paperwork and this person's next steps."""
        return await self._detail(request, uow, actor, engagement_id)

    @post("/mises-a-disposition/{engagement_id:int}/etapes/{slug:str}")
    async def take_step(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
        slug: FromPath[str],
    ) -> Template | Redirect:
        step = STEP_SLUGS.get(slug)
        if step is None:
            raise refusals.STEP_NOT_FOUND.error(id=slug[:40], field="step")
        form = await read_form(request)
        try:
            await engagement_use_cases.take_step(
                uow, actor, engagement_id, step, note=text(form, "note", length_max=600), now=now
            )
        except TimebankError as exc:
            return await self._detail(
                request,
                uow,
                actor,
                engagement_id,
                refusal=exc,
                form=values_of(form),
                action=f"etape-{slug}",
            )
        return see_other(loan_path(engagement_id), f"etape_{slug}")

    @post("/mises-a-disposition/{engagement_id:int}/conditions")
    async def set_terms(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
    ) -> Template | Redirect:
        """Either company's admin fills the loan's terms before it starts (L8241-2)."""
        form = await read_form(request)
        try:
            probation = text(form, "probation_days")
            await engagement_use_cases.set_terms(
                uow,
                actor,
                engagement_id,
                place=text(form, "place", length_max=TERMS_LENGTH_MAX + 1),
                working_hours=text(form, "working_hours", length_max=TERMS_LENGTH_MAX + 1),
                post_characteristics=text(
                    form, "post_characteristics", length_max=TERMS_LENGTH_MAX + 1
                ),
                probation_days=(
                    whole_number(
                        form,
                        "probation_days",
                        label_fr="Période probatoire",
                        label_en="Probation period",
                    )
                    if probation
                    else None
                ),
                now=now,
            )
        except TimebankError as exc:
            return await self._detail(
                request,
                uow,
                actor,
                engagement_id,
                refusal=exc,
                form=values_of(form),
                action="conditions",
            )
        return see_other(loan_path(engagement_id), "conditions")

    @post("/mises-a-disposition/{engagement_id:int}/cse")
    async def record_cse(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
    ) -> Template | Redirect:
        """A company admin records when its works council was consulted."""
        form = await read_form(request)
        try:
            consulted_on = day_of(
                form, "consulted_on", label_fr="Date de consultation", label_en="Consultation date"
            )
            assert consulted_on is not None
            await engagement_use_cases.record_cse(
                uow,
                actor,
                engagement_id,
                company_id=whole_number(
                    form, "company_id", label_fr="Entreprise", label_en="Company"
                ),
                consulted_on=consulted_on,
                now=now,
            )
        except TimebankError as exc:
            return await self._detail(
                request, uow, actor, engagement_id, refusal=exc, form=values_of(form), action="cse"
            )
        return see_other(loan_path(engagement_id), "cse")

    @post("/mises-a-disposition/{engagement_id:int}/prolongations")
    async def request_extension(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
    ) -> Template | Redirect:
        """The host asks for more hours (typed as 10 h, 1h30, 90 min), with a reason."""
        form = await read_form(request)
        try:
            await engagement_use_cases.request_extension(
                uow,
                actor,
                engagement_id,
                extra_minutes=parse_duration_minutes(
                    text(form, "extra_minutes", length_max=40), field="extra_minutes"
                ),
                reason=text(form, "reason", length_max=600),
                now=now,
            )
        except TimebankError as exc:
            return await self._detail(
                request,
                uow,
                actor,
                engagement_id,
                refusal=exc,
                form=values_of(form),
                action="prolongation",
            )
        return see_other(loan_path(engagement_id), "prolongation")

    @post(
        "/mises-a-disposition/{engagement_id:int}/prolongations/{extension_id:int}/{decision:str}"
    )
    async def decide_extension(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
        extension_id: FromPath[int],
        decision: FromPath[str],
    ) -> Template | Redirect:
        approve = EXTENSION_DECISIONS.get(decision)
        if approve is None:
            raise refusals.DECISION_NOT_FOUND.error(id=decision[:40], field="decision")
        form = await read_form(request)
        try:
            await engagement_use_cases.decide_extension(
                uow, actor, engagement_id, extension_id, approve=approve, now=now
            )
        except TimebankError as exc:
            return await self._detail(
                request,
                uow,
                actor,
                engagement_id,
                refusal=exc,
                form=values_of(form),
                action=f"prolongation-{extension_id}",
            )
        return see_other(loan_path(engagement_id), f"extension_{decision}")

    async def _document(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: int,
        slug: str,
        refusal: TimebankError | None = None,
    ) -> Template:
        kind = DOCUMENT_SLUGS.get(slug)
        if kind is None:
            raise refusals.DOCUMENT_NOT_FOUND.error(id=slug[:40])
        shown = await document_use_cases.loan_document(
            uow, actor, engagement_id, kind=kind, now=now
        )
        values: dict[str, Any] = {
            "shown": shown,
            "engagement_id": engagement_id,
            "slug": slug,
            "signers": SIGNERS[shown.document.subject.kind],
        }
        if refusal is not None:
            return refused(request, DOCUMENT, refusal, {}, **values)
        return render(request, DOCUMENT, **values)

    @get("/mises-a-disposition/{engagement_id:int}/documents/{slug:str}")
    async def document(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
        slug: FromPath[str],
    ) -> Template:
        """The document as it reads now, its SHA-256, and « Signer » when this signature is due."""
        return await self._document(request, uow, actor, now, engagement_id, slug)

    @post("/mises-a-disposition/{engagement_id:int}/documents/{slug:str}")
    async def sign(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        engagement_id: FromPath[int],
        slug: FromPath[str],
    ) -> Template | Redirect:
        """Sign the text that was shown: its SHA-256 came in a hidden field; a text changed
        since is refused (409) by the use case."""
        kind = DOCUMENT_SLUGS.get(slug)
        if kind is None:
            raise refusals.DOCUMENT_NOT_FOUND.error(id=slug[:40])
        form = await read_form(request)
        try:
            await engagement_use_cases.sign(
                uow,
                actor,
                engagement_id,
                document=kind,
                document_hash=text(form, "document_hash", length_max=100),
                now=now,
            )
        except TimebankError as exc:
            return await self._document(request, uow, actor, now, engagement_id, slug, exc)
        return see_other(f"{loan_path(engagement_id)}/documents/{slug}", "signe")

    @get("/documents/{document_id:int}")
    async def stored_document(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        document_id: FromPath[int],
    ) -> Template:
        """A stored document exactly as it was signed, whatever its data reads today, with
        its signature record; a loan's document links to the version to sign now."""
        document, body = await document_use_cases.document_file(
            uow, actor, document_id, file_format="html"
        )
        return render(
            request,
            "loans/stored.html",
            d=document,
            html=body.decode("utf-8"),
            signers=SIGNERS[document.subject.kind],
            slug=SLUG_OF_DOCUMENT.get(document.subject.kind.value),
        )

    @get("/besoins/{need_id:int}/proposer")
    async def propose_form(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        need_id: FromPath[int],
    ) -> Template:
        """A company's admin puts one of its employees forward for another company's need:
        the form starts from the need's hours, period, place and title."""
        need = await need_use_cases.get_need(uow, actor, need_id)
        form = {
            "planned_minutes": formatting.hours(need.estimated_minutes),
            "period_start": need.window_start.isoformat(),
            "period_end": need.window_end.isoformat(),
            "place": need.place_city,
            "remote": "on" if need.remote_allowed else "",
            "tasks": need.title,
        }
        return await self._propose_page(request, uow, actor, need, form=form)

    @post("/besoins/{need_id:int}/proposer")
    async def propose(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        need_id: FromPath[int],
    ) -> Template | Redirect:
        need = await need_use_cases.get_need(uow, actor, need_id)
        form = await read_form(request)
        try:
            period_start = day_of(
                form, "period_start", label_fr="Premier jour", label_en="First day"
            )
            period_end = day_of(form, "period_end", label_fr="Dernier jour", label_en="Last day")
            assert period_start is not None
            assert period_end is not None
            engagement = await engagement_use_cases.propose(
                uow,
                actor,
                need_id=need.id,
                employee_id=whole_number(
                    form, "employee_id", label_fr="Salarié·e proposé·e", label_en="Employee"
                ),
                planned_minutes=parse_duration_minutes(
                    text(form, "planned_minutes", length_max=40), field="planned_minutes"
                ),
                period_start=period_start,
                period_end=period_end,
                place=text(form, "place", length_max=201),
                remote=checked(form, "remote"),
                tasks=text(form, "tasks", length_max=rules.DESCRIPTION_LENGTH_MAX + 1),
                now=now,
            )
        except TimebankError as exc:
            return await self._propose_page(
                request, uow, actor, need, form=values_of(form), refusal=exc
            )
        return see_other(loan_path(engagement.id), "proposee")

    async def _propose_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: Actor,
        need: Need,
        *,
        form: dict[str, Any],
        refusal: TimebankError | None = None,
    ) -> Template:
        staff = []
        for company_id in sorted(actor.companies_with(Role.COMPANY_ADMIN) - {need.company_id}):
            found = await employee_use_cases.list_employees(
                uow,
                actor,
                company_id,
                skill_code=None,
                level_min=1,
                limit=PROPOSE_STAFF_MAX,
                offset=0,
            )
            staff += [
                (e.id, f"{e.full_name} — {actor.company_name(company_id)}")
                for e in found.items
                if e.active
            ]
        values: dict[str, Any] = {
            "need": need,
            "staff": staff,
            "fields": PROPOSE_FIELDS,
            "open_need": need.status in (NeedStatus.OPEN, NeedStatus.MATCHED),
        }
        if refusal is not None:
            return refused(request, PROPOSE, refusal, form, **values)
        return render(request, PROPOSE, form=form, **values)
