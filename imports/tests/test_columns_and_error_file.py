"""The column-matching form and the rows-not-imported file (findings 8 and 12 of issue 18)."""

import csv
import io
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cairn.demo import DemoWorld
from imports.models import BatchState, ImportBatch
from imports.sample import PARTICIPANT_HEADERS, participant_row, participants_csv, to_csv
from imports.tests.hostile import shown
from lib.spreadsheet import TRIGGERS


def test_one_column_matched_to_two_fields_is_a_calm_form_error(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    client = client_for("ana")
    upload = SimpleUploadedFile("people.csv", participants_csv(2), "text/csv")
    client.post(reverse("imports:home"), {"kind": "participants", "file": upload})
    batch = ImportBatch.objects.get()
    form = {**batch.mapping, "email": "preferred_name", "date_style": "iso"}

    response = client.post(reverse("imports:mapping", args=[batch.id]), form)

    assert response.status_code == 200
    text = shown(response.content.decode())
    assert "This column is already matched to “Name they go by”; choose another one." in text
    batch.refresh_from_db()
    assert batch.state == BatchState.UPLOADED  # nothing was saved


def test_the_rows_not_imported_file_neutralises_its_header_row_too(
    demo: DemoWorld, client_for: Callable[[str], Client]
) -> None:
    headers = [*PARTICIPANT_HEADERS, '=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-2"]
    rows = [participant_row(i) for i in range(3)]
    rows[1]["date_of_birth"] = "someday"
    rows[2]["preferred_name"] = "-2-2"
    rows[2]["phone"] = "nobody"
    rows[1]["@SUM(1)"] = "=1+1"
    raw = to_csv(rows, headers).encode()
    client = client_for("mia")
    upload = SimpleUploadedFile("people.csv", raw, "text/csv")
    client.post(reverse("imports:home"), {"kind": "participants", "file": upload})
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:mapping", args=[batch.id]), {**batch.mapping, "date_style": "iso"})

    response = client.get(reverse("imports:errors", args=[batch.id]))

    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert table[0][-5:] == ['\'=HYPERLINK("http://x","y")', "'@SUM(1)", "'+1", "'-2", "errors"]
    assert [row[1] for row in table[1:]] == ["Person 000001", "'-2-2"]
    assert table[1][-4] == "'=1+1"
    for row in table:
        assert not any(cell.startswith(TRIGGERS) for cell in row)
