"""The downloads the staff pages and the participant's own portal both hand over: the accounting
of disclosures as CSV, and a copy of the record (readable HTML, PDF or JSON)."""

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.models import Action
from audit.services import Target, record_member_action
from consent.models import Disclosure
from consent.record_pdf import build_record_pdf, readable_blocks
from lib.spreadsheet import CsvWriter, csv_response
from organizations.access import acting_membership
from participants.models import Participant


def accounting_response(disclosures: QuerySet[Disclosure]) -> HttpResponse:
    """The CSV the manager and the participant both download: the facts of each disclosure, never
    the disclosed content. A recipient or purpose is typed by a person, so the writer neutralises
    it like every other cell."""
    writer = CsvWriter(
        [
            "disclosed_at",
            "recipient",
            "purpose",
            "information",
            "basis",
            "basis_reason",
            "consent_signed_on",
            "disclosed_by",
            "document_sha256",
            "channel",
            "reads",
        ]
    )
    for d in disclosures.select_related("disclosed_by", "consent"):
        writer.row(
            [
                d.disclosed_at.isoformat(),
                d.recipient,
                d.purpose,
                "; ".join(d.categories),
                d.legal_basis,
                d.basis_reason,
                d.consent.signed_on.isoformat() if d.consent and d.consent.signed_on else "",
                d.disclosed_by.get_username(),
                d.document_sha256,
                d.channel,
                str(d.reads),
            ]
        )
    return csv_response("accounting-of-disclosures.csv", writer.content())


def send_record_copy(
    request: HttpRequest, *, participant: Participant, record: dict[str, Any], fmt: str
) -> HttpResponse:
    """A copy of the record as a download (readable HTML, PDF or JSON), audited as an export; the
    staff page and the participant's own portal both hand it over this way."""
    record_member_action(
        acting=acting_membership(request),
        action=Action.EXPORT,
        target=Target(type="consent.participant_record", id=fmt),
        participant_id=participant.id,
        changed_fields=["full_record"],
    )
    if fmt == "pdf":
        response = HttpResponse(
            build_record_pdf(
                name=participant.preferred_name,
                record=record,
                generated=timezone.localtime(),
                partial="notes_not_shared" in record,
            ),
            content_type="application/pdf",
        )
    elif fmt == "json":
        response = HttpResponse(
            json.dumps(record, indent=1, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = render(
            request,
            "consent/record.html",
            {
                "participant": participant,
                "record": record,
                "blocks": readable_blocks(record),
                "partial": "notes_not_shared" in record,
            },
        )
    response["Content-Disposition"] = f'attachment; filename="my-cairn-record.{fmt}"'
    return response
