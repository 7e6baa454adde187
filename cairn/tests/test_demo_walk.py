"""The demo walk, on whichever database the suite runs on: every demo persona starts at home and
follows every same-site link it can reach (GET only, a few pages per URL shape, sign-out and
quick exit excluded). It fails on a server error, on a page without exactly one <h1>, and on a
page whose text shows an internal code (`open_question`, `encounters.timeline`, a raw UUID,
`None`); one page per URL shape is also checked with axe-core in Chromium."""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.test import Client
from django.utils import timezone

from cairn.demo import DEMO_PASSWORD, DemoWorld, build_demo, seed_tour
from cairn.tests.browser_support import (  # noqa: F401 - browser is a fixture
    Session,
    browser,
    open_session,
)
from cairn.tests.walk import (
    dotted_names,
    internal_codes,
    page_problems,
    shape,
    unkeyed_forms,
    walk,
)

PERSONAS = ["ana", "ben", "sam", "mia", "max", "rio", "pat", "luz"]


def seeded_demo() -> DemoWorld:
    """The demo as `make run` seeds it (the tour's consents and Luz included), smaller."""
    world = build_demo(participants=16, seed=1)
    seed_tour(world, anchor=timezone.localdate())
    return world


@pytest.fixture
def tour(db: None) -> DemoWorld:
    return seeded_demo()


def test_shapes_and_codes_are_recognised() -> None:
    """The walk's own rules, so a walk that finds nothing is not a walk that looks at nothing."""
    dotted = dotted_names()
    assert internal_codes("Type: open_question", dotted) == ["open_question"]
    assert internal_codes("Looked at encounters.timeline today", dotted) == ["encounters.timeline"]
    assert internal_codes("id 1a2b8f1f-f1fd-42a2-9755-d4c13a902931", dotted) == [
        "1a2b8f1f-f1fd-42a2-9755-d4c13a902931"
    ]
    # Ordinary words, file names and addresses are not codes.
    assert internal_codes("Download report.csv, see 988lifeline.org, e.g. this", dotted) == []
    page = "<h1>A</h1><dl><dt>Coach</dt><dd>None</dd></dl><p>Team: None</p>"
    assert page_problems(page, dotted)[0] == ["shows None where a value belongs (2 times)"]
    english = (
        "<h1>A</h1><p>None named yet.</p><select><option>None</option></select>"
        "<label><span>None</span></label><code>goal_id</code>"
    )
    assert page_problems(english, dotted)[0] == []
    assert page_problems("<h1>A</h1><h1>B</h1>", dotted)[0] == ["2 <h1> elements (one wanted)"]
    assert shape("/participants/1a2b8f1f-f1fd-42a2-9755-d4c13a902931/?page=2&q=x") == (
        "/participants/<id>/?page&q"
    )


def test_a_create_form_without_its_one_time_key_is_found() -> None:
    note = "/contacts/new/1a2b8f1f-f1fd-42a2-9755-d4c13a902931/"
    asks = '<form method="post" action="{0}"><textarea name="summary"></textarea>{1}</form>'
    key = '<input type="hidden" name="submit_key" value="1a2b8f1f-f1fd-42a2-9755-d4c13a902931">'
    assert unkeyed_forms(asks.format(note, ""), "/") == [
        f"a form posting to {note} has no one-time key"
    ]
    assert unkeyed_forms(asks.format(note, key), "/") == []
    # A button that only changes something (no field to fill) and a form to another view.
    button = '<form method="post" action="/contacts/service-types/"><button>On</button></form>'
    assert unkeyed_forms(button, "/") == []
    assert unkeyed_forms(asks.format("/accounts/login/", ""), "/") == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_can_reach_reads_well(tour: DemoWorld, persona: str) -> None:
    client = Client()
    client.force_login(tour.users[persona])
    result = walk(client, persona)
    assert len(result.visited) >= 5, f"{persona} reached only {sorted(result.visited)}"
    assert not result.problems, result.report()


def test_staff_pages_in_spanish_read_well(tour: DemoWorld) -> None:
    """A coach who chose Spanish in her settings: the same walk, every staff page in Spanish."""
    ana = tour.users["ana"]
    ana.language = "es"
    ana.save(update_fields=["language"])
    client = Client()
    client.force_login(ana)
    result = walk(client, "ana (es)")
    assert len(result.visited) >= 5
    assert not result.problems, result.report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_one_page_of_every_shape_passes_axe(browser, live_server) -> None:  # noqa: F811
    world = seeded_demo()
    audited: set[str] = set()
    for persona in PERSONAS:
        client = Client()
        client.force_login(world.users[persona])
        shapes = walk(client, persona).examples
        wanted = {kind: url for kind, url in shapes.items() if kind not in audited}
        session: Session = open_session(browser, live_server.url)
        try:
            session.sign_in(persona, DEMO_PASSWORD)
            for kind, url in sorted(wanted.items()):
                session.goto(url)
                session.audit(f"{persona} {kind}")
                audited.add(kind)
            session.assert_clean()
        finally:
            session.context.close()
    assert len(audited) >= 40, sorted(audited)
