"""Reads for the group pages: the groups a member may see, and the members they may see in one."""

from accounts.models import AnyUser
from groups.models import Group
from organizations.models import Organization
from participants.models import Participant, ParticipantQuerySet


def groups_for(*, user: AnyUser, organization: Organization) -> list[Group]:
    """The groups this member may see (`Group.objects.visible_to`), by name. Names are
    encrypted, so they are sorted here rather than in SQL."""
    return sorted(
        Group.objects.visible_to(user, organization).select_related("facilitator"),
        key=lambda group: group.name.casefold(),
    )


def members_seen(group: Group, visible: ParticipantQuerySet) -> list[Participant]:
    """The group's members among the people `visible` holds, by preferred name; the others are
    only counted on the page."""
    return list(group.members.filter(id__in=visible.values("id")).order_by("preferred_name"))
