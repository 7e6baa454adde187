"""The tour's supervision: Sam met Ana for an hour two weeks ago (self-care and boundaries) and
they agreed two actions, Ana's peer certification ends in 30 days, and she keeps two trainings
(one with its certificate, a small PDF). Sam met her last quarter too and has signed her log for
that quarter; Ana took two wellbeing self-checks and shares the summary of the latest with Sam."""

import base64
import hashlib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from fpdf import FPDF

from organizations.models import Membership, Organization, Role
from supervision.models import (
    AgreedAction,
    CertificateType,
    Credential,
    Kind,
    LogSignature,
    Mode,
    Owner,
    SupervisionSession,
    Topic,
    TrainingCertificate,
    TrainingRecord,
    WellbeingCheck,
)
from supervision.selectors import log_fingerprint, log_for_period, practice_minutes
from supervision.services import ensure_topics


def seed(harbor: Organization, *, anchor: date) -> None:
    sam = Membership.objects.filter(
        organization=harbor, user__username="sam", role=Role.SUPERVISOR
    ).first()
    ana = Membership.objects.filter(organization=harbor, user__username="ana").first()
    if (
        sam is None
        or ana is None
        or SupervisionSession.objects.filter(organization=harbor).exists()
    ):
        return
    ensure_topics(harbor)
    session = SupervisionSession.objects.create(
        organization=harbor,
        supervisor=sam.user,
        held_on=anchor - timedelta(days=14),
        minutes=60,
        kind=Kind.INDIVIDUAL,
        mode=Mode.IN_PERSON,
        notes="Talked about a hard week with two people in crisis; Ana will block Friday "
        "afternoons for notes and a walk.",
    )
    session.coaches.set([ana.user])
    session.topics.set(
        Topic.objects.filter(organization=harbor, name__in=["Self-care", "Ethics and boundaries"])
    )
    for owner, text, due_on in (
        (Owner.COACH, "Block Friday afternoons for notes and a walk.", anchor + timedelta(days=3)),
        (Owner.SUPERVISOR, "Find Ana a training on grief and loss.", None),
    ):
        AgreedAction.objects.create(
            organization=harbor,
            session=session,
            coach=ana.user,
            owner=owner,
            text=text,
            due_on=due_on,
            created_by=sam.user,
        )
    # Ana's peer certification comes up for renewal in 30 days: it is on Mia's list.
    Credential.objects.create(
        organization=harbor,
        holder=ana.user,
        name="Certified Peer Recovery Specialist",
        number="CPRS-20417",
        issued_by="State Certification Board",
        issued_on=anchor - timedelta(days=700),
        expires_on=anchor + timedelta(days=30),
    )
    _seed_signed_quarter(harbor, sam=sam, ana=ana, anchor=anchor)
    _seed_self_checks(harbor, ana=ana, anchor=anchor)
    _seed_training(harbor, ana.user, anchor=anchor)


def _last_quarter(anchor: date) -> tuple[date, date]:
    first_this = date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1)
    end = first_this - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def _seed_signed_quarter(
    harbor: Organization, *, sam: Membership, ana: Membership, anchor: date
) -> None:
    start, end = _last_quarter(anchor)
    earlier = SupervisionSession.objects.create(
        organization=harbor,
        supervisor=sam.user,
        held_on=start + timedelta(days=40),
        minutes=60,
        kind=Kind.INDIVIDUAL,
        mode=Mode.VIDEO,
        notes="Went over documentation habits; Ana asked about a hard conversation with a "
        "family member of someone she supports.",
        created_at=timezone.make_aware(datetime.combine(start + timedelta(days=40), time(15))),
    )
    earlier.coaches.set([ana.user])
    earlier.topics.set(Topic.objects.filter(organization=harbor, name="Documentation"))
    signed_at = timezone.make_aware(datetime.combine(end + timedelta(days=5), time(10)))
    sessions = [
        s
        for s in log_for_period(ana.user, harbor, start=start, end=end)
        if s.created_at <= signed_at
    ]
    minutes = practice_minutes(ana.user, harbor, start=start, end=end, signed_by=signed_at)
    LogSignature.objects.create(
        organization=harbor,
        coach=ana.user,
        signed_by=sam.user,
        signed_at=signed_at,
        period_start=start,
        period_end=end,
        fingerprint=log_fingerprint(
            coach=ana.user,
            organization=harbor,
            start=start,
            end=end,
            sessions=sessions,
            practice_minutes=minutes,
        ),
    )


def _seed_self_checks(harbor: Organization, *, ana: Membership, anchor: date) -> None:
    for days_ago, answers, shared in (
        (21, {"energy": 2, "sleep": 2, "support": 4, "stories": 2, "boundaries": 3}, False),
        (6, {"energy": 3, "sleep": 3, "support": 4, "stories": 2, "boundaries": 4}, True),
    ):
        taken = timezone.make_aware(datetime.combine(anchor - timedelta(days=days_ago), time(17)))
        WellbeingCheck.objects.create(
            organization=harbor,
            coach=ana.user,
            taken_at=taken,
            answers=answers,
            words={"help": "Keeping Friday afternoons free is helping."} if shared else {},
            shared_at=taken if shared else None,
        )


def certificate_pdf(*, name: str, topic: str, hours: str, day: date) -> bytes:
    """A one-page certificate of completion, the same bytes for the same words."""
    pdf = FPDF(orientation="landscape", format="letter")
    pdf.set_creation_date(datetime(day.year, day.month, day.day, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=26)
    pdf.cell(0, 30, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=16)
    for line in (name, topic, f"{hours} hours, {day.isoformat()}", "Northeast Peer Training"):
        pdf.cell(0, 14, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _seed_training(harbor: Organization, ana: Any, *, anchor: date) -> None:
    for topic, hours, provider, days_ago, with_certificate in (
        ("Motivational interviewing, level 1", "12", "Northeast Peer Training", 120, True),
        ("Ethics and boundaries for peer specialists", "6.5", "State Peer Network", 300, False),
    ):
        record = TrainingRecord.objects.create(
            organization=harbor,
            holder=ana,
            topic=topic,
            hours=Decimal(hours),
            provider=provider,
            taken_on=anchor - timedelta(days=days_ago),
        )
        if with_certificate:
            content = certificate_pdf(name="Ana", topic=topic, hours=hours, day=record.taken_on)
            TrainingCertificate.objects.create(
                record=record,
                content=base64.b64encode(content).decode("ascii"),
                content_type=CertificateType.PDF,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
