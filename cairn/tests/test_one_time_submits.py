"""One-time submits, every URL: a page that creates something from a form shows that form with a
fresh one-time key, and the form sent twice with the same key creates one row and answers the
second time with the first result. Every other URL says why it needs no key. The matrix fails
when a URL pattern is added without an entry, so no create form is born unguarded."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from assessments.models import Assessment
from cairn.tests.page_forms import PageForm, post_forms_with
from cairn.tests.test_authorization_matrix import walk
from coaching.models import CustomTerm, PracticeReview
from consent.models import Consent, Disclosure, LegalHold
from encounters.models import (
    Addendum,
    CheckInSchedule,
    Encounter,
    Group,
    GroupMember,
    GroupSession,
    NoteFeedback,
    ServiceType,
)
from encounters.services import ensure_service_types, record_encounter, sign_encounter
from inbox.models import Message
from jobs.models import Job
from lib.models import SubmitKey
from lib.once import KEY_FIELD
from organizations.demo import DemoWorld
from organizations.models import Membership
from participants.models import EmergencyAccess, Participant, StatusChange, SupportPerson
from plans.models import Goal, Milestone, Strength
from plans.services import StepValues, save_goal
from portal.models import GoalSuggestion
from safety.models import CrisisLine

ALREADY_SAVED = "This form was already saved; nothing was added twice."
TODAY = timezone.localdate


@dataclass
class Case:
    """A create form: who sends it, where it is shown, what to fill in, which rows it adds."""

    persona: str
    rows: Callable[[], Any]  # the queryset the form adds one row to
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}
    fill: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}
    # The page the form is on, when it is not the URL itself: (URL name, kwargs builder).
    page: tuple[str, Callable[[dict[str, Any]], dict[str, Any]]] | None = None
    query: str = ""
    # How the page that shows the form is reached, when a GET is not enough.
    reach: Callable[[Client, dict[str, Any]], str] | None = None
    # A field only the create form has, when other forms on the page post to the same URL.
    having: str = ""
    answers_with_a_file: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _pat(o: dict[str, Any]) -> dict[str, Any]:
    return {"participant_id": o["pat"].id}


def _practice_review(client: Client, o: dict[str, Any]) -> str:
    """The save form appears once a transcript has been reviewed."""
    transcript = "Coach: How was your week?\nParticipant: Better than the last one."
    return client.post(reverse("coaching:practice"), {"transcript": transcript}).content.decode()


ONE_TIME: dict[str, Case] = {
    "participants:new": Case(
        "ana", lambda: Participant.objects, fill=lambda o: {"preferred_name": "Sky"}
    ),
    "participants:support_person_new": Case(
        "ana", lambda: SupportPerson.objects, _pat, fill=lambda o: {"name": "Jordan"}
    ),
    "participants:status": Case(
        "ana",
        lambda: StatusChange.objects,
        _pat,
        fill=lambda o: {"status": "paused", "reason": "A break over the summer"},
    ),
    "participants:emergency": Case(
        "ben",
        lambda: EmergencyAccess.objects,
        fill=lambda o: {
            "preferred_name": o["pat"].preferred_name,
            "phone": o["pat"].phone,
            "reason": "At the front desk and their coach is away today",
        },
    ),
    "encounters:new": Case(
        "ana",
        lambda: Encounter.objects,
        _pat,
        query="?kind=brief",
        fill=lambda o: {
            "contact_type": "phone",
            "outcome": "reached",
            "summary": "Talked about the week ahead.",
        },
    ),
    "today_outcome": Case(
        "ana", lambda: Encounter.objects, _pat, fill=lambda o: {"outcome": "no_answer"}
    ),
    "encounters:addendum": Case(
        "ana",
        lambda: Addendum.objects,
        lambda o: {"encounter_id": o["signed_note"].id},
        page=("encounters:detail", lambda o: {"encounter_id": o["signed_note"].id}),
        fill=lambda o: {"text": "The call was on Tuesday."},
    ),
    "encounters:groups": Case(
        "ana",
        lambda: Group.objects,
        fill=lambda o: {"name": "Thursday walk", "default_duration": "60"},
    ),
    "encounters:group_session": Case(
        "ana",
        lambda: GroupSession.objects,
        lambda o: {"group_id": o["group"].id},
        fill=lambda o: {
            "topic": "Sleep",
            "shared_note": "We shared what helps us rest.",
            "attend": [str(o["pat"].id)],
            "sign_now": "on",
        },
    ),
    "encounters:service_types": Case(
        "max", lambda: ServiceType.objects, fill=lambda o: {"name": "Recovery walk"}
    ),
    "encounters:schedule_new": Case(
        "ana",
        lambda: CheckInSchedule.objects,
        _pat,
        fill=lambda o: {"window_start": "10:00", "window_end": "11:00", "every_weeks": "1"},
    ),
    "consent:new": Case(
        "ana",
        lambda: Consent.objects,
        _pat,
        fill=lambda o: {
            "categories": ["attendance"],
            "recipient": "Eastside Clinic",
            "purpose": "Coordinating care",
            "expires_on": (TODAY() + timedelta(days=180)).isoformat(),
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": "on",
        },
    ),
    "consent:disclose": Case(
        "ana",
        lambda: Disclosure.objects,
        _pat,
        answers_with_a_file=True,
        fill=lambda o: {
            "recipient": "Eastside Emergency Department",
            "purpose": "Treating a medical emergency",
            "categories": ["attendance"],
            "legal_basis": "medical_emergency",
            "basis_reason": "Brought in unconscious; no consent could be asked",
        },
    ),
    "consent:hold": Case(
        "mia", lambda: LegalHold.objects, _pat, fill=lambda o: {"reason": "A court case"}
    ),
    "plans:goal_new": Case(
        "ana",
        lambda: Goal.objects,
        _pat,
        fill=lambda o: {"in_my_words": "Sleep through the night", "steps-0-text": "Walk daily"},
    ),
    "plans:milestone_new": Case(
        "ana",
        lambda: Milestone.objects,
        _pat,
        fill=lambda o: {"title": "Thirty days", "happened_on": TODAY().isoformat()},
    ),
    "plans:strength_new": Case(
        "ana", lambda: Strength.objects, _pat, fill=lambda o: {"text": "Keeps promises"}
    ),
    "assessments:new": Case(
        "ana",
        lambda: Assessment.objects,
        _pat,
        fill=lambda o: {f"item_q{n}": "4" for n in range(1, 11)},
    ),
    "coaching:practice": Case(
        "ana",
        lambda: PracticeReview.objects,
        reach=_practice_review,
        having="title",
        fill=lambda o: {"action": "save", "title": "Tuesday role-play"},
    ),
    "coaching:lexicon": Case(
        "max",
        lambda: CustomTerm.objects,
        fill=lambda o: {
            "phrase": "frequent flyer",
            "suggestion": "someone who comes often",
            "reason": "It blames the person.",
        },
    ),
    "inbox:thread": Case(
        "ana", lambda: Message.objects, _pat, fill=lambda o: {"text": "See you Thursday."}
    ),
    "portal:messages": Case(
        "pat", lambda: Message.objects, fill=lambda o: {"text": "Can we meet on Friday?"}
    ),
    "portal:check_in": Case(
        "pat", lambda: Assessment.objects, fill=lambda o: {"item_today": "4", "item_call": "0"}
    ),
    "portal:goal": Case(
        "pat",
        lambda: GoalSuggestion.objects,
        lambda o: {"goal_id": o["goal"].id},
        fill=lambda o: {"text": "Start with three nights a week."},
    ),
    "portal:milestone_new": Case(
        "pat",
        lambda: Milestone.objects,
        fill=lambda o: {"title": "First week at work", "happened_on": TODAY().isoformat()},
    ),
    "portal:note_comment": Case(
        "pat",
        lambda: NoteFeedback.objects,
        lambda o: {"encounter_id": o["signed_note"].id},
        fill=lambda o: {"text": "Thank you for writing this."},
    ),
    "portal:note_correction": Case(
        "pat",
        lambda: NoteFeedback.objects,
        lambda o: {"encounter_id": o["signed_note"].id},
        fill=lambda o: {"text": "It was Tuesday.", "suggested": "We spoke on Tuesday."},
    ),
    "safety:crisis_lines": Case(
        "max",
        lambda: CrisisLine.objects,
        fill=lambda o: {"name": "Harbor warm line", "phone": "617-555-0199"},
    ),
    "exports:index": Case(
        "mia",
        lambda: Job.objects,
        fill=lambda o: {"dataset": "contacts", "kind": "deidentified", "fmt": "csv"},
    ),
}

# Every other URL, and why a second submit of it adds nothing.
NOT_A_CREATE_FORM: dict[str, str] = {
    "home": "a redirect",
    "healthz": "a status",
    "accounts:login": "signing in creates nothing",
    "accounts:logout": "signing out twice is signing out",
    "accounts:keepalive": "touches the session",
    "accounts:security": "a page",
    "accounts:two_factor_setup": "confirms the one pending device",
    "accounts:two_factor_verify": "checks a code",
    "accounts:welcome": "sets a password once; the link stops working",
    "accounts:portal_invite": (
        "each submit makes a new code and retires the earlier one, by design: the code is shown "
        "only in the answer, so the page a double submit ends on must hold a code that works"
    ),
    "organizations:switch": "changes the current organization",
    "organizations:people": "a list",
    "organizations:invite": (
        "the sign-in name is unique in the database: a second submit is refused with a message"
    ),
    "organizations:person": "an edit",
    "organizations:person_active": "a switch",
    "organizations:person_new_link": "a new link replaces the earlier one",
    "organizations:settings": "an edit",
    "organizations:teams": "the team name is unique per organization in the database",
    "organizations:team": "an edit",
    "participants:list": "a list",
    "participants:emergency_review": "marks a grant reviewed",
    "participants:detail": "a page",
    "participants:edit": "an edit checked against the version it started from",
    "participants:transfer": "an edit checked against the version it started from",
    "participants:history": "a page",
    "participants:merge": "merging a merged record is refused",
    "participants:support_person_edit": "an edit checked against the version it started from",
    "today": "a page",
    "encounters:timeline": "a page",
    "encounters:detail": "a page (its addendum form posts to encounters:addendum)",
    "encounters:edit": "an edit checked against the version it started from",
    "encounters:sign": "a signed note cannot be signed again",
    "encounters:autosave": "an edit checked against the version it started from",
    "encounters:cosign": "only a note waiting for review can be co-signed",
    "encounters:return": "only a note waiting for review can be returned",
    "encounters:comment_seen": "a flag",
    "encounters:withhold": "a setting on the note",
    "encounters:share": "a setting on the note",
    "encounters:feedback_answer": "only an open request can be answered",
    "encounters:review": "a list",
    "encounters:group": "a member is added once (one row per group and person)",
    "encounters:schedule_change": "pause, resume or end a schedule",
    "coaching:check": "checks words; stores nothing",
    "coaching:practice_shared": "a list",
    "coaching:practice_detail": "an edit of the reviewer's own record",
    "audit:review": "a page",
    "audit:access": "a page",
    "consent:participant": "a page",
    "consent:accounting_csv": "a download",
    "consent:record_json": "a download",
    "consent:record_html": "a download",
    "consent:record_pdf": "a download",
    "consent:revoke": "a revoked consent stays revoked",
    "consent:retention": "an edit checked against the version it started from",
    "consent:scan": "a download",
    "plans:plan": "a page",
    "plans:versions": "a page",
    "plans:compare": "a page",
    "plans:print": "a page",
    "plans:milestones": "a page",
    "plans:goal_edit": "an edit checked against the version it started from",
    "plans:goal_remove": "a removed goal stays removed",
    "plans:step_done": "a flag",
    "plans:agree": "records agreement with the current version; again is the same",
    "plans:milestone_edit": "an edit checked against the version it started from",
    "assessments:participant": "a page",
    "assessments:detail": "a page",
    "assessments:schedule": "an edit checked against the version it started from",
    "safety:plan": "a page",
    "safety:versions": "a page",
    "safety:card": "a page",
    "safety:edit": "a new version only when something changed, checked against the version",
    "safety:version": "a page",
    "safety:crisis_line": "an edit",
    "portal:start": "checks a code",
    "portal:start_account": "the code is used up by the first account",
    "portal:reset": "texts a code; limited per address and per sign-in name",
    "portal:reset_code": "the code is used up by the first new password",
    "portal:notes": "a page",
    "portal:note": "a page",
    "portal:record": "a page",
    "portal:access": "a page",
    "portal:record_html": "a download",
    "portal:record_json": "a download",
    "portal:record_pdf": "a download",
    "portal:accounting_csv": "a download",
    "portal:consent_sign": "only a consent waiting for a signature can be signed",
    "portal:consent_revoke": "a revoked consent stays revoked",
    "portal:home": "a page (its check-in form posts to portal:check_in)",
    "portal:settings": "an edit of my own preferences",
    "portal:safety_plan": "a page",
    "portal:safety_plan_edit": "a new version only when something changed, checked against it",
    "portal:safety_card": "a page",
    "portal:check_in_thanks": "a page",
    "portal:call": "one open call request per person (a unique constraint); again is the same",
    "portal:my_plan": "a page",
    "portal:step_done": "a flag",
    "portal:agree": "records agreement with the current version; again is the same",
    "portal:language": "a cookie",
    "portal_staff:call_handled": "a handled request stays handled",
    "portal_staff:suggestion_talked_about": "a flag",
    "inbox:list": "a list",
    "reports:dashboard": "a page",
    "reports:mine": "a page",
    "reports:rows": "a page",
    "reports:download": "a download",
    "exports:dictionary": "a page",
    "exports:dictionary_csv": "a download",
    "imports:home": (
        "an upload makes a draft the uploader reviews; nothing reaches a record until applied"
    ),
    "imports:mapping": "an edit of the uploader's draft",
    "imports:check": "checks the draft",
    "imports:errors": "a download",
    "imports:apply": "a batch is applied once (its state is checked in the transaction)",
    "imports:discard": "a discarded batch stays discarded",
    "jobs:list": "a list",
    "jobs:status": "a page",
    "jobs:download": "a download",
}

UUID_VALUE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
def objects(demo: DemoWorld) -> dict[str, Any]:
    pat = Participant.objects.get(user=demo.users["pat"])
    ana = Membership.objects.get(user=demo.users["ana"])
    ensure_service_types(pat.organization)
    note = record_encounter(
        acting=ana,
        participant=pat,
        brief=True,
        values={"contact_type": "phone", "started_at": timezone.now(), "summary": "A call."},
    )
    group = Group.objects.create(
        organization=pat.organization, name="Tuesday circle", facilitator=demo.users["ana"]
    )
    GroupMember.objects.create(organization=pat.organization, group=group, participant=pat)
    goal = save_goal(
        acting=ana,
        participant=pat,
        values={"in_my_words": "Find a steady place to live", "status": "on_the_way"},
        steps=[StepValues(text="Call the housing office", owner="participant")],
    )
    return {
        "pat": pat,
        "signed_note": sign_encounter(acting=ana, encounter=note),
        "group": group,
        "goal": goal,
    }


def _client(demo: DemoWorld, persona: str) -> Client:
    client = Client()
    client.force_login(demo.users[persona])
    return client


def _shown_form(case: Case, name: str, client: Client, objects: dict[str, Any]) -> PageForm:
    """The form as the page shows it, pointing at `name`'s URL and carrying a key."""
    url = reverse(name, kwargs=case.kwargs(objects))
    page_name, page_kwargs = case.page or (name, case.kwargs)
    page_url = reverse(page_name, kwargs=page_kwargs(objects))
    if case.reach is not None:
        html = case.reach(client, objects)
    else:
        response = client.get(page_url + case.query)
        assert response.status_code == 200, f"{name}: the page answered {response.status_code}"
        html = response.content.decode()
    forms = [
        form
        for form in post_forms_with(html, KEY_FIELD)
        if (form.action or page_url).split("?")[0] == url
        and (not case.having or form.value(case.having) is not None)
    ]
    assert forms, f"{name}: no form on the page posts to {url} with a one-time key"
    return forms[0]


