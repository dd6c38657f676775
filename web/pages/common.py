"""What every page handler shares: the template context, forms, refusals beside their field,
pagination that stays inside its pages, and the redirect after a successful POST.

A page handler parses its form, calls one use case, and either redirects (303, with a notice
code the next page turns into a French sentence) or renders the same form again with the
person's input and the refusal beside its field. Nothing here knows a business rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Final, Protocol, TypeVar
from urllib.parse import quote, urlencode

from litestar import Litestar, Request
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from markupsafe import Markup

from timebank import formatting
from timebank.errors import TimebankError
from timebank.people.model import Actor, Role
from web import refusals, vocabulary
from web.auth import auth_info, optional_actor
from web.statuses import status_of

PUBLIC: Final = {"public": True}
PAGE_SIZE: Final = 20
FORM_VALUE_LENGTH_MAX: Final = 5000
INT_TEXT_LENGTH_MAX: Final = 12
NEXT_PARAMETER: Final = "suivant"
# Lists offset at most 1 000 000 rows; with pages of at most 100 rows this stays below it.
PAGE_NUMBER_MAX: Final = 10_000
# Menus kept built and rendered: one per set of memberships (and per page of the menu where
# the page is one of its links), however many people share it.
MENUS_CACHED_MAX: Final = 1024

# Notices shown once after a redirect (`?fait=code`): what just happened, in French.
NOTICES: Final = {
    "profil": "Votre profil de compétences est enregistré.",
    "heures": "Heures enregistrées : elles attendent l'approbation de l'entreprise d'accueil.",
    "heures_modifiees": "Saisie modifiée.",
    "heures_supprimees": "Saisie supprimée.",
    "approuve": "Heures approuvées et inscrites au grand livre.",
    "refuse": "Saisie refusée : le salarié est prévenu.",
    "besoin": "Besoin enregistré.",
    "etape": "C'est fait : la mise à disposition avance.",
    "signe": "Document signé.",
    "cse": "Date de consultation du CSE enregistrée.",
    "prolongation": "Demande de prolongation enregistrée.",
    "decision": "Décision enregistrée.",
    "proposition": "Proposition traitée.",
    "releve": "Relevé mis à jour.",
    "entreprise": "Informations de l'entreprise enregistrées.",
    "invitation": "Invitation envoyée.",
    "cout": "Données de coût enregistrées.",
    "accord": "Accord de prêt enregistré.",
    "notification": "Notification marquée comme lue.",
    "notifications": "Toutes les notifications sont marquées comme lues.",
    "mot_de_passe": "Mot de passe enregistré : connectez-vous.",
    "lien_envoye": (
        "Si un compte existe pour cette adresse, un lien de réinitialisation vient d'y être "
        "envoyé ; il est valable une heure."
    ),
    "bienvenue": "Entreprise inscrite : bienvenue dans la bourse de temps.",
}


def page_context(request: Request[Any, Any, Any], **values: Any) -> dict[str, Any]:
    """Everything a template may use: who is asking, the CSRF token, French formatting."""
    actor = optional_actor(request)
    notice = request.query_params.get("fait")
    current_path = request.url.path
    return {
        "actor": actor,
        "csrf_token": auth_info(request).csrf_token,
        "fmt": formatting,
        "label": vocabulary.label,
        "vocabulary": vocabulary,
        "menu_html": menu_html(request.app, actor, current_path),
        "current_path": current_path,
        "notice": NOTICES.get(notice) if notice else None,
        "form": {},
        "refusal": None,
        **values,
    }


def render(
    request: Request[Any, Any, Any], template_name: str, *, status_code: int = 200, **values: Any
) -> Template:
    return Template(
        template_name=template_name,
        context=page_context(request, **values),
        status_code=status_code,
    )


def refused(
    request: Request[Any, Any, Any],
    template_name: str,
    refusal: TimebankError,
    form: dict[str, Any],
    **values: Any,
) -> Template:
    """The same form again, with what the person typed and the refusal beside its field."""
    return render(
        request,
        template_name,
        status_code=status_of(refusal),
        refusal=refusal,
        form=form,
        **values,
    )


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """Whether htmx asked for this page (to answer with a fragment)."""
    return request.headers.get("hx-request") == "true"


def see_other(path: str, notice: str | None = None) -> Redirect:
    """303 after a successful POST, so that reloading the page never posts twice."""
    if notice is not None:
        separator = "&" if "?" in path else "?"
        path = f"{path}{separator}{urlencode({'fait': notice})}"
    return Redirect(path, status_code=303)


def login_redirect(request: Request[Any, Any, Any]) -> Redirect:
    """To the login page, coming back to the page that was asked for."""
    target = request.url.path
    if request.url.query:
        target = f"{target}?{request.url.query}"
    return Redirect(f"/connexion?{NEXT_PARAMETER}={quote(target, safe='')}", status_code=303)


def local_path(target: str | None, fallback: str) -> str:
    """`target` if it is a path of this site, else `fallback`: never an address elsewhere (an
    open redirect). Browsers read `/\\host` as `//host` and drop tabs and line breaks, so
    neither a backslash nor a control character or space passes."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(character) <= 0x20 or ord(character) == 0x7F for character in target)
    ):
        return fallback
    return target


