"""FHIR R4 endpoints: each resolves the caller, reads through `selectors`, and answers JSON.

Errors are OperationOutcomes: 401 without credentials, 403 for a role or a disclosure without
consent, 404 for anything outside the caller's scope, 400 for a malformed search."""

import functools
import uuid
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from api.access import TokenRefused
from assessments.engine import registry
from audit.models import Action
from audit.services import Target, record_member_action
from consent.models import Category
from consent.services import DisclosureRefused
from fhir_r4 import builders, export, selectors
from fhir_r4.access import FhirAccess, OutOfScope, participant_for, resolve_access
from fhir_r4.capability import capability_statement
from fhir_r4.codes import NDJSON
from fhir_r4.jobs import ExportRunning, export_job, start_export
from fhir_r4.responses import (
    BadSearch,
    fhir_response,
    forbidden,
    invalid,
    not_found,
    outcome,
    page_of,
    searchset,
    unauthorized,
)
from jobs.models import JobState
from jobs.runner import result_bytes

Handler = Callable[..., HttpResponse]


def fhir_endpoint(
    *, participant_data: bool = True, reads: tuple[str, ...] = ()
) -> Callable[[Handler], Handler]:
    """Resolve the caller, check the role may read participants and a token's scopes cover the
    FHIR types the view gives (`reads`), and turn the reasons a read stops into
    OperationOutcomes."""

    def decorator(view: Handler) -> Handler:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                access = resolve_access(request)
            except TokenRefused as refused:
                code = {401: "login", 403: "forbidden", 429: "throttled"}.get(refused.status)
                response = outcome(refused.status, code or "security", refused.detail)
                if refused.retry_after is not None:
                    response["Retry-After"] = str(refused.retry_after)
                return response
            if access is None:
                if request.user.is_authenticated:
                    return forbidden("FHIR is for the organization's staff.")
                return unauthorized()
            if participant_data and not access.reads_participants:
                return forbidden("Your role does not open participant records.")
            missing = [name for name in reads if not access.may_read(name)]
            if missing:
                return forbidden(
                    f"This token may not read {', '.join(missing)}: ask an administrator for a "
                    "token with that scope."
                )
            try:
                return view(request, access, *args, **kwargs)
            except OutOfScope:
                return not_found()
            except DisclosureRefused as refused:
                return forbidden(_no_consent(access, refused))
            except BadSearch as bad:
                return invalid(str(bad))

        return wrapped

    return decorator


def _no_consent(access: FhirAccess, refused: DisclosureRefused) -> str:
    labels = dict(Category.choices)
    what = ", ".join(str(labels[c]).lower() for c in refused.categories) or "their consents"
    return (
        f"No active consent from this participant covers sharing {what} with "
        f"{access.recipient} for {access.purpose}. Nothing was shared."
    )


def metadata(request: HttpRequest) -> HttpResponse:
    """Open to anyone, as FHIR clients expect: it describes the server, not anyone's data."""
    return fhir_response(
        capability_statement(
            base_url=request.build_absolute_uri(reverse("fhir:metadata")).rsplit("/", 1)[0]
        )
    )


@fhir_endpoint(participant_data=False, reads=("Questionnaire",))
def questionnaire(request: HttpRequest, access: FhirAccess, key: str) -> HttpResponse:
    instrument = registry().get(key)
    if instrument is None:
        return not_found()
    return fhir_response(builders.questionnaire(instrument))


@fhir_endpoint(reads=("Patient",))
def patient_read(request: HttpRequest, access: FhirAccess, resource_id: str) -> HttpResponse:
    participant = participant_for(access, resource_id, path=request.get_full_path())
    granted = selectors.release(access, participant, "Patient")
    return fhir_response(selectors.with_notice(builders.patient(participant), granted.notice))


@fhir_endpoint(reads=("Patient",))
def patient_search(request: HttpRequest, access: FhirAccess) -> HttpResponse:
    """Staff see whom they may see; an outside recipient (a service token) silently only the
    people whose active consent lets their Patient out to it, each read accounted."""
    count, offset = page_of(request)
    rows = selectors.patients(
        access, ids=_ids(request.GET.get("_id", "")), updated_after=_since(request)
    )
    people = list(rows[offset : offset + count])
    notice = selectors.record_patient_reads(access, people)
    bundle = searchset(
        request,
        resources=[selectors.with_notice(builders.patient(p), notice) for p in people],
        total=rows.count(),
        count=count,
        offset=offset,
        notice=notice,
    )
    return fhir_response(bundle)


def compartment_search(resource_type: str) -> Handler:
    """`<Type>?patient=<id>`: one participant's resources of one type, paged."""

    @fhir_endpoint(reads=("Patient", resource_type))
    def view(request: HttpRequest, access: FhirAccess) -> HttpResponse:
        wanted = request.GET.get("patient", "").removeprefix("Patient/")
        if not wanted:
            raise BadSearch(f"Name the person: {resource_type}?patient=<id>.")
        count, offset = page_of(request)
        participant = participant_for(access, wanted, path=request.get_full_path())
        granted = selectors.release(access, participant, resource_type)
        page = selectors.compartment_page(
            access, participant, resource_type, granted, count=count, offset=offset
        )
        bundle = searchset(
            request,
            resources=page.resources,
            total=page.total,
            count=count,
            offset=offset,
            notice=granted.notice,
        )
        return fhir_response(bundle)

    view.__name__ = f"{resource_type.lower()}_search"
    return view


