"""Every read of participant data is audited (issue 19): the authorization matrix's URLs, each
either a page that writes exactly one view event naming whose record it shows (and, opened
under an emergency grant, flags it) or a page listed with why it shows no participant data.

A URL in neither table fails the test, so no page is born without an answer."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.tests import test_authorization_matrix as matrix
from consent.models import Consent
from encounters.models import Encounter
from participants.models import EmergencyAccess
from plans.models import Goal

# The authorization matrix's world: both organizations, every persona, Pat's rows.
world = matrix.world


@dataclass(frozen=True)
class Viewed:
    """A page that shows participant data to `persona`. `names` is the world's participant the
    one view event names, or None for a page of many people (a list, a group), whose one event
    names the page. `no_emergency` says why the emergency check does not apply, if it does not."""

    persona: str
    names: str | None = "pat"
    no_emergency: str = ""


MANAGER_ONLY = "managers read the whole organization: emergency access is for coaches"
MANY = None

VIEWED: dict[str, Viewed] = {
    # --- a participant's record and what belongs to it ---
    "participants:detail": Viewed("ana"),
    "participants:edit": Viewed("ana"),
    "participants:status": Viewed("ana"),
    "participants:transfer": Viewed(
        "ana", no_emergency="only the primary coach or a supervisor hands over"
    ),
    "participants:history": Viewed("ana"),
    "participants:support_person_edit": Viewed("ana"),
    "participants:merge": Viewed("mia", no_emergency=MANAGER_ONLY),
    "accounts:portal_invite": Viewed(
        "ana", names="not_signed_up", no_emergency="the invitation is checked for Pat's coach"
    ),
    "today_outcome": Viewed("ana"),
    "encounters:new": Viewed("ana"),
    "encounters:timeline": Viewed("ana"),
    "encounters:detail": Viewed("ana"),
    "encounters:edit": Viewed("ana", no_emergency="only the author opens a draft to change it"),
    "encounters:withhold": Viewed("ana", no_emergency="the author or a supervisor decides"),
    "encounters:feedback_answer": Viewed("ana", no_emergency="the author or a supervisor answers"),
    "consent:participant": Viewed("ana"),
    "consent:revoke": Viewed("ana"),
    "consent:scan": Viewed("ana"),
    "consent:accounting_csv": Viewed("ana"),
    "consent:hold": Viewed("mia", no_emergency=MANAGER_ONLY),
    "audit:access": Viewed("ana"),
    "plans:plan": Viewed("ana"),
    "plans:versions": Viewed("ana"),
    "plans:compare": Viewed("ana"),
    "plans:print": Viewed("ana"),
    "plans:milestones": Viewed("ana"),
    "plans:agree": Viewed("ana"),
    "plans:goal_edit": Viewed("ana"),
    "plans:goal_remove": Viewed("ana"),
    "plans:milestone_edit": Viewed("ana"),
    "assessments:participant": Viewed("ana"),
    "assessments:detail": Viewed("ana"),
    # SUPRT-A prefills what the record knows (first services date, month of birth): a read.
    "assessments:suprt_new": Viewed("ana"),
    "safety:plan": Viewed("ana"),
    "safety:versions": Viewed("ana"),
    "safety:card": Viewed("ana"),
    "safety:edit": Viewed("ana"),
    "safety:version": Viewed("ana"),
    "inbox:thread": Viewed("ana"),
    "appointments:detail": Viewed("ana"),
    "appointments:move": Viewed("ana"),
    "appointments:cancel": Viewed("ana"),
    "appointments:reminders": Viewed("ana"),
    "reachout:signal": Viewed("ana"),
    "reachout:list": Viewed("ana", names=MANY),
    "overdose:participant": Viewed("ana"),
    "overdose:figures": Viewed("mia", names=MANY, no_emergency=MANAGER_ONLY),
    "overdose:rows": Viewed("mia", names=MANY, no_emergency=MANAGER_ONLY),
    "billing:coverage": Viewed("ana"),
    "billing:lines": Viewed("mia", names=MANY, no_emergency=MANAGER_ONLY),
    "billing:claims": Viewed("mia", names=MANY, no_emergency=MANAGER_ONLY),
    "billing:batch": Viewed("mia", names=MANY, no_emergency=MANAGER_ONLY),
    "billing:remittance": Viewed("mia", names=MANY, no_emergency=MANAGER_ONLY),
    "billing:report": Viewed("mia", names=MANY, no_emergency=MANAGER_ONLY),
    "billing:line": Viewed("mia", no_emergency=MANAGER_ONLY),
    "billing:void": Viewed("mia", no_emergency=MANAGER_ONLY),
    # --- the participant's own pages (who looked at their record names them too) ---
    **{
        f"portal:{name}": Viewed("pat", no_emergency="the participant's own page")
        for name in (
            "home",
            "notes",
            "note",
            "messages",
            "record",
            "access",
            "accounting_csv",
            "call",
            "my_plan",
            "goal",
            "consent_sign",
            "safety_card",
            "safety_plan",
            "safety_plan_edit",
            "resources",
            "referrals",
        )
    },
    **{
        f"portal_appointments:{name}": Viewed("pat", no_emergency="the participant's own page")
        for name in ("list", "ics", "reminders", "meetings", "group_ics", "meeting_ics")
    },
    # --- FHIR (issue #29): one participant's resources, read through fhir_r4.access ---
    "fhir:patient": Viewed("ana"),
    **{
        f"fhir:{name.lower()}_search": Viewed("ana")
        for name in (
            "Encounter",
            "CarePlan",
            "Goal",
            "QuestionnaireResponse",
            "Observation",
            "Consent",
        )
    },
    # --- many people on one page: one event naming the page ---
    "participants:list": Viewed("ana", names=MANY),
    "referrals:index": Viewed("ana", names=MANY),
    "referrals:figures": Viewed("ana", names=MANY),
    "referrals:detail": Viewed("ana"),
    "participants:emergency_review": Viewed("mia", names=MANY),
    "today": Viewed("ana", names=MANY),
    "today_find": Viewed("ana", names=MANY),
    "encounters:review": Viewed("sam", names=MANY),
    "groups:detail": Viewed("ana", names=MANY),
    "groups:session": Viewed("ana", names=MANY),
    "groups:listing": Viewed("ana", names=MANY),
    "inbox:list": Viewed("ana", names=MANY),
    "audit:review": Viewed("mia", names=MANY),
    "reports:mine": Viewed("ana", names=MANY),
    "reports:rows": Viewed("sam", names=MANY),
    "imports:mapping": Viewed("ana", names=MANY),
    "imports:check": Viewed("ana", names=MANY),
    "appointments:calendar": Viewed("ana", names=MANY),
    "appointments:new": Viewed("ana", names=MANY),
    # A text waiting for a person: the people it may be are several (or none), so the event
    # names the text, not one person.
    "texting:waiting": Viewed("ana", names=MANY),
    "texting:waiting_text": Viewed("mia", names=MANY),
}

POST_ONLY = "answers POST only (GET is 405); its write is audited by its service"
REDIRECTS = "only redirects; the page it sends to is the one that is audited"
BLANK_FORM = "a blank form for something new, headed by the person's name; nothing of their record"
OWN_FORM = "the participant's own blank form in the portal; nothing of their record is shown"
EXPORT = "a copy of a record handed over as a file, audited as an export rather than a view"
ADMIN_PAGE = "administration of people, teams or settings: no participant content"
MINE = "the signed-in person's own account or practice; no participant data"

NO_PARTICIPANT_DATA: dict[str, str] = {
    "home": REDIRECTS,
    "texting:twilio_incoming": POST_ONLY,
    "texting:twilio_status": POST_ONLY,
    "healthz": "a status for the load balancer",
    "readyz": "a readiness status for the load balancer",
    "metrics": "counts for the operator's scraper",
    "accounts:login": "the sign-in form",
    "accounts:logout": POST_ONLY,
    "accounts:keepalive": POST_ONLY,
    "accounts:language": POST_ONLY,
    "accounts:security": MINE,
    "accounts:two_factor_setup": MINE,
    "accounts:two_factor_verify": MINE,
    "accounts:welcome": "the form to choose a password from a sign-in link",
    "organizations:switch": POST_ONLY,
    "organizations:people": ADMIN_PAGE,
    "organizations:invite": ADMIN_PAGE,
    "organizations:person": ADMIN_PAGE,
    "organizations:person_active": ADMIN_PAGE,
    "organizations:person_new_link": "a POST making a staff member a new sign-in link",
    "organizations:teams": ADMIN_PAGE,
    "organizations:settings": ADMIN_PAGE,
    "organizations:team": ADMIN_PAGE,
    "organizations:access": "who has which role and the changes waiting; no participant content",
    "organizations:supervised_team": "a supervisor's own team: its coaches, no participant content",
    "organizations:access_decide": POST_ONLY,
    "organizations:components": "the interface's component set with made-up examples",
    "api_tokens:list": "API tokens: names, scopes and dates; no participant content",
    "api_tokens:new": BLANK_FORM,
    "api_tokens:detail": "one API token: its scopes and who made it; no participant content",
    "api_tokens:approve": POST_ONLY,
    "api_tokens:revoke": "asks before revoking a token; no participant content",
    "api:openapi-json": "the API's schema: operations and types, no data",
    "api:openapi-view": "the API's documentation page, no data",
    "api:api-root": "not found: it only names the API's prefix",
    "api:listings": "the directory's listings; no participant data",
    "api:listing": "one directory listing; no participant data",
    "participants:new": BLANK_FORM,
    "participants:emergency": "the form asking why; the record opens only after it is sent",
    "participants:support_person_new": BLANK_FORM,
    "encounters:sign": POST_ONLY,
    "encounters:addendum": POST_ONLY,
    "encounters:cosign": POST_ONLY,
    "encounters:return": POST_ONLY,
    "encounters:comment_seen": POST_ONLY,
    "encounters:autosave": POST_ONLY,
    "encounters:share": POST_ONLY,
    "encounters:schedule_change": POST_ONLY,
    "encounters:schedule_new": BLANK_FORM,
    "groups:list": "the list of groups and who runs them; members are on each group's page",
    "encounters:service_types": ADMIN_PAGE,
    "coaching:check": POST_ONLY,
    "coaching:lexicon": ADMIN_PAGE,
    "coaching:practice": MINE,
    "coaching:practice_shared": "role-play reviews shared by coaches; no participant data",
    "coaching:practice_detail": "one role-play review; no participant data",
    "consent:disclose": BLANK_FORM,
    "consent:new": BLANK_FORM,
    "consent:record_json": EXPORT,
    "consent:record_html": EXPORT,
    "consent:record_pdf": EXPORT,
    "consent:retention": ADMIN_PAGE,
    "plans:goal_new": BLANK_FORM,
    "plans:milestone_new": BLANK_FORM,
    "plans:strength_new": BLANK_FORM,
    "plans:step_done": POST_ONLY,
    "assessments:new": BLANK_FORM,
    "assessments:schedule": ADMIN_PAGE,
    "safety:crisis_lines": ADMIN_PAGE,
    "safety:crisis_line": ADMIN_PAGE,
    "portal:start": "the anonymous first step of signing up",
    "portal:reset": "the anonymous first step of a new password",
    "portal:start_account": REDIRECTS,
    "portal:reset_code": REDIRECTS,
    "portal:language": REDIRECTS,
    "portal:settings": "the participant's own sign-in and contact settings",
    "portal:check_in": OWN_FORM,
    "portal:about_my_life": OWN_FORM,
    "portal:check_in_thanks": REDIRECTS,
    "portal:milestone_new": OWN_FORM,
    "portal:overdose_report": OWN_FORM,
    "portal:note_comment": OWN_FORM,
    "portal:note_correction": OWN_FORM,
    "portal:consent_revoke": "the participant's own decision form, audited when they send it",
    "portal:step_done": POST_ONLY,
    "portal:agree": POST_ONLY,
    "portal:record_html": EXPORT,
    "portal:record_json": EXPORT,
    "portal:record_pdf": EXPORT,
    "portal_staff:call_handled": POST_ONLY,
    "portal_staff:suggestion_talked_about": POST_ONLY,
    "webhooks:list": ADMIN_PAGE,
    "webhooks:new": ADMIN_PAGE,
    "webhooks:settings": ADMIN_PAGE,
    "webhooks:detail": "a subscription and its delivery log: event ids and outcomes, no content",
    "webhooks:delete": ADMIN_PAGE,
    "webhooks:rotate": "a POST making a subscription a new signing secret",
    "webhooks:pause": POST_ONLY,
    "webhooks:test": POST_ONLY,
    "jobs:list": "the member's own background jobs, by title",
    "jobs:status": "one background job's progress",
    "jobs:download": EXPORT,
    "reports:dashboard": "aggregate figures, counts from 1 to 10 shown as <11",
    "reports:download": "the dashboard's aggregate tables as a file",
    "exports:index": "the list of files a program may export",
    "exports:dictionary": "what each column of an export means",
    "exports:dictionary_csv": "what each column of an export means, as a file",
    "imports:home": "the upload form and the uploader's own earlier files, by name",
    "imports:errors": "the uploader's own rows that were not imported: not yet anyone's record",
    "imports:apply": POST_ONLY,
    "imports:discard": POST_ONLY,
    "appointments:book": BLANK_FORM,
    "appointments:outcome": POST_ONLY,
    "overdose:kit": POST_ONLY,
    "coaching:practice_comment": POST_ONLY,
    "overdose:event": POST_ONLY,
    "overdose:outreach_done": POST_ONLY,
    "appointments:feed_settings": "the coach's own calendar address and its choices",
    "appointments_feed": "the coach's own feed, titles without names; a secret, not a session",
    "directory:find": (
        "the directory's listings; finding help for someone (?for=) opens them through "
        "participant_or_404, which writes the view event"
    ),
    "directory:listing": "one listing; with ?for= the person is opened through participant_or_404",
    "directory:share": POST_ONLY,
    "directory:text": POST_ONLY,
    "referrals:new_link": POST_ONLY,
    "referrals:close": POST_ONLY,
    "referrals:new": BLANK_FORM,
    "referral_partner": (
        "the partner's page, a secret and not a session: nothing before the code; after it, "
        "each view is audited as the partner's (referrals tests)"
    ),
    "directory:verify": POST_ONLY,
    "directory:keep": "listings that need checking; no participant data",
    "reachout:settings": "what raises a signal in the program; no participant data",
    "overdose:plan": "the program's outreach hours and steps; no participant data",
    "referrals:settings": "the days a partner has to answer; no participant data",
    "reachout:texts": "a staff member's own phone and choice of texts; no participant data",
    "reachout:on_call": "who is on call when; no participant data",
    **{
        f"supervision:{name}": "the coach's own supervision or journal; no participant data"
        for name in (
            "mine",
            "new",
            "log_csv",
            "journal",
            "journal_delete",
            "credentials",
            "credential_remove",
            "renewals",
            "requirement",
            "training",
            "training_remove",
            "training_certificate",
            "training_overview",
            "my_record",
        )
    },
    "supervision:session": "a supervision session and its actions, for its two parties only",
    **{
        f"supervision:{name}": "the coach's own wellbeing self-check; no participant data"
        for name in ("wellbeing", "wellbeing_new", "wellbeing_check", "wellbeing_delete")
    },
    "supervision:coach": (
        "a supervisor's page for a coach of their team: signed logs and the self-check summaries "
        "the coach shares; no participant data"
    ),
    "supervision:program": (
        "the care team's work and shared self-checks as counts by month, small ones hidden; no "
        "participant data"
    ),
    "supervision:signed_log_pdf": EXPORT,
    "supervision:action_done": POST_ONLY,
    "supervision:topics": ADMIN_PAGE,
    "supervision:topic_edit": ADMIN_PAGE,
    "reachout:remove_shift": "a shift of the rota; no participant data",
    "directory:new": BLANK_FORM,
    **{
        f"billing:{name}": "payers, their codes and the staff's numbers; no participant data"
        for name in ("payers", "payer", "remove_row", "providers")
    },
    **{
        f"billing:{name}": POST_ONLY
        for name in (
            "add_row",
            "check_again",
            "coverage_add",
            "authorization_add",
            "batch_build",
            "batch_cancel",
            "batch_sent",
        )
    },
    "billing:batch_837": EXPORT,
    "fhir:metadata": "the FHIR server's CapabilityStatement",
    "fhir:questionnaire": "an instrument's questions as a FHIR Questionnaire",
    "fhir:patient_search": (
        "a FHIR search of many people: one view event for each person returned, not one for the "
        "page (fhir_r4/tests/test_reads.py)"
    ),
    "fhir:export": "starts a bulk export job; each person exported is audited when it runs",
    "fhir:export_status": "the caller's own export job: its progress and its list of files",
    "fhir:export_file": EXPORT,
    "billing:batch_csv": EXPORT,
    "billing:batch_test_835": "on the demo only: a made-up payer's answer (claim numbers, codes "
    "and amounts of a batch, no names)",
    "billing:remittances": "the upload form and the imports' counts; no participant data",
    "directory:edit": "one listing's form; no participant data",
    "directory:hsds": "the HSDS upload form and recent files; public listings, no participant data",
    "directory:hsds_json": "the directory's public listings as a file, audited as an export",
    "directory:hsds_zip": "the directory's public listings as a file, audited as an export",
    "directory:hsds_check": "an HSDS file's dry run; public listings, no participant data",
    "directory:hsds_apply": POST_ONLY,
    "directory:archive": "asks before archiving a listing; no participant data",
}


# The REST API's reads of participant data, made with a token (api.access) rather than a
# signed-in page: each writes one view event, naming whose record (or, for a list, none).
TOKEN_VIEWED: dict[str, str | None] = {
    "api:participants": MANY,
    "api:participant": "pat",
    "api:contacts": MANY,
    "api:contacts_create": MANY,  # the same URL as the list; a GET lists
    "api:contact": "pat",
    "api:consents": MANY,
    "api:consent": "pat",
    "api:plans": MANY,
    "api:plan": "pat",
    "api:assessments": MANY,
    "api:assessment": "pat",
    "api:appointments": MANY,
    "api:appointment": "pat",
    "api:referrals": MANY,
    "api:referral": "pat",
}


def _events_during(client: Client, url: str, **extra: Any) -> tuple[int, list[AuditEvent]]:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url, **extra)
    return response.status_code, list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))


def _signed_in(world: dict[str, Any], persona: str) -> Client:
    client = Client()
    client.force_login(world["users"][persona])
    return client


def test_every_url_is_either_audited_as_a_view_or_listed_with_a_reason() -> None:
    names = set(matrix.walk(get_resolver().url_patterns))
    both = (VIEWED.keys() | TOKEN_VIEWED.keys()) & NO_PARTICIPANT_DATA.keys()
    missing = names - VIEWED.keys() - TOKEN_VIEWED.keys() - NO_PARTICIPANT_DATA.keys()
    stale = (VIEWED.keys() | TOKEN_VIEWED.keys() | NO_PARTICIPANT_DATA.keys()) - names
    assert not both, f"listed as both audited and showing no participant data: {sorted(both)}"
    assert not missing, f"say whether these pages show participant data: {sorted(missing)}"
    assert not stale, f"these entries name URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(VIEWED))
def test_a_page_showing_participant_data_writes_one_view_event(
    world: dict[str, Any], name: str
) -> None:
    page = VIEWED[name]
    url = matrix.url_of(name, world)
    status, events = _events_during(_signed_in(world, page.persona), url)
    assert status == 200
    views = [e for e in events if e.action == Action.VIEW]
    assert len(views) == 1, [(e.action, e.target_type) for e in events]
    expected = world[page.names].id if page.names else None
    assert views[0].participant_id == expected
    assert views[0].actor == world["users"][page.persona]


def test_an_api_read_of_participant_data_writes_one_view_event(world: dict[str, Any]) -> None:
    """Ana's personal token reads what her pages show, and each read is one event, as hers."""
    from api.services import approve_token, create_token
    from organizations.models import Membership

    users = world["users"]
    made = create_token(
        acting=Membership.objects.get(user=users["max"]),
        kind="personal",
        name="Ana's reports",
        scopes=[
            f"{resource}:read"
            for resource in (
                "participants",
                "contacts",
                "consents",
                "plans",
                "assessments",
                "appointments",
                "referrals",
            )
        ],
        expires_on_days=30,
        person=Membership.objects.get(user=users["ana"]),
    )
    approve_token(acting=Membership.objects.get(user=users["mia"]), token=made.token)
    client = Client(headers={"Authorization": f"Bearer {made.secret}"})
    for name, names in sorted(TOKEN_VIEWED.items()):
        url = reverse(name, kwargs=matrix.API_ROWS[name].kwargs(world))
        status, events = _events_during(client, url)
        assert status == 200, name
        views = [e for e in events if e.action == Action.VIEW]
        assert len(views) == 1, (name, [(e.action, e.target_type) for e in events])
        assert views[0].participant_id == (world[names].id if names else None), name
        assert views[0].actor == users["ana"], name


