"""Reading participants: the caseload list, likely duplicates, coaches to assign, change history."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AnyUser, User
from audit.models import Action, AuditEvent
from lib.blind_index import keyed_hash
from lib.prepared import prepared
from organizations.models import Organization, Role
from organizations.selectors import membership_in
from participants.models import (
    EmergencyAccess,
    MemberScope,
    Participant,
    ParticipantQuerySet,
    ParticipantStatus,
)

SORTS = {
    "name": ("name_sort", "preferred_name", "id"),
    "-name": ("-name_sort", "-preferred_name", "-id"),
    "enrolled": ("enrolled_on", "name_sort", "preferred_name"),
    "-enrolled": ("-enrolled_on", "name_sort", "preferred_name"),
    "last_contact": ("last_contact_on", "name_sort", "preferred_name"),
    "-last_contact": ("-last_contact_on", "name_sort", "preferred_name"),
    "next_contact": ("next_contact_on", "name_sort", "preferred_name"),
}
QUIET_DAYS = (7, 14, 30)
# The caseload's status filter also takes "open": referred, active or taking a break.
OPEN = "open"
# Lists show names and reach preferences (pronouns, safe times) and the family initial that
# tells two people with one name apart (legal name, {% person_label %}), never these: skipping
# them skips their decryption.
SHOWN_IN_LISTS = ("pronouns", "safe_times", "legal_name")
# What `{% person_label %}` reads: a list that only names people loads these columns alone.
LABEL_FIELDS = ("id", "preferred_name", "pronouns", "legal_name", "date_of_birth", "age_range")
ENCRYPTED_FIELDS = tuple(
    f.name
    for f in Participant._meta.concrete_fields
    if getattr(f, "encrypted", False) and f.name not in SHOWN_IN_LISTS
)


def own_open_caseload(*, user: AnyUser, organization: Organization) -> ParticipantQuerySet:
    """The member's own open records (primary or secondary coach), without the encrypted
    free-text columns: what Today's sections are about."""
    return (
        Participant.objects.visible_to(user, organization)
        .filter(Q(coach=user) | Q(secondary_coach=user))
        .filter(status__in=ParticipantStatus.open())
        .defer(*ENCRYPTED_FIELDS)
    )


def own_caseload_of(*, user_id: int, organization_id: int) -> ParticipantQuerySet:
    """The member's own records (primary or secondary coach), whatever their status, from ids
    alone, for prepared queries (lib.prepared), which are built from plain values. The same rows
    for every role Today serves: `visible_to` gives each member their own caseload, so only the
    organization and the unmerged records are left of it. The caller has checked the membership
    (`member_required`)."""
    return Participant.objects.filter(
        Q(coach_id=user_id) | Q(secondary_coach_id=user_id),
        organization_id=organization_id,
        merged_into__isnull=True,
    )


def own_open_caseload_of(*, user_id: int, organization_id: int) -> ParticipantQuerySet:
    """`own_open_caseload` from ids alone (`own_caseload_of`, open records only)."""
    return (
        own_caseload_of(user_id=user_id, organization_id=organization_id)
        .filter(status__in=ParticipantStatus.open())
        .defer(*ENCRYPTED_FIELDS)
    )


@dataclass(frozen=True)
class CaseloadCounts:
    """Whom a caseload counts by default (open records) and whom it leaves out until asked."""

    open: int
    closed: int  # closed, moved on or otherwise no longer open


def caseload_counts(*, user: AnyUser, organization: Organization | None) -> CaseloadCounts:
    """One read for "16 people with open records · 5 closed or moved on": the caseload list's
    default view and "My work" count the same set. Prepared (lib.prepared): the caseload's
    first page asks on every visit."""
    membership = membership_in(user, organization)
    if membership is None:
        return CaseloadCounts(open=0, closed=0)
    rows = _counts.fetch(**MemberScope.of(membership).values()) or [{"open": 0, "closed": 0}]
    return CaseloadCounts(open=rows[0]["open"], closed=rows[0]["closed"])