# --- Bulk export ---------------------------------------------------------------------------------


@fhir_endpoint()
def export_kickoff(request: HttpRequest, access: FhirAccess) -> HttpResponse:
    """Supervisors and managers signed in, or another system's service token (of the types its
    read scopes name, holding only consented people). A staff member's personal token does not
    export: program-wide files are taken on the exports page."""
    token = access.scopes is not None
    if not access.exports or (token and not access.is_disclosure):
        return forbidden("Bulk export is for supervisors and managers of the organization.")
    if request.headers.get("Prefer", "").strip() != "respond-async":
        raise BadSearch("Ask for the export with the header 'Prefer: respond-async'.")
    asked = request.GET.get("_type", "")
    types = _types(asked)
    if token:
        if not asked:
            types = [name for name in types if access.may_read(name)]
        missing = [name for name in types if not access.may_read(name)]
        if missing or not types:
            return forbidden(
                f"This token may not read {', '.join(missing) or 'any exported type'}: ask an "
                "administrator for a token with that scope."
            )
    try:
        job, _new = start_export(access=access, types=types, request_url=request.get_full_path())
    except ExportRunning as running:
        response = outcome(
            429,
            "throttled",
            "An export for other resource types is still running. Wait for it to finish "
            "(its status is at Content-Location), then ask again.",
        )
        response["Content-Location"] = _status_url(request, running.job.id)
        return response
    response = HttpResponse(status=202)
    response["Content-Location"] = _status_url(request, job.id)
    return response


@fhir_endpoint()
def export_status(request: HttpRequest, access: FhirAccess, job_id: str) -> HttpResponse:
    job = export_job(access, job_id)
    if job is None:
        return not_found()
    if job.state in (JobState.QUEUED, JobState.RUNNING) and not job.is_stale:
        response = HttpResponse(status=202)
        response["X-Progress"] = (
            f"{job.done:,} of {job.total:,} participants" if job.total else "waiting to start"
        )
        response["Retry-After"] = "5"
        return response
    if job.state == JobState.FAILED or job.is_stale:
        reason = job.error or "Its process ended before it finished."
        return outcome(500, "exception", f"The export stopped and exported nothing. {reason}")
    if job.is_expired or not job.result:
        return outcome(410, "not-found", "This export's files have expired. Start a new one.")
    counts = export.read_counts(result_bytes(job))
    files = [
        {
            "type": name,
            "url": request.build_absolute_uri(
                reverse("fhir:export_file", kwargs={"job_id": job.id, "resource_type": name})
            ),
            "count": counts[name],
        }
        for name in job.params["types"]
    ]
    return fhir_response(
        {
            "transactionTime": builders.instant(job.created_at),
            "request": request.build_absolute_uri(job.params.get("request", "")),
            "requiresAccessToken": True,
            "output": files,
            "error": [],
        }
    )


@fhir_endpoint()
def export_file(
    request: HttpRequest, access: FhirAccess, job_id: str, resource_type: str
) -> HttpResponse:
    job = export_job(access, job_id)
    if job is None or job.state != JobState.DONE or job.is_expired or not job.result:
        return not_found()
    content = export.read_file(result_bytes(job), resource_type)
    if content is None:
        return not_found()
    record_member_action(
        acting=access.membership,
        action=Action.EXPORT,
        target=Target(type="jobs.job", id=str(job.id)),
        changed_fields=[resource_type],
    )
    response = HttpResponse(content, content_type=NDJSON)
    response["Cache-Control"] = "no-store"
    return response


# --- Parameters ----------------------------------------------------------------------------------


def _status_url(request: HttpRequest, job_id: uuid.UUID) -> str:
    return request.build_absolute_uri(reverse("fhir:export_status", kwargs={"job_id": job_id}))


def _ids(text: str) -> list[str]:
    ids = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            ids.append(str(uuid.UUID(part)))
        except ValueError:
            raise BadSearch(f"_id must be a participant's id; '{part[:40]}' is not one.") from None
    return ids


def _since(request: HttpRequest) -> datetime | None:
    """`_lastUpdated=gt<date or time>` (or `ge`): participants changed after it."""
    text = request.GET.get("_lastUpdated", "")
    if not text:
        return None
    value = text[2:] if text[:2] in ("gt", "ge") else text
    moment = parse_datetime(value)
    if moment is None:
        found = parse_date(value)
        if found is None:
            raise BadSearch("_lastUpdated must be a date or time, e.g. gt2026-11-01.")
        moment = datetime.combine(found, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _types(text: str) -> list[str]:
    wanted = [t.strip() for t in text.split(",") if t.strip()] or list(selectors.PARTICIPANT_TYPES)
    unknown = [t for t in wanted if t not in selectors.PARTICIPANT_TYPES]
    if unknown:
        raise BadSearch(
            f"_type names a type this server does not export: {', '.join(unknown)[:80]}. "
            f"It exports {', '.join(selectors.PARTICIPANT_TYPES)}."
        )
    return sorted(set(wanted), key=list(selectors.PARTICIPANT_TYPES).index)
