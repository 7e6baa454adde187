"""Every URL, every role, both organizations: who gets the page, who gets 403/404, who signs in.

The matrix fails when a URL pattern is added without an entry here, so no page is born unchecked.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from appointments.services import book_appointment
from assessments.models import Assessment
from billing.models import (
    BillableLine,
    ClaimBatch,
    Coverage,
    LineState,
    Payer,
    PayerService,
    Remittance,
)
from cairn.demo import DemoWorld
from coaching.models import PracticeReview
from consent.models import Consent, ConsentScan
from encounters.models import CheckInSchedule, Encounter
from encounters.open_notes import give_feedback
from encounters.services import record_encounter, sign_encounter
from groups.models import Group
from jobs.models import Job, JobState
from organizations.models import Membership, Role, Team
from organizations.services import update_membership
from overdose.models import Outcome, ReportedBy, Whose
from overdose.services import record_overdose
from participants.models import Participant, SupportPerson
from plans.services import StepValues, add_milestone, save_goal
from portal.models import CallSource, GoalSuggestion
from portal.plan.services import request_call
from reachout.services import add_shift, raise_for_check_in
from safety.models import CrisisLine, SafetyPlan
from supervision.models import CertificateType, Owner, SupervisionSession, Topic
from supervision.services import (
    add_credential,
    add_training,
    agree_action,
    ensure_topics,
    sign_log,
    take_check,
    write_entry,
)
from supervision.uploads import Certificate
from texting.models import InboundText, Match, Provider
from webhooks.models import Subscription

HARBOR = ["ana", "ben", "sam", "mia", "max", "pat"]
RIVERSIDE = ["rio", "river_sup", "river_mgr", "river_admin", "river_pat"]
PERSONAS = ["anonymous", *HARBOR, *RIVERSIDE]
ROLE_OF = {
    "ana": Role.COACH,
    "ben": Role.COACH,
    "sam": Role.SUPERVISOR,
    "mia": Role.MANAGER,
    "max": Role.ADMIN,
    "pat": Role.PARTICIPANT,
    "rio": Role.COACH,
    "river_sup": Role.SUPERVISOR,
    "river_mgr": Role.MANAGER,
    "river_admin": Role.ADMIN,
    "river_pat": Role.PARTICIPANT,
}
SIGN_IN = "sign-in"  # anonymous: redirected to /accounts/login/?next=...


def walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name; name it and add it here"
            yield f"{namespace}{entry.name}"


@dataclass
class Row:
    """Expected status per persona for one URL; `kwargs` builds the URL's arguments."""

    expected: dict[str, int | str]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}
    method: str = "get"
    extra: dict[str, Any] = field(default_factory=dict)
    # A search's parameters (FHIR's `Encounter?patient=<id>`), built from the world like kwargs.
    query: Callable[[dict[str, Any]], dict[str, str]] = lambda objects: {}


def url_of(name: str, objects: dict[str, Any]) -> str:
    """The URL a matrix row asks for: its path with its arguments, and its search if any."""
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(objects))
    query = row.query(objects)
    return f"{url}?{urlencode(query)}" if query else url


def by_role(
    allowed: set[Role],
    *,
    ok: int = 200,
    anonymous: int | str = SIGN_IN,
    others: int = 403,
    overrides: dict[str, int] | None = None,
) -> dict[str, int | str]:
    table: dict[str, int | str] = {"anonymous": anonymous}
    for persona, role in ROLE_OF.items():
        table[persona] = ok if role in allowed else others
    table.update(overrides or {})
    return table


def everyone(status: int, anonymous: int | str | None = None) -> dict[str, int | str]:
    table: dict[str, int | str] = dict.fromkeys(PERSONAS, status)
    if anonymous is not None:
        table["anonymous"] = anonymous
    return table


STAFF_READERS = {Role.COACH, Role.SUPERVISOR, Role.MANAGER}
KEEPERS = {Role(role) for role in Role.directory_keepers()}
RIVERSIDE_404 = {"rio": 404, "river_sup": 404, "river_mgr": 404, "river_admin": 404}
ADMIN = {Role.ADMIN}
BILLING_KEEPERS = {Role(role) for role in Role.billing_keepers()}
RIVERSIDE_KEEPERS_404 = {"river_mgr": 404, "river_admin": 404}
# Harbor objects: riverside people in an allowed role get 404 (no hint the object exists).
HARBOR_ADMIN_OBJECT = by_role(ADMIN, overrides={"river_admin": 404})

# Pat is on ana's caseload in harbor: ben and every riverside reader get 404.
PAT_PAGE = by_role(
    STAFF_READERS, overrides={"ben": 404, "rio": 404, "river_sup": 404, "river_mgr": 404}
)

PAT_WRITE = by_role(
    {Role.COACH, Role.SUPERVISOR}, overrides={"ben": 404, "rio": 404, "river_sup": 404}
)

# Posting to Pat's record: an empty form is answered 400 (what was typed comes back), an action
# 302; ben and riverside's care team get 404.
_NOT_PATS_TEAM = {"ben": 404, "rio": 404, "river_sup": 404}
PAT_FORM_POST = by_role({Role.COACH, Role.SUPERVISOR}, ok=400, overrides=_NOT_PATS_TEAM)
PAT_ACTION_POST = by_role({Role.COACH, Role.SUPERVISOR}, ok=302, overrides=_NOT_PATS_TEAM)

# An import batch is seen only by the person who uploaded it (ana): other staff get 404.
IMPORTERS = {Role.COACH, Role.SUPERVISOR, Role.MANAGER}
_OTHER_STAFF = {"ben": 404, "sam": 404, "mia": 404, "rio": 404, "river_sup": 404, "river_mgr": 404}
IMPORT_BATCH = by_role(IMPORTERS, overrides=_OTHER_STAFF)
IMPORT_BATCH_POST = by_role(IMPORTERS, ok=302, overrides=_OTHER_STAFF)

# An object only ana may open: every other staff member gets 404, participants 403.
ONLY_ANA = {
    name: 404 for name, role in ROLE_OF.items() if name != "ana" and role != Role.PARTICIPANT
}

# --- the REST API, by token --------------------------------------------------------------------

# Tokens a system or a person might hold: Harbor's service account (shares with the clinic what
# consents let out: Pat's covers attendance, not contact information), ana's and
# ben's personal tokens (their caseloads), Riverside's service account, a Harbor token for the
# directory only, and a Harbor token still waiting for a second person's approval.
TOKENS = ["harbor_service", "ana_token", "ben_token", "river_service", "directory_only", "waiting"]


@dataclass
class TokenRow:
    """Expected status per token for one API URL (GET)."""

    expected: dict[str, int]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}


def _tokens(harbor: int, ana: int, ben: int, river: int, directory: int) -> dict[str, int]:
    return {
        "harbor_service": harbor,
        "ana_token": ana,
        "ben_token": ben,
        "river_service": river,
        "directory_only": directory,
        "waiting": 403,
    }


# A list answers every reader with its own organization's rows; Pat's rows are seen by Harbor's
# service account and by ana (her coach), and are not found for ben and for Riverside.
API_LIST = _tokens(200, 200, 200, 200, 403)
API_PAT = _tokens(200, 200, 404, 404, 403)
API_PAT_UNSHARED = _tokens(403, 200, 404, 404, 403)  # what Pat's consent does not cover
API_ROWS: dict[str, TokenRow] = {
    "api:participants": TokenRow(API_LIST),
    # Pat's consent to the clinic covers attendance, not contact information: its token is told
    # so (403 no_consent), while her contacts and her consent to it are shared.
    "api:participant": TokenRow(
        _tokens(403, 200, 404, 404, 403), kwargs=lambda o: {"participant_id": o["pat"].id}
    ),
    "api:contacts": TokenRow(API_LIST),
    "api:contacts_create": TokenRow(API_LIST),  # the same URL; GET lists
    "api:contact": TokenRow(API_PAT, kwargs=lambda o: {"contact_id": o["note"].id}),
    "api:consents": TokenRow(API_LIST),
    "api:consent": TokenRow(API_PAT, kwargs=lambda o: {"consent_id": o["consent"].id}),
    "api:plans": TokenRow(API_LIST),
    # Her consent to the clinic covers attendance only: her plan, assessments and referrals are
    # not shared with its token (403 no_consent); her appointments are.
    "api:plan": TokenRow(API_PAT_UNSHARED, kwargs=lambda o: {"plan_id": o["goal"].plan_id}),
    "api:assessments": TokenRow(API_LIST),
    "api:assessment": TokenRow(
        API_PAT_UNSHARED, kwargs=lambda o: {"assessment_id": o["assessment"].id}
    ),
    "api:appointments": TokenRow(API_LIST),
    "api:appointment": TokenRow(API_PAT, kwargs=lambda o: {"appointment_id": o["appointment"].id}),
    "api:referrals": TokenRow(API_LIST),
    "api:referral": TokenRow(API_PAT_UNSHARED, kwargs=lambda o: {"referral_id": o["referral"].id}),
    "api:listings": TokenRow(_tokens(200, 200, 200, 200, 200)),
    "api:listing": TokenRow(
        _tokens(200, 200, 200, 404, 200), kwargs=lambda o: {"listing_id": o["listing"].id}
    ),
}