@prepared
def _counts(
    *, organization_id: int, user_id: int, role: str, team_id: uuid.UUID | None, now: datetime
) -> QuerySet[Any]:
    """The counts as one row (none when the member sees nobody): grouped by the organization,
    which the scope fixes, since a prepared read is a query and not an aggregate."""
    is_open = Q(status__in=ParticipantStatus.open())
    visible = Participant.objects.visible_to_member(
        organization_id=organization_id, user_id=user_id, role=role, team_id=team_id, now=now
    )
    return (
        visible.order_by()
        .values("organization_id")
        .annotate(open=Count("pk", filter=is_open), closed=Count("pk", filter=~is_open))
    )


FINDER_LIMIT = 20


def find_on_caseload(*, user: AnyUser, organization: Organization, text: str) -> list[Participant]:
    """Today's "Log a contact for…": the people this member may see whose name (accents and
    case aside) or phone matches, by name, the first few. Anyone, including people who asked
    not to be contacted: they may be the ones who reached out."""
    text = text.strip()[:100]
    if not text:
        return []
    return list(
        Participant.objects.visible_to(user, organization)
        .search(text)
        .defer(*ENCRYPTED_FIELDS)
        .order_by(*SORTS["name"])[:FINDER_LIMIT]
    )


def asked_not_to_be_contacted(participant: Participant) -> bool:
    """Read fresh: another tab may have recorded "please don't contact me" since this one
    loaded the record."""
    return Participant.objects.filter(pk=participant.pk, no_contact_since__isnull=False).exists()


@dataclass(frozen=True)
class CaseloadFilters:
    query: str = ""
    status: str = ""
    pathway: str = ""
    quiet_days: int | None = None  # last contact longer ago than this many days
    follow_up_due: bool = False
    sort: str = "name"
    coach: str = ""  # a coach's public id: their caseload, as primary or secondary coach


def caseload(
    *,
    user: AnyUser,
    organization: Organization | None,
    filters: CaseloadFilters,
    today: date | None = None,
) -> ParticipantQuerySet:
    today = today or timezone.localdate()
    participants = Participant.objects.visible_to(user, organization).search(filters.query)
    if filters.status == OPEN:
        participants = participants.filter(status__in=ParticipantStatus.open())
    elif filters.status in ParticipantStatus.values:
        participants = participants.filter(status=filters.status)
    if filters.coach:
        participants = participants.filter(
            Q(coach__public_id=filters.coach) | Q(secondary_coach__public_id=filters.coach)
        )
    if filters.pathway:
        # Pathways are encrypted: match the keyed hash of one whole list item.
        participants = participants.filter(pathway_keys__has_item=keyed_hash(filters.pathway))
    if filters.quiet_days or filters.follow_up_due:
        # Lists of whom to reach out to never name people who asked not to be contacted.
        participants = participants.open_to_outreach()
    if filters.quiet_days:
        cutoff = today - timedelta(days=filters.quiet_days)
        participants = participants.filter(
            Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, enrolled_on__lt=cutoff)
        )
    if filters.follow_up_due:
        participants = participants.filter(next_contact_on__lte=today)
    return (
        participants.select_related("coach")
        .defer(*ENCRYPTED_FIELDS)  # the list never shows them: no decryption per row
        .annotate(since_contact=Coalesce("last_contact_on", "enrolled_on"))
        .order_by(*SORTS.get(filters.sort, SORTS["name"]))
    )


@dataclass(frozen=True)
class PossibleDuplicate:
    participant_id: Any
    holder: str
    visible: bool


