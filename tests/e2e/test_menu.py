"""The logged-in menu is rendered once per set of memberships and company names and per page
of the menu: what it shows comes from those alone, the current page marked only when it is one
of its links."""

from __future__ import annotations

from litestar import Litestar

from timebank.people.model import Actor, Role
from web.pages.common import menu_html

ADMIN_OF_7 = frozenset({(7, Role.COMPANY_ADMIN)})


def _actor(user_id: int, name: str, *, memberships: frozenset[tuple[int, Role]]) -> Actor:
    return Actor(
        user_id=user_id,
        email=f"user{user_id}@menu.example",
        full_name=f"Personne {user_id}",
        is_operator=False,
        memberships=memberships,
        company_names=((7, name),),
    )


def test_the_menu_shows_each_persons_own_company_names(app: Litestar) -> None:
    first = menu_html(app, _actor(1, "Atelier Bleu", memberships=ADMIN_OF_7), "/")
    second = menu_html(app, _actor(2, "Verger Rouge", memberships=ADMIN_OF_7), "/")
    assert "Atelier Bleu" in first and "Verger Rouge" not in first
    assert "Verger Rouge" in second and "Atelier Bleu" not in second
    assert "Personne" not in first  # Nothing of the person beyond their companies.


def test_only_a_page_of_the_menu_is_marked_current(app: Litestar) -> None:
    actor = _actor(1, "Atelier Bleu", memberships=ADMIN_OF_7)
    on_dashboard = menu_html(app, actor, "/tableau-de-bord")
    assert on_dashboard.count('aria-current="page"') == 1
    assert '<a href="/tableau-de-bord" aria-current="page">' in on_dashboard
    elsewhere = menu_html(app, actor, "/entreprises/7/besoins/12345")
    assert 'aria-current="page"' not in elsewhere


def test_a_company_name_is_escaped(app: Litestar) -> None:
    html = menu_html(app, _actor(3, "<script>x</script>", memberships=ADMIN_OF_7), "/")
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_an_employee_gets_no_company_admin_links(app: Litestar) -> None:
    employee = _actor(4, "Atelier Bleu", memberships=frozenset({(7, Role.EMPLOYEE)}))
    html = menu_html(app, employee, "/")
    assert "/entreprises/7/" not in html
    assert "/profil" in html