def test_a_service_tokens_read_is_a_view_and_an_accounted_disclosure(
    world: dict[str, Any],
) -> None:
    """The clinic's service token reads Pat's contact (her consent to it covers attendance):
    one view event and one export naming her disclosure entry, both as the service account."""
    from api.services import approve_token, create_token
    from consent.models import Disclosure
    from organizations.models import Membership

    users = world["users"]
    made = create_token(
        acting=Membership.objects.get(user=users["max"]),
        kind="service",
        name="Clinic feed",
        scopes=["contacts:read"],
        expires_on_days=30,
        recipient="Clinic",
        purpose="care",
    )
    approve_token(acting=Membership.objects.get(user=users["mia"]), token=made.token)
    client = Client(headers={"Authorization": f"Bearer {made.secret}"})
    url = reverse("api:contact", kwargs=matrix.API_ROWS["api:contact"].kwargs(world))
    status, events = _events_during(client, url)
    assert status == 200
    pat = world["pat"]
    entry = Disclosure.objects.get(participant=pat, channel="api")
    assert entry.recipient == "Clinic"
    assert sorted((e.action, e.participant_id, e.actor_id) for e in events) == sorted(
        [
            (Action.VIEW, pat.id, made.token.membership.user_id),
            (Action.EXPORT, pat.id, made.token.membership.user_id),
        ]
    )
    assert [e.target_id for e in events if e.action == Action.EXPORT] == [str(entry.id)]


