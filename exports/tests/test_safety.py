"""Formula injection, de-identification, disclosure outside the organization, and the audit."""

import csv
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import Action, AuditEvent
from consent.models import Consent, Disclosure
from encounters.models import Encounter
from exports.deidentify import age_band
from exports.services import ExportRequest, run_export
from lib.spreadsheet import neutralise, restore, write_csv, write_xlsx
from organizations.models import Membership
from participants.models import Participant

DANGEROUS = ["=1+1", "+SUM(A1:A2)", "-2", "@cmd", "\tlook", "\r=1"]


def mia(demo) -> Membership:
    return Membership.objects.get(user=demo.users["mia"])


def harbor(demo):
    return Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"])


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_neutralise_quotes_formula_starts_and_restore_undoes_exactly() -> None:
    for value in DANGEROUS:
        assert neutralise(value) == "'" + value
        assert restore(neutralise(value)) == value
    assert neutralise("Pat") == "Pat"
    assert neutralise(-2) == -2
    assert restore("'hello") == "'hello"


def test_formula_cells_are_neutralised_in_csv_and_xlsx() -> None:
    rows = [[value] for value in DANGEROUS]
    from_csv = list(csv.reader(io.StringIO(write_csv(["x"], rows).decode("utf-8-sig"), newline="")))
    assert [r[0] for r in from_csv[1:]] == ["'" + v for v in DANGEROUS]
    book = load_workbook(io.BytesIO(write_xlsx([("Data", ["x"], rows)])))
    cells = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    # XML keeps no bare carriage return; what matters is the quote in front.
    assert cells == ["'" + v.replace("\r", "\n") for v in DANGEROUS]
    assert all(book.active.cell(row=n, column=1).data_type == "s" for n in range(2, 8))


def test_formula_typed_into_a_record_is_neutralised_in_the_export(demo) -> None:
    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(preferred_name='=HYPERLINK("http://x")')
    rows = read_csv(
        run_export(
            acting=mia(demo), request=ExportRequest(dataset="participants"), people=harbor(demo)
        ).content
    )
    assert '\'=HYPERLINK("http://x")' in {r["preferred_name"] for r in rows}


def test_csv_quotes_commas_quotes_and_line_breaks_per_rfc_4180() -> None:
    content = write_csv(["a", "b"], [['Line one\nline two, "quoted"', "plain"]])
    assert content == (b'\xef\xbb\xbfa,b\r\n"Line one\nline two, ""quoted""",plain\r\n')


def test_deidentified_export_holds_no_names_contacts_free_text_or_ids(demo) -> None:
    people = harbor(demo)
    for key in ("participants", "contacts", "plans", "funder_services"):
        result = run_export(
            acting=mia(demo), request=ExportRequest(dataset=key, kind="deidentified"), people=people
        )
        text = result.content.decode("utf-8-sig")
        for person in people:
            assert str(person.id) not in text
            assert f",{person.preferred_name}," not in text
            for value in (person.phone, person.email, person.legal_name):
                if value:
                    assert value not in text
        header = text.splitlines()[0].split(",")
        assert header[0] == "person"
        for banned in (
            "preferred_name",
            "phone",
            "email",
            "setting",
            "goal_in_their_words",
            "gender_identity",
            "coach_username",
            "contact_id",
            "goal_id",
        ):
            assert banned not in header
    note = Encounter.objects.filter(participant__in=people).exclude(setting="").first()
    if note:
        assert note.setting not in text


def test_deidentified_dates_shift_by_one_offset_per_person(demo) -> None:
    people = harbor(demo)
    result = run_export(
        acting=mia(demo),
        request=ExportRequest(dataset="contacts", kind="deidentified"),
        people=people,
    )
    rows = read_csv(result.content)
    # The export keeps the contacts' order, so row n is the n-th contact by time.
    real = list(Encounter.objects.filter(participant__in=people).order_by("started_at", "pk"))
    assert len(rows) == len(real)
    shift_of: dict[str, set[int]] = {}
    pseudonym_of: dict[object, set[str]] = {}
    for row, contact in zip(rows, real, strict=True):
        moved = date.fromisoformat(row["occurred_on"])
        shift_of.setdefault(row["person"], set()).add((moved - contact.occurred_on).days)
        pseudonym_of.setdefault(contact.participant_id, set()).add(row["person"])
    assert all(len(names) == 1 for names in pseudonym_of.values())
    assert all(len(shifts) == 1 for shifts in shift_of.values())
    offsets = set().union(*shift_of.values())
    assert all(-180 <= d <= 180 for d in offsets)
    assert len(offsets) > 1


def test_deidentified_dates_can_be_reduced_to_months_and_ages_are_banded(demo) -> None:
    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(date_of_birth=date(1990, 5, 17))
    result = run_export(
        acting=mia(demo),
        request=ExportRequest(dataset="participants", kind="deidentified", date_mode="month"),
        people=harbor(demo),
    )
    rows = read_csv(result.content)
    assert all(re.fullmatch(r"\d{4}-\d{2}", r["enrolled_on"]) for r in rows)
    assert "date_of_birth" not in rows[0] and "age_range" not in rows[0]
    assert {r["age_band"] for r in rows} <= {
        "",
        "under-16",
        "16-24",
        "25-34",
        "35-44",
        "45-54",
        "55-64",
        "65+",
    }
    assert "1990" not in result.content.decode("utf-8-sig")