# FHIR: Pat's resources as her record's pages are, but 401 (not a sign-in page) without a session.
FHIR_PAT = by_role(
    STAFF_READERS,
    anonymous=401,
    overrides={"ben": 404, "rio": 404, "river_sup": 404, "river_mgr": 404},
)
FHIR_BY_PATIENT = (
    "Encounter",
    "CarePlan",
    "Goal",
    "QuestionnaireResponse",
    "Observation",
    "Consent",
)
FHIR_MIAS_EXPORT = by_role(
    STAFF_READERS,
    anonymous=401,
    overrides=dict.fromkeys(("ana", "ben", "sam", "rio", "river_sup", "river_mgr"), 404),
)

MATRIX: dict[str, Row] = {
    "home": Row(everyone(302, anonymous=SIGN_IN)),
    "healthz": Row(everyone(200)),
    "readyz": Row(everyone(200)),
    "metrics": Row(everyone(404)),  # only for a scraper with the token (test_metrics)
    "accounts:login": Row(everyone(302, anonymous=200)),
    "accounts:logout": Row(everyone(405)),
    "accounts:keepalive": Row(everyone(405)),
    "accounts:language": Row(everyone(405)),
    "accounts:security": Row(everyone(200, anonymous=SIGN_IN)),
    "accounts:two_factor_setup": Row(everyone(200, anonymous=SIGN_IN)),
    "accounts:two_factor_verify": Row(everyone(200, anonymous=SIGN_IN)),
    "accounts:welcome": Row(
        everyone(200), kwargs=lambda o: {"uidb64": "MQ", "token": "not-a-real-token"}
    ),
    "organizations:switch": Row(everyone(405)),
    "organizations:people": Row(by_role(ADMIN)),
    "organizations:invite": Row(by_role(ADMIN)),
    "organizations:person": Row(
        HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"public_id": o["ana"].public_id}
    ),
    "organizations:person_active": Row(
        HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"public_id": o["ana"].public_id}
    ),
    "organizations:person_new_link": Row(
        HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"public_id": o["ana"].public_id}, method="post"
    ),
    "organizations:teams": Row(by_role(ADMIN)),
    "organizations:settings": Row(by_role(ADMIN)),
    "organizations:team": Row(HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"team_id": o["team"].pk}),
    # A supervisor's own team, read-only: sam's team; the riverside supervisor gets 404.
    "organizations:supervised_team": Row(
        by_role({Role.SUPERVISOR}, overrides={"river_sup": 404}),
        kwargs=lambda o: {"team_id": o["team"].pk},
    ),
    # Who can see participant records, and access changes waiting for a second person.
    "organizations:access": Row(by_role({Role.MANAGER, Role.ADMIN})),
    "organizations:components": Row(by_role(STAFF_READERS | ADMIN)),
    "organizations:access_decide": Row(
        everyone(405), kwargs=lambda o: {"change_id": o["access_change"].public_id}
    ),
    # The administrator's API token pages (a manager sees them to approve a token).
    "api_tokens:list": Row(by_role({Role.MANAGER, Role.ADMIN})),
    "api_tokens:new": Row(by_role(ADMIN)),
    "api_tokens:detail": Row(
        by_role({Role.MANAGER, Role.ADMIN}, overrides=RIVERSIDE_KEEPERS_404),
        kwargs=lambda o: {"token_id": o["api_token"].public_id},
    ),
    "api_tokens:approve": Row(
        everyone(405), kwargs=lambda o: {"token_id": o["api_token"].public_id}
    ),
    "api_tokens:revoke": Row(
        HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"token_id": o["api_token"].public_id}
    ),
    # The REST API answers tokens only: a signed-in page session is not a token (401). Who sees
    # what with a token is TOKEN_MATRIX's, below. The schema and its documentation are public.
    "api:openapi-json": Row(everyone(200)),
    "api:api-root": Row(everyone(404)),  # ninja's own root: it only names the API's prefix
    "api:openapi-view": Row(everyone(200)),
    **{
        name: Row(everyone(401, anonymous=401), kwargs=row.kwargs) for name, row in API_ROWS.items()
    },
    "participants:list": Row(by_role(STAFF_READERS)),
    "participants:new": Row(by_role(STAFF_READERS)),
    "participants:emergency": Row(by_role({Role.COACH, Role.SUPERVISOR})),
    "participants:emergency_review": Row(by_role({Role.MANAGER})),
    **{
        f"participants:{name}": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id})
        for name in ("detail", "edit", "status", "transfer", "history", "support_person_new")
    },
    "participants:merge": Row(
        by_role({Role.MANAGER}, overrides={"river_mgr": 404}),
        kwargs=lambda o: {"participant_id": o["pat"].id},
    ),
    "participants:support_person_edit": Row(
        PAT_PAGE,
        kwargs=lambda o: {"participant_id": o["pat"].id, "person_id": o["support"].id},
    ),
    "today": Row(by_role({Role.COACH, Role.SUPERVISOR})),
    "today_find": Row(by_role({Role.COACH, Role.SUPERVISOR})),
    "today_outcome": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "encounters:new": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "encounters:timeline": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "encounters:detail": Row(PAT_PAGE, kwargs=lambda o: {"encounter_id": o["note"].id}),
    # Only the author edits a draft; other writers who can see it are sent to the note.
    "encounters:edit": Row(
        {**PAT_WRITE, "sam": 302}, kwargs=lambda o: {"encounter_id": o["note"].id}
    ),
    "encounters:sign": Row(everyone(405), kwargs=lambda o: {"encounter_id": o["note"].id}),
    "encounters:addendum": Row(everyone(405), kwargs=lambda o: {"encounter_id": o["note"].id}),
    **{
        f"encounters:{name}": Row(everyone(405), kwargs=lambda o: {"encounter_id": o["note"].id})
        for name in ("cosign", "return", "comment_seen", "autosave")
    },
    "encounters:review": Row(by_role({Role.SUPERVISOR})),
    "groups:list": Row(by_role(STAFF_READERS)),
    "coaching:check": Row(everyone(405)),
    # --- directory (issue 22): everyone who works with participants finds help; managers and
    # administrators keep the listings; only the care team shares onto a portal ---
    "directory:find": Row(by_role(STAFF_READERS)),
    "directory:listing": Row(
        by_role(STAFF_READERS | ADMIN, overrides=RIVERSIDE_404),
        kwargs=lambda o: {"service_id": o["listing"].id},
    ),
    "directory:share": Row(
        everyone(405),
        kwargs=lambda o: {"service_id": o["listing"].id, "participant_id": o["pat"].id},
    ),
    "directory:text": Row(
        everyone(405),
        kwargs=lambda o: {"service_id": o["listing"].id, "participant_id": o["pat"].id},
    ),
    "directory:verify": Row(everyone(405), kwargs=lambda o: {"service_id": o["listing"].id}),
    "directory:keep": Row(by_role(KEEPERS)),
    "directory:new": Row(by_role(KEEPERS)),
    # HSDS exchange: keepers download and import; a file checked in harbor is harbor's only.
    "directory:hsds": Row(by_role(KEEPERS)),
    "directory:hsds_json": Row(by_role(KEEPERS)),
    "directory:hsds_zip": Row(by_role(KEEPERS)),
    "directory:hsds_check": Row(
        by_role(KEEPERS, overrides=RIVERSIDE_KEEPERS_404),
        kwargs=lambda o: {"import_id": o["hsds_import"].id},
    ),
    "directory:hsds_apply": Row(everyone(405), kwargs=lambda o: {"import_id": o["hsds_import"].id}),
    **{
        f"directory:{name}": Row(
            by_role(KEEPERS, overrides={"river_mgr": 404, "river_admin": 404}),
            kwargs=lambda o: {"service_id": o["listing"].id},
        )
        for name in ("edit", "archive")
    },
    "portal:resources": Row(by_role({Role.PARTICIPANT})),
    # --- referrals (issue 22): the care team refers; readers see their people's referrals;
    # the partner's page is public by a secret token, unknown tokens answer 404 ---
    "referrals:index": Row(by_role(STAFF_READERS)),
    "referrals:figures": Row(by_role(STAFF_READERS)),
    "referrals:settings": Row(by_role({Role(role) for role in Role.program_keepers()})),
    "referrals:new": Row(
        PAT_WRITE, kwargs=lambda o: {"service_id": o["listing"].id, "participant_id": o["pat"].id}
    ),
    "referrals:detail": Row(PAT_PAGE, kwargs=lambda o: {"referral_id": o["referral"].id}),
    **{
        f"referrals:{name}": Row(everyone(405), kwargs=lambda o: {"referral_id": o["referral"].id})
        for name in ("new_link", "close")
    },
    "referral_partner": Row(everyone(404, anonymous=404), kwargs=lambda o: {"token": "unknown"}),
    "portal:referrals": Row(by_role({Role.PARTICIPANT})),
    "audit:review": Row(by_role({Role.MANAGER})),
    "consent:participant": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "consent:disclose": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "consent:accounting_csv": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "consent:new": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "consent:record_json": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "consent:record_html": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "consent:revoke": Row(PAT_WRITE, kwargs=lambda o: {"consent_id": o["consent"].id}),
    "consent:hold": Row(
        by_role({Role.MANAGER}, overrides={"river_mgr": 404}),
        kwargs=lambda o: {"participant_id": o["pat"].id},
    ),
    "consent:retention": Row(by_role(ADMIN)),
    "consent:scan": Row(PAT_PAGE, kwargs=lambda o: {"consent_id": o["consent"].id}),
    "audit:access": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    # --- plans (issue #6): recovery plans, goals, milestones ---
    **{
        f"plans:{name}": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id})
        for name in ("plan", "versions", "compare", "print", "milestones")
    },
    **{
        f"plans:{name}": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id})
        for name in ("goal_new", "agree", "milestone_new", "strength_new")
    },
    **{
        f"plans:{name}": Row(PAT_WRITE, kwargs=lambda o: {"goal_id": o["goal"].id})
        for name in ("goal_edit", "goal_remove")
    },
    "plans:step_done": Row(everyone(405), kwargs=lambda o: {"step_id": o["step"].id}),
    "plans:milestone_edit": Row(PAT_WRITE, kwargs=lambda o: {"milestone_id": o["milestone"].id}),
    "coaching:lexicon": Row(by_role(ADMIN)),
    "coaching:practice": Row(by_role({Role.COACH, Role.SUPERVISOR})),
    "coaching:practice_shared": Row(by_role({Role.SUPERVISOR})),
    # Ana's review, shared with her supervisor: only the two of them can open it.
    "coaching:practice_detail": Row(
        by_role({Role.COACH, Role.SUPERVISOR}, ok=404, overrides={"ana": 200, "sam": 200}),
        kwargs=lambda o: {"review_id": o["practice"].id},
    ),
    # Comments on Ana's shared review: Ana and her supervisor (an empty form is answered 400).
    "coaching:practice_comment": Row(
        by_role({Role.COACH, Role.SUPERVISOR}, ok=404, overrides={"ana": 400, "sam": 400}),
        kwargs=lambda o: {"review_id": o["practice"].id},
        method="post",
    ),
    # --- assessments (issue #6): instruments, responses, schedule, charts ---
    "assessments:participant": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "assessments:new": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "assessments:suprt_new": Row(
        PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id, "form": "a"}
    ),
    "assessments:detail": Row(PAT_PAGE, kwargs=lambda o: {"assessment_id": o["assessment"].id}),
    "assessments:schedule": Row(by_role(ADMIN)),
    "encounters:schedule_new": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "encounters:schedule_change": Row(
        everyone(405), kwargs=lambda o: {"schedule_id": o["schedule"].id}
    ),
    **{
        f"groups:{name}": Row(PAT_PAGE, kwargs=lambda o: {"group_id": o["group"].id})
        for name in ("detail", "session", "listing")
    },
    "encounters:service_types": Row(by_role(ADMIN)),
    # --- safety (issue #6): safety plans ---
    **{
        f"safety:{name}": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id})
        for name in ("plan", "versions", "card")
    },
    "safety:edit": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "safety:version": Row(PAT_PAGE, kwargs=lambda o: {"version_id": o["safety_version"].id}),
    "safety:crisis_lines": Row(by_role(ADMIN)),
    "safety:crisis_line": Row(
        HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"line_id": o["crisis_line"].id}
    ),
    # --- portal: entry ---
    # A participant without a sign-in yet, on ana's caseload: ben and riverside get 404.
    "accounts:portal_invite": Row(
        PAT_WRITE, kwargs=lambda o: {"participant_id": o["not_signed_up"].id}
    ),
    # Anonymous pages: signed-in people go home; the second steps need the first one done.
    "portal:start": Row(everyone(302, anonymous=200)),
    "portal:reset": Row(everyone(302, anonymous=200)),
    "portal:start_account": Row(everyone(302)),
    "portal:reset_code": Row(everyone(302)),
    # --- portal: record ---
    **{
        f"portal:{name}": Row(by_role({Role.PARTICIPANT}))
        for name in ("notes", "messages", "record", "access", "record_html", "record_json")
    },
    # Pat's own signed note and consent: river_pat (another participant) gets 404.
    **{
        f"portal:{name}": Row(
            by_role({Role.PARTICIPANT}, overrides={"river_pat": 404}),
            kwargs=lambda o: {"encounter_id": o["signed_note"].id},
        )
        for name in ("note", "note_comment", "note_correction")
    },
    "portal:consent_revoke": Row(
        by_role({Role.PARTICIPANT}, overrides={"river_pat": 404}),
        kwargs=lambda o: {"consent_id": o["consent"].id},
    ),
    "inbox:list": Row(by_role({Role.COACH, Role.SUPERVISOR})),
    "inbox:thread": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "encounters:withhold": Row(PAT_WRITE, kwargs=lambda o: {"encounter_id": o["signed_note"].id}),
    "encounters:share": Row(everyone(405), kwargs=lambda o: {"encounter_id": o["signed_note"].id}),
    "encounters:feedback_answer": Row(
        PAT_WRITE, kwargs=lambda o: {"feedback_id": o["note_request"].id}
    ),
    # --- portal: plan ---
    **{
        f"portal:{name}": Row(by_role({Role.PARTICIPANT}))
        for name in (
            "check_in",
            "call",
            "overdose_report",
            "my_plan",
            "milestone_new",
            "safety_plan_edit",
        )
    },
    # SUPRT-C is asked only where the program reports SUPRT: Harbor does, Riverside does not.
    "portal:about_my_life": Row(by_role({Role.PARTICIPANT}, overrides={"river_pat": 404})),
    "portal:safety_card": Row(by_role({Role.PARTICIPANT})),
    # No check-in today yet: the thank-you page sends them to the check-in.
    "portal:check_in_thanks": Row(by_role({Role.PARTICIPANT}, ok=302)),
    "portal:goal": Row(
        by_role({Role.PARTICIPANT}, overrides={"river_pat": 404}),
        kwargs=lambda o: {"goal_id": o["goal"].id},
    ),
    "portal:step_done": Row(everyone(405), kwargs=lambda o: {"step_id": o["step"].id}),
    "portal:agree": Row(everyone(405)),
    "portal_staff:call_handled": Row(
        by_role(
            {Role.COACH, Role.SUPERVISOR},
            ok=302,
            overrides={"ben": 404, "rio": 404, "river_sup": 404},
        ),
        kwargs=lambda o: {"call_request_id": o["call_request"].id},
        method="post",
    ),
    "portal_staff:suggestion_talked_about": Row(
        by_role(
            {Role.COACH, Role.SUPERVISOR},
            ok=302,
            overrides={"ben": 404, "rio": 404, "river_sup": 404},
        ),
        kwargs=lambda o: {"suggestion_id": o["goal_suggestion"].id},
        method="post",
    ),
    # --- portal: language and quality ---
    # Only sets a language cookie and goes back: the same for everyone, signed in or not.
    "portal:language": Row(everyone(302, anonymous=302), kwargs=lambda o: {"code": "es"}),
    "portal:home": Row(by_role({Role.PARTICIPANT})),
    "portal:settings": Row(by_role({Role.PARTICIPANT})),
    "portal:safety_plan": Row(by_role({Role.PARTICIPANT})),
    # --- portal: consents (issue #7) ---
    # --- jobs: only the member who started a job sees it ---
    # Webhook subscriptions: the administrator's alone; riverside's administrator gets 404.
    "webhooks:list": Row(by_role(ADMIN)),
    "webhooks:new": Row(by_role(ADMIN)),
    "webhooks:settings": Row(by_role(ADMIN, ok=302)),
    "webhooks:detail": Row(HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"subscription_id": o["hook"].id}),
    "webhooks:delete": Row(HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"subscription_id": o["hook"].id}),
    "webhooks:rotate": Row(
        HARBOR_ADMIN_OBJECT, kwargs=lambda o: {"subscription_id": o["hook"].id}, method="post"
    ),
    "webhooks:pause": Row(
        by_role(ADMIN, ok=302, overrides={"river_admin": 404}),
        kwargs=lambda o: {"subscription_id": o["hook"].id},
        method="post",
    ),
    "webhooks:test": Row(
        by_role(ADMIN, ok=302, overrides={"river_admin": 404}),
        kwargs=lambda o: {"subscription_id": o["hook"].id},
        method="post",
    ),
    "jobs:list": Row(by_role(STAFF_READERS | ADMIN)),
    **{
        f"jobs:{name}": Row(
            by_role(STAFF_READERS | ADMIN, others=403, overrides=ONLY_ANA),
            kwargs=lambda o: {"job_id": o["job"].id},
        )
        for name in ("status", "download")
    },
    "consent:record_pdf": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    **{
        f"portal:{name}": Row(by_role({Role.PARTICIPANT}))
        for name in ("record_pdf", "accounting_csv")
    },
    "portal:consent_sign": Row(
        by_role({Role.PARTICIPANT}, overrides={"river_pat": 404}),
        kwargs=lambda o: {"consent_id": o["consent_to_sign"].id},
    ),
    # --- reports (issue #11) ---
    # Coaches are sent to their own view; drill-downs are the manager's and supervisor's.
    "reports:dashboard": Row(
        by_role({Role.SUPERVISOR, Role.MANAGER}, overrides={"ana": 302, "ben": 302, "rio": 302})
    ),
    "reports:mine": Row(by_role({Role.COACH, Role.SUPERVISOR})),
    "reports:rows": Row(
        by_role({Role.SUPERVISOR, Role.MANAGER}), kwargs=lambda o: {"figure": "served"}
    ),
    "reports:download": Row(by_role({Role.SUPERVISOR, Role.MANAGER})),
    # --- exports (issue #11) ---
    # Program-wide files are for supervisors (their team) and managers (the organization).
    "exports:index": Row(by_role({Role.SUPERVISOR, Role.MANAGER})),
    "exports:dictionary": Row(by_role(STAFF_READERS), kwargs=lambda o: {"dataset": "contacts"}),
    "exports:dictionary_csv": Row(by_role(STAFF_READERS), kwargs=lambda o: {"dataset": "contacts"}),
    # --- appointments (issue #23) ---
    # A coach's and a supervisor's own calendar, booking from it, and the feed's settings.
    **{
        f"appointments:{name}": Row(by_role({Role.COACH, Role.SUPERVISOR}))
        for name in ("calendar", "new", "feed_settings")
    },
    "appointments:book": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "appointments:detail": Row(PAT_PAGE, kwargs=lambda o: {"appointment_id": o["appointment"].id}),
    **{
        f"appointments:{name}": Row(
            PAT_WRITE, kwargs=lambda o: {"appointment_id": o["appointment"].id}
        )
        for name in ("move", "cancel")
    },
    "appointments:outcome": Row(
        everyone(405), kwargs=lambda o: {"appointment_id": o["appointment"].id}
    ),
    # The feed is opened by its secret alone, with no session: an unknown one is 404 for all.
    "appointments_feed": Row(everyone(404, anonymous=404), kwargs=lambda o: {"token": "unknown"}),
    "portal_appointments:list": Row(by_role({Role.PARTICIPANT})),
    # A person's reminder choice: their care team records it with them; they choose it too.
    "appointments:reminders": Row(PAT_WRITE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "portal_appointments:reminders": Row(by_role({Role.PARTICIPANT})),
    # --- texts that come back (issue #23) ---
    # Texts waiting for a person: a manager sees an unknown number's text; a coach or
    # supervisor only texts from a number someone they support gave (none here: 404).
    "texting:waiting": Row(by_role(STAFF_READERS)),
    "texting:waiting_text": Row(
        by_role(
            STAFF_READERS,
            overrides={
                "ana": 404,
                "ben": 404,
                "sam": 404,
                "rio": 404,
                "river_sup": 404,
                "river_mgr": 404,
            },
        ),
        kwargs=lambda o: {"text_id": o["waiting_text"].id},
    ),
    # Twilio's webhooks take only signed POSTs (texting/tests): a GET is 405 for everyone.
    **{
        f"texting:{name}": Row(everyone(405), kwargs=lambda o: {"organization": "harbor"})
        for name in ("twilio_incoming", "twilio_status")
    },
    "portal_appointments:ics": Row(
        by_role({Role.PARTICIPANT}, overrides={"river_pat": 404}),
        kwargs=lambda o: {"appointment_id": o["appointment"].id},
    ),
    # Groups and meetings (issue 22): the program's open groups and its directory's meetings,
    # for its own participants.
    "portal_appointments:meetings": Row(by_role({Role.PARTICIPANT})),
    "portal_appointments:group_ics": Row(
        by_role({Role.PARTICIPANT}, overrides={"river_pat": 404}),
        kwargs=lambda o: {"appointment_id": o["group_session"].id},
    ),
    "portal_appointments:meeting_ics": Row(
        by_role({Role.PARTICIPANT}, overrides={"river_pat": 404}),
        kwargs=lambda o: {"service_id": o["meeting"].id},
    ),
    # --- reach out soon (issue #24) ---
    # A signal is for the care team of the person (a manager reads records but acts on none);
    # what raises one is the program's choice (managers and administrators).
    "reachout:signal": Row(PAT_WRITE, kwargs=lambda o: {"signal_id": o["signal"].id}),
    "reachout:settings": Row(by_role({Role(role) for role in Role.program_keepers()})),
    "reachout:texts": Row(by_role({Role(role) for role in Role.care_team()})),
    "reachout:list": Row(by_role(STAFF_READERS)),
    "reachout:on_call": Row(by_role({Role(role) for role in Role.program_keepers()})),
    "reachout:remove_shift": Row(
        by_role(
            {Role(role) for role in Role.program_keepers()},
            overrides={"river_mgr": 404, "river_admin": 404},
        ),
        kwargs=lambda o: {"shift_id": o["shift"].id},
    ),
    # --- naloxone and overdose (issue #24) ---
    "overdose:participant": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    **{
        f"overdose:{name}": Row(
            PAT_FORM_POST, kwargs=lambda o: {"participant_id": o["pat"].id}, method="post"
        )
        for name in ("kit", "event")
    },
    "overdose:outreach_done": Row(
        PAT_ACTION_POST, kwargs=lambda o: {"event_id": o["overdose"].id}, method="post"
    ),
    "overdose:figures": Row(by_role({Role(role) for role in Role.oversight()})),
    "overdose:plan": Row(by_role({Role(role) for role in Role.program_keepers()})),
    "overdose:rows": Row(
        by_role({Role(role) for role in Role.oversight()}),
        extra={"data": {"measure": "kits", "month": "2026-12"}},
    ),
    # --- billing (issue #21): lines and coverage writes are the manager's, payers the keepers' ---
    "billing:lines": Row(by_role({Role.MANAGER})),
    "billing:check_again": Row(by_role({Role.MANAGER}, ok=302), method="post"),
    "billing:payers": Row(by_role(BILLING_KEEPERS)),
    "billing:providers": Row(by_role(BILLING_KEEPERS)),
    "billing:payer": Row(
        by_role(BILLING_KEEPERS, overrides=RIVERSIDE_KEEPERS_404),
        kwargs=lambda o: {"payer_id": o["payer"].id},
    ),
    "billing:add_row": Row(
        by_role(BILLING_KEEPERS, ok=400, overrides=RIVERSIDE_KEEPERS_404),
        kwargs=lambda o: {"payer_id": o["payer"].id},
        method="post",
    ),
    "billing:remove_row": Row(
        by_role(BILLING_KEEPERS, overrides=RIVERSIDE_KEEPERS_404),
        kwargs=lambda o: {"row_id": o["payer_row"].id},
    ),
    "billing:coverage": Row(PAT_PAGE, kwargs=lambda o: {"participant_id": o["pat"].id}),
    "billing:coverage_add": Row(
        by_role({Role.MANAGER}, ok=400, overrides={"river_mgr": 404}),
        kwargs=lambda o: {"participant_id": o["pat"].id},
        method="post",
    ),
    "billing:authorization_add": Row(
        by_role({Role.MANAGER}, ok=400, overrides={"river_mgr": 404}),
        kwargs=lambda o: {"coverage_id": o["coverage"].id},
        method="post",
    ),
    # Claims: the pages are the manager's; a batch and its files answer 404 to everyone else.
    "billing:claims": Row(by_role({Role.MANAGER})),
    "billing:batch_build": Row(
        by_role({Role.MANAGER}, ok=302, overrides={"river_mgr": 404}),
        kwargs=lambda o: {"payer_id": o["payer"].id},
        method="post",
    ),
    **{
        f"billing:{name}": Row(
            by_role({Role.MANAGER}, others=404, overrides={"river_mgr": 404}),
            kwargs=lambda o: {"batch_id": o["claim_batch"].id},
        )
        for name in ("batch", "batch_837", "batch_csv")
    },
    **{
        f"billing:{name}": Row(
            by_role({Role.MANAGER}, ok=302, others=404, overrides={"river_mgr": 404}),
            kwargs=lambda o: {"batch_id": o["claim_batch"].id},
            method="post",
        )
        for name in ("batch_cancel", "batch_sent")
    },
    # Remittance in, corrections and the report: the manager's; one import, one line and the
    # demo's test 835 of a batch answer 404 to everyone else.
    "billing:batch_test_835": Row(
        by_role({Role.MANAGER}, others=404, overrides={"river_mgr": 404}),
        kwargs=lambda o: {"batch_id": o["claim_batch"].id},
    ),
    "billing:remittances": Row(by_role({Role.MANAGER})),
    "billing:remittance": Row(
        by_role({Role.MANAGER}, others=404, overrides={"river_mgr": 404}),
        kwargs=lambda o: {"remittance_id": o["remittance"].id},
    ),
    "billing:report": Row(by_role({Role.MANAGER}), extra={"data": {"payer": ""}}),
    **{
        f"billing:{name}": Row(
            by_role({Role.MANAGER}, overrides={"river_mgr": 404}),
            kwargs=lambda o: {"line_id": o["billable_line"].id},
        )
        for name in ("line", "void")
    },
    # --- supervision and the coach's own space (issue #25) ---
    **{
        f"supervision:{name}": Row(by_role({Role.COACH, Role.SUPERVISOR}))
        for name in ("mine", "log_csv", "journal")
    },
    "supervision:new": Row(by_role({Role.SUPERVISOR})),
    "supervision:credentials": Row(by_role({Role(role) for role in Role.staff()})),
    "supervision:renewals": Row(by_role({Role(role) for role in Role.approvers()})),
    "supervision:requirement": Row(by_role({Role(role) for role in Role.program_keepers()})),
    # Ana's credential: only she removes it.
    "supervision:credential_remove": Row(
        by_role(
            {Role(role) for role in Role.staff()},
            overrides=dict.fromkeys(
                ("ben", "sam", "mia", "max", "rio", "river_sup", "river_mgr", "river_admin"),
                404,
            ),
        ),
        kwargs=lambda o: {"credential_id": o["credential"].id},
    ),
    # Sam's session with Ana and what they agreed: only the two of them open it (Ben is on the
    # same team but not in the session; the riverside supervisor leads another team).
    "supervision:session": Row(
        PAT_WRITE, kwargs=lambda o: {"session_id": o["supervision_session"].id}
    ),
    "supervision:action_done": Row(
        by_role(
            {Role.COACH, Role.SUPERVISOR},
            ok=302,
            overrides={"ben": 404, "rio": 404, "river_sup": 404},
        ),
        kwargs=lambda o: {"action_id": o["agreed_action"].id},
        method="post",
    ),
    "supervision:topics": Row(by_role({Role(role) for role in Role.program_keepers()})),
    "supervision:topic_edit": Row(
        by_role(
            {Role(role) for role in Role.program_keepers()},
            overrides={"river_mgr": 404, "river_admin": 404},
        ),
        kwargs=lambda o: {"topic_id": o["topic"].public_id},
    ),
    # Ana's journal entry: nobody else opens it, a supervisor and a manager included.
    "supervision:journal_delete": Row(
        by_role(
            {Role.COACH, Role.SUPERVISOR},
            overrides={"ben": 404, "sam": 404, "rio": 404, "river_sup": 404},
        ),
        kwargs=lambda o: {"entry_id": o["journal_entry"].id},
    ),
    # Sam's page for Ana (signing her log, the self-checks she shares): the supervisor of her
    # team only; the riverside supervisor leads another team.
    "supervision:coach": Row(
        by_role({Role.SUPERVISOR}, overrides={"river_sup": 404}),
        kwargs=lambda o: {"coach_id": o["ana"].public_id},
    ),
    # Ana's log signed by Sam: Ana and her team's supervisor; never a manager or an admin.
    "supervision:signed_log_pdf": Row(
        PAT_WRITE, kwargs=lambda o: {"signature_id": o["log_signature"].id}
    ),
    **{
        f"supervision:{name}": Row(by_role({Role.COACH, Role.SUPERVISOR}))
        for name in ("wellbeing", "wellbeing_new")
    },
    # Ana's self-check: nobody else opens it, her supervisor, a manager and an admin included.
    **{
        f"supervision:{name}": Row(
            by_role(
                {Role.COACH, Role.SUPERVISOR},
                overrides={"ben": 404, "sam": 404, "rio": 404, "river_sup": 404},
            ),
            kwargs=lambda o: {"check_id": o["wellbeing_check"].id},
        )
        for name in ("wellbeing_check", "wellbeing_delete")
    },
    # Training: each member keeps their own; a certificate opens for its owner only (Ana's here:
    # her supervisor and the program's managers see hours, not the paper).
    "supervision:training": Row(by_role({Role(role) for role in Role.staff()})),
    "supervision:my_record": Row(by_role({Role(role) for role in Role.staff()})),
    "supervision:training_overview": Row(
        by_role({Role.SUPERVISOR, *(Role(role) for role in Role.program_keepers())})
    ),
    # The care team's work and shared self-checks as counts, small ones hidden: never a name.
    "supervision:program": Row(
        by_role({Role.SUPERVISOR, *(Role(role) for role in Role.program_keepers())})
    ),
    **{
        f"supervision:{name}": Row(
            by_role({Role(role) for role in Role.staff()}, overrides=ONLY_ANA),
            kwargs=lambda o: {"record_id": o["training_record"].id},
        )
        for name in ("training_remove", "training_certificate")
    },
    # --- FHIR R4 (issue #29): OperationOutcomes, 401 without a session, 404 outside scope ---
    "fhir:metadata": Row(everyone(200)),
    "fhir:questionnaire": Row(
        by_role({Role(role) for role in Role.staff()}, anonymous=401),
        kwargs=lambda o: {"key": "barc10"},
    ),
    "fhir:patient": Row(FHIR_PAT, kwargs=lambda o: {"resource_id": o["pat"].id}),
    "fhir:patient_search": Row(by_role(STAFF_READERS, anonymous=401)),
    **{
        f"fhir:{name.lower()}_search": Row(FHIR_PAT, query=lambda o: {"patient": str(o["pat"].id)})
        for name in FHIR_BY_PATIENT
    },
    # Bulk export: supervisors and managers start one; its status and files are mia's alone.
    "fhir:export": Row(
        by_role({Role.SUPERVISOR, Role.MANAGER}, ok=202, anonymous=401),
        extra={"HTTP_PREFER": "respond-async"},
    ),
    **{
        f"fhir:{name}": Row(FHIR_MIAS_EXPORT, kwargs=kwargs)
        for name, kwargs in (
            ("export_status", lambda o: {"job_id": o["fhir_export"].id}),
            (
                "export_file",
                lambda o: {"job_id": o["fhir_export"].id, "resource_type": "Patient"},
            ),
        )
    },
    # --- imports (issue #11) ---
    "imports:home": Row(by_role(IMPORTERS)),
    "imports:mapping": Row(IMPORT_BATCH, kwargs=lambda o: {"batch_id": o["import_batch"].id}),
    "imports:check": Row(IMPORT_BATCH, kwargs=lambda o: {"batch_id": o["import_batch"].id}),
    "imports:errors": Row(IMPORT_BATCH, kwargs=lambda o: {"batch_id": o["import_batch"].id}),
    "imports:apply": Row(
        IMPORT_BATCH_POST, kwargs=lambda o: {"batch_id": o["import_batch"].id}, method="post"
    ),
    "imports:discard": Row(
        IMPORT_BATCH_POST, kwargs=lambda o: {"batch_id": o["import_batch"].id}, method="post"
    ),
}


