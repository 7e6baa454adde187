"""Directory writes: listings kept up to date, and resources shared onto a participant's portal.
Each runs in one transaction with its audit event."""

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone

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
)
from organizations.models import Membership
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
