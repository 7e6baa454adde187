"""The tour's naloxone and overdose: Ana gave Pat two kits with training three weeks ago, and
last week Pat used one to reverse a neighbour's overdose (told in the portal, in Pat's words);
one of Ben's people had a kit last month. The figures page counts them."""

from datetime import date, timedelta

from organizations.models import Membership, Organization
from overdose.models import KitGiven, Outcome, ReportedBy, Whose
from overdose.services import record_kits, record_overdose
from participants.models import Participant


def seed(harbor: Organization, *, anchor: date) -> None:
    pat = Participant.objects.filter(organization=harbor, user__username="pat").first()
    ana = Membership.objects.filter(organization=harbor, user__username="ana").first()
    ben = Membership.objects.filter(organization=harbor, user__username="ben").first()
    if pat is None or ana is None or KitGiven.objects.filter(participant=pat).exists():
        return
    record_kits(
        acting=ana,
        participant=pat,
        given_on=anchor - timedelta(days=21),
        kits=2,
        training_given=True,
    )
    pat_membership = Membership.objects.filter(organization=harbor, user=pat.user).first()
    if pat_membership is not None:
        record_overdose(
            acting=pat_membership,
            participant=pat,
            values={
                "whose": Whose.THEY_HELPED,
                "happened_on": anchor - timedelta(days=6),
                "place": "",
                "naloxone_used": True,
                "reversed": True,
                "emergency_services": True,
                "outcome": Outcome.HOSPITAL,
                "in_their_words": (
                    "My neighbour stopped breathing on the stairs. I used the kit Ana gave me "
                    "and called 911. He is OK."
                ),
            },
            reported_by=ReportedBy.PARTICIPANT,
        )
    if ben is not None:
        theirs = Participant.objects.filter(organization=harbor, coach=ben.user).first()
        if theirs is not None:
            record_kits(
                acting=ben,
                participant=theirs,
                given_on=anchor - timedelta(days=40),
                kits=1,
                training_given=False,
            )
