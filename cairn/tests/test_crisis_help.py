"""Crisis help before and after sign-in: 988 to call and text on the sign-in, code and reset
pages, the organization's lines once it is known, 911 as a link that dials in the portal; and
the crisis-lines page's buttons say what they do (WCAG 2.5.3, label in name)."""

import pytest

from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements, link_targets
from safety.models import CrisisLine

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/me/start/", "/me/reset/"])
def test_pages_before_sign_in_offer_988_to_call_and_text(client, path) -> None:
    links = link_targets(client.get(path).content.decode())
    assert links["Call 988"] == "tel:988"
    assert links["Text 988"] == "sms:988"
    assert links["Call 911"] == "tel:911"


def test_the_second_sign_in_step_adds_the_organizations_own_lines(
    demo: DemoWorld, settings
) -> None:
    from django.test import Client

    settings.CAIRN_REQUIRE_2FA = True
    CrisisLine.objects.create(
        organization=demo.organizations["harbor"],
        name="Harbor County Crisis Line",
        phone="+16175550199",
    )
    client = Client()
    client.force_login(demo.users["ana"])
    page = client.get("/accounts/two-factor/setup/", follow=True).content.decode()
    links = link_targets(page)
    assert links["Call 988"] == "tel:988"
    assert any(href == "tel:+16175550199" for href in links.values()), links


def test_the_portal_911_dials(demo, client_for) -> None:
    page = client_for("pat").get("/me/safety-plan/").content.decode()
    assert link_targets(page)["Call 911"] == "tel:911"
    call = client_for("pat").get("/me/call/").content.decode()
    assert link_targets(call)["Call 911"] == "tel:911"


def test_a_crisis_line_button_reads_as_it_acts(demo, client_for) -> None:
    # The demo's Harbor County Crisis Line is in use.
    page = client_for("max").get("/safety/crisis-lines/").content.decode()
    buttons = [b for b in elements(page, "button") if "Harbor County" in b.text]
    assert len(buttons) == 1
    button = buttons[0]
    assert "aria-label" not in button.attrs
    assert button.visible == "Retire"
    assert button.text == "Retire Harbor County Crisis Line"  # the name starts with the label
    row = next(r for r in elements(page, "tr") if "Harbor County" in r.text)
    assert "In use" in row.visible and "Harbor County Crisis Line" in row.visible
