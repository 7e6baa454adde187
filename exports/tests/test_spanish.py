"""Exports in the reader's language (issue 28): the data dictionary page and its CSV, and a file
built later by a job, are written in the language of the person who asked for them; the column
names and stored codes stay the same in every language, so a funder's import keeps working."""

import csv
import io

import openpyxl
import pytest

from accounts.models import User
from jobs.models import Job

pytestmark = pytest.mark.django_db


def _spanish(username: str) -> None:
    User.objects.filter(username=username).update(language="es")


def test_the_data_dictionary_reads_in_spanish_with_the_same_column_names(demo, client_for) -> None:
    _spanish("mia")
    mia = client_for("mia")
    page = mia.get("/exports/participants/dictionary/").content.decode()
    assert "El nombre que usa" in page and "Quiere intérprete: True o False" in page
    assert "The name they go by" not in page
    download = mia.get("/exports/participants/dictionary.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(download)))
    assert rows[0] == [
        "columna",
        "significado",
        "tipo",
        "valores permitidos",
        "en la exportación sin datos identificativos",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["preferred_name"][1:3] == ["El nombre que usa", "texto"]
    assert by_name["preferred_name"][4] == "no se incluye"
    # English readers are unaffected.
    english = client_for("sam").get("/exports/participants/dictionary.csv").content.decode()
    assert "The name they go by" in english and "El nombre que usa" not in english


def test_a_job_writes_its_file_in_the_language_it_was_asked_in(demo, client_for) -> None:
    _spanish("mia")
    mia = client_for("mia")
    asked = mia.post(
        "/exports/",
        {
            "dataset": "assessments",
            "kind": "deidentified",
            "fmt": "xlsx",
            "date_mode": "month",
        },
    )
    assert asked.status_code == 302
    job = Job.objects.get(requested_by__username="mia")
    assert job.language == "es"
    status = mia.get(asked["Location"]).content.decode()
    assert "filas sobre" in status
    content = mia.get(asked["Location"] + "download/").content
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["Evaluaciones", "Diccionario de datos"]
    dictionary = list(book["Diccionario de datos"].iter_rows(values_only=True))
    assert dictionary[0] == ("columna", "significado", "tipo", "valores permitidos")
    meanings = {row[0]: row[1] for row in dictionary[1:]}
    # The column names stay as they are in every language; their meanings are in Spanish.
    assert meanings["administered_on"] == "Fecha en que se respondió (solo el mes)"
    assert any(str(m).startswith("Afirmación 1 del BARC-10") for m in meanings.values())
    header = next(book["Evaluaciones"].iter_rows(values_only=True))
    assert "administered_on" in header and "person" in header