# Only `consent:disclose` (a POST through `consent.services.disclose`, checked in the consent tests)
# may hand identifiable data to anyone outside the organization. Every other URL that answers with
# a file rather than a page is listed here with who it is for; the matrix fails on a new one.
FILES: dict[str, str] = {
    "api:openapi-json": "the API's schema: its operations and types, no data",
    "supervision:log_csv": "the coach's own supervision log (dates, minutes, topics; no notes)",
    "supervision:signed_log_pdf": (
        "the coach's supervision log signed by the supervisor (no notes), audited as an export"
    ),
    "supervision:training_certificate": "a training certificate, for the member who keeps it",
    "supervision:my_record": "the member's own supervision log, credentials, training, journal",
    "healthz": "a status for the load balancer; no participant data",
    "readyz": "a readiness status for the load balancer; no participant data",
    "metrics": "counts for the operator's scraper; no participant data",
    "consent:accounting_csv": "the accounting of disclosures, for the manager and the participant",
    "consent:record_json": "the person's own copy of their record, audited as an export",
    "consent:record_html": "the person's own copy of their record, audited as an export",
    "consent:scan": "the signed paper consent, shown to staff who may see the record",
    "portal:record_html": "the participant's own copy of their record, audited as an export",
    "portal:record_json": "the participant's own copy of their record, audited as an export",
    "jobs:download": "a finished export, for the member who started it (audited as an export)",
    # --- portal: consents (issue #7) ---
    "consent:record_pdf": "the person's own copy of their record as PDF, audited as an export",
    "portal:record_pdf": "the participant's own copy of their record as PDF, audited as an export",
    "portal:accounting_csv": "the participant's own accounting of disclosures",
    # --- reports (issue #11) ---
    "reports:download": "the dashboard's aggregate tables, counts from 1 to 10 shown as <11",
    # --- exports (issue #11) ---
    "exports:dictionary_csv": "what each column of an export means; no participant data",
    # --- imports (issue #11) ---
    "imports:errors": "the uploader's own rows that were not imported, to fix and upload again",
    # --- appointments (issue #23) ---
    "portal_appointments:ics": "the participant's own appointment for their calendar",
    "portal_appointments:group_ics": "a session of a group open to them, titled 'Group session'",
    "portal_appointments:meeting_ics": "a community meeting from the directory; no one's data",
    # --- claims (issue #21): each person in a batch was disclosed to the payer under consent ---
    "billing:batch_837": "a claim batch's 837P, for managers only, audited as an export",
    "billing:batch_csv": "a claim batch's CSV for a billing vendor, managers only, audited",
    "billing:batch_test_835": "on the demo only: a made-up payer's answer to a batch, to import",
    # --- directory (issue #22): public listings only, for the people who keep them, audited ---
    "directory:hsds_json": "the organization's resource directory as HSDS JSON (public listings)",
    "directory:hsds_zip": "the resource directory as an HSDS CSV data package (public listings)",
    # --- FHIR R4 (issue #29): JSON for the organization's own staff; an outside recipient's
    # reads go through consent.services.disclose (fhir_r4/tests/test_part2.py) ---
    "fhir:metadata": "the server's CapabilityStatement; no participant data",
    "fhir:questionnaire": "an instrument's questions as a FHIR Questionnaire; no participant data",
    "fhir:patient": "a participant as FHIR for staff who may see them, audited as a view",
    "fhir:patient_search": "the participants a member may see as FHIR, one view event each",
    **{
        f"fhir:{name.lower()}_search": "a participant's records as FHIR, audited as a view"
        for name in FHIR_BY_PATIENT
    },
    "fhir:export_status": "the manifest of the caller's own bulk export",
    "fhir:export_file": "the caller's own bulk export file (NDJSON), audited as an export",
}


