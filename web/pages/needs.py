"""Company admin pages for needs: create, edit, publish, close, with the skills picker.

The skills picker is a list of rows posted as `skills[i].skill`, `skills[i].min_level` and
`skills[i].weight`, the very names the needs' refusals carry, so that a refusal lands beside its
row. Adding or removing a row is a submit button that renders the form again: no JavaScript
needed.
"""

from __future__ import annotations

import re
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from timebank import rules
from timebank.errors import TimebankError
from timebank.formatting import parse_duration_minutes
from timebank.needs import use_cases
from timebank.needs.model import NEXT_STATUSES, Need, NeedStatus
from timebank.needs.use_cases import NeedInput
from web import vocabulary
from web.dependencies import CurrentActor, Now, Uow
from web.pages.common import (
    NOTICES,
    PAGE_SIZE,
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
        "besoin_brouillon": "Brouillon enregistré : il n'est visible que des administrateurs.",
        "besoin_publie": "Besoin publié : il est ouvert aux propositions de volontaires.",
        "besoin_pourvu": "Besoin marqué comme pourvu.",
        "besoin_clos": "Besoin clos.",
        "besoin_annule": "Besoin annulé.",
    }
)

NOTICE_OF_STATUS: Final = {
    NeedStatus.DRAFT: "besoin_brouillon",
    NeedStatus.OPEN: "besoin_publie",
    NeedStatus.MATCHED: "besoin_pourvu",
    NeedStatus.CLOSED: "besoin_clos",
    NeedStatus.CANCELLED: "besoin_annule",
}
# The button that moves a need to each status, in the order they are shown.
STATUS_BUTTONS: Final = (
    (NeedStatus.OPEN, "Publier le besoin", "primary"),
    (NeedStatus.MATCHED, "Marquer comme pourvu", "secondary"),
    (NeedStatus.CLOSED, "Clore le besoin", "secondary"),
    (NeedStatus.CANCELLED, "Annuler le besoin", "danger"),
)
SKILL_ROWS_MAX: Final = rules.SKILLS_PER_NEED_MAX
WEIGHT_DEFAULT: Final = 3
_ROW_NAME: Final = re.compile(r"^skills\[(\d{1,2})\]\.(skill|min_level|weight)$")
FORM_FIELDS: Final = (
    "title",
    "description",
    "window_start",
    "window_end",
    "estimated_minutes",
    "remote_allowed",
    "place_city",
    "place_postal_code",
    "language",
    "skills",
)


def _rows(form: FormMultiDict, *, keep_blank: bool = False) -> list[dict[str, str]]:
    """The skill rows as posted, in the order shown; rows without a skill are dropped unless
    `keep_blank` (while the person is still adding rows)."""
    indices = sorted(
        {int(found.group(1)) for key in form if (found := _ROW_NAME.match(key)) is not None}
    )
    rows = []
    for index in indices[: SKILL_ROWS_MAX * 2]:
        row = {
            part: text(form, f"skills[{index}].{part}", length_max=60)
            for part in ("skill", "min_level", "weight")
        }
        if row["skill"] or keep_blank:
            rows.append(row)
    return rows


def _row_values(rows: list[dict[str, str]]) -> dict[str, str]:
    """Rows as form values under their new, gap-free indices (those the refusals name)."""
    return {
        f"skills[{index}].{part}": value
        for index, row in enumerate(rows)
        for part, value in row.items()
    }


def _form_values(form: FormMultiDict, rows: list[dict[str, str]]) -> dict[str, Any]:
    values = {key: value for key, value in values_of(form).items() if not _ROW_NAME.match(key)}
    values.update(_row_values(rows))
    return values


