"""Building an export: the rows, the kind (identifiable, de-identified, or disclosed outside
through the consent service), the file, and the audit event with counts."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import Target, record_member_action
from consent.services import DisclosureRefused, disclose
from exports.datasets import Column, Dataset, Kind, dictionary_rows, export_rows, registry
from exports.deidentify import DateMode, Deidentifier, treatment
from exports.writers import write_zip
from lib.spreadsheet import CSV_TYPE, XLSX_TYPE, write_csv, write_xlsx
from organizations.models import Membership
from participants.models import Participant

Progress = Callable[..., None]
PROGRESS_EVERY = 500


class ExportKind(models.TextChoices):
    IDENTIFIABLE = "identifiable", _("Identifiable, for use inside the organization")
    DEIDENTIFIED = "deidentified", _("De-identified, for evaluators")
    DISCLOSURE = "disclosure", _("Identifiable, for a named recipient outside the organization")


class Format(models.TextChoices):
    CSV = "csv", _("CSV (opens in Excel, LibreOffice, R, Python)")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")


CONTENT_TYPES = {
    "csv": CSV_TYPE,
    "xlsx": XLSX_TYPE,
    "zip": "application/zip",
}


@dataclass(frozen=True)
class ExportRequest:
    dataset: str
    fmt: str = Format.CSV
    kind: str = ExportKind.IDENTIFIABLE
    date_mode: str = DateMode.SHIFT
    recipient: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class LeftOut:
    participant_id: Any
    name: str
    reason: str


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    rows: int = 0
    participants: int = 0
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return ngettext(
            "%(rows)s row about %(people)s participant",
            "%(rows)s rows about %(people)s participants",
            self.rows,
        ) % {"rows": f"{self.rows:,}", "people": f"{self.participants:,}"}


def redisclosure_notice() -> str:
    """The §2.32 notice as plain text, from the same template the consent service attaches."""
    html = render_to_string("consent/_redisclosure_notice.html")
    # Each heading and paragraph is a paragraph of text; no tag, whole or cut, is left in it.
    blocks = re.split(r"</(?:h[1-6]|p|li|div|section)\s*>", html)
    paragraphs = [re.sub(r"\s+", " ", strip_tags(block)).strip() for block in blocks]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def columns_for(dataset: Dataset, kind: str, date_mode: str) -> list[tuple[Column, Column]]:
    columns = dataset.all_columns()
    if kind == ExportKind.DEIDENTIFIED:
        return Deidentifier(mode=date_mode, today=timezone.localdate()).columns(columns)
    return [(c, c) for c in columns]


def dictionary_for(dataset: Dataset, kind: str, date_mode: str) -> list[list[str]]:
    """The data dictionary of exactly the columns this export writes."""
    return dictionary_rows(out for _source, out in columns_for(dataset, kind, date_mode))


def full_dictionary(dataset: Dataset) -> list[list[str]]:
    """Every column with what the de-identified export does with it (the downloadable one)."""
    rows = dictionary_rows(dataset.all_columns())
    rows[0].append(gettext("in the de-identified export"))
    for row, column in zip(rows[1:], dataset.all_columns(), strict=True):
        row.append(treatment(column))
    return rows


def run_export(
    *,
    acting: Membership,
    request: ExportRequest,
    people: QuerySet[Participant],
    progress: Progress | None = None,
) -> ExportFile:
    """Build one export in one transaction (a failure leaves no accounting entry behind)."""
    dataset = registry()[request.dataset]
    report = progress or (lambda done, total, message="": None)
    left_out: list[LeftOut] = []
    with transaction.atomic():
        if request.kind == ExportKind.DISCLOSURE:
            people, left_out = _disclose_each(acting=acting, request=request, people=people)
        queryset = dataset.scope(people)
        total = queryset.count()
        report(0, total)
        pairs = columns_for(dataset, request.kind, request.date_mode)
        seen: set[Any] = set()
        person_column = next((s.name for s, _o in pairs if s.kind == Kind.PARTICIPANT), None)
        tz = ZoneInfo(acting.organization.time_zone)
        deidentifier = Deidentifier(mode=request.date_mode, today=timezone.localdate(), tz=tz)
        counter = {"rows": 0}

        def rows() -> Iterator[list[Any]]:
            for row in export_rows(dataset, queryset):
                if person_column:
                    seen.add(row[person_column])
                if request.kind == ExportKind.DEIDENTIFIED:
                    row = deidentifier.row(pairs, row)
                    yield [row[out.name] for _s, out in pairs]
                else:
                    yield [row[source.name] for source, _o in pairs]
                counter["rows"] += 1
                if counter["rows"] % PROGRESS_EVERY == 0:
                    report(counter["rows"], total)

        header = [out.name for _s, out in pairs]
        dictionary = dictionary_rows(out for _s, out in pairs)
        stem = f"{acting.organization.slug}-{dataset.key}-{request.kind}-{timezone.localdate()}"
        notice = redisclosure_notice() if request.kind == ExportKind.DISCLOSURE else None
        if request.fmt == Format.XLSX:
            sheets: list[tuple[str, list[str], Any]] = []
            if notice:
                sheets.append((gettext("Notice"), [], [[p] for p in notice.split("\n\n")]))
            sheets.append((str(dataset.title), header, rows()))
            sheets.append((gettext("Data dictionary"), dictionary[0], dictionary[1:]))
            content, fmt = write_xlsx(sheets, tz=tz), "xlsx"
        else:
            data = write_csv(header, rows(), tz=tz)
            if notice:
                content, fmt = (
                    write_zip(
                        [
                            ("READ-FIRST-redisclosure-notice.txt", notice.encode("utf-8")),
                            (f"{stem}.csv", data),
                            (
                                f"{stem}-data-dictionary.csv",
                                write_csv(dictionary[0], dictionary[1:]),
                            ),
                        ]
                    ),
                    "zip",
                )
            else:
                content, fmt = data, "csv"
        report(counter["rows"], total)
        record_member_action(
            acting=acting,
            action=Action.EXPORT,
            target=Target(type=f"exports.{dataset.key}", id=f"{request.kind}.{request.fmt}"),
            # Counts only: who was in the export is not repeated in the audit trail.
            changed_fields=[
                f"kind={request.kind}",
                f"format={request.fmt}",
                f"rows={counter['rows']}",
                f"participants={len(seen)}",
                f"left_out={len(left_out)}",
            ],
        )
    return ExportFile(
        filename=f"{stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        content=content,
        rows=counter["rows"],
        participants=len(seen),
        left_out=left_out,
    )


def _disclose_each(
    *, acting: Membership, request: ExportRequest, people: QuerySet[Participant]
) -> tuple[QuerySet[Participant], list[LeftOut]]:
    """Each person goes through the one disclosure service; those it refuses are left out."""
    dataset = registry()[request.dataset]
    included: list[Any] = []
    left_out: list[LeftOut] = []
    for person in people.order_by("name_sort", "preferred_name", "pk"):
        try:
            disclose(
                acting=acting,
                participant=person,
                recipient=request.recipient,
                purpose=request.purpose,
                categories=list(dataset.consent_categories),
            )
        except DisclosureRefused as refused:
            left_out.append(LeftOut(person.id, person.preferred_name, str(refused)))
        else:
            included.append(person.id)
    return Participant.objects.filter(pk__in=included), left_out