def safe_next(target: str | None) -> str:
    """Only a path of this site: never an address elsewhere (open redirect)."""
    return local_path(target, "/tableau-de-bord")


async def read_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    return await request.form()


def text(form: FormMultiDict, name: str, *, length_max: int = FORM_VALUE_LENGTH_MAX) -> str:
    value = form.get(name, "")
    return str(value).strip()[:length_max] if isinstance(value, str) else ""


def values_of(form: FormMultiDict) -> dict[str, Any]:
    """The form as the template refills it: single values, and lists where a name repeats."""
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getall(key) if isinstance(v, str)]
        values[key] = items if len(items) > 1 else (items[0] if items else "")
    return values


def whole_number(
    form: FormMultiDict,
    name: str,
    *,
    label_fr: str,
    label_en: str,
    required: bool = True,
    default: int | None = None,
) -> int:
    """A whole number typed in a form, or a refusal naming the field (never a 500)."""
    raw = text(form, name, length_max=INT_TEXT_LENGTH_MAX + 1).replace("\u202f", "")
    raw = raw.replace(" ", "")
    if not raw:
        if not required and default is not None:
            return default
        raise refusals.REQUIRED_FIELD.error(label_fr=label_fr, label_en=label_en, field=name)
    if len(raw) > INT_TEXT_LENGTH_MAX or not raw.lstrip("-").isdigit():
        raise refusals.NOT_A_WHOLE_NUMBER.error(label_fr=label_fr, label_en=label_en, field=name)
    return int(raw)


def euros_to_cents(form: FormMultiDict, name: str, *, label_fr: str, label_en: str) -> int:
    """`42 000`, `42000,50` or `42 000.5` euros → cents; a refusal beside the field otherwise."""
    raw = text(form, name, length_max=INT_TEXT_LENGTH_MAX + 4)
    cleaned = _without_spaces(raw).replace("€", "")
    found = hundredths(cleaned)
    if found is None or len(cleaned.replace(",", ".").partition(".")[0]) > INT_TEXT_LENGTH_MAX:
        raise refusals.NOT_AN_AMOUNT.error(label_fr=label_fr, label_en=label_en, field=name)
    return found


def _without_spaces(raw: str) -> str:
    return raw.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")


def hundredths(cleaned: str) -> int | None:
    """`42`, `42,5`, `42.55` → 4200, 4250, 4255 (cents of a euro amount, basis points of a
    rate); None unless it is a positive decimal with at most two decimals."""
    units, _, fraction = cleaned.replace(",", ".").partition(".")
    if not units.isdigit() or not (fraction == "" or (fraction.isdigit() and len(fraction) <= 2)):
        return None
    return int(units) * 100 + int((fraction + "00")[:2])