def _said(response: Any) -> str:
    """What a response told the person, for a failure message: its errors, or where it led."""
    if response.status_code != 200:
        return f"{response.status_code} {response.get('Location', '')}"
    main = response.content.decode().split("<main", 1)[-1]
    found = re.findall(r'class="(?:error|message[^"]*)"[^>]*>(.*?)</', main, re.S)
    found += re.findall(r'id="form-errors">(.*?)</div>', main, re.S)
    return " | ".join(re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found)


def test_every_url_pattern_says_whether_it_creates_from_a_form() -> None:
    names = set(walk(get_resolver().url_patterns))
    listed = ONE_TIME.keys() | NOT_A_CREATE_FORM.keys()
    assert not ONE_TIME.keys() & NOT_A_CREATE_FORM.keys()
    missing, stale = names - listed, listed - names
    assert not missing, f"say whether these URLs create from a form: {sorted(missing)}"
    assert not stale, f"these entries name URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(ONE_TIME))
def test_a_create_view_answers_a_used_key_first(objects: dict[str, Any], name: str) -> None:
    """Its view is wrapped by `one_time_submit`, which answers a key already used before the
    view reads or validates anything (the mark survives the access decorators around it)."""
    view = resolve(reverse(name, kwargs=ONE_TIME[name].kwargs(objects))).func
    assert getattr(view, "cairn_one_time", False), f"{name}: wrap its view in @one_time_submit"


