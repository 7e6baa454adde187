"""Each dataset's headers and rows, ISO dates, and the data dictionary matching the columns."""

import csv
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from exports.datasets import export_rows, registry
from exports.services import ExportRequest, full_dictionary, run_export
from organizations.models import Membership
from participants.models import Participant

CONTRACT_HEADERS = {
    "participants": [
        "participant_id",
        "preferred_name",
        "legal_name",
        "pronouns",
        "date_of_birth",
        "age_range",
        "preferred_language",
        "needs_interpreter",
        "interpreter_language",
        "gender_identity",
        "race_ethnicity",
        "sexual_orientation",
        "veteran_status",
        "referral_source",
        "pathways",
        "phone",
        "email",
        "coach_username",
        "status",
        "enrolled_on",
    ],
    "contacts": [
        "contact_id",
        "participant_id",
        "coach_username",
        "contact_type",
        "outcome",
        "started_at",
        "occurred_on",
        "duration_minutes",
        "service_type",
        "setting",
    ],
    "assessments": [
        "assessment_id",
        "participant_id",
        "instrument",
        "instrument_version",
        "language",
        "administered_on",
        "schedule_point",
        "total",
        "answered",
        "item_count",
        *[f"item_q{n}" for n in range(1, 11)],
    ],
    "plans": [
        "goal_id",
        "participant_id",
        "plan_version",
        "life_area",
        "status",
        "created_on",
        "updated_on",
        "steps_total",
        "steps_done",
        "goal_in_their_words",
    ],
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def mia(demo) -> Membership:
    return Membership.objects.get(user=demo.users["mia"])


def harbor(demo):
    return Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"])


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("key", sorted(CONTRACT_HEADERS))
def test_each_dataset_writes_the_agreed_headers_and_one_row_per_record(demo, key) -> None:
    dataset = registry()[key]
    people = harbor(demo)
    result = run_export(acting=mia(demo), request=ExportRequest(dataset=key), people=people)
    rows = read_csv(result.content)
    assert list(rows[0]) == CONTRACT_HEADERS[key]
    assert len(rows) == dataset.scope(people).count() == result.rows
    first_id = rows[0][CONTRACT_HEADERS[key][0]]
    assert uuid.UUID(first_id)
    assert len({r[CONTRACT_HEADERS[key][0]] for r in rows}) == len(rows)


def test_dates_are_iso_8601_and_times_carry_their_offset(demo) -> None:
    result = run_export(
        acting=mia(demo), request=ExportRequest(dataset="contacts"), people=harbor(demo)
    )
    rows = read_csv(result.content)
    assert all(ISO_DATE.match(r["occurred_on"]) for r in rows)
    assert all(ISO_DATETIME.match(r["started_at"]) for r in rows)


def test_participant_rows_hold_stored_values_and_joined_pathways(demo) -> None:
    pat = Participant.objects.get(user__username="pat")
    pat.pathways = ["smart", "medication"]
    pat.save(update_fields=["pathways"])
    rows = list(export_rows(registry()["participants"], Participant.objects.filter(pk=pat.pk)))
    assert rows[0]["pathways"] == "smart; medication"
    assert rows[0]["coach_username"] == "ana"
    assert rows[0]["status"] == pat.status


def test_assessment_rows_carry_each_barc10_item(demo) -> None:
    rows = list(
        export_rows(registry()["assessments"], registry()["assessments"].scope(harbor(demo)))
    )
    barc = [r for r in rows if r["instrument"] == "barc10" and r["total"] is not None]
    assert barc
    assert sum(barc[0][f"item_q{n}"] for n in range(1, 11)) == barc[0]["total"]


@pytest.mark.parametrize("key", sorted(registry()))
def test_data_dictionary_lists_exactly_the_exported_columns(demo, key) -> None:
    result = run_export(
        acting=mia(demo), request=ExportRequest(dataset=key, fmt="xlsx"), people=harbor(demo)
    )
    book = load_workbook(io.BytesIO(result.content), read_only=True)
    data, dictionary = book.worksheets
    header = [c.value for c in next(data.iter_rows(max_row=1))]
    described = [row[0] for row in dictionary.iter_rows(min_row=2, values_only=True)]
    assert described == header
    assert [row[0] for row in full_dictionary(registry()[key])[1:]] == header
    assert dictionary.title == "Data dictionary"


@pytest.mark.parametrize("key", sorted(registry()))
def test_query_count_does_not_grow_with_the_number_of_rows(demo, key) -> None:
    dataset = registry()[key]
    pat = Participant.objects.filter(user__username="pat")
    if not dataset.scope(pat).exists():  # SUPRT: the demo leaves Pat's baseline to be recorded
        first = dataset.scope(harbor(demo)).values("participant_id")[:1]
        pat = Participant.objects.filter(pk__in=first)
    everybody = dataset.scope(harbor(demo))  # the scope's own membership lookup happens here
    with CaptureQueriesContext(connection) as one:
        list(export_rows(dataset, dataset.scope(pat)))
    with CaptureQueriesContext(connection) as everyone:
        rows = list(export_rows(dataset, everybody))
    assert len(rows) > 1
    assert len(everyone.captured_queries) == len(one.captured_queries)
