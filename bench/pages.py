"""What the benchmark opens: the pages people use most, as the people who use them."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from cairn.demo import DEMO_PASSWORD
from organizations.models import Membership, Organization
from participants.models import Participant, ParticipantStatus

COACH, SUPERVISOR, MANAGER, PARTICIPANT, ADMIN = "ana", "sam", "mia", "pat", "max"


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    path: str
    username: str | None  # None: signed out
    kept: bool = False  # its figures are kept between views (`reports.cache`)
    token: str = ""  # sent as a bearer token (the API and FHIR) instead of signing in

    @property
    def who(self) -> str | None:
        """The person the page is opened as, and how: signed in, or by their API token."""
        return f"{self.username} (token)" if self.token else self.username


@dataclass(frozen=True)
class Subjects:
    """The records the pages open, chosen the same way at every scale."""

    busy_id: str  # on ana's caseload, with the longest contact history and a plan
    search: str
    harbor_pk: int
    writable: list[str]  # ana's open participants, for the check-in write path
    api_secret: str  # sam's API token, made for this run (`api_token`)


def choose_subjects() -> Subjects:
    harbor = Organization.objects.get(slug="harbor")
    mine = Participant.objects.filter(organization=harbor, coach__username=COACH)
    busy = (
        mine.filter(recovery_plan__isnull=False)
        .annotate(contacts=Count("encounters"))
        .order_by("-contacts", "id")
        .values_list("id", "preferred_name")
        .first()
    )
    if busy is None:
        raise RuntimeError("ana has nobody with a plan: seed the demo first")
    writable = [
        str(pk)
        for pk in mine.filter(status=ParticipantStatus.ACTIVE)
        .exclude(Q(user__username=PARTICIPANT))
        .order_by("id")
        .values_list("id", flat=True)[:50]
    ]
    return Subjects(
        busy_id=str(busy[0]),
        search=busy[1][:3],
        harbor_pk=harbor.pk,
        writable=writable,
        api_secret=api_token(harbor),
    )


def api_token(harbor: Organization) -> str:
    """A personal read token for the supervisor, made by Harbor's administrator and approved by
    its manager, as on the token pages: the API and FHIR reads are measured through it."""
    from api.models import Level, Resource, TokenKind, scope
    from api.services import approve_token, create_token

    def member(username: str) -> Membership:
        return Membership.objects.get(organization=harbor, user__username=username)

    made = create_token(
        acting=member(ADMIN),
        kind=TokenKind.PERSONAL,
        name="Benchmark",
        scopes=[scope(r, Level.READ) for r in (Resource.PARTICIPANTS, Resource.CONTACTS)],
        expires_on_days=1,
        person=member(SUPERVISOR),
    )
    approve_token(acting=member(MANAGER), token=made.token)
    return made.secret


def pages(subjects: Subjects) -> list[Page]:
    busy = subjects.busy_id
    return [
        Page("sign_in", "Sign-in page", "/accounts/login/", None),
        Page("today", "Today (coach)", "/today/", COACH),
        Page("caseload", "Caseload, first page (coach)", "/participants/", COACH),
        Page("search", "Caseload search (coach)", f"/participants/?q={subjects.search}", COACH),
        Page("overview", "Participant overview", f"/participants/{busy}/", COACH),
        Page("timeline", "Timeline, page 10", f"/contacts/timeline/{busy}/?page=10", COACH),
        Page("plan", "Recovery plan", f"/plans/participant/{busy}/", COACH),
        Page("portal", "Portal home (participant)", "/me/", PARTICIPANT),
        Page("org_caseload", "Whole organization's list (manager)", "/participants/", MANAGER),
        Page("audit_review", "Audit review (manager report)", "/audit/", MANAGER),
        # The program dashboard with its default filters (the year before today).
        # A repeated view reads the kept figures; the suite also times a first view (nothing kept).
        Page("dashboard", "Program dashboard (manager)", "/reports/", MANAGER, kept=True),
        Page(
            "team_dashboard", "Program dashboard (supervisor)", "/reports/", SUPERVISOR, kept=True
        ),
        Page(
            "api_participants",
            "API: 100 participants (supervisor's token)",
            "/api/v1/participants?limit=100",
            SUPERVISOR,
            token=subjects.api_secret,
        ),
        Page(
            "fhir_patient",
            "FHIR Patient read (supervisor's token)",
            f"/fhir/r4/Patient/{busy}",
            SUPERVISOR,
            token=subjects.api_secret,
        ),
    ]


def baselines(subjects: Subjects) -> list[Page]:
    return [
        Page("constant", "Baseline: constant view", "/bench/constant/", None),
        Page(
            "one_row",
            "Baseline: one row + tiny template",
            f"/bench/one-row/{subjects.harbor_pk}/",
            None,
        ),
    ]


def check_in_form(participant_id: str, token: str = "") -> dict[str, str]:
    """The brief check-in as a coach submits it: two clicks and one line."""
    moment = timezone.localtime() - timedelta(minutes=30)
    form = {
        "kind": "brief",
        "contact_type": "phone",
        "outcome": "reached",
        "day": moment.date().isoformat(),
        "start": moment.strftime("%H:%M"),
        "duration_minutes": "10",
        "summary": "Checked in about the week; the new routine is helping.",
    }
    if token:
        form["csrfmiddlewaretoken"] = token
    return form


PASSWORD = DEMO_PASSWORD