def _need_input(form: FormMultiDict, rows: list[dict[str, str]], status: str) -> NeedInput:
    """Read the form; a value that cannot be read is refused beside its field."""
    window_start = day_of(form, "window_start", label_fr="Début de la période", label_en="Start")
    window_end = day_of(form, "window_end", label_fr="Fin de la période", label_en="End")
    assert window_start is not None
    assert window_end is not None
    estimated_minutes = parse_duration_minutes(
        text(form, "estimated_minutes", length_max=40), field="estimated_minutes"
    )
    renumbered = FormMultiDict(_row_values(rows))
    skills = [
        (
            row["skill"],
            whole_number(
                renumbered,
                f"skills[{index}].min_level",
                label_fr="Niveau minimum",
                label_en="Minimum level",
            ),
            whole_number(
                renumbered,
                f"skills[{index}].weight",
                label_fr="Importance",
                label_en="Weight",
                required=False,
                default=WEIGHT_DEFAULT,
            ),
        )
        for index, row in enumerate(rows)
    ]
    return NeedInput(
        title=text(form, "title"),
        description=text(form, "description"),
        estimated_minutes=estimated_minutes,
        window_start=window_start,
        window_end=window_end,
        remote_allowed=checked(form, "remote_allowed"),
        place_city=text(form, "place_city", length_max=200),
        place_postal_code=text(form, "place_postal_code", length_max=20),
        language=text(form, "language", length_max=10) or "fr",
        skills=skills,
        status=status,
    )


def _typed_hours(minutes: int) -> str:
    """Hours as a person would type them back: `20 h`, `1 h 30` (read by the same parser)."""
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"


def _need_values(need: Need) -> dict[str, Any]:
    """A stored need as the form shows it."""
    values: dict[str, Any] = {
        "title": need.title,
        "description": need.description,
        "window_start": need.window_start.isoformat(),
        "window_end": need.window_end.isoformat(),
        "estimated_minutes": _typed_hours(need.estimated_minutes),
        "remote_allowed": "on" if need.remote_allowed else "",
        "place_city": need.place_city,
        "place_postal_code": need.place_postal_code,
        "language": need.language,
    }
    values.update(
        _row_values(
            [
                {"skill": s.skill_code, "min_level": str(s.min_level), "weight": str(s.weight)}
                for s in need.skills
            ]
        )
    )
    return values


def _buttons(status: NeedStatus) -> list[tuple[str, str, str]]:
    allowed = NEXT_STATUSES[status]
    return [
        (wanted.value, words, cls) for wanted, words, cls in STATUS_BUTTONS if wanted in allowed
    ]


def _edited_rows(form: FormMultiDict) -> list[dict[str, str]] | None:
    """After « Ajouter une compétence » or « Retirer »: the rows to show again; else None."""
    rows = _rows(form, keep_blank=True)
    if "ajouter" in form:
        return rows if len(rows) >= SKILL_ROWS_MAX else [*rows, _blank_row()]
    removed = text(form, "retirer", length_max=3)
    if removed.isdigit():
        return [row for index, row in enumerate(rows) if index != int(removed)]
    return None


def _blank_row() -> dict[str, str]:
    return {"skill": "", "min_level": "", "weight": str(WEIGHT_DEFAULT)}


