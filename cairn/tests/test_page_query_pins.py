"""Queries per page for the benchmark's pages not pinned beside their own app's tests (Today,
the caseload, the overview and the timeline are pinned in encounters and participants; the
dashboard and its drill-downs in reports)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cairn.demo import DemoWorld
from organizations.models import Membership, Role
from participants.models import Participant

pytestmark = pytest.mark.django_db

# Every page starts with 4: session, user, memberships, second-factor device; a page that
# shows participant data adds 3 for its audit row (lock the chain head, insert, move the head).
# A coach's, supervisor's or manager's page adds 1 for the navigation's counts (people due today,
# unread messages, notes to co-sign, texts to place: one statement of scalar subqueries,
# cairn.nav_selectors); administrators' and participants' pages have no counted links and no
# such query.
PINS = {
    # ... the count of matches; audit; one page of matches with their coaches; the navigation's
    # counts.
    "search": ("ana", "/participants/?q=Pat", 10),
    # ... audit; the first matches on Today's "Log a contact for…" (no count, no coaches); the
    # navigation's counts.
    "today_find": ("ana", "/today/find/?q=Pat", 9),
    # ... the participant, the plan; audit; goals, their steps, the contacts that addressed
    # them, the participant's own goal suggestions; the navigation's counts.
    "plan": ("ana", "/plans/participant/{pat}/", 14),
    # ... audit; the count from the chain head; one page of events (the unusual-volume alert
    # is kept for a minute: the first view counted it); the names of the page's participants
    # (one primary-key lookup of at most 50 ids, skipped when no event names anyone: kept out
    # of the events query so that query stays a plain index read of the trail); the last
    # month's access changes.
    "audit_review": ("mia", "/audit/", 12),
    # ... the participant with their preference (which also answers "shared device" and the
    # language); audit; check-in schedule, goals, steps, milestones, consents, assessments, call
    # requests, the last month's changes to their sign-in, the safety plan's help people,
    # messages; whether the program reports SUPRT and their SUPRT records (the invitation to
    # answer SUPRT-C).
    "portal_home": ("pat", "/me/", 20),
    # A supervisor's Today: the coach's day for their own caseload, then their team table:
    # the team's coaches, one grouped read each for caseloads (open, due, quiet), notes to
    # co-sign, shared practice reviews and check-ins asking for care, and the list of those
    # check-ins. The same count whatever the number of coaches or people. Then the navigation's
    # counts (and 1 each for missed appointments to follow up, reach-out-soon signals,
    # post-overdose outreach with deaths recorded, authorizations running low, and their own
    # credentials ending; 2 for referrals a partner has not answered: the setting, the rows;
    # 1 for SUPRT due: their own people where the program reports SUPRT; sam has none, so their
    # SUPRT-A records are not read).
    "supervisor_today": ("sam", "/today/", 32),
    # ... the acting member's user and the group rule's membership (the participant rule and the
    # group rule each ask who the member is); the week's appointments with their people and
    # groups in one query scoped by both rules; audit; the navigation's counts.
    "appointments_week": ("ana", "/appointments/", 11),
    # ... contacts by month, signals answered by month, the care team's shared self-checks of
    # the last 90 days (the same three whatever the program's size).
    "program_wellbeing": ("mia", "/supervision/wellbeing/program/", 8),
    # ... the imports with who imported each (one query, at most 50); no audit (no participant
    # data on the page).
    "remittances": ("mia", "/billing/remittances/", 6),
    # ... the acting member's user and membership (the lines' visibility rule asks who the member
    # is); audit; the figures by month, payer and service, by coach, the payers' reasons and the
    # totals (four grouped reads whatever the number of lines); the payers for the filter.
    "billing_report": ("mia", "/billing/report/", 15),
    # ... the count of the referrals of the people the coach may see (the participant rule as a
    # subquery); audit; the navigation's counts; the partners for the filter (no page of rows
    # on the demo: none sent yet;
    # referrals/tests/test_query_pins.py pins a page of them at 1x and 4x).
    "referrals": ("ana", "/referrals/", 10),
    # ... the participant; their referrals with services and partners; audit; the safety plan's
    # help people for the portal's header.
    "portal_referrals": ("pat", "/me/referrals/", 10),
    # ... the latest HSDS files checked (one query, at most 10, without their content); no
    # audit (public listings only).
    "hsds_exchange": ("mia", "/directory/keep/hsds/", 6),
    # ... one page of waiting texts (at most 50; the scope's member is the request's); audit; the
    # navigation's count of texts to place.
    "texts_waiting": ("mia", "/texts/waiting/", 9),
    # FHIR answers have no navigation. ... the acting member's user and membership (the
    # participant rule asks who the member is); the participant with their organization (their
    # own coach needs no emergency check); audit.
    "fhir_patient": ("ana", "/fhir/r4/Patient/{pat}", 10),
    # ... the same, then one page of goals and their count.
    "fhir_goals": ("ana", "/fhir/r4/Goal?patient={pat}", 12),
}


def _statements(client, path: str) -> list[str]:
    client.get(path)  # the first request may set up the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("page", sorted(PINS))
def test_page_query_count_is_pinned(page: str, demo: DemoWorld, client_for) -> None:
    username, path, pinned = PINS[page]
    pat = Participant.objects.get(user__username="pat")
    statements = _statements(client_for(username), path.format(pat=pat.id))
    assert len(statements) == pinned, "\n".join(sql[:100] for sql in statements)


def test_supervisor_today_makes_the_same_queries_with_more_coaches(
    demo: DemoWorld, client_for
) -> None:
    """A third coach joins sam's team with people moved from Ana and Ben: the team table grows by
    a row, its reads do not."""
    harbor = demo.organizations["harbor"]
    before = len(_statements(client_for("sam"), "/today/"))
    team = Membership.objects.get(organization=harbor, user__username="sam").team
    newcomer = User.objects.create(username="kai", preferred_name="Kai")
    Membership.objects.create(organization=harbor, user=newcomer, role=Role.COACH, team=team)
    moved = Participant.objects.filter(organization=harbor, user__isnull=True).order_by("id")
    Participant.objects.filter(id__in=list(moved.values_list("id", flat=True)[::2])).update(
        coach=newcomer
    )
    html_client = client_for("sam")
    assert "Kai" in html_client.get("/today/").content.decode()
    assert len(_statements(html_client, "/today/")) == before