def possible_duplicates(
    *,
    organization: Organization,
    user: AnyUser,
    preferred_name: str,
    legal_name: str,
    phones: list[str],
    date_of_birth: date | None,
) -> list[PossibleDuplicate]:
    """Records in the same organization that may be this person: a similar name plus the same
    phone or birth date. Only the holding coach is named for records outside scope."""
    name_match = Q(preferred_name__iexact=preferred_name.strip())
    if legal_name.strip():
        name_match |= Q(legal_name_key=keyed_hash(legal_name))
    first = preferred_name.strip()[:3]
    if len(first) == 3:
        name_match |= Q(preferred_name__istartswith=first)
    signals = Q(pk__in=[])
    numbers = [p for p in phones if p]
    if numbers:
        signals |= Q(phone__in=numbers) | Q(phone_other__in=numbers)
    if date_of_birth is not None:
        signals |= Q(date_of_birth=date_of_birth)
    candidates = (
        Participant.objects.filter(organization=organization, merged_into__isnull=True)
        .filter(name_match & signals)
        .select_related("coach")[:5]
    )
    visible_ids = set(
        Participant.objects.visible_to(user, organization)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    return [
        PossibleDuplicate(
            participant_id=c.pk,
            holder=c.coach.display_name if c.coach else "",
            visible=c.pk in visible_ids,
        )
        for c in candidates
    ]


def assignable_coaches(organization: Organization) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organization=organization,
        memberships__is_active=True,
        memberships__role__in=Role.care_team(),
    ).order_by("preferred_name", "username")


