"""The one-time submit matrix's table: each create form (who sends it, where it is shown, what
to fill in, which rows it adds) and, for every other URL, why a second submit adds nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from assessments.models import Assessment
from billing.models import (
    Authorization,
    BillableLine,
    ClaimBatch,
    Coverage,
    Payer,
    PayerService,
    Remittance,
)
from coaching.models import CustomTerm, PracticeReview, ReviewComment
from consent.models import Consent, Disclosure, LegalHold
from directory.models import HsdsImport, Service
from encounters.models import (
    Addendum,
    CheckInSchedule,
    Encounter,
    NoteFeedback,
    ServiceType,
)
from groups.models import Group, GroupSession
from inbox.models import Message
from jobs.models import Job
from overdose.models import KitGiven, OverdoseEvent
from participants.models import EmergencyAccess, Participant, StatusChange, SupportPerson
from plans.models import Goal, Milestone, Strength
from portal.models import GoalSuggestion
from referrals.models import Referral
from safety.models import CrisisLine
from supervision.models import (
    AgreedAction,
    Credential,
    JournalEntry,
    LogSignature,
    SupervisionSession,
    Topic,
    TrainingRecord,
    WellbeingCheck,
)
from webhooks.models import Subscription

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


# The least an HSDS file needs for Cairn: a service, its organization and one need.
MINIMAL_HSDS = (
    b'[{"id": "svc-1", "organization_id": "org-1", "name": "Evening pantry", "status": "active",'
    b' "organization": {"id": "org-1", "name": "Neighbors"}, "attributes": [{"id": "a-1",'
    b' "taxonomy_term": {"id": "t-1", "taxonomy": "cairn-need", "code": "food"}}]}]'
)


def _referable(o: dict[str, Any]) -> Service:
    """A listing Pat has consented to be referred to (made once per test)."""
    if "referable" not in o:
        from consent.services import record_consent
        from directory.models import ResourceOrganization
        from organizations.models import Membership
        from referrals.services import PURPOSE

        pat = o["pat"]
        provider = ResourceOrganization.objects.create(organization=pat.organization, name="Pantry")
        o["referable"] = Service.objects.create(
            organization=pat.organization, provider=provider, name="Food pantry", need="food"
        )
        record_consent(
            acting=Membership.objects.select_related("user", "organization").get(
                user__username="ana", organization=pat.organization
            ),
            participant=pat,
            values={
                "disclosing_party": "Harbor",
                "categories": ["contact"],
                "recipient": "Pantry",
                "purpose": PURPOSE,
                "signed_on": TODAY(),
                "signature_method": "typed",
                "signature": "Pat",
            },
        )
    service: Service = o["referable"]
    return service


def _pat(o: dict[str, Any]) -> dict[str, Any]:
    return {"participant_id": o["pat"].id}


def _textable(o: dict[str, Any]) -> dict[str, Any]:
    """A listing to text to Pat (made once per test), and Pat."""
    if "textable" not in o:
        from directory.models import ResourceOrganization

        pat = o["pat"]
        provider = ResourceOrganization.objects.create(organization=pat.organization, name="Grocer")
        o["textable"] = Service.objects.create(
            organization=pat.organization, provider=provider, name="Evening grocer", need="food"
        )
    return {"service_id": o["textable"].id, "participant_id": o["pat"].id}


def _find_help_for_pat(client: Client, o: dict[str, Any]) -> str:
    """Find help for Pat, with the listing among the results (each has a "Text it" form)."""
    _textable(o)
    query = f"?for={o['pat'].id}&q=Evening+grocer"
    return client.get(reverse("directory:find") + query).content.decode()


def _practice_review(client: Client, o: dict[str, Any]) -> str:
    """The save form appears once a transcript has been reviewed."""
    transcript = "Coach: How was your week?\nParticipant: Better than the last one."
    return client.post(reverse("coaching:practice"), {"transcript": transcript}).content.decode()


def _claims_ready(client: Client, o: dict[str, Any]) -> str:
    """Pat's batched line is taken out of its batch and changed (so a new batch differs from
    the old one), the payer gets its claim details and Pat a consent for payment; then the
    claims page shows the build form for that payer."""
    from billing.claims import cancel_batch
    from consent.services import record_consent
    from organizations.models import Membership

    mia = Membership.objects.select_related("user", "organization").get(
        user__username="mia", organization=o["pat"].organization
    )
    batch = ClaimBatch.objects.get(pk=o["claim_batch"].pk)
    if batch.state == "open":
        cancel_batch(acting=mia, batch=batch)
        BillableLine.objects.filter(participant=o["pat"], payer=o["payer"]).update(units=3)
    Payer.objects.filter(pk=o["payer"].pk).update(
        submitter_id="HARBOR",
        payer_id="MCD01",
        billing_npi="1234567893",
        billing_tax_id="000000000",
        billing_address="1 Main St",
        billing_city="Salem",
        billing_state="MA",
        billing_zip="019700001",
        billing_contact_name="Desk",
        billing_contact_phone="9785550100",
        diagnosis_code_when_none="Z71.89",
    )
    record_consent(
        acting=mia,
        participant=o["pat"],
        values={
            "disclosing_party": "Harbor",
            "categories": ["all"],
            "recipient": o["payer"].name,
            "purpose": "payment",
            "treatment_payment_operations": True,
            "signed_on": TODAY() - timedelta(days=30),
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": True,
        },
    )
    url = reverse("billing:claims") + f"?payer={o['payer'].id}"
    return client.get(url).content.decode()


def _an_835() -> bytes:
    """A payer's 835 paying one claim that is none of Harbor's (listed as unmatched)."""
    from billing import x835

    claim = x835.ClaimPayment("NOTOURS", "1", Decimal("10"), Decimal("10"), "PCN1")
    remit = x835.Remit("TRACE1", "Medicaid", Decimal("10"), None, [claim])
    at = timezone.now()
    return x835.write_835(x835.RemitFile(remit, 1, at, "MCD01", "HARBOR", "Harbor")).encode()


def _line_sent(client: Client, o: dict[str, Any]) -> str:
    """The line's batch was sent, so the line may be voided; then its void page."""
    ClaimBatch.objects.filter(pk=o["claim_batch"].pk).update(state="sent")
    return client.get(reverse("billing:void", args=[o["billable_line"].id])).content.decode()


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
    "groups:list": Case(
        "ana",
        lambda: Group.objects,
        fill=lambda o: {"name": "Thursday walk", "default_duration": "60"},
    ),
    "referrals:new": Case(
        "ana",
        lambda: Referral.objects,
        lambda o: {"service_id": _referable(o).id, "participant_id": o["pat"].id},
        fill=lambda o: {"need": "food", "categories": ["contact"], "note": "Evenings are best."},
    ),
    # Texting a listing to a person adds a message to their thread (and keeps it on their portal).
    "directory:text": Case("ana", lambda: Message.objects, _textable, reach=_find_help_for_pat),
    "directory:new": Case(
        "mia",
        lambda: Service.objects,
        fill=lambda o: {
            "name": "Evening pantry",
            "provider_name": "Neighbors",
            "need": "food",
            "cost": "free",
        },
    ),
    # An HSDS file checked twice is one dry run (applying it is once by its state, under a lock).
    "directory:hsds": Case(
        "mia",
        lambda: HsdsImport.objects,
        fill=lambda o: {"file": SimpleUploadedFile("partner.json", MINIMAL_HSDS)},
    ),
    "groups:session": Case(
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
    **{
        f"overdose:{name}": Case(
            "ana",
            rows,
            _pat,
            page=("overdose:participant", _pat),
            fill=fill,
        )
        for name, rows, fill in (
            ("kit", lambda: KitGiven.objects, lambda o: {"kits": "2"}),
            (
                "event",
                lambda: OverdoseEvent.objects,
                lambda o: {"whose": "their_own", "outcome": "survived"},
            ),
        )
    },
    "billing:payers": Case(
        "max",
        lambda: Payer.objects,
        fill=lambda o: {"name": "County grant", "kind": "grant", "unit_minutes": "15"},
    ),
    "billing:add_row": Case(
        "max",
        lambda: PayerService.objects,
        lambda o: {"payer_id": o["payer"].id},
        page=("billing:payer", lambda o: {"payer_id": o["payer"].id}),
        fill=lambda o: {
            "contact_type": "phone",
            "procedure_code": "H0038",
            "modifiers": "93",
            "place_of_service": "10",
            "rate": "16",
        },
        having="procedure_code",
    ),
    "billing:coverage_add": Case(
        "mia",
        lambda: Coverage.objects,
        _pat,
        page=("billing:coverage", _pat),
        fill=lambda o: {
            "payer": str(o["payer"].id),
            "member_id": "M22",
            "starts_on": str(TODAY() - timedelta(days=300)),
        },
        having="member_id",
    ),
    "billing:batch_build": Case(
        "mia",
        lambda: ClaimBatch.objects,
        lambda o: {"payer_id": o["payer"].id},
        page=("billing:claims", lambda o: {}),
        reach=_claims_ready,
    ),
    "billing:authorization_add": Case(
        "mia",
        lambda: Authorization.objects,
        lambda o: {"coverage_id": o["coverage"].id},
        page=("billing:coverage", _pat),
        fill=lambda o: {
            "number": "PA-9",
            "units": "40",
            "starts_on": str(TODAY()),
            "ends_on": str(TODAY() + timedelta(days=90)),
        },
        having="units",
    ),
    # A payment imported twice is one import (its file and trace number are taken once too).
    "billing:remittances": Case(
        "mia",
        lambda: Remittance.objects,
        fill=lambda o: {"remittance": SimpleUploadedFile("payment.835", _an_835())},
    ),
    "billing:void": Case(
        "mia",
        lambda: BillableLine.objects,
        lambda o: {"line_id": o["billable_line"].id},
        reach=_line_sent,
        fill=lambda o: {"reason": "Coded as in person; it was by phone", "replace": "on"},
    ),
    "supervision:new": Case(
        "sam",
        lambda: SupervisionSession.objects,
        fill=lambda o: {
            "coaches": [str(o["pat"].coach_id)],
            "minutes": "60",
            "kind": "individual",
            "mode": "video",
        },
    ),
    "supervision:session": Case(
        "sam",
        lambda: AgreedAction.objects,
        lambda o: {"session_id": o["supervision_session"].id},
        fill=lambda o: {"owner": "coach", "text": "Block Friday afternoons."},
    ),
    "supervision:topics": Case(
        "mia", lambda: Topic.objects, fill=lambda o: {"name": "Grief and loss"}
    ),
    "supervision:credentials": Case(
        "ana", lambda: Credential.objects, fill=lambda o: {"name": "CPR"}
    ),
    "coaching:practice_comment": Case(
        "ana",
        lambda: ReviewComment.objects,
        lambda o: {"review_id": o["practice"].id},
        page=("coaching:practice_detail", lambda o: {"review_id": o["practice"].id}),
        fill=lambda o: {"text": "What I meant here was..."},
    ),
    "supervision:training": Case(
        "ana",
        lambda: TrainingRecord.objects,
        fill=lambda o: {
            "topic": "Motivational interviewing",
            "hours": "6.5",
            "taken_on": str(TODAY()),
            "certificate": SimpleUploadedFile(
                "certificate.pdf", b"%PDF-1.4\n% done\n%%EOF\n", "application/pdf"
            ),
        },
    ),
    "supervision:journal": Case(
        "ana", lambda: JournalEntry.objects, fill=lambda o: {"text": "A long day."}
    ),
    "supervision:coach": Case(
        "sam",
        lambda: LogSignature.objects,
        lambda o: {"coach_id": o["supervision_session"].coaches.get().public_id},
        fill=lambda o: {"start": str(TODAY() - timedelta(days=90)), "end": str(TODAY())},
    ),
    "supervision:wellbeing_new": Case(
        "ana", lambda: WellbeingCheck.objects, fill=lambda o: {"energy": "3"}
    ),
    "appointments:book": Case(
        "ana",
        lambda: Appointment.objects,
        _pat,
        fill=lambda o: {"start": "10:00", "duration_minutes": "45", "mode": "phone"},
    ),
    "appointments:new": Case(
        "ana",
        lambda: Appointment.objects,
        fill=lambda o: {
            "who": f"p:{o['pat'].id}",
            "start": "10:00",
            "duration_minutes": "45",
            "mode": "phone",
        },
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
    "assessments:suprt_new": Case(
        "ana",
        lambda: Assessment.objects,
        lambda o: {"participant_id": o["pat"].id, "form": "a"},
        fill=lambda o: {"item_assessment_type": "1", "item_hispanic": "-7"},
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
    "portal:about_my_life": Case(
        "pat", lambda: Assessment.objects, fill=lambda o: {"item_housing": "2", "item_work": "-7"}
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
    "portal:overdose_report": Case(
        "pat",
        lambda: OverdoseEvent.objects,
        fill=lambda o: {"whose": "their_own", "happened_on": TODAY().isoformat()},
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
    "webhooks:new": Case(
        "max",
        lambda: Subscription.objects,
        fill=lambda o: {
            "description": "County warehouse",
            "url": "https://93.184.216.34/cairn",
            "event_types": ["note.signed"],
        },
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
    "readyz": "a status",
    "metrics": "counts",
    "accounts:login": "signing in creates nothing",
    "accounts:logout": "signing out twice is signing out",
    "accounts:keepalive": "touches the session",
    "accounts:language": "a setting; choosing it twice changes nothing",
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
    "organizations:supervised_team": "a page",
    "organizations:invite": (
        "the sign-in name is unique in the database: a second submit is refused with a message"
    ),
    "organizations:person": (
        "an edit; one giving more access asks for approval, and one request waits per person "
        "in the database: a second submit is refused with a message"
    ),
    "organizations:person_active": "a switch",
    "organizations:person_new_link": "a new link replaces the earlier one",
    "organizations:settings": "an edit",
    "organizations:teams": "the team name is unique per organization in the database",
    "organizations:team": "an edit",
    "organizations:access": "a page",
    "organizations:access_decide": "only a waiting change can be decided",
    "organizations:components": "a page",
    "api_tokens:list": "a list",
    "api_tokens:new": (
        "one-time (`@one_time_submit`, `create_once`), but its first answer is the page showing "
        "the secret once rather than a redirect: api/tests/test_api_pages.py sends it twice and "
        "finds one token, the second answer leading to the token's page"
    ),
    "api_tokens:detail": "a page",
    "api_tokens:approve": "only a waiting token can be approved",
    "api_tokens:revoke": "revoking a revoked token changes nothing",
    "api:openapi-json": "the API's schema",
    "api:openapi-view": "the API's documentation page",
    "api:api-root": "not found",
    "api:participants": "a list",
    "api:participant": "a record",
    "api:contacts": "a list",
    "api:contacts_create": (
        "the API's create: a retried POST with the same Idempotency-Key answers the first "
        "contact (api/tests/test_api_resources.py)"
    ),
    "api:contact": "a record",
    "api:listings": "a list",
    "api:listing": "a record",
    "api:consents": "a list",
    "api:consent": "a record",
    "api:plans": "a list",
    "api:plan": "a record",
    "api:assessments": "a list",
    "api:assessment": "a record",
    "api:appointments": "a list",
    "api:appointment": "a record",
    "api:referrals": "a list",
    "api:referral": "a record",
    # FHIR reads are GETs; a bulk export started twice gives back the running job.
    "fhir:metadata": "a page",
    "fhir:questionnaire": "a record",
    "fhir:patient": "a record",
    "fhir:patient_search": "a search",
    **{
        f"fhir:{name}_search": "a search"
        for name in (
            "encounter",
            "careplan",
            "goal",
            "questionnaireresponse",
            "observation",
            "consent",
        )
    },
    "fhir:export": "a second start while one runs gives back the same job (fhir_r4 tests)",
    "fhir:export_status": "a page",
    "fhir:export_file": "a download",
    "participants:list": "a list",
    "participants:emergency_review": "marks a grant reviewed",
    "participants:detail": "a page",
    "participants:edit": "an edit checked against the version it started from",
    "participants:transfer": "an edit checked against the version it started from",
    "participants:history": "a page",
    "participants:merge": "merging a merged record is refused",
    "participants:support_person_edit": "an edit checked against the version it started from",
    "today": "a page",
    "today_find": "a search (its matches link to encounters:new)",
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
    "groups:detail": "a member is added once (one row per group and person)",
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
    "texting:waiting": "a list",
    "texting:waiting_text": (
        "places one text under a lock: the first choice wins, a second finds it placed (404)"
    ),
    "texting:twilio_incoming": "the provider's message id is unique: a replay stores nothing new",
    "texting:twilio_status": "a delivery report sets a state; the same report again is the same",
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
    "appointments:calendar": "a page",
    "appointments:detail": "a page (its outcome form posts to appointments:outcome)",
    "appointments:move": "an edit checked against the version it started from",
    "appointments:cancel": "an edit checked against the version it started from",
    "appointments:outcome": "an edit checked against the version it started from",
    "appointments:feed_settings": "a new address replaces the old one; choices are an edit",
    "appointments_feed": "a calendar file",
    "portal_appointments:list": "a page",
    "portal_appointments:ics": "a download",
    "portal_appointments:meetings": "a page",
    "portal_appointments:group_ics": "a download",
    "portal_appointments:meeting_ics": "a download",
    "groups:listing": "an edit of the group's two fields for participants",
    "appointments:reminders": "an edit: the person's one reminder choice, saved again as it is",
    "portal_appointments:reminders": "an edit: the person's one reminder choice and hours",
    "webhooks:list": "a list (its settings form posts to webhooks:settings)",
    "webhooks:settings": "a setting; saving it twice changes nothing",
    "webhooks:detail": "a page (its forms post to webhooks:test, pause, rotate and delete)",
    "webhooks:pause": "a switch",
    "webhooks:rotate": "a new secret replaces the earlier one; nothing is added",
    "webhooks:test": (
        "sends one more test event, by design: each press is a check of the receiver, logged"
    ),
    "webhooks:delete": "deleting what is deleted finds nothing (404)",
    "jobs:list": "a list",
    "jobs:status": "a page",
    "jobs:download": "a download",
    "directory:find": "a search",
    "directory:listing": "a page (its share form posts to directory:share)",
    "directory:share": "one share per person and listing (a unique constraint)",
    "referrals:index": "a list",
    "referrals:detail": "a page (its forms post to referrals:new_link and referrals:close)",
    "referrals:new_link": "a new link replaces the old one; nothing is added",
    "referrals:close": "a closed referral stays closed",
    "referral_partner": "the partner's answers move one referral's state (checked under a lock)",
    "portal:referrals": "a page",
    "directory:keep": "a list",
    "directory:hsds_json": "a download",
    "directory:hsds_zip": "a download",
    "directory:hsds_check": "a page (its form posts to directory:hsds_apply)",
    "directory:hsds_apply": (
        "an import is started once (under a lock, a second submit finds its job waiting or "
        "working, or the file applied)"
    ),
    "reachout:signal": "a page; acknowledging is once by the database (the first one wins)",
    "reachout:settings": "settings, one row per organization",
    "reachout:texts": "a staff member's own choice, one row per person",
    "reachout:list": "a list",
    "supervision:mine": "a page",
    "supervision:training_overview": "a list",
    "supervision:program": "a page of counts",
    "supervision:training_remove": "a removed training stays removed (the second gets 404)",
    "supervision:training_certificate": "a download",
    "supervision:my_record": "a download",
    "supervision:log_csv": "a download",
    "supervision:journal_delete": "a deleted entry stays deleted (the second gets 404)",
    "supervision:credential_remove": "a removed credential stays removed (the second gets 404)",
    "supervision:renewals": "a list",
    "supervision:requirement": "settings, one row per organization",
    "supervision:action_done": "marking done twice changes nothing (a conditional update)",
    "supervision:topic_edit": "an edit of one topic (rename or retire); topics are never deleted",
    "supervision:signed_log_pdf": "a download",
    "supervision:wellbeing": "a page (its link leads to supervision:wellbeing_new)",
    "supervision:wellbeing_check": "sharing or not, twice, changes nothing (a conditional update)",
    "supervision:wellbeing_delete": "a deleted check stays deleted (the second gets 404)",
    "reachout:on_call": "a rota; a shift added twice shows twice and is removed in one step",
    "reachout:remove_shift": "a removed shift stays removed (the second gets 404)",
    "overdose:participant": "a page (its forms post to overdose:kit and overdose:event)",
    "overdose:outreach_done": "marking done twice changes nothing (a conditional update)",
    "overdose:figures": "a table",
    "overdose:plan": "settings, one row per organization",
    "referrals:settings": "settings, one row per organization",
    "referrals:figures": "a table",
    "overdose:rows": "a list",
    "billing:lines": "a list",
    "billing:check_again": "checking again only works out held or missing lines",
    "billing:payer": "an edit checked against the version it started from",
    "billing:remove_row": "a removed row stays removed (the second gets 404)",
    "billing:providers": "one number per staff member (an update)",
    "billing:coverage": "a page (its forms post to billing:coverage_add and :authorization_add)",
    "billing:claims": "a page (its confirmation posts to billing:batch_build)",
    "billing:batch": "a page (its forms post to billing:batch_sent and :batch_cancel)",
    "billing:batch_837": "a download",
    "billing:batch_csv": "a download",
    "billing:batch_cancel": "a cancelled batch stays cancelled (its state is checked, locked)",
    "billing:batch_sent": "a sent batch stays sent (its state is checked, locked)",
    "billing:batch_test_835": "a download",
    "billing:remittance": "a page",
    "billing:line": "a page (its link leads to billing:void)",
    "billing:report": "a table",
    "directory:edit": "an edit checked against the version it started from",
    "directory:verify": "a date",
    "directory:archive": "an archived listing stays archived",
    "portal:resources": "a choice on a shared resource: save, hide or it helped",
}