class NeedPages(Controller):
    include_in_schema = False

    @get("/entreprises/{company_id:int}/besoins")
    async def company_needs(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        statut: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        """Every need of the company, drafts and closed ones too, with a status filter."""
        status = statut if statut in {s.value for s in NeedStatus} else None

        async def one_page(offset: int) -> Any:
            return await use_cases.company_needs(
                uow,
                actor,
                company_id,
                status=status,
                limit=PAGE_SIZE,
                offset=offset,
            )

        result, pagination = await clamped_page(page, PAGE_SIZE, one_page)
        groups = await use_cases.skill_choices(uow, actor, company_id)
        return render(
            request,
            "needs_admin/list.html",
            company_id=company_id,
            result=result,
            pagination=pagination,
            status=status,
            statuses=list(NeedStatus),
            skill_labels={s.code: s.label_fr for g in groups for s in g.skills},
        )

    @get("/entreprises/{company_id:int}/besoins/nouveau")
    async def new_need(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
    ) -> Template:
        form = {"language": "fr", "remote_allowed": "on", **_row_values([_blank_row()])}
        return await self._form_page(
            request, uow, actor, company_id=company_id, need=None, form=form, row_count=1
        )

    @post("/entreprises/{company_id:int}/besoins/nouveau")
    async def create_need(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        rows = _rows(form)
        edited = _edited_rows(form)
        if edited is not None:
            return await self._form_page(
                request,
                uow,
                actor,
                company_id=company_id,
                need=None,
                form=_form_values(form, edited),
                row_count=len(edited),
                focus_row=len(edited) - 1 if "ajouter" in form else None,
            )
        wanted = NeedStatus.OPEN if text(form, "status", length_max=20) == "open" else None
        try:
            need = await use_cases.create_need(
                uow,
                actor,
                company_id,
                _need_input(form, rows, (wanted or NeedStatus.DRAFT).value),
                now=now,
            )
        except TimebankError as refusal:
            return await self._form_page(
                request,
                uow,
                actor,
                company_id=company_id,
                need=None,
                form=_form_values(form, rows),
                row_count=len(rows),
                refusal=refusal,
            )
        return see_other(
            f"/entreprises/{company_id}/besoins/{need.id}", NOTICE_OF_STATUS[need.status]
        )

    @get("/entreprises/{company_id:int}/besoins/{need_id:int}")
    async def edit_need(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        company_id: FromPath[int],
        need_id: FromPath[int],
    ) -> Template:
        need = await use_cases.get_company_need(uow, actor, company_id, need_id)
        return await self._form_page(
            request,
            uow,
            actor,
            company_id=company_id,
            need=need,
            form=_need_values(need),
            row_count=len(need.skills),
        )

    @post("/entreprises/{company_id:int}/besoins/{need_id:int}")
    async def update_need(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        now: Now,
        company_id: FromPath[int],
        need_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        rows = _rows(form)
        need = await use_cases.get_company_need(uow, actor, company_id, need_id)
        edited = _edited_rows(form)
        if edited is not None:
            return await self._form_page(
                request,
                uow,
                actor,
                company_id=company_id,
                need=need,
                form=_form_values(form, edited),
                row_count=len(edited),
                focus_row=len(edited) - 1 if "ajouter" in form else None,
            )
        wanted = text(form, "status", length_max=20) or need.status.value
        try:
            updated = await use_cases.update_need(
                uow,
                actor,
                need_id,
                _need_input(form, rows, wanted),
                now=now,
                company_id=company_id,
            )
        except TimebankError as refusal:
            return await self._form_page(
                request,
                uow,
                actor,
                company_id=company_id,
                need=need,
                form=_form_values(form, rows),
                row_count=len(rows),
                refusal=refusal,
            )
        moved = updated.status is not need.status
        notice = NOTICE_OF_STATUS[updated.status] if moved else "besoin"
        return see_other(f"/entreprises/{company_id}/besoins/{need_id}", notice)

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        uow: Uow,
        actor: CurrentActor,
        *,
        company_id: int,
        need: Need | None,
        form: dict[str, Any],
        row_count: int,
        refusal: TimebankError | None = None,
        focus_row: int | None = None,
    ) -> Template:
        """The form; `focus_row` is the row just added, focused for the keyboard."""
        groups = await use_cases.skill_choices(uow, actor, company_id)
        values: dict[str, Any] = {
            "company_id": company_id,
            "need": need,
            "groups": groups,
            "row_count": max(1, min(row_count, SKILL_ROWS_MAX)),
            "rows_max": SKILL_ROWS_MAX,
            "focus_row": focus_row,
            "buttons": _buttons(need.status) if need is not None else [],
            "levels": sorted(vocabulary.SKILL_LEVELS.items()),
            "languages": sorted(vocabulary.LANGUAGES.items(), key=lambda item: item[1]),
            "fields": FORM_FIELDS,
            "weight_max": rules.SKILL_WEIGHT_MAX,
            "skill_labels": {s.code: s.label_fr for g in groups for s in g.skills},
        }
        if refusal is not None:
            return refused(request, "needs_admin/form.html", refusal, form, **values)
        return render(request, "needs_admin/form.html", form=form, **values)