def day_of(
    form: FormMultiDict, name: str, *, label_fr: str, label_en: str, required: bool = True
) -> date | None:
    """A date from `<input type=date>` (AAAA-MM-JJ) or typed as 23/11/2026."""
    raw = text(form, name, length_max=20)
    if not raw and not required:
        return None
    return parse_day(raw, field=name, label_fr=label_fr, label_en=label_en)


def parse_day(
    raw: str, *, field: str, label_fr: str, label_en: str, quote_input: bool = False
) -> date:
    """`2026-11-23` or `23/11/2026` → a date; a refusal beside `field` otherwise (quoting what
    was typed when the field holds several dates)."""
    try:
        if "/" in raw:
            day_text, month_text, year_text = raw.split("/")
            return date(int(year_text), int(month_text), int(day_text))
        return date.fromisoformat(raw)
    except ValueError:
        typed_fr = f" : « {raw[:20]} »" if quote_input else ""
        typed_en = f": '{raw[:20]}'" if quote_input else ""
        raise refusals.NOT_A_DATE.error(
            label_fr=label_fr, typed_fr=typed_fr, label_en=label_en, typed_en=typed_en, field=field
        ) from None


def checked(form: FormMultiDict, name: str) -> bool:
    return text(form, name, length_max=10) in ("on", "true", "1", "oui")


@dataclass(frozen=True, slots=True)
class Pagination:
    """A page number clamped to the pages that exist: `?page=99999` shows the last page."""

    page: int
    pages: int
    total: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def link(self, base_path: str, page: int, **query: str | None) -> str:
        kept = {key: value for key, value in query.items() if value}
        kept["page"] = str(page)
        return f"{base_path}?{urlencode(kept)}"


def page_number(raw: str | None) -> int:
    """The page asked for, as a positive number (anything unreadable is page 1)."""
    if raw is None or not raw.isdigit():
        return 1
    if len(raw) > 6:
        return PAGE_NUMBER_MAX
    return min(max(1, int(raw)), PAGE_NUMBER_MAX)


