"""The participant record and the one rule for who may see it."""

import uuid
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.blind_index import HashedModel, HashedQuerySet, KeyedHashField, KeyedHashListField
from lib.collation import FoldedTextField, SortKeyField, folded
from lib.crypto import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from lib.model_loading import fast_from_db
from organizations.models import Membership, Organization, Role
from participants.owned import MemberScope as MemberScope  # where apps import it from
from participants.owned import MemberScoped, ParticipantOwnedQuerySet


class ContactChannel(models.TextChoices):
    TEXT = "text", _("Text message")
    CALL = "call", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")
    NONE = "none", _("Please don't contact me")


class ParticipantStatus(models.TextChoices):
    """Where someone is with the program, in words that never blame."""

    REFERRED = "referred", _("Referred")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Taking a break")
    COMPLETED = "completed", _("Completed")
    MOVED_ON = "moved_on", _("Moved on")
    CLOSED = "closed", _("Closed")

    @classmethod
    def open(cls) -> tuple[str, ...]:
        return (cls.REFERRED, cls.ACTIVE, cls.PAUSED)


class AgeRange(models.TextChoices):
    R16_24 = "16-24", _("16 to 24")
    R25_34 = "25-34", _("25 to 34")
    R35_44 = "35-44", _("35 to 44")
    R45_54 = "45-54", _("45 to 54")
    R55_64 = "55-64", _("55 to 64")
    R65 = "65+", _("65 or older")


class VeteranStatus(models.TextChoices):
    YES = "yes", _("Yes, has served")
    NO = "no", _("No")


class ReferralSource(models.TextChoices):
    SELF = "self", _("Came on their own")
    FAMILY = "family", _("Family or friend")
    PEER = "peer", _("Another person in recovery")
    HOSPITAL = "hospital", _("Hospital or emergency department")
    TREATMENT = "treatment", _("Treatment program")
    JUSTICE = "justice", _("Court, probation or legal system")
    COMMUNITY = "community", _("Community organization")
    OTHER = "other", _("Somewhere else")


class Pathway(models.TextChoices):
    """Recovery pathways: several at once, none ranked above another."""

    TWELVE_STEP = "twelve_step", _("12-step mutual help")
    SMART = "smart", _("SMART Recovery")
    REFUGE = "refuge", _("Refuge Recovery / Recovery Dharma")
    FAITH = "faith", _("Faith-based recovery")
    MEDICATION = "medication", _("Medication for addiction treatment")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction")
    TREATMENT = "treatment", _("Treatment program")
    NATURAL = "natural", _("Natural or self-directed recovery")
    OTHER = "other", _("Another path (in their words)")


class ParticipantQuerySet(MemberScoped, HashedQuerySet["Participant"]):
    """`visible_to(user, organization)` (from `MemberScoped`): the participants this user may
    see in this organization; everything else is out of scope. coach: their own caseload;
    supervisor: their own and their team's caseloads; manager: the whole organization;
    participant: their own record; admin: none (admins manage accounts, not participant
    content)."""

    def visible_to_member(
        self,
        *,
        organization_id: int,
        user_id: int,
        role: str,
        team_id: uuid.UUID | None,
        now: datetime,
    ) -> "ParticipantQuerySet":
        """`visible_to` for an active member given as plain values (`MemberScope`)."""
        in_org = self.filter(organization_id=organization_id, merged_into__isnull=True)
        mine = Q(coach_id=user_id) | Q(secondary_coach_id=user_id)
        if role in Role.care_team():
            # Emergency access ("break the glass"): time-limited, reasoned, audited, reviewed.
            mine |= Q(
                pk__in=EmergencyAccess.objects.filter(
                    organization_id=organization_id, user_id=user_id, expires_at__gt=now
                ).values("participant_id")
            )
        if role == Role.COACH:
            return in_org.filter(mine)
        if role == Role.SUPERVISOR:
            if team_id is None:
                return in_org.filter(mine)
            team_coaches = Membership.objects.active().filter(
                organization_id=organization_id, team_id=team_id, role=Role.COACH
            )
            team_ids = team_coaches.values("user_id")
            return in_org.filter(
                mine | Q(coach_id__in=team_ids) | Q(secondary_coach_id__in=team_ids)
            )
        if role == Role.MANAGER:
            return in_org
        if role == Role.PARTICIPANT:
            return in_org.filter(user_id=user_id)
        return self.none()

    def open_to_outreach(self) -> "ParticipantQuerySet":
        """Everyone but people who asked not to be contacted: what due, overdue, quiet and
        follow-up lists, schedules and reminders start from."""
        return self.filter(no_contact_since__isnull=True)

    def search(self, text: str) -> "ParticipantQuerySet":
        text = text.strip()
        if not text:
            return self
        digits = "".join(ch for ch in text if ch.isdigit())
        # Case and accents never matter: "angel" finds "Ángel" (lib.collation).
        by_name = Q(name_search__contains=folded(text))
        if len(digits) >= 4:
            # Phones are stored in E.164; match on the digits the coach typed.
            return self.filter(
                by_name | Q(phone__contains=digits) | Q(phone_other__contains=digits)
            )
        return self.filter(by_name)