def change_history(participant: Participant, limit: int = 50) -> QuerySet[AuditEvent]:
    """Who changed what (field names only, never values), newest first, from the audit trail."""
    return (
        AuditEvent.objects.filter(
            organization_id=participant.organization_id,
            participant_id__in=[
                participant.id,
                *participant.merged_from.values_list("id", flat=True),
            ],
            action__in=[Action.CREATE, Action.UPDATE, Action.DELETE],
        )
        .select_related("actor")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class OpenEmergencyAccess:
    """Someone holding emergency access now: who, to how many records, until when (never whose
    records: the Who has access page is read by administrators too)."""

    user: User
    records: int
    until: Any


def open_emergency_access(organization: Organization) -> list[OpenEmergencyAccess]:
    rows = (
        EmergencyAccess.objects.filter(organization=organization, expires_at__gt=timezone.now())
        .values("user")
        .annotate(records=Count("participant", distinct=True), until=Max("expires_at"))
        .order_by("until")
    )
    users = User.objects.in_bulk([row["user"] for row in rows])
    return [
        OpenEmergencyAccess(user=users[row["user"]], records=row["records"], until=row["until"])
        for row in rows
    ]


def names_for_audit(organization_id: int, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names the audit review shows beside events: one query for a page of events, merged
    records included (their events stay theirs). The review is the manager's, who sees the whole
    organization; a record purged since is simply not found."""
    if not ids:
        return {}
    return dict(
        Participant.objects.filter(organization_id=organization_id, pk__in=ids).values_list(
            "pk", "preferred_name"
        )
    )


def ids_named_for_audit(organization_id: int, text: str) -> QuerySet[Participant]:
    """The ids of records whose name matches, as the caseload search matches it, for the audit
    review's name filter (a subquery: no extra round trip)."""
    return (
        Participant.objects.filter(organization_id=organization_id).search(text).values("pk")  # type: ignore[return-value]
    )


@dataclass
class CoachCaseload:
    """One coach's open caseload at a glance, as their supervisor's team table shows it."""

    open: int = 0
    follow_up_due: int = 0
    quiet: int = 0


def per_coach(
    rows: Any, coach_ids: list[int], fields: tuple[str, ...]
) -> dict[int, dict[str, int]]:
    """Fold counts grouped by (primary coach, secondary coach) into one total per coach: a person
    with two coaches counts once for each of them."""
    totals = {coach_id: dict.fromkeys(fields, 0) for coach_id in coach_ids}
    for row in rows:
        for coach_id in {row["primary"], row["secondary"]}:
            if coach_id in totals:
                for name in fields:
                    totals[coach_id][name] += row[name]
    return totals


def team_caseload_counts(
    *, user: AnyUser, organization: Organization, coach_ids: list[int], today: date
) -> dict[int, CoachCaseload]:
    """Each coach's open caseload, follow-ups due or overdue, and people not in touch for
    longer than the organization's flag, in one grouped read. The due and quiet counts leave
    out people who asked not to be contacted, as the caseload's filters do."""
    cutoff = today - timedelta(days=organization.out_of_touch_days)
    reachable = Q(no_contact_since__isnull=True)
    quiet = Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, enrolled_on__lt=cutoff)
    rows = (
        Participant.objects.visible_to(user, organization)
        .filter(status__in=ParticipantStatus.open())
        .filter(Q(coach_id__in=coach_ids) | Q(secondary_coach_id__in=coach_ids))
        .values(primary=F("coach_id"), secondary=F("secondary_coach_id"))
        .order_by()
        .annotate(
            open=Count("id"),
            follow_up_due=Count("id", filter=reachable & Q(next_contact_on__lte=today)),
            quiet=Count("id", filter=reachable & quiet),
        )
    )
    fields = ("open", "follow_up_due", "quiet")
    return {
        coach_id: CoachCaseload(**counts)
        for coach_id, counts in per_coach(rows, coach_ids, fields).items()
    }


def coach_name(*, organization: Organization, public_id: str) -> str:
    """The name a caseload filtered to one coach is captioned with ("" if not a member here)."""
    user = (
        User.objects.filter(
            public_id=public_id,
            memberships__organization=organization,
            memberships__role__in=Role.care_team(),
        )
        .only("preferred_name", "first_name", "last_name", "username")
        .first()
    )
    return user.display_name if user else ""


# --- the overview's own lists -----------------------------------------------------------------
# The contact text the overview leaves unread: its card shows each contact's one-line summary.
NOTE_TEXT_BEYOND_SUMMARY = (
    "topics",
    "coach_actions",
    "participant_response",
    "own_words",
    "next_steps",
    "review_comment",
    "withheld_detail",
)


def _rows_of(relation: str, participant_id: uuid.UUID) -> QuerySet[Any]:
    """The rows of one of the participant's reverse relations (`participant.<relation>`), from
    the participant's id: the same rows and order as the related manager gives."""
    field: Any = Participant._meta.get_field(relation)
    return field.related_model._default_manager.filter(**{field.field.attname: participant_id})


@prepared
def _support_people(*, participant_id: uuid.UUID) -> QuerySet[Any]:
    return _rows_of("support_people", participant_id)


@prepared
def _recent_contacts(*, participant_id: uuid.UUID) -> QuerySet[Any]:
    return _rows_of("encounters", participant_id).defer(*NOTE_TEXT_BEYOND_SUMMARY)[:5]


@prepared
def _open_schedules(*, participant_id: uuid.UUID) -> QuerySet[Any]:
    return _rows_of("check_in_schedules", participant_id).filter(ended_on__isnull=True)


@prepared
def _status_changes(*, participant_id: uuid.UUID) -> QuerySet[Any]:
    return _rows_of("status_changes", participant_id).select_related("changed_by")[:20]


@prepared
def _assignments(*, participant_id: uuid.UUID) -> QuerySet[Any]:
    return _rows_of("coach_assignments", participant_id).select_related("coach", "assigned_by")[:20]


def overview_lists(participant: Participant) -> dict[str, list[Any]]:
    """The overview's own cards (support people, recent contacts, check-in schedules, status
    history, coach assignments), each read prepared (lib.prepared): every participant page
    opens the overview. Each row knows its participant, as from the related manager."""
    lists = {
        name: read.fetch(participant_id=participant.id)
        for name, read in (
            ("support_people", _support_people),
            ("recent_contacts", _recent_contacts),
            ("schedules", _open_schedules),
            ("status_changes", _status_changes),
            ("assignments", _assignments),
        )
    }
    for rows in lists.values():
        for row in rows:
            row.participant = participant
    return lists