def paginate(asked: int, total: int, size: int = PAGE_SIZE) -> Pagination:
    pages = max(1, -(-total // size))
    return Pagination(page=min(max(1, asked), pages), pages=pages, total=total, size=size)


class _Counted(Protocol):
    @property
    def total(self) -> int: ...


CountedT = TypeVar("CountedT", bound=_Counted)


async def clamped_page(
    page: str | None, size: int, read: Callable[[int], Awaitable[CountedT]]
) -> tuple[CountedT, Pagination]:
    """The page `?page=` asks for (`read` takes its offset) and its pagination. A page past the
    last shows the last, read again: how many pages there are is known once one is read."""
    asked = page_number(page)
    result = await read((asked - 1) * size)
    pagination = paginate(asked, result.total, size)
    if pagination.page != asked:
        result = await read(pagination.offset)
    return result, pagination


@dataclass(frozen=True, slots=True)
class MenuLink:
    path: str
    label: str


@dataclass(frozen=True, slots=True)
class MenuSection:
    title: str
    links: tuple[MenuLink, ...]


def menu_html(app: Litestar, actor: Actor | None, current_path: str) -> Markup:
    """The menu's sections as HTML (templates/_menu.html), the current page's link marked."""
    if actor is None:
        return Markup("")
    paths = _menu_paths(actor.memberships, actor.company_names, actor.is_operator)
    return _menu_html(
        app,
        actor.memberships,
        actor.company_names,
        actor.is_operator,
        current_path if current_path in paths else None,
    )


@lru_cache(maxsize=MENUS_CACHED_MAX)
def _menu_html(
    app: Litestar,
    memberships: frozenset[tuple[int, Role]],
    company_names: tuple[tuple[int, str], ...],
    is_operator: bool,
    current_path: str | None,
) -> Markup:
    menu = _menu(memberships, company_names, is_operator)
    assert app.template_engine is not None, "pages are rendered by the app's template engine"
    template = app.template_engine.get_template("_menu.html")
    return Markup(template.render(menu=menu, current_path=current_path))


@lru_cache(maxsize=MENUS_CACHED_MAX)
def _menu_paths(
    memberships: frozenset[tuple[int, Role]],
    company_names: tuple[tuple[int, str], ...],
    is_operator: bool,
) -> frozenset[str]:
    menu = _menu(memberships, company_names, is_operator)
    return frozenset(link.path for section in menu for link in section.links)


@lru_cache(maxsize=MENUS_CACHED_MAX)
def _menu(
    memberships: frozenset[tuple[int, Role]],
    company_names: tuple[tuple[int, str], ...],
    is_operator: bool,
) -> tuple[MenuSection, ...]:
    """The menu of whoever holds these memberships: it reads nothing else of the person."""
    actor = Actor(
        user_id=0,
        email="",
        full_name="",
        is_operator=is_operator,
        memberships=memberships,
        company_names=company_names,
    )
    sections: list[MenuSection] = [
        MenuSection(
            "Mon espace",
            (
                MenuLink("/tableau-de-bord", "Tableau de bord"),
                MenuLink("/notifications", "Notifications"),
            ),
        )
    ]
    if actor.companies_with(Role.EMPLOYEE):
        sections.append(
            MenuSection(
                "Salarié·e volontaire",
                (
                    MenuLink("/profil", "Mon profil de compétences"),
                    MenuLink("/mes-propositions", "Propositions de mission"),
                    MenuLink("/mes-missions", "Mes mises à disposition"),
                    MenuLink("/mes-heures", "Mes heures"),
                    MenuLink("/mes-frais", "Mes frais"),
                    MenuLink("/mes-formations", "Mes formations"),
                ),
            )
        )
    for company_id in sorted(actor.companies_with(Role.COMPANY_ADMIN)):
        base = f"/entreprises/{company_id}"
        sections.append(
            MenuSection(
                actor.company_name(company_id),
                (
                    MenuLink(base, "Entreprise et salariés"),
                    MenuLink(f"{base}/besoins", "Besoins"),
                    MenuLink(f"{base}/propositions", "Propositions"),
                    MenuLink(f"{base}/mises-a-disposition", "Mises à disposition"),
                    MenuLink(f"{base}/heures-a-approuver", "Heures à approuver"),
                    MenuLink(f"{base}/frais", "Frais à valider"),
                    MenuLink(f"{base}/releves", "Relevés et position"),
                    MenuLink(f"{base}/factures", "Factures"),
                    MenuLink(f"{base}/formations", "Formations à approuver"),
                    MenuLink(f"{base}/exports", "Exports comptables"),
                    MenuLink(f"{base}/cdo-mutualise", "CDO mutualisé"),
                ),
            )
        )
    if actor.companies_with(Role.GROUP_COORDINATOR):
        sections.append(
            MenuSection(
                "Groupement d'employeurs",
                (MenuLink("/groupements", "Mes groupements, plannings et coûts"),),
            )
        )
    if actor.companies_with(Role.ACCOUNTANT):
        clients = sorted(actor.companies_with(Role.ACCOUNTANT))
        sections.append(
            MenuSection(
                "Expert-comptable",
                (
                    MenuLink("/comptable", "Mes entreprises clientes"),
                    *(
                        MenuLink(
                            f"/entreprises/{company_id}/factures",
                            f"Factures — {actor.company_name(company_id)}",
                        )
                        for company_id in clients
                    ),
                ),
            )
        )
    if actor.is_operator:
        sections.append(
            MenuSection(
                "Opérateur du programme",
                (
                    MenuLink("/operateur/indicateurs", "Indicateurs du programme"),
                    MenuLink("/operateur/appariement", "Calculs d'appariement"),
                    MenuLink("/operateur/lignes-de-credit", "Lignes de crédit en heures"),
                    MenuLink("/operateur/releves", "Relevés mensuels"),
                ),
            )
        )
    sections.append(
        MenuSection(
            "Bourse",
            (
                MenuLink("/besoins", "Besoins ouverts"),
                MenuLink("/templates", "Modèles de contrats"),
                MenuLink("/formations/avis", "Avis sur les formations"),
            ),
        )
    )
    return tuple(sections)
