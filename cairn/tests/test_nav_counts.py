"""The staff navigation's counts: people due today, unread messages and notes to co-sign, each
with words a screen reader reads beside the number, read in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cairn.demo import DemoWorld
from cairn.nav_selectors import NavCounts, nav_counts
from cairn.tests.html_parts import elements
from encounters.models import Encounter, NoteState, ReviewState
from organizations.models import Membership
from participants.models import Participant
from texting.models import InboundText, Match, Provider

pytestmark = pytest.mark.django_db


def _nav_link(page: str, href: str):
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    (link,) = [a for a in elements(nav, "a") if a.attrs["href"] == href]
    return link


def _badge(page: str, href: str) -> str:
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    link_html = nav.split(f'href="{href}"')[1].split("</a>")[0]
    badges = [s for s in elements(link_html, "span") if "nav-badge" in s.attrs.get("class", "")]
    return badges[0].text if badges else ""


def test_a_coach_with_two_unread_messages_sees_2_and_hears_2_unread(demo, client_for) -> None:
    pat = client_for("pat")
    pat.post("/me/messages/", {"text": "Can we meet on Friday?"})
    pat.post("/me/messages/", {"text": "Or Saturday morning."})
    page = client_for("ana").get("/participants/").content.decode()
    messages = _nav_link(page, "/inbox/")
    assert messages.visible == "Messages 2"
    assert messages.text == "Messages 2 unread"
    assert _badge(page, "/inbox/") == "2 unread"
    # Ben's Messages page does not list Pat's thread: no count for him.
    assert _badge(client_for("ben").get("/participants/").content.decode(), "/inbox/") == ""


def test_today_counts_the_people_due_today_and_no_one_who_asked_not_to_be_contacted(
    demo: DemoWorld, client_for
) -> None:
    today = timezone.localdate()
    mine = Participant.objects.filter(coach=demo.users["ana"], status="active").order_by("id")
    first, second, third = list(mine[:3])
    Participant.objects.filter(coach=demo.users["ana"]).update(next_contact_on=None)
    Participant.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(next_contact_on=today)
    Participant.objects.filter(pk=third.pk).update(no_contact_since=timezone.now())
    page = client_for("ana").get("/participants/").content.decode()
    assert _badge(page, "/today/") == "2 due today"
    today_page = client_for("ana").get("/today/").content.decode()
    strip = today_page.split('id="today-summary"')[1].split("</ul>")[0]
    assert next(a.text for a in elements(strip, "a")) == "2 people due today"


def test_a_supervisor_sees_the_notes_waiting_for_their_co_signature(demo, client_for) -> None:
    bens = Encounter.objects.filter(author=demo.users["ben"], state=NoteState.SIGNED)
    Encounter.objects.filter(pk__in=list(bens.values_list("pk", flat=True)[:2])).update(
        review_state=ReviewState.PENDING
    )
    waiting = Encounter.objects.filter(
        organization=demo.organizations["harbor"], review_state=ReviewState.PENDING
    ).count()
    assert waiting >= 2
    page = client_for("sam").get("/today/").content.decode()
    assert _badge(page, "/contacts/review/") == f"{waiting} waiting"
    # Coaches do not co-sign: no such link or count.
    assert "/contacts/review/" not in _nav_of(client_for("ana").get("/today/").content.decode())


def _member(organization, username: str) -> Membership:
    return Membership.objects.select_related("user").get(
        organization=organization, user__username=username
    )


def _nav_of(page: str) -> str:
    return page.split('aria-label="Main"')[1].split("</nav>")[0]


def test_no_badge_when_nothing_is_waiting(demo, client_for) -> None:
    Participant.objects.filter(coach=demo.users["ana"]).update(next_contact_on=None)
    page = client_for("ana").get("/participants/").content.decode()
    assert "nav-badge" not in _nav_of(page)


def test_the_counts_are_one_query_and_none_for_roles_without_counted_links(demo) -> None:
    harbor = demo.organizations["harbor"]
    today = timezone.localdate()
    sam, mia, max_ = (_member(harbor, name) for name in ("sam", "mia", "max"))
    with CaptureQueriesContext(connection) as queries:
        nav_counts(membership=sam, today=today)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        counts = nav_counts(membership=mia, today=today)
    assert counts == NavCounts() and len(queries) == 1  # texts to place, none waiting
    with CaptureQueriesContext(connection) as queries:
        counts = nav_counts(membership=max_, today=today)
    assert counts == NavCounts() and len(queries) == 0


def _texts_waiting(organization, count: int, *, settled: int = 0) -> None:
    for n in range(count + settled):
        InboundText.objects.create(
            organization=organization,
            provider=Provider.TWILIO,
            provider_message_id=f"SM{organization.slug}{n:020d}",
            from_phone=f"+1617555{9000 + n}",
            body="Is this the right number?",
            match=Match.UNKNOWN if n % 2 else Match.SHARED,
            settled_at=timezone.now() if n >= count else None,
        )


def test_a_manager_sees_how_many_texts_wait_to_be_placed_in_one_query(demo, client_for) -> None:
    _texts_waiting(demo.organizations["harbor"], 3, settled=2)
    _texts_waiting(demo.organizations["riverside"], 4)
    page = client_for("mia").get("/participants/").content.decode()
    link = _nav_link(page, "/texts/waiting/")
    assert link.text == "Texts to place 3 waiting to be placed"
    assert _badge(page, "/texts/waiting/") == "3 waiting to be placed"
    listing = client_for("mia").get("/texts/waiting/").content.decode()
    assert listing.count("Text received") == 3  # the page lists what the count says
    mia = _member(demo.organizations["harbor"], "mia")
    with CaptureQueriesContext(connection) as queries:
        counts = nav_counts(membership=mia, today=timezone.localdate())
    assert counts.to_place == 3 and len(queries) == 1
    # Coaches place texts from their own list, not from the navigation: no count for them.
    assert "/texts/waiting/" not in _nav_of(client_for("ana").get("/today/").content.decode())
