"""Directory writes: listings kept up to date, and resources shared onto a participant's portal
or texted to them. Each runs in one transaction with its audit event."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action
from directory.models import (
    Location,
    Phone,
    ResourceOrganization,
    Schedule,
    Service,
    ServiceLanguage,
    ServiceStatus,
    SharedResource,
    ShareState,
    Weekday,
)
from inbox.models import Message
from inbox.selectors import TextPlan, TextWay, text_plan
from inbox.services import send_message
from lib.when import show_time
from organizations.models import Membership
from participants.languages import texts_in
from participants.models import Participant


class StaleListing(Exception):
    """Someone saved the listing after this edit began; nothing was written."""

    def __init__(self, current: Service) -> None:
        super().__init__("listing changed since the form was opened")
        self.current = current


@dataclass
class Hours:
    byday: str
    opens_at: time
    closes_at: time


@dataclass
class ListingValues:
    """Everything one listing form holds: the service, its provider, place, phone, hours."""

    service: dict[str, Any]
    provider_name: str
    location: dict[str, Any] = field(default_factory=dict)
    phone: str = ""
    languages: list[str] = field(default_factory=list)
    hours: list[Hours] = field(default_factory=list)


def _audit(acting: Membership, action: Action, service: Service, fields: list[str]) -> None:
    record_member_action(
        acting=acting, action=action, target=Target.of(service), changed_fields=fields
    )


def _write_parts(acting: Membership, service: Service, values: ListingValues) -> None:
    org = acting.organization
    Location.objects.update_or_create(
        service=service, defaults={"organization": org, **values.location}
    )
    service.phones.all().delete()
    if values.phone:
        Phone.objects.create(organization=org, service=service, number=values.phone)
    service.languages.all().delete()
    ServiceLanguage.objects.bulk_create(
        ServiceLanguage(organization=org, service=service, code=code) for code in values.languages
    )
    service.schedules.all().delete()
    Schedule.objects.bulk_create(
        Schedule(
            organization=org,
            service=service,
            byday=h.byday,
            opens_at=h.opens_at,
            closes_at=h.closes_at,
        )
        for h in values.hours
    )


def _provider_named(acting: Membership, name: str) -> ResourceOrganization:
    """The provider of that name (an HSDS import may have brought two with the same name, under
    different ids: the first is taken), or a new one."""
    here = ResourceOrganization.objects.filter(organization=acting.organization, name=name)
    found = here.order_by("pk").first()
    return found or ResourceOrganization.objects.create(organization=acting.organization, name=name)


def add_listing(*, acting: Membership, values: ListingValues, verified_on: date) -> Service:
    with transaction.atomic():
        provider = _provider_named(acting, values.provider_name)
        service = Service.objects.create(
            organization=acting.organization,
            provider=provider,
            last_verified=verified_on,
            **values.service,
        )
        _write_parts(acting, service, values)
        _audit(acting, Action.CREATE, service, sorted(values.service))
    return service


def edit_listing(
    *, acting: Membership, service: Service, values: ListingValues, expected_version: int
) -> list[str]:
    """Saves the listing unless someone else saved it since `expected_version` (StaleListing)."""
    with transaction.atomic():
        current = Service.objects.select_for_update().get(pk=service.pk)
        if current.version != expected_version:
            raise StaleListing(current)
        changed = [k for k, v in values.service.items() if getattr(current, k) != v]
        for key, value in values.service.items():
            setattr(current, key, value)
        if current.provider.name != values.provider_name:
            current.provider = _provider_named(acting, values.provider_name)
            changed.append("provider")
        current.version += 1
        current.save()
        _write_parts(acting, current, values)
        _audit(acting, Action.UPDATE, current, changed or ["details"])
    return changed


def mark_verified(*, acting: Membership, service: Service, on: date) -> None:
    with transaction.atomic():
        Service.objects.filter(pk=service.pk).update(last_verified=on, updated_at=timezone.now())
        _audit(acting, Action.UPDATE, service, ["last_verified"])


def archive_listing(*, acting: Membership, service: Service) -> None:
    with transaction.atomic():
        Service.objects.filter(pk=service.pk).update(
            status=ServiceStatus.INACTIVE, updated_at=timezone.now()
        )
        _audit(acting, Action.UPDATE, service, ["status"])


def share_resource(
    *, acting: Membership, participant: Participant, service: Service
) -> tuple[SharedResource, bool]:
    """Puts the listing on the participant's portal (once; sharing again shows it again)."""
    with transaction.atomic():
        share, created = SharedResource.objects.get_or_create(
            participant=participant,
            service=service,
            defaults={"organization": acting.organization, "shared_by": acting.user},
        )
        if not created and share.state == ShareState.HIDDEN:
            share.state = ShareState.SHOWN
            share.save(update_fields=["state"])
        record_member_action(
            acting=acting,
            action=Action.CREATE if created else Action.UPDATE,
            target=Target.of(share),
            participant_id=participant.id,
            changed_fields=["shared"],
        )
    return share, created


