"""HSDS exchange writes: the export (audited), the dry run kept as an `HsdsImport`, and applying
it once, all or nothing, matching listings by their HSDS id so the same data imported again
updates rather than duplicates."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from directory import hsds
from directory.hsds_check import Check, Checker, Listing, snapshot
from directory.hsds_reading import read
from directory.models import (
    HsdsForm,
    HsdsImport,
    HsdsImportState,
    Location,
    Phone,
    ResourceOrganization,
    Schedule,
    Service,
    ServiceLanguage,
)
from lib.blind_index import hash_fields
from organizations.models import Membership, Organization


class NotReady(Exception):
    """The import was already applied, or has problems, so nothing more is written."""


def export_directory(*, acting: Membership, form: str) -> bytes:
    """The organization's whole directory as HSDS 3.0, `form` json or zip; audited as an export."""
    with transaction.atomic():
        if form == HsdsForm.ZIP:
            content = hsds.export_zip(acting.organization)
        else:
            content = hsds.export_json(acting.organization)
        record_member_action(
            acting=acting, action=Action.EXPORT, target=Target(type="directory.hsds", id=form)
        )
    return content


@dataclass
class Plan:
    """What applying the listings would do, against the listings already here."""

    new: list[Listing]
    changed: list[tuple[Service, Listing]]
    unchanged: int


def _existing(organization: Organization) -> dict[str, tuple[Service, hsds.Parts]]:
    return {service.hsds_key: (service, parts) for service, parts in hsds.listings(organization)}


def plan(organization: Organization, listings: list[Listing]) -> Plan:
    here = _existing(organization)
    new, changed, unchanged = [], [], 0
    for listing in listings:
        found = here.get(listing.key)
        if found is None:
            new.append(listing)
        elif snapshot(*found) != listing:
            changed.append((found[0], listing))
        else:
            unchanged += 1
    return Plan(new=new, changed=changed, unchanged=unchanged)


def check_file(*, acting: Membership, filename: str, raw: bytes) -> HsdsImport:
    """Read and check the whole file (raising `Unreadable` with a calm message when it cannot be
    read at all) and keep the findings; no listing is written."""
    tables = read(raw, filename)
    result = Checker(tables).check()
    counted = plan(acting.organization, result.listings) if not result.problem_count else None
    with transaction.atomic():
        record = HsdsImport.objects.create(
            organization=acting.organization,
            uploaded_by=acting.user,
            filename=filename[:200],
            form=HsdsForm.ZIP if tables.form == "zip" else HsdsForm.JSON,
            content=raw if counted is not None else b"",
            problems=result.stored_problems(),
            problem_count=result.problem_count,
            not_kept=tables.not_kept,
            service_count=len(tables.rows["services"]),
            added_count=len(counted.new) if counted else 0,
            updated_count=len(counted.changed) if counted else 0,
            unchanged_count=counted.unchanged if counted else 0,
        )
        record_member_action(acting=acting, action=Action.CREATE, target=Target.of(record))
    return record


def apply_import(*, acting: Membership, record: HsdsImport) -> HsdsImport:
    """Write every listing of a checked file with no problems, in one transaction; a second
    submit waits on the row lock, then finds it applied (NotReady)."""
    with transaction.atomic():
        locked = HsdsImport.objects.select_for_update().get(pk=record.pk)
        if locked.state != HsdsImportState.CHECKED or locked.problem_count:
            raise NotReady(locked.state)
        result: Check = Checker(read(bytes(locked.content), locked.filename)).check()
        if result.problem_count:  # the organization changed since the dry run
            raise NotReady("problems")
        todo = plan(acting.organization, result.listings)
        _write(acting.organization, todo, result.listings)
        locked.state = HsdsImportState.APPLIED
        locked.applied_at = timezone.now()
        locked.content = b""
        locked.added_count = len(todo.new)
        locked.updated_count = len(todo.changed)
        locked.unchanged_count = todo.unchanged
        locked.save()
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=Target.of(locked),
            changed_fields=["state", "listings"],
        )
    return locked


def _providers(
    organization: Organization, listings: list[Listing]
) -> dict[str, ResourceOrganization]:
    """Every provider the listings name, created or brought up to date."""
    here = {p.hsds_key: p for p in ResourceOrganization.objects.filter(organization=organization)}
    wanted = {listing.provider_key: listing.provider for listing in listings}
    new, changed = [], []
    for key, values in wanted.items():
        provider = here.get(key)
        if provider is None:
            provider = ResourceOrganization(organization=organization, hsds_id=key, **values)
            new.append(provider)
            here[key] = provider
        elif any(getattr(provider, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(provider, name, value)
            changed.append(provider)
    ResourceOrganization.objects.bulk_create(new, batch_size=1000)
    ResourceOrganization.objects.bulk_update(changed, list(_PROVIDER_FIELDS), batch_size=1000)
    return here


_PROVIDER_FIELDS = ("name", "description", "website", "email")
_SERVICE_FIELDS = [
    "name",
    "description",
    "url",
    "email",
    "status",
    "need",
    "cost",
    "fees_description",
    "eligibility_description",
    "application_process",
    "accreditations",
    "service_area",
    "last_verified",
]


def _write(organization: Organization, todo: Plan, listings: list[Listing]) -> None:
    providers = _providers(organization, listings)
    now = timezone.now()
    created = [
        Service(
            organization=organization,
            provider=providers[listing.provider_key],
            hsds_id=listing.key,
            **listing.service,
        )
        for listing in todo.new
    ]
    Service.objects.bulk_create(created, batch_size=1000)
    changed = []
    hashed = hash_fields(Service)
    for service, listing in todo.changed:
        for name, value in listing.service.items():
            setattr(service, name, value)
        service.provider = providers[listing.provider_key]
        service.version += 1
        service.updated_at = now
        for digest in hashed:
            digest.pre_save(service, False)
        changed.append(service)
    Service.objects.bulk_update(
        changed,
        [*_SERVICE_FIELDS, "provider", "version", "updated_at", *(f.attname for f in hashed)],
        batch_size=500,
    )
    ids = [service.pk for service in changed]
    for model in (Location, Phone, Schedule, ServiceLanguage):
        for start in range(0, len(ids), 500):
            model.objects.filter(service_id__in=ids[start : start + 500]).delete()
    pairs = [*zip(created, todo.new, strict=True), *((s, listing) for s, listing in todo.changed)]
    _write_parts(organization, pairs)


def _write_parts(organization: Organization, pairs: list[tuple[Service, Listing]]) -> None:
    places, phones, hours, languages = [], [], [], []
    for service, listing in pairs:
        if listing.location is not None:
            places.append(Location(organization=organization, service=service, **listing.location))
        phones += [
            Phone(organization=organization, service=service, number=n, type=t, description=d)
            for n, t, d in listing.phones
        ]
        hours += [
            Schedule(organization=organization, service=service, byday=d, opens_at=o, closes_at=c)
            for d, o, c in listing.hours
        ]
        languages += [
            ServiceLanguage(organization=organization, service=service, code=code)
            for code in listing.languages
        ]
    Location.objects.bulk_create(places, batch_size=1000)
    Phone.objects.bulk_create(phones, batch_size=1000)
    Schedule.objects.bulk_create(hours, batch_size=1000)
    ServiceLanguage.objects.bulk_create(languages, batch_size=1000)
