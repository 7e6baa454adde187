"""The API's documentation page works under the site's Content-Security-Policy with nothing
fetched from another origin, and an administrator makes a token through the pages (axe-clean)."""

import pytest

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    browser,
    browser_demo_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_renders_from_local_assets_under_the_csp(session) -> None:
    origins: set[str] = set()
    session.page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    response = session.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Cairn's own page, written from the schema (api.docs): each operation's path in its heading.
    paths = session.page.locator("h3 code").all_inner_texts()
    assert "/api/v1/participants/{participant_id}" in [p.strip() for p in paths]
    assert "/api/v1/referrals/{referral_id}" in [p.strip() for p in paths]
    assert origins == {session.base_url.split("/")[2]}, origins
    session.assert_clean()


def test_an_administrator_makes_a_token_and_sees_its_secret_once(session) -> None:
    session.sign_in("max", DEMO_PASSWORD)
    session.goto("/organization/api-tokens/")
    session.audit()
    session.page.get_by_role("link", name="Make a token").click()
    session.page.get_by_label("Name").fill("State data warehouse")
    session.page.get_by_label("Service account (for another system)").check()
    # A service account shares with an outside recipient, for a purpose its consents name.
    session.page.get_by_label("Shares with (service accounts)").fill("Harbor Medical Associates")
    session.page.get_by_label("Purpose (service accounts)").fill("Coordinating care")
    session.page.get_by_label("Participants: read").check()
    session.audit()
    session.page.get_by_role("button", name="Make the token").click()
    assert session.h1() == "The token State data warehouse is made"
    assert session.page.locator("#token-secret").input_value().startswith("cairn_")
    session.audit()
    session.page.get_by_role("link", name="See the token").click()
    assert session.h1() == "State data warehouse"
    assert "Waiting for approval" in session.page.inner_text("main")
    session.audit()
    session.assert_clean()