def _is_file(response: Any) -> bool:
    disposition = response.get("Content-Disposition", "")
    return disposition.startswith("attachment") or not response.get(
        "Content-Type", "text/html"
    ).startswith("text/html")


@pytest.fixture
def world(demo: DemoWorld) -> dict[str, Any]:
    riverside = demo.organizations["riverside"]
    users: dict[str, Any] = dict(demo.users)
    for username in ["river_sup", "river_mgr", "river_admin", "river_pat"]:
        user = User.objects.create(username=username, preferred_name=username)
        Membership.objects.create(organization=riverside, user=user, role=ROLE_OF[username])
        users[username] = user
    Participant.objects.create(
        organization=riverside,
        preferred_name="River",
        user=users["river_pat"],
        coach=users["rio"],
        enrolled_on="2026-01-01",
    )
    rio_team = Team.objects.create(organization=riverside, name="River team")
    Membership.objects.filter(user__in=[users["rio"], users["river_sup"]]).update(team=rio_team)
    pat = Participant.objects.get(user=users["pat"])
    objects: dict[str, Any] = {
        "users": users,
        "ana": users["ana"],
        "pat": pat,
        "consent": Consent.objects.create(
            organization=pat.organization,
            participant=pat,
            disclosing_party="Harbor",
            categories=["attendance"],
            recipient="Clinic",
            purpose="care",
            signed_on="2026-01-01",
            signature_method="typed",
            signature="Pat",
            created_by=users["ana"],
        ),
        "practice": PracticeReview.objects.create(
            organization=pat.organization,
            owner=users["ana"],
            title="Role-play",
            utterances=[],
            summary={},
            shared_with_supervisor=True,
        ),
        "schedule": CheckInSchedule.objects.create(
            organization=pat.organization,
            participant=pat,
            created_by=users["ana"],
            weekday=1,
            window_start="10:00",
            window_end="12:00",
            starts_on="2026-01-01",
        ),
        "group": Group.objects.create(
            organization=pat.organization, name="Tuesday circle", facilitator=users["ana"]
        ),
        "note": Encounter.objects.create(
            organization=pat.organization,
            participant=pat,
            author=users["ana"],
            contact_type="phone",
            started_at=timezone.now(),
            occurred_on=timezone.localdate(),
            summary="Talked about the week.",
        ),
        "support": SupportPerson.objects.create(
            organization=pat.organization, participant=pat, name="Jordan", relationship="friend"
        ),
        "team": Team.objects.get(organization=demo.organizations["harbor"], name="Harbor Team A"),
    }
    ConsentScan.objects.create(
        consent=objects["consent"],
        content="JVBERi0xLjQK",
        content_type="application/pdf",
        filename="consent.pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=users["ana"],
    )
    objects.update(plans_objects(pat, users))
    objects.update(assessment_objects(pat, users))
    objects.update(safety_objects(pat, users))
    objects.update(portal_consent_objects(pat, users))
    objects.update(entry_objects(pat, users))
    objects.update(record_objects(pat, users))
    objects.update(portal_plan_objects(pat, users))
    objects["hook"] = Subscription.objects.create(
        organization=pat.organization,
        description="County warehouse",
        url="https://93.184.216.34/cairn",
        event_types=["note.signed"],
        secret="whsec_matrix",
        created_by=users["max"],
    )
    objects["job"] = Job.objects.create(
        organization=pat.organization,
        requested_by=users["ana"],
        kind="test",
        title="A test download",
        state=JobState.DONE,
        result="aGVsbG8=",
        result_name="hello.txt",
        result_type="text/plain",
        result_size=5,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    objects.update(reports_objects(pat, users))
    objects.update(exports_objects(pat, users))
    objects.update(fhir_objects(pat, users))
    objects.update(imports_objects(pat, users))
    objects.update(access_change_objects(users))
    objects.update(appointment_objects(pat, users))
    objects.update(signal_objects(pat))
    objects.update(overdose_objects(pat, users))
    objects.update(directory_objects(pat, users))
    objects.update(billing_objects(pat, users))
    objects.update(supervision_objects(pat, users))
    objects.update(api_token_objects(users))
    objects["waiting_text"] = InboundText.objects.create(
        organization=pat.organization,
        provider=Provider.TWILIO,
        provider_message_id="SMmatrix",
        from_phone="+16175550999",
        body="Is this the center?",
        match=Match.UNKNOWN,
    )
    return objects


def billing_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Harbor's payer with one service row, and Pat's coverage by it."""
    payer = Payer.objects.create(organization=pat.organization, name="Medicaid", kind="medicaid")
    row = PayerService.objects.create(payer=payer, procedure_code="H0038")
    coverage = Coverage.objects.create(
        organization=pat.organization,
        participant=pat,
        payer=payer,
        member_id="M1",
        starts_on=timezone.localdate(),
        added_by=users["mia"],
    )
    signed = (
        Encounter.objects.filter(participant=pat, state="signed", billable_lines__isnull=True)
        .order_by("occurred_on", "pk")
        .first()
    )
    batch = ClaimBatch.objects.create(
        organization=pat.organization,
        payer=payer,
        created_by=users["mia"],
        interchange_control=1,
        group_control=1,
        fingerprint="matrix",
        line_count=1 if signed else 0,
        people=1 if signed else 0,
    )
    line = None
    if signed is not None:
        line = BillableLine.objects.create(
            organization=pat.organization,
            participant=pat,
            encounter=signed,
            service_date=signed.occurred_on,
            minutes=30,
            payer=payer,
            coverage=coverage,
            procedure_code="H0038",
            place_of_service="11",
            units=2,
            rendering_provider=signed.signed_by or users["mia"],
            state=LineState.BATCHED,
            batch=batch,
        )
    remittance = Remittance.objects.create(
        organization=pat.organization,
        file_hash="matrix",
        trace_number="MATRIX1",
        imported_by=users["mia"],
    )
    return {
        "payer": payer,
        "payer_row": row,
        "coverage": coverage,
        "claim_batch": batch,
        "billable_line": line,
        "remittance": remittance,
    }


def plans_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Plan rows the plans URLs need (Pat's plan, a goal, a milestone)."""
    ana = Membership.objects.get(user=users["ana"])
    goal = save_goal(
        acting=ana,
        participant=pat,
        values={"in_my_words": "Find a steady place to live", "status": "on_the_way"},
        steps=[StepValues(text="Call the housing office", owner="participant")],
    )
    milestone = add_milestone(
        acting=ana,
        participant=pat,
        values={"kind": "milestone", "title": "First month at work", "happened_on": "2026-10-01"},
    )
    return {"goal": goal, "step": goal.steps.get(), "milestone": milestone}


def assessment_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Assessment rows the assessments URLs need (one of Pat's BARC-10 records)."""
    return {"assessment": Assessment.objects.filter(participant=pat, instrument="barc10").first()}


def safety_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Safety-plan rows the safety URLs need (Pat's safety plan)."""
    plan = SafetyPlan.objects.filter(participant=pat).latest("updated_at")
    return {
        "safety_version": plan.versions.first(),
        "crisis_line": CrisisLine.objects.filter(organization=pat.organization).first(),
    }


def portal_consent_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """A consent ana prepared and sent to Pat to sign in the portal."""
    return {
        "consent_to_sign": Consent.objects.create(
            organization=pat.organization,
            participant=pat,
            disclosing_party="Harbor",
            categories=["attendance"],
            recipient="Housing office",
            purpose="housing application",
            expires_on="2099-01-01",
            signature_method="portal",
            signature_requested_at=timezone.now(),
            created_by=users["ana"],
        )
    }


def entry_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """A participant on ana's caseload who has no portal sign-in yet, for the invitation page."""
    return {
        "not_signed_up": Participant.objects.create(
            organization=pat.organization,
            preferred_name="Robin",
            coach=users["ana"],
            enrolled_on="2026-01-01",
        )
    }


def record_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """A signed note of Pat's (open to them) and Pat's correction request on it."""
    ana = Membership.objects.get(user=users["ana"])
    note = record_encounter(
        acting=ana,
        participant=pat,
        brief=True,
        values={"contact_type": "phone", "started_at": timezone.now(), "summary": "Call."},
    )
    note = sign_encounter(acting=ana, encounter=note)
    pat_member = Membership.objects.get(user=users["pat"])
    request = give_feedback(
        acting=pat_member, encounter=note, kind="correction", text="It was Tuesday."
    )
    return {"signed_note": note, "note_request": request}


def portal_plan_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Portal rows the plan part's URLs need (Pat's open call request and goal suggestion)."""
    pat_membership = Membership.objects.get(user=users["pat"])
    return {
        "call_request": request_call(
            acting=pat_membership, participant=pat, source=CallSource.HELP_NOW
        ).request,
        "goal_suggestion": GoalSuggestion.objects.filter(participant=pat).first(),
    }


def reports_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Rows the reports URLs need."""
    return {}


def exports_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Rows the exports URLs need (e.g. a finished export job)."""
    return {}


def fhir_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Mia's finished FHIR bulk export."""
    from fhir_r4.access import FhirAccess
    from fhir_r4.jobs import start_export

    mia = Membership.objects.get(user=users["mia"])
    job, _ = start_export(
        access=FhirAccess(membership=mia), types=["Patient"], request_url="/fhir/r4/Patient/$export"
    )
    return {"fhir_export": job}


def imports_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Rows the imports URLs need (ana's checked file of two people, awaiting her choice)."""
    from imports import services as imports_services
    from imports.sample import participants_csv

    ana = Membership.objects.get(user=users["ana"])
    batch = imports_services.upload(
        acting=ana, kind="participants", filename="people.csv", raw=participants_csv(2)
    )
    imports_services.save_mapping(acting=ana, batch=batch, mapping=batch.mapping, date_style="iso")
    imports_services.dry_run(acting=ana, batch=batch)
    return {"import_batch": batch}


def directory_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """A harbor listing, for the directory URLs."""
    from consent.models import Disclosure
    from directory.models import HsdsImport, Need, ResourceOrganization, Schedule, Service
    from referrals.models import Referral, ReferralState

    provider = ResourceOrganization.objects.create(organization=pat.organization, name="Pantry")
    listing = Service.objects.create(
        organization=pat.organization, provider=provider, name="Food pantry", need=Need.FOOD
    )
    disclosure = Disclosure.objects.create(
        organization=pat.organization,
        participant=pat,
        legal_basis="consent",
        recipient="Pantry",
        purpose="Referral",
        categories=["contact"],
        disclosed_by=users["ana"],
        document_sha256="0" * 64,
    )
    referral = Referral.objects.create(
        organization=pat.organization,
        participant=pat,
        service=listing,
        disclosure=disclosure,
        need=Need.FOOD,
        categories=["contact"],
        state=ReferralState.SENT,
        sent_by=users["ana"],
        sent_at=timezone.now(),
    )
    meeting = Service.objects.create(
        organization=pat.organization, provider=provider, name="Meeting", need=Need.MUTUAL_AID
    )
    Schedule.objects.create(
        organization=pat.organization,
        service=meeting,
        byday="TU",
        opens_at="19:00",
        closes_at="20:00",
    )
    hsds_import = HsdsImport.objects.create(
        organization=pat.organization,
        uploaded_by=users["mia"],
        filename="partner.json",
        form="json",
    )
    return {
        "listing": listing,
        "referral": referral,
        "meeting": meeting,
        "hsds_import": hsds_import,
    }


def access_change_objects(users: dict[str, Any]) -> dict[str, Any]:
    """Max (harbor's administrator) asks for Ben to become a supervisor: it waits for approval."""
    max_member = Membership.objects.get(user=users["max"])
    ben = Membership.objects.get(user=users["ben"])
    result = update_membership(
        acting=max_member, membership=ben, role=Role.SUPERVISOR, team=ben.team, is_active=True
    )
    assert result.waiting is not None
    return {"access_change": result.waiting}


def appointment_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Pat's appointment with ana next week."""
    ana = Membership.objects.get(user=users["ana"])
    appointment = book_appointment(
        acting=ana,
        participant=pat,
        starts_at=timezone.now() + timedelta(days=7),
        duration_minutes=45,
        place="Room 2",
    )
    circle = Group.objects.create(
        organization=pat.organization,
        name="Open circle",
        facilitator=users["ana"],
        open_to_participants=True,
    )
    session = book_appointment(
        acting=ana, group=circle, starts_at=timezone.now() + timedelta(days=2), duration_minutes=90
    )
    return {"appointment": appointment, "group_session": session}


def signal_objects(pat: Participant) -> dict[str, Any]:
    """Pat's check-in on a hard day with very strong urges: a signal on ana's Today."""
    acting = Membership.objects.get(user=pat.user)
    signal = raise_for_check_in(
        acting=acting,
        participant=pat,
        check_in_id=Assessment.objects.filter(participant=pat).values_list("id", flat=True)[0],
        answers={"today": 1, "urges": 4},
        asked_for_call=False,
    )
    shift = add_shift(
        acting=Membership.objects.get(user__username="mia"),
        person=User.objects.get(username="ben"),
        team=None,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=8),
    )
    entry = write_entry(acting=Membership.objects.get(user__username="ana"), text="Mine alone.")
    credential = add_credential(
        acting=Membership.objects.get(user__username="ana"),
        values={
            "name": "CPRS",
            "number": "",
            "issued_by": "",
            "issued_on": None,
            "expires_on": timezone.localdate() + timedelta(days=30),
        },
    )
    return {"signal": signal, "shift": shift, "journal_entry": entry, "credential": credential}


def supervision_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Sam's session with Ana, an action they agreed, and one of harbor's topics."""
    session = SupervisionSession.objects.create(
        organization=pat.organization,
        supervisor=users["sam"],
        held_on=timezone.localdate(),
        minutes=60,
        kind="individual",
        mode="video",
    )
    session.coaches.set([users["ana"]])
    action = agree_action(
        acting=Membership.objects.get(user=users["sam"]),
        session=session,
        coach=users["ana"],
        owner=Owner.COACH,
        text="Block Friday afternoons.",
        due_on=None,
        review=None,
    )
    ensure_topics(pat.organization)
    topic = Topic.objects.filter(organization=pat.organization).first()
    today = timezone.localdate()
    signature = sign_log(
        acting=Membership.objects.get(user=users["sam"]),
        coach=users["ana"],
        start=today - timedelta(days=90),
        end=today,
    )
    check = take_check(
        acting=Membership.objects.get(user=users["ana"]),
        answers={"energy": 3},
        words={"help": "A quiet afternoon."},
    )
    training = add_training(
        acting=Membership.objects.get(user=users["ana"]),
        topic="Motivational interviewing",
        hours=Decimal("6.5"),
        provider="State Peer Network",
        taken_on=timezone.localdate(),
        certificate=Certificate(
            content=b"%PDF-1.4\n% certificate\n%%EOF\n", content_type=CertificateType.PDF
        ),
    )
    return {
        "supervision_session": session,
        "agreed_action": action,
        "topic": topic,
        "log_signature": signature,
        "wellbeing_check": check,
        "training_record": training,
    }


def overdose_objects(pat: Participant, users: dict[str, Any]) -> dict[str, Any]:
    """Pat's overdose last week, which ana recorded: outreach open on her Today."""
    event = record_overdose(
        acting=Membership.objects.get(user=users["ana"]),
        participant=pat,
        values={
            "whose": Whose.THEIR_OWN,
            "happened_on": timezone.localdate() - timedelta(days=7),
            "place": "",
            "naloxone_used": True,
            "reversed": True,
            "emergency_services": False,
            "outcome": Outcome.SURVIVED,
            "in_their_words": "",
        },
        reported_by=ReportedBy.STAFF,
    )
    return {"overdose": event}


def api_token_objects(users: dict[str, Any]) -> dict[str, Any]:
    """A Harbor service account's token that max made, waiting for a second person."""
    from api.services import create_token

    made = create_token(
        acting=Membership.objects.get(user=users["max"]),
        kind="service",
        name="State data warehouse",
        scopes=["participants:read"],
        recipient="State data warehouse",
        purpose="Program evaluation",
        expires_on_days=30,
    )
    return {"api_token": made.token}


def token_secrets(users: dict[str, Any]) -> dict[str, str]:
    """The matrix's tokens, made by each organization's administrator and approved by its
    manager where they reach participant records."""
    from api.services import approve_token, create_token

    read_all = [
        f"{resource}:read"
        for resource in (
            "participants",
            "contacts",
            "consents",
            "directory",
            "plans",
            "assessments",
            "appointments",
            "referrals",
        )
    ]

    def make(admin: str, approver: str | None, scopes: list[str], person: str = "") -> str:
        made = create_token(
            acting=Membership.objects.get(user=users[admin]),
            kind="personal" if person else "service",
            name=person or "service",
            scopes=scopes,
            expires_on_days=30,
            person=Membership.objects.get(user=users[person]) if person else None,
            # A service account shares with the recipient Pat's consent names (`world`).
            recipient="" if person else "Clinic",
            purpose="" if person else "care",
        )
        if approver:
            approve_token(acting=Membership.objects.get(user=users[approver]), token=made.token)
        return made.secret

    return {
        "harbor_service": make("max", "mia", read_all),
        "ana_token": make("max", "mia", read_all, person="ana"),
        "ben_token": make("max", "mia", read_all, person="ben"),
        "river_service": make("river_admin", "river_mgr", read_all),
        "directory_only": make("max", None, ["directory:read"]),
        "waiting": make("max", None, read_all),
    }


def test_every_api_url_has_a_token_matrix_entry() -> None:
    names = {name for name in walk(get_resolver().url_patterns) if name.startswith("api:")}
    assert names - API_ROWS.keys() == {"api:openapi-json", "api:openapi-view", "api:api-root"}
    assert all(set(row.expected) == set(TOKENS) for row in API_ROWS.values())


def test_token_matrix(world: dict[str, Any]) -> None:
    secrets = token_secrets(world["users"])
    failures = []
    for name, row in sorted(API_ROWS.items()):
        url = reverse(name, kwargs=row.kwargs(world))
        for token in TOKENS:
            response = Client().get(url, headers={"Authorization": f"Bearer {secrets[token]}"})
            if response.status_code != row.expected[token]:
                failures.append(
                    f"{name} {token}: expected {row.expected[token]}, got {response.status_code}"
                )
            if response.status_code >= 400:
                body = response.json()
                assert body["error"] and body["detail"], (name, token, body)
                assert not re.search(r"\bPat\b", response.content.decode()), (name, token)
    assert not failures, "\n".join(failures)


def test_every_url_pattern_has_a_matrix_entry() -> None:
    names = set(walk(get_resolver().url_patterns))
    missing = names - MATRIX.keys()
    stale = MATRIX.keys() - names
    assert not missing, f"add these URLs to the authorization matrix: {sorted(missing)}"
    assert not stale, f"these matrix entries name URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorization_matrix(world: dict[str, Any], name: str) -> None:
    row = MATRIX[name]
    url = url_of(name, world)
    failures = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(world["users"][persona])
        response = getattr(client, row.method)(url, **row.extra)
        expected = row.expected[persona]
        if expected == SIGN_IN:
            good = response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/?next="
            )
        else:
            good = response.status_code == expected
        if not good:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
        if response.status_code == 200 and _is_file(response) and name not in FILES:
            failures.append(f"{persona}: got a file; only the disclosure service shares outside")
        if response.status_code in {403, 404}:
            body = response.content.decode()
            main = body.split("<main", 1)[-1]
            assert not re.search(r"\bPat\b", main), f"{persona} saw a name on {url}"
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)