@pytest.mark.parametrize("name", sorted(ONE_TIME))
def test_a_create_form_is_shown_with_a_fresh_key(
    demo: DemoWorld, objects: dict[str, Any], name: str
) -> None:
    case = ONE_TIME[name]
    client = _client(demo, case.persona)
    first = _shown_form(case, name, client, objects).value(KEY_FIELD)
    again = _shown_form(case, name, client, objects).value(KEY_FIELD)
    assert first and UUID_VALUE.match(first), f"{name}: the key is {first!r}"
    assert again != first, f"{name}: showing the form again must give a new key"


@pytest.mark.parametrize("name", sorted(ONE_TIME))
def test_a_create_form_sent_twice_creates_once(
    demo: DemoWorld, objects: dict[str, Any], name: str
) -> None:
    case = ONE_TIME[name]
    client = _client(demo, case.persona)
    form = _shown_form(case, name, client, objects)
    data: dict[str, Any] = form.data()
    data.update(case.fill(objects))
    url = reverse(name, kwargs=case.kwargs(objects))
    before = case.rows().count()
    first = client.post(url, data, **case.extra)
    added = case.rows().count() - before
    assert added == 1, f"{name}: the first submit added {added} rows: {_said(first)}"
    second = client.post(url, data, **case.extra)
    assert case.rows().count() - before == 1, f"{name}: the second submit added a row"
    assert SubmitKey.objects.filter(key=data[KEY_FIELD][0]).count() == 1
    if case.answers_with_a_file:
        assert second.status_code == first.status_code == 200
        assert second.content == first.content, f"{name}: the second answer is not the first"
        return
    assert first.status_code == second.status_code == 302, f"{name}: {second.status_code}"
    assert second["Location"] == first["Location"]
    shown = client.get(second["Location"]).content.decode()
    assert ALREADY_SAVED in shown.replace("&#x27;", "'"), f"{name}: no calm word on the way back"