@pytest.mark.parametrize(
    "name", sorted(n for n, p in VIEWED.items() if p.names and not p.no_emergency)
)
def test_a_page_opened_under_an_emergency_grant_is_flagged(
    world: dict[str, Any], name: str
) -> None:
    """Ben is not on Pat's care team; with an emergency grant he may open her record, and every
    page he opens is flagged for the manager's review."""
    ben, pat = world["users"]["ben"], world["pat"]
    EmergencyAccess.objects.create(
        organization=pat.organization,
        participant=pat,
        user=ben,
        reason="Pat called the crisis line and asked for her coach, who is away",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    url = matrix.url_of(name, world)
    status, events = _events_during(_signed_in(world, "ben"), url)
    assert status == 200
    flags = [e for e in events if e.action == Action.BREAK_GLASS]
    assert [(f.participant_id, f.target_id) for f in flags] == [(pat.id, url[:64])]
    assert [e.participant_id for e in events if e.action == Action.VIEW] == [pat.id]


COACH_PAGES = sorted(n for n, p in VIEWED.items() if p.names == "pat" and p.persona == "ana")


@pytest.mark.parametrize("name", COACH_PAGES)
def test_without_a_grant_the_same_pages_are_not_found_and_refused_access_is_recorded(
    world: dict[str, Any], name: str
) -> None:
    """The emergency check above is not trivially met: without the grant, Ben gets 404."""
    url = matrix.url_of(name, world)
    status, events = _events_during(_signed_in(world, "ben"), url)
    assert status == 404
    assert [e.action for e in events] == [Action.PERMISSION_DENIED]


def test_todays_outcome_swapped_in_place_writes_one_view_event(world: dict[str, Any]) -> None:
    url = reverse("today_outcome", kwargs={"participant_id": world["pat"].id})
    status, events = _events_during(_signed_in(world, "ana"), url, HTTP_HX_REQUEST="true")
    assert status == 200
    assert [(e.action, e.participant_id) for e in events] == [(Action.VIEW, world["pat"].id)]


# --- bad input: a crafted id for another person's row ---------------------------------------

# Each URL that opens a goal, note, consent, message or assessment by id, sent by Ben (a coach
# who is not on Pat's care team) or, for a supervisor's page, by Riverside's supervisor.
CRAFTED: list[tuple[str, str, str, str]] = [
    # (url name, what the id is, persona, method)
    ("plans:goal_edit", "goal", "ben", "get"),
    ("plans:goal_edit", "goal", "ben", "post"),
    ("plans:goal_remove", "goal", "ben", "post"),
    ("encounters:detail", "note", "ben", "get"),
    ("encounters:edit", "note", "ben", "post"),
    ("encounters:sign", "note", "ben", "post"),
    ("encounters:addendum", "note", "ben", "post"),
    ("encounters:autosave", "note", "ben", "post"),
    ("encounters:comment_seen", "note", "ben", "post"),
    ("encounters:withhold", "note", "ben", "post"),
    ("encounters:share", "note", "ben", "post"),
    ("encounters:cosign", "note", "river_sup", "post"),
    ("encounters:return", "note", "river_sup", "post"),
    ("consent:revoke", "consent", "ben", "post"),
    ("consent:scan", "consent", "ben", "get"),
    ("inbox:thread", "message", "ben", "get"),
    ("inbox:thread", "message", "ben", "post"),
    ("assessments:detail", "assessment", "ben", "get"),
]
ARGUMENT = {
    "goal": lambda o: ("goal_id", o["goal"].id, "plans.goal"),
    "note": lambda o: ("encounter_id", o["note"].id, "encounters.encounter"),
    "consent": lambda o: ("consent_id", o["consent"].id, None),
    # Messages are opened as the thread of one person: the crafted id is Pat's.
    "message": lambda o: ("participant_id", o["pat"].id, "participants.participant"),
    "assessment": lambda o: ("assessment_id", o["assessment"].id, "assessments.assessment"),
}
CONSENT_TARGETS = {"consent:revoke": "consent.consent", "consent:scan": "consent.consentscan"}


@pytest.mark.parametrize(("name", "kind", "persona", "method"), CRAFTED)
def test_a_crafted_id_for_another_persons_row_is_not_found_and_audited(
    world: dict[str, Any], name: str, kind: str, persona: str, method: str
) -> None:
    key, object_id, target_type = ARGUMENT[kind](world)
    target_type = target_type or CONSENT_TARGETS[name]
    note_before = Encounter.objects.values().get(pk=world["note"].pk)
    goal_before = Goal.objects.values().get(pk=world["goal"].pk)
    url = reverse(name, kwargs={key: object_id})
    client = _signed_in(world, persona)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    data = {"text": "Crafted", "summary": "Crafted", "note": "Crafted", "comment": "Crafted"}
    response = client.get(url) if method == "get" else client.post(url, data)
    events = list(AuditEvent.objects.filter(pk__gt=last))
    assert response.status_code == 404
    assert [(e.action, e.target_type, e.target_id) for e in events] == [
        (Action.PERMISSION_DENIED, target_type, str(object_id))
    ]
    assert events[0].actor == world["users"][persona]
    assert "Pat" not in response.content.decode().split("<main", 1)[-1]
    # Nothing about Pat's rows changed.
    assert Encounter.objects.values().get(pk=world["note"].pk) == note_before
    assert Goal.objects.values().get(pk=world["goal"].pk) == goal_before
    assert Consent.objects.get(pk=world["consent"].pk).revoked_at is None
