"""Every spreadsheet Cairn hands out is safe to open: with formula-like text planted in the fields
the downloads carry, every download URL of the authorization matrix is fetched by every persona
it is for, and no CSV or XLSX cell (column names included) may start like a formula.

The URLs, personas and objects are the matrix's own (its FILES, MATRIX and `world`), so a new
download added to the matrix is walked here too.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cairn.tests import test_authorization_matrix as matrix
from consent.models import LegalBasis
from consent.services import disclose
from encounters.models import Encounter, ServiceType
from exports.jobs import queue_export
from exports.services import ExportRequest, Format
from imports import jobs as import_jobs
from imports import services as imports_services
from jobs.models import Job
from jobs.runner import submit
from lib.spreadsheet import CSV_TYPE, TRIGGERS, XLSX_TYPE
from organizations.models import Membership
from plans.services import save_goal

world = matrix.world  # the matrix's objects, built the same way

RECIPIENT = '=HYPERLINK("http://evil.example","Open")'
PLANTED = [RECIPIENT, "@SUM(1)", "+1+1", "-2-2", '=HYPERLINK("x")', "=cmd|' /C calc'!A0", "@me"]
SPREADSHEETS = {
    "consent:accounting_csv",
    "portal:accounting_csv",
    "reports:download",
    "exports:dictionary_csv",
    "imports:errors",
    "jobs:download",
    "supervision:log_csv",
    "supervision:my_record",
    "billing:batch_csv",
    "directory:hsds_zip",
}
# A CSV cell is text; a plain number in it (a count, -3 as a change) is not a formula.
NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def _hostile_import(acting: Membership) -> Any:
    """A file whose column names and a bad row's cells start like formulas, checked."""
    header = "participant_id,preferred_name,coach_username,=cmd|' /C calc'!A0,@me\r\n"
    raw = (header + "old-1,-2-2,nobody,+1+1,@SUM(1)\r\n").encode()
    batch = imports_services.upload(acting=acting, kind="participants", filename="x.csv", raw=raw)
    imports_services.save_mapping(
        acting=acting, batch=batch, mapping=batch.mapping, date_style="iso"
    )
    return batch


@pytest.fixture
def planted(world: dict[str, Any]) -> dict[str, Any]:
    users, pat = world["users"], world["pat"]
    ana = Membership.objects.get(user=users["ana"])
    mia = Membership.objects.get(user=users["mia"])
    pat.preferred_name, pat.legal_name, pat.pronouns = "+1+1", "-2-2", "@me"
    pat.save()
    save_goal(acting=ana, participant=pat, values={"in_my_words": "-2-2"}, steps=[])
    disclose(
        acting=ana,
        participant=pat,
        recipient=RECIPIENT,
        purpose="@SUM(1)",
        categories=["attendance"],
        legal_basis=LegalBasis.MEDICAL_EMERGENCY,
        basis_reason="+1+1",
    )
    trick = ServiceType.objects.create(organization=pat.organization, name='=HYPERLINK("x")')
    # The matrix's directory listing, as the HSDS data package carries it.
    world["listing"].name, world["listing"].description = "@SUM(1)", "-2-2"
    world["listing"].save()
    Encounter.objects.filter(participant=pat).update(service_type=trick)
    # The matrix's import batch and job become ana's hostile file and its background check.
    batch = _hostile_import(ana)
    imports_services.dry_run(acting=ana, batch=batch)
    world["import_batch"] = batch
    world["job"] = submit(
        kind=import_jobs.CHECK,
        acting=ana,
        title="Checking",
        params={"batch_id": str(_hostile_import(ana).id)},
    )
    # The program's exports, as the manager downloads them.
    world["exports"] = [
        queue_export(acting=mia, request=ExportRequest(dataset=dataset, fmt=fmt))
        for dataset in ("participants", "contacts", "plans", "funder_services")
        for fmt in (Format.CSV, Format.XLSX)
    ]
    return world


def cells(response: Any) -> Iterator[str] | None:
    """Every text cell of a spreadsheet download (None when the download is not one)."""
    kind = response["Content-Type"].split(";")[0]
    if kind not in (CSV_TYPE.split(";")[0], XLSX_TYPE, "application/zip"):
        return None
    return _cells(kind, response.content)


def _cells(kind: str, content: bytes) -> Iterator[str]:
    if kind == "text/csv":
        text = content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text, newline="")):
            yield from (cell for cell in row if not NUMBER.match(cell))
    elif kind == XLSX_TYPE:
        book = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield from (value for value in row if isinstance(value, str))
    else:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                inner = "text/csv" if name.endswith(".csv") else XLSX_TYPE
                if name.endswith((".csv", ".xlsx")):
                    yield from _cells(inner, archive.read(name))


def test_no_spreadsheet_download_holds_a_cell_that_starts_like_a_formula(
    planted: dict[str, Any],
) -> None:
    fetched: list[tuple[str, str, Any]] = []  # (URL name, persona, response)
    for name in sorted(matrix.FILES):
        row = matrix.MATRIX[name]
        url = matrix.url_of(name, planted)
        for persona in matrix.PERSONAS:
            if row.expected[persona] != 200 or row.method != "get":
                continue
            client = Client()
            if persona != "anonymous":
                client.force_login(planted["users"][persona])
            fetched.append((name, persona, client.get(url, **row.extra)))
    mia = Client()
    mia.force_login(planted["users"]["mia"])
    for job in planted["exports"]:
        url = reverse("jobs:download", kwargs={"job_id": Job.objects.get(pk=job.pk).id})
        fetched.append(("jobs:download", "mia", mia.get(url)))

    seen: set[str] = set()
    spreadsheets: set[str] = set()
    formulas = []
    for name, persona, response in fetched:
        assert response.status_code == 200, (name, persona)
        found = cells(response)
        if found is None:
            continue
        spreadsheets.add(name)
        for cell in found:
            seen.add(cell)
            if cell.startswith(TRIGGERS):
                formulas.append(f"{name} as {persona}: {cell[:60]!r}")

    assert not formulas, "cells that would run as formulas:\n" + "\n".join(formulas)
    assert spreadsheets == SPREADSHEETS  # the walk reached every kind of spreadsheet
    missing = [text for text in PLANTED if "'" + text not in seen]
    assert not missing, f"planted text that no download carried: {missing}"
