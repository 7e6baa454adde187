"""A staff member's own copy of what Cairn keeps about their practice, to take with them when they
leave: their supervision log (no session notes), their credentials, their training with its
certificates, and their reflection journal as plain text. Only their own; nothing of anyone else
(the log names each session's supervisor, as a signed log does, and no other coach)."""

import base64
import io
import zipfile
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lib.spreadsheet import write_csv
from lib.when import show_datetime
from organizations.models import Membership
from supervision.forms import PROMPTS
from supervision.models import TrainingCertificate
from supervision.selectors import credentials_of, journal_of, supervision_log, training_of


def certificate_name(record: Any, extension: str) -> str:
    return f"certificates/{record.taken_on.isoformat()}-{str(record.id)[:8]}.{extension}"


def build(membership: Membership) -> bytes:
    tz = timezone.get_current_timezone()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(membership))
        header, rows = supervision_log(membership.user, membership.organization)
        archive.writestr("supervision-log.csv", write_csv(header, rows, tz=tz))
        archive.writestr(
            "credentials.csv",
            write_csv(
                [_("Credential"), _("Number"), _("Issued by"), _("Issued on"), _("Ends on")],
                [
                    [c.name, c.number, c.issued_by, c.issued_on or "", c.expires_on or ""]
                    for c in credentials_of(membership)
                ],
                tz=tz,
            ),
        )
        records = list(training_of(membership))
        certificates = {
            c.record_id: c
            for c in TrainingCertificate.objects.filter(record__in=[r.pk for r in records])
        }
        training_rows = []
        for record in records:
            kept = certificates.get(record.pk)
            name = certificate_name(record, kept.extension) if kept else ""
            if kept is not None:
                archive.writestr(name, base64.b64decode(kept.content))
            training_rows.append(
                [record.taken_on, record.topic, str(record.hours), record.provider, name]
            )
        archive.writestr(
            "training.csv",
            write_csv(
                [_("Date"), _("Training"), _("Hours"), _("Given by"), _("Certificate")],
                training_rows,
                tz=tz,
            ),
        )
        archive.writestr("journal.txt", _journal(membership))
    return buffer.getvalue()


def _readme(membership: Membership) -> str:
    return "\n\n".join(
        [
            _("Your own copy from Cairn, %(organization)s, made %(day)s.")
            % {
                "organization": membership.organization.name,
                "day": timezone.localdate().isoformat(),
            },
            _(
                "supervision-log.csv: the supervision sessions you were in (date, minutes, "
                "format, topics, supervisor), without anyone's notes."
            ),
            _("credentials.csv: your credentials."),
            _("training.csv and certificates/: your training hours and their certificates."),
            _("journal.txt: your reflection journal, which only you could read."),
            _(
                "When your account here is closed, your journal is deleted. The program keeps "
                "the record of the supervision sessions, which never held your journal."
            ),
        ]
    )


def _journal(membership: Membership) -> str:
    entries = []
    for entry in journal_of(membership).order_by("written_at"):
        when = show_datetime(entry.written_at)
        prompt = PROMPTS.get(entry.prompt)
        heading = f"{when} · {prompt}" if prompt else when
        entries.append(f"{heading}\n{entry.text}\n")
    return "\n".join(entries) if entries else _("No journal entries.") + "\n"