def test_age_band_edges() -> None:
    today = date(2026, 11, 1)
    assert age_band(date(2010, 11, 2), "", today) == "under-16"
    assert age_band(date(2001, 11, 1), "", today) == "25-34"
    assert age_band(date(2001, 11, 2), "", today) == "16-24"
    assert age_band(None, "45-54", today) == "45-54"


def test_pseudonyms_differ_between_exports(demo) -> None:
    def people_column() -> set[str]:
        content = run_export(
            acting=mia(demo),
            request=ExportRequest(dataset="participants", kind="deidentified"),
            people=harbor(demo),
        ).content
        return {r["person"] for r in read_csv(content)}

    assert people_column().isdisjoint(people_column())


def test_identifiable_export_is_audited_with_counts_and_no_participant_list(demo) -> None:
    result = run_export(
        acting=mia(demo), request=ExportRequest(dataset="contacts"), people=harbor(demo)
    )
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("seq")
    assert event.actor_username == "mia"
    assert event.target_type == "exports.contacts"
    assert f"rows={result.rows}" in event.changed_fields
    assert f"participants={result.participants}" in event.changed_fields
    assert event.participant_id is None
    assert not any(str(p.id) in " ".join(event.changed_fields) for p in harbor(demo))


def _consent(pat: Participant, demo, recipient: str = "State Recovery Data Platform") -> Consent:
    return Consent.objects.create(
        organization=pat.organization,
        participant=pat,
        disclosing_party="Harbor",
        categories=["attendance"],
        recipient=recipient,
        purpose="grant reporting",
        signed_on=date(2026, 1, 1),
        expires_on=timezone.localdate() + timedelta(days=300),
        signature_method="typed",
        signature="Pat",
        created_by=demo.users["ana"],
    )


def test_outside_export_includes_only_consenting_people_and_lists_the_rest(demo) -> None:
    pat = Participant.objects.get(user__username="pat")
    _consent(pat, demo)
    people = harbor(demo)
    Disclosure.objects.all().delete()
    result = run_export(
        acting=mia(demo),
        request=ExportRequest(
            dataset="contacts",
            kind="disclosure",
            recipient="State Recovery Data Platform",
            purpose="grant reporting",
        ),
        people=people,
    )
    assert result.filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(result.content))
    names = archive.namelist()
    assert names[0] == "READ-FIRST-redisclosure-notice.txt"
    notice = archive.read(names[0]).decode()
    assert "42 CFR part 2" in notice
    # Plain text, paragraph by paragraph: the heading first, no tag or part of one left.
    assert notice.split("\n\n")[0] == "Notice to the person receiving this information"
    assert len(notice.strip().split("\n\n")) == 3
    assert "<" not in notice and ">" not in notice
    rows = read_csv(archive.read(names[1]))
    assert {r["participant_id"] for r in rows} == {str(pat.id)}
    assert Disclosure.objects.get().participant == pat
    left = {line.participant_id for line in result.left_out}
    assert left == {p.id for p in people if p.id != pat.id}
    assert all("No active consent" in line.reason for line in result.left_out)


def test_outside_export_without_any_consent_shares_nothing(demo) -> None:
    result = run_export(
        acting=mia(demo),
        request=ExportRequest(
            dataset="contacts", fmt="xlsx", kind="disclosure", recipient="Insurer", purpose="x"
        ),
        people=harbor(demo),
    )
    book = load_workbook(io.BytesIO(result.content), read_only=True)
    assert book.sheetnames[0] == "Notice"
    assert result.rows == 0
    assert "Insurer" not in [d.recipient for d in Disclosure.objects.all()]
    assert len(result.left_out) == harbor(demo).count()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_progress_is_reported_up_to_the_total(demo, fmt) -> None:
    calls: list[tuple[int, int]] = []
    result = run_export(
        acting=mia(demo),
        request=ExportRequest(dataset="contacts", fmt=fmt),
        people=harbor(demo),
        progress=lambda done, total, message="": calls.append((done, total)),
    )
    assert calls[0] == (0, result.rows)
    assert calls[-1] == (result.rows, result.rows)


def test_month_of_a_time_is_the_organizations_month_not_utc() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from exports.datasets import registry
    from exports.deidentify import Deidentifier

    deidentifier = Deidentifier(
        mode="month", today=date(2026, 12, 1), tz=ZoneInfo("America/New_York")
    )
    pairs = deidentifier.columns(registry()["contacts"].all_columns())
    row: dict[str, object] = {source.name: None for source, _out in pairs}
    row.update(participant_id="someone", started_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert deidentifier.row(pairs, row)["started_at"] == "2026-11"
