"""Pure pieces of the door: the password typed twice, the e-mail's link, the outbox's copy of a
one-time link, and where a notification leads."""

from __future__ import annotations

import pytest

from timebank.errors import InvalidInput
from timebank.notifications.model import email_body, without_secret
from timebank.people.model import confirmed_password
from web.pages.account import page_link


def test_a_password_typed_twice_differently_is_refused_beside_the_confirmation() -> None:
    assert confirmed_password("un-long-mot-de-passe", "un-long-mot-de-passe") == (
        "un-long-mot-de-passe"
    )
    assert confirmed_password("asked-once-in-the-api", None) == "asked-once-in-the-api"
    with pytest.raises(InvalidInput) as caught:
        confirmed_password("un-long-mot-de-passe", "un-autre-mot-de-passe")
    assert (caught.value.code, caught.value.field) == ("password_mismatch", "password_confirmation")


def test_the_e_mail_ends_with_its_link_and_the_outbox_keeps_only_its_path() -> None:
    assert email_body("Bonjour.", "/reinitialiser?jeton=abc").endswith(
        "Lien : /reinitialiser?jeton=abc\n"
    )
    assert email_body("Bonjour.", "") == "Bonjour."
    assert without_secret("/invitation?jeton=abc") == "/invitation"


@pytest.mark.parametrize(
    ("link", "page"),
    [
        ("/api/v1/engagements/12", "/mises-a-disposition/12"),
        ("/api/v1/engagements/12/timesheets", "/mises-a-disposition/12"),
        ("/api/v1/matching/proposals?company_id=3", "/entreprises/3/propositions"),
        ("/api/v1/companies/3/exports/prepared", "/entreprises/3/exports"),
        ("/api/v1/companies/3/cdo-allocations", "/entreprises/3/cdo-mutualise"),
        ("/api/v1/companies/3", "/entreprises/3"),
        ("/tableau-de-bord", "/tableau-de-bord"),
        ("/api/v1/settlements/9", None),
        ("//ailleurs.example/x", None),
        ("https://ailleurs.example/x", None),
        ("", None),
    ],
)
def test_a_notification_leads_to_a_page_of_this_site_or_nowhere(
    link: str, page: str | None
) -> None:
    assert page_link(link) == page
