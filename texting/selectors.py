"""Reading the texts that wait for someone to choose whose they are: small and scoped lists."""

from django.db.models import Q, QuerySet

from accounts.models import AnyUser
from organizations.models import Organization, Role
from organizations.selectors import membership_in
from participants.models import Participant
from texting.models import InboundText, Match

WAITING_LIMIT = 50


def all_waiting_texts(*, organization_id: int) -> QuerySet[InboundText]:
    """Every text of the organization still waiting for someone to choose whose it is: what a
    manager handles (and the count beside "Texts to place" in their navigation)."""
    return InboundText.objects.filter(organization_id=organization_id, settled_at__isnull=True)


def waiting_texts_scope(*, user: AnyUser, organization: Organization) -> QuerySet[InboundText]:
    """Texts waiting for a person to be chosen that this member may handle: a manager, all of
    the organization's; a coach or supervisor, those from a number someone they support gave."""
    membership = membership_in(user, organization)
    if membership is None:
        return InboundText.objects.none()
    rows = all_waiting_texts(organization_id=organization.pk)
    if membership.role == Role.MANAGER:
        return rows
    if membership.role not in Role.care_team():
        return InboundText.objects.none()
    theirs = Participant.objects.visible_to(user, organization)
    return rows.filter(match=Match.SHARED).filter(
        Q(from_phone__in=theirs.exclude(phone="").values("phone"))
        | Q(from_phone__in=theirs.exclude(phone_other="").values("phone_other"))
    )


def waiting_texts(*, user: AnyUser, organization: Organization) -> list[InboundText]:
    return list(
        waiting_texts_scope(user=user, organization=organization).order_by("-received_at")[
            :WAITING_LIMIT
        ]
    )


def choices_for(
    *, user: AnyUser, organization: Organization, text: InboundText
) -> list[Participant]:
    """The people who gave the number and whom this member may see: the only ones offered."""
    if not text.from_phone:
        return []
    return list(
        Participant.objects.visible_to(user, organization)
        .filter(Q(phone=text.from_phone) | Q(phone_other=text.from_phone))
        .only("id", "preferred_name", "name_sort", "organization_id")
    )
