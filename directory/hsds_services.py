"""HSDS exchange writes: the export (audited), the dry run kept as an `HsdsImport`, and applying
it once, all or nothing, matching listings by their HSDS id so the same data imported again
updates rather than duplicates. The dry run and the import run as background jobs
(`directory.jobs`); the uploaded file waits on disk in between (`directory.hsds_files`)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action
from directory import hsds, hsds_files
from directory.hsds_check import Check, Checker, Listing, Problem, snapshot
from directory.hsds_reading import Tables, Unreadable, read
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
from jobs.runner import expect_quiet, submit
from lib.blind_index import hash_fields
from organizations.models import Membership, Organization

# Told how far the work has got: (done, total or None, what it is doing); jobs.runner.Progress.
ProgressFn = Callable[[int, int | None, str], None]


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


CHECK_JOB = "directory.hsds_check"
IMPORT_JOB = "directory.hsds_import"


def _progress(progress: ProgressFn | None, done: int, total: int | None, message: str) -> None:
    if progress is not None:
        progress(done, total, message)


# The save is one transaction, so its progress cannot be seen from outside; the job's page is
# told how long it may be quiet. 50,000 listings took 300 s to save at load 8-10 on 2 cores
# (bench/results/2026-12-06-hsds-50k.md): 10 ms a listing leaves room beyond that.
SAVE_SECONDS_PER_LISTING = 0.01


def _new_record(acting: Membership, filename: str) -> HsdsImport:
    return HsdsImport.objects.create(
        organization=acting.organization,
        uploaded_by=acting.user,
        filename=filename[:200],
        form=HsdsForm.ZIP if filename.lower().endswith(".zip") else HsdsForm.JSON,
    )


def receive_file(*, acting: Membership, filename: str, upload: str | Path) -> HsdsImport:
    """Keep a file streamed to disk under a new `HsdsImport` and start its dry run as a
    background job; the record's page follows the job."""
    hsds_files.sweep()
    with transaction.atomic():
        record = _new_record(acting, filename)
        hsds_files.keep(upload, record.id)
        record_member_action(acting=acting, action=Action.CREATE, target=Target.of(record))
        job = submit(
            kind=CHECK_JOB,
            acting=acting,
            title=_("Checking %(name)s") % {"name": record.filename},
            params={"import_id": str(record.id)},
        )
        HsdsImport.objects.filter(pk=record.pk).update(job=job)
    record.refresh_from_db()
    return record


def check_file(*, acting: Membership, filename: str, raw: bytes) -> HsdsImport:
    """The same dry run as an upload's, run here and now on bytes (the benchmark, tests)."""
    with transaction.atomic():
        record = _new_record(acting, filename)
        hsds_files.write(raw, record.id)
        record_member_action(acting=acting, action=Action.CREATE, target=Target.of(record))
    return check_received(acting=acting, record=record)


def check_received(
    *, acting: Membership, record: HsdsImport, progress: ProgressFn | None = None
) -> HsdsImport:
    """Read and check the whole kept file and keep the findings; no listing is written. A file
    that cannot be read at all is one problem, its calm sentence. Once problems are found the
    file is deleted: it can never be imported, the person fixes it and uploads it again."""
    path = hsds_files.path_of(record.id)
    _progress(progress, 0, None, _("Reading the file"))
    tables: Tables | None = None
    try:
        if not path.exists():
            raise Unreadable(_("The file is no longer kept here; please upload it again."))
        tables = read(path, record.filename)
    except Unreadable as error:
        result = Check()
        result.problems.append(Problem(record.filename, 0, "", "", str(error)))
        result.problem_count = 1
    else:
        result = Checker(tables).check(progress)
    counted = None
    if tables is not None and not result.problem_count:
        _progress(progress, 0, None, _("Comparing with the listings here"))
        counted = plan(acting.organization, result.listings)
    with transaction.atomic():
        locked = HsdsImport.objects.select_for_update().get(pk=record.pk)
        if locked.state != HsdsImportState.RECEIVED:
            raise NotReady(locked.state)
        locked.state = HsdsImportState.CHECKED
        if tables is not None:
            locked.form = HsdsForm.ZIP if tables.form == "zip" else HsdsForm.JSON
            locked.service_count = len(tables.rows["services"])
            locked.not_kept = tables.not_kept
        locked.problems = result.stored_problems()
        locked.problem_count = result.problem_count
        locked.added_count = len(counted.new) if counted else 0
        locked.updated_count = len(counted.changed) if counted else 0
        locked.unchanged_count = counted.unchanged if counted else 0
        locked.save()
    if counted is None:
        hsds_files.discard(record.id)
    return locked


def start_import(*, acting: Membership, record: HsdsImport) -> HsdsImport:
    """Queue the import of a checked file with no problems and something to change, once: a
    second click while it waits or works finds its job and starts nothing."""
    with transaction.atomic():
        locked = (
            HsdsImport.objects.select_for_update(of=("self",))
            .select_related("job")
            .get(pk=record.pk)
        )
        if (
            locked.state != HsdsImportState.CHECKED
            or locked.problem_count
            or not locked.changes
            or (locked.job is not None and locked.job.kind == IMPORT_JOB and locked.job_working)
        ):
            raise NotReady(locked.state)
        job = submit(
            kind=IMPORT_JOB,
            acting=acting,
            title=_("Importing %(name)s") % {"name": locked.filename},
            params={"import_id": str(locked.id)},
        )
        HsdsImport.objects.filter(pk=locked.pk).update(job=job)
    locked.refresh_from_db()
    return locked


def apply_import(
    *, acting: Membership, record: HsdsImport, progress: ProgressFn | None = None
) -> HsdsImport:
    """Write every listing of a checked file with no problems, in one transaction. The file is
    read and checked again first, outside it (its progress is seen as it goes); a second
    import waits on the row lock, then finds it applied (NotReady). A process that ends midway
    leaves nothing: the transaction never committed."""
    current = HsdsImport.objects.get(pk=record.pk)
    if current.state != HsdsImportState.CHECKED or current.problem_count:
        raise NotReady(current.state)
    path = hsds_files.path_of(record.id)
    if not path.exists():
        raise NotReady("gone")
    _progress(progress, 0, None, _("Reading the file"))
    result: Check = Checker(read(path, current.filename)).check(progress)
    if result.problem_count:  # the file changed on disk, or Cairn's checks did
        raise NotReady("problems")
    total = len(result.listings)
    expect_quiet(progress, SAVE_SECONDS_PER_LISTING * total, _("Saving the listings"))
    with transaction.atomic():
        locked = HsdsImport.objects.select_for_update().get(pk=record.pk)
        if locked.state != HsdsImportState.CHECKED or locked.problem_count:
            raise NotReady(locked.state)
        _progress(progress, 0, total, _("Saving the listings"))
        todo = plan(acting.organization, result.listings)
        _write(acting.organization, todo, result.listings)
        locked.state = HsdsImportState.APPLIED
        locked.applied_at = timezone.now()
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
    hsds_files.discard(locked.id)
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
