"""The components page: staff see each component with its markup; participants do not."""

import pytest

from cairn.tests.html_parts import elements
from lib.templatetags.icons import vendored_icons

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["ana", "sam", "mia", "max"])
def test_staff_see_the_components_with_their_markup(demo, client_for, username) -> None:
    response = client_for(username).get("/organization/components/")
    assert response.status_code == 200
    page = response.content.decode()
    headings = [h.text for h in elements(page, "h2")]
    for name in ["Buttons and links", "Icons", "Badges", "Summary strip", "Data tables"]:
        assert name in headings
    # The markup to copy is shown as text, escaped.
    assert "&lt;button type=&quot;submit&quot; class=&quot;danger&quot;&gt;" in page
    listed = [code.text for code in elements(page.split('id="icon-list"')[1], "code")]
    assert listed[: len(vendored_icons())] == vendored_icons()


def test_the_icon_only_example_has_an_accessible_name(demo, client_for) -> None:
    page = client_for("max").get("/organization/components/").content.decode()
    icon_only = [b for b in elements(page, "button") if not b.text]
    assert icon_only and all(b.attrs.get("aria-label") for b in icon_only)


def test_participants_are_refused(demo, client_for) -> None:
    assert client_for("pat").get("/organization/components/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/organization/components/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_pages_link_to_it_from_the_footer(demo, client_for) -> None:
    staff = client_for("ana").get("/today/").content.decode()
    assert "/organization/components/" in staff.split('class="site-footer"')[1]
    portal = client_for("pat").get("/me/").content.decode()
    assert "/organization/components/" not in portal