class Choice:
    SAVE = "save"
    HIDE = "hide"
    HELPED = "helped"
    ALL = (SAVE, HIDE, HELPED)


def answer_share(*, acting: Membership, share: SharedResource, choice: str) -> None:
    """The participant saves, hides, or says a shared resource helped."""
    with transaction.atomic():
        if choice == Choice.SAVE:
            share.state = ShareState.SAVED
            fields = ["state"]
        elif choice == Choice.HIDE:
            share.state = ShareState.HIDDEN
            fields = ["state"]
        elif choice == Choice.HELPED:
            share.helped_at = share.helped_at or timezone.now()
            fields = ["helped_at"]
        else:
            raise ValueError(choice)
        share.save(update_fields=fields)
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(share),
            participant_id=share.participant_id,
            changed_fields=fields,
        )


# --- texting a resource ---------------------------------------------------------------------


class NotTexted(Exception):
    """No text may go to this person now; `reason` says why, in words for the coach."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TextedResource:
    message: Message
    plan: TextPlan


def _hours_in_short(schedules: list[Schedule]) -> str:
    """ "Every day 7:00 AM-9:00 PM", or the days that share hours together ("Monday, Wednesday
    9:00 AM-5:00 PM; Saturday 10:00 AM-2:00 PM"), in the active language."""
    order = list(Weekday)
    by_hours: dict[str, list[Weekday]] = {}
    for s in sorted(schedules, key=lambda s: (order.index(Weekday(s.byday)), s.opens_at)):
        span = f"{show_time(s.opens_at)}\u2013{show_time(s.closes_at)}"
        by_hours.setdefault(span, []).append(Weekday(s.byday))
    if len(by_hours) == 1 and len(set(next(iter(by_hours.values())))) == len(order):
        return _("Every day %(hours)s") % {"hours": next(iter(by_hours))}
    return "; ".join(
        f"{', '.join(str(day.label) for day in days)} {span}" for span, days in by_hours.items()
    )


def resource_text(participant: Participant, service: Service) -> str:
    """The listing as a short text, in the language the person's texts are written in: what it
    is called, a phone, where it is and its hours. The program is named only when the person
    said it may be."""
    with translation.override(texts_in(participant)):
        lines = []
        if participant.organization_name_ok:
            lines.append(_("From %(program)s:") % {"program": participant.organization.name})
        lines.append(service.name)
        phones = list(service.phones.all())
        if phones:
            lines.append(_("Phone: %(number)s") % {"number": phones[0].number})
        place = getattr(service, "location", None)
        if place is not None and place.one_line():
            lines.append(place.one_line())
        hours = _hours_in_short(list(service.schedules.all()))
        lines.append(_("Hours: %(hours)s") % {"hours": hours} if hours else _("Call for hours."))
        return "\n".join(lines)


def why_not_texted(participant: Participant, plan: TextPlan, service: Service | None = None) -> str:
    """Why a resource cannot be texted to this person ("" when it can), calmly, for the coach."""
    name = participant.preferred_name
    if plan.way == TextWay.NO_CONTACT:
        return _("%(name)s has asked not to be contacted; no text is sent.") % {"name": name}
    if plan.way == TextWay.STOPPED:
        return _("%(name)s has stopped texts (they texted STOP); no text is sent.") % {"name": name}
    if plan.way == TextWay.NOT_CHOSEN:
        if not participant.phone:
            return _("%(name)s has no phone for texts; no text is sent.") % {"name": name}
        return _("Text is not one of the ways %(name)s chose to be reached; no text is sent.") % {
            "name": name
        }
    if service is not None and not participant.organization_name_ok:
        program = participant.organization.name.casefold()
        if program and program in resource_text(participant, service).casefold():
            return _(
                "This listing names the program, and %(name)s has not said the program may be "
                "named in texts; no text is sent."
            ) % {"name": name}
    return ""


def text_resource(
    *, acting: Membership, participant: Participant, service: Service, now: datetime | None = None
) -> TextedResource:
    """Texts the listing to the person, as a message in their thread that goes out as the text
    itself: now, or at the start of their texting hours (the coach sees its delivery state in
    the thread). It is also put on their portal's My resources, so it is kept. Text only goes
    when it is one of the ways they chose; it need not be the first, since the coach chose to
    text this and the listing holds nothing about the person. Raises NotTexted, with nothing
    written, for "please don't contact me", a STOP, no phone or text not chosen."""
    plan = text_plan(participant, now=now or timezone.now())
    reason = why_not_texted(participant, plan, service)
    if reason:
        raise NotTexted(reason)
    with transaction.atomic():
        message = send_message(
            acting=acting,
            participant=participant,
            body=resource_text(participant, service),
            as_text=True,
        )
        share_resource(acting=acting, participant=participant, service=service)
    return TextedResource(message=message, plan=plan)