def texting_opens_at(
    moment: datetime, *, opens: time | None, closes: time | None, zone: tzinfo
) -> datetime:
    """`moment` itself if it falls inside a person's texting hours (`opens` to `closes` on the
    wall clock of `zone`; an evening-to-morning span wraps midnight; no hours means any time),
    else the next time they open. A wall-clock time the spring change skips (2:30 AM) becomes
    the moment after it (3:30 AM)."""
    if opens is None or closes is None or opens == closes:
        return moment
    local = moment.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    inside = opens <= clock < closes if opens < closes else (clock >= opens or clock < closes)
    if inside:
        return moment
    day = local.date() if clock < opens else local.date() + timedelta(days=1)
    return datetime.combine(day, opens, tzinfo=zone).astimezone(UTC).astimezone(zone)


class Participant(HashedModel):
    """A person in recovery the program walks beside. Only the name they go by is required."""

    from_db = fast_from_db  # long lists: no Model.__init__ per row (lib.model_loading)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="participants"
    )
    # About them
    preferred_name = models.CharField(_("name they go by"), max_length=120)
    legal_name = EncryptedCharField(_("legal name"), max_length=200, blank=True)
    # Written from the name on every save: lists sort on one, search matches the other.
    name_sort = SortKeyField(source="preferred_name")
    name_search = FoldedTextField(source="preferred_name")
    pronouns = EncryptedCharField(_("pronouns"), max_length=60, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_range = models.CharField(
        _("age range"), max_length=10, choices=AgeRange.choices, blank=True
    )
    # An ISO 639 code ("es", "vi", "ase"), shown by name (`participants.languages`); a name
    # typed before codes were kept, and not found in the table, stays as it was written.
    preferred_language = models.CharField(_("preferred language"), max_length=40, blank=True)
    needs_interpreter = models.BooleanField(_("wants an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter's language"), max_length=12, blank=True)
    gender_identity = EncryptedCharField(_("gender, in their words"), max_length=120, blank=True)
    race_ethnicity = EncryptedCharField(
        _("race, ethnicity or culture, in their words"), max_length=200, blank=True
    )
    sexual_orientation = EncryptedCharField(
        _("sexual orientation, in their words"), max_length=120, blank=True
    )
    veteran_status = models.CharField(
        _("served in the military"), max_length=10, choices=VeteranStatus.choices, blank=True
    )
    referral_source = models.CharField(
        _("how they heard of us"), max_length=20, choices=ReferralSource.choices, blank=True
    )
    referral_detail = EncryptedCharField(_("referral details"), max_length=200, blank=True)
    # Reaching them, as they choose
    contact_channels = models.JSONField(_("ways to reach them, in order"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_other = models.CharField(_("another phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    safe_times = EncryptedCharField(_("safe times to contact"), max_length=200, blank=True)
    # The hours a text may arrive, in the organization's time zone; a text asked for outside
    # them waits for the next start (inbox). Both empty: any time.
    texts_from = models.TimeField(_("texts only from"), null=True, blank=True)
    texts_until = models.TimeField(_("texts only until"), null=True, blank=True)
    # "Please don't contact me": since when, and who recorded it (kept in step with
    # `contact_channels` by the participant services). Nothing plans outreach while it stands.
    no_contact_since = models.DateTimeField(
        _("asked not to be contacted since"), null=True, blank=True
    )
    no_contact_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The person texted STOP (or a word like it, texting.keywords): no text goes to them until
    # they text START. Only their own text sets or lifts it, so "who" is always the person.
    texts_stopped_at = models.DateTimeField(
        _("texts stopped by the person on"), null=True, blank=True
    )
    voicemail_ok = models.BooleanField(_("OK to leave a voicemail"), default=False)
    organization_name_ok = models.BooleanField(
        _("OK to name the organization in messages"), default=False
    )
    contact_note = EncryptedTextField(
        _("safe word or note for contacting"), max_length=300, blank=True
    )
    # What helps
    helps_feel_safe = EncryptedTextField(
        _("what helps them feel safe"), max_length=2000, blank=True
    )
    please_avoid = EncryptedTextField(
        _("things that are hard / please avoid"), max_length=2000, blank=True
    )
    support_style = EncryptedTextField(
        _("how they like to be supported"), max_length=2000, blank=True
    )
    strengths = EncryptedJSONField(_("strengths"), default=list, blank=True)
    interests = EncryptedJSONField(_("interests"), default=list, blank=True)
    values = EncryptedJSONField(_("what matters to them"), default=list, blank=True)
    # Recovery pathways
    pathways = EncryptedJSONField(_("recovery pathways"), default=list, blank=True)
    pathway_other = EncryptedCharField(
        _("another path, in their words"), max_length=200, blank=True
    )
    substances_of_concern = EncryptedCharField(
        _("substances or behaviours of concern"), max_length=300, blank=True
    )
    # Keyed hashes of the encrypted answers that reports, the caseload and the duplicate check
    # filter on (lib.blind_index); kept in step by every write.
    legal_name_key = KeyedHashField(source="legal_name")
    gender_identity_key = KeyedHashField(source="gender_identity")
    race_ethnicity_key = KeyedHashField(source="race_ethnicity")
    pathway_keys = KeyedHashListField(source="pathways")
    # "Prefer not to say" answers, by field name: an answer in itself, not a gap.
    declined = models.JSONField(default=list, blank=True)
    # With the program
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    secondary_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondary_caseload",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant_record",
    )
    status = models.CharField(
        max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    enrolled_on = models.DateField(_("enrolled on"))
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    next_contact_on = models.DateField(_("next follow-up"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name_sort", "preferred_name"]
        indexes = [
            models.Index(fields=["organization", "coach", "status"], name="participant_org_coach"),
            models.Index(fields=["organization", "secondary_coach"], name="participant_org_coach2"),
            models.Index(fields=["organization", "preferred_name"], name="participant_org_name"),
            models.Index(fields=["organization", "name_sort"], name="participant_org_name_sort"),
            models.Index(fields=["organization", "enrolled_on"], name="participant_org_enrolled"),
            models.Index(fields=["organization", "phone"], name="participant_org_phone"),
            models.Index(
                fields=["organization", "last_contact_on"], name="participant_org_last_contact"
            ),
            models.Index(
                fields=["organization", "next_contact_on"], name="participant_org_next_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.preferred_name

    @property
    def public_id(self) -> uuid.UUID:
        return self.id

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(ContactChannel.choices)
        return [str(labels[c]) for c in self.contact_channels if c in labels]

    @property
    def first_channel_label(self) -> str:
        labels = self.channel_labels
        return labels[0] if labels else ""

    @property
    def wants_no_contact(self) -> bool:
        return ContactChannel.NONE in (self.contact_channels or [])

    def may_text(self) -> bool:
        """A number, text among the ways they chose, no "please don't contact me", and no STOP
        texted since their last START."""
        channels = self.contact_channels or []
        return (
            bool(self.phone)
            and ContactChannel.TEXT in channels
            and not self.wants_no_contact
            and self.texts_stopped_at is None
        )

    @property
    def texts_first(self) -> bool:
        """Text is the first of the ways they chose to be reached."""
        channels = self.contact_channels or []
        return bool(channels) and channels[0] == ContactChannel.TEXT

    def next_text_window(self, now: datetime, zone: tzinfo) -> datetime | None:
        """When a text asked for at `now` may go: None for now, else the next opening of their
        texting hours (`zone` is the organization's time zone)."""
        opens = texting_opens_at(now, opens=self.texts_from, closes=self.texts_until, zone=zone)
        return None if opens is now else opens

    @property
    def pathway_labels(self) -> list[str]:
        labels = dict(Pathway.choices)
        return [str(labels[p]) for p in self.pathways if p in labels]

    def days_since_contact(self, today: date) -> int | None:
        if self.last_contact_on is None:
            return None
        return (today - self.last_contact_on).days

    def is_out_of_touch(self, today: date, after_days: int) -> bool:
        """A gentle flag for the coach, never a status change by itself."""
        if self.status not in (ParticipantStatus.ACTIVE, ParticipantStatus.REFERRED):
            return False
        if self.wants_no_contact:
            return False
        since = self.last_contact_on or self.enrolled_on
        return (today - since).days >= after_days


class SupportPerson(models.Model):
    """Someone the participant names as a support, and whether we may contact them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="support_people"
    )
    name = EncryptedTextField(_("name"), max_length=120)
    relationship = EncryptedTextField(_("relationship"), max_length=80, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    may_contact = models.BooleanField(_("the participant allows us to contact them"), default=False)
    contact_purpose = EncryptedTextField(_("for what"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantOwnedQuerySet["SupportPerson"].as_manager()

    class Meta:
        ordering = ["created_at"]  # names are encrypted, so the database cannot sort by them
        verbose_name_plural = "support people"
        indexes = [
            models.Index(
                fields=["organization", "participant"], name="supportperson_org_participant"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StatusChange(models.Model):
    """One step in a participant's enrolment story; re-enrolment adds steps, never erases."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=ParticipantStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ParticipantStatus.choices)
    reason = EncryptedCharField(_("reason"), max_length=300, blank=True)
    effective_on = models.DateField(_("from"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "participant"], name="statuschange_org_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status} to {self.to_status}"


class CoachRole(models.TextChoices):
    PRIMARY = "primary", _("Primary coach")
    SECONDARY = "secondary", _("Secondary coach")


class CoachAssignment(models.Model):
    """Who walked beside the participant, and when; a transfer ends one and starts another."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="coach_assignments"
    )
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=CoachRole.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    handover_note = EncryptedTextField(_("handover note"), max_length=2000, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "participant"], name="coachassign_org_participant")
        ]

    def __str__(self) -> str:
        return f"{self.coach} ({self.role})"


class EmergencyAccess(models.Model):
    """A staff member outside the care team opened a record in an emergency, with a reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="emergency_grants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("why you need this record now"), max_length=500)
    started_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedCharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["organization", "user", "expires_at"], name="emergency_org_user"),
            models.Index(fields=["organization", "reviewed_at"], name="emergency_org_review"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.participant_id}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
