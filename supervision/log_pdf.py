"""The supervision log as a PDF for a certification board: the sessions of a period (date,
minutes, format, topics; never the notes), the hours against the program's requirement, and the
supervisor's signature with the fingerprint of what they signed. Sessions recorded after the
signing are listed apart, as not signed."""

import logging
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from lib.when import show_date, show_datetime
from supervision.models import SupervisionSession
from supervision.selectors import SignedLog

logging.getLogger("fontTools").setLevel(logging.WARNING)

CORE_FONT = "helvetica"
UNICODE_FONT = "cairn-sans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def _font_dir() -> Path | None:
    folder = Path(settings.CAIRN_PDF_FONT_DIR)
    if all((folder / name).is_file() for name in FONT_FILES.values()):
        return folder
    return None


def grouped(fingerprint: str) -> str:
    """The 64 hex digits in groups of 16, easier to read aloud and compare."""
    return " ".join(fingerprint[i : i + 16] for i in range(0, len(fingerprint), 16))


class LogPDF(FPDF):
    def __init__(self, *, coach: str, generated: datetime) -> None:
        super().__init__(format="Letter")
        self.coach = coach
        self.generated = generated
        font_dir = _font_dir()
        self.unicode = font_dir is not None
        if font_dir is not None:
            for style, filename in FONT_FILES.items():
                self.add_font(UNICODE_FONT, style, str(font_dir / filename))
        self.family = UNICODE_FONT if self.unicode else CORE_FONT
        self.set_compression(getattr(settings, "CAIRN_PDF_COMPRESS", True))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.set_title(self.clean(_("Supervision log of %(name)s") % {"name": coach}))
        self.set_creator("Cairn")

    def clean(self, text: str) -> str:
        """Everything with the Unicode font; Latin-1 with the core font (others as "?")."""
        if self.unicode:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family, "", 9)
        self.set_text_color(70)
        line = _("Supervision log of %(name)s · made %(date)s") % {
            "name": self.coach,
            "date": show_datetime(self.generated),
        }
        self.cell(0, 6, self.clean(line), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 9)
        self.set_text_color(70)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 6, self.clean(page), align="C")
        self.set_text_color(0)

    def heading(self, text: str, size: int = 14) -> None:
        self.ln(2)
        self.set_font(self.family, "B", size)
        self.multi_cell(0, 7, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str) -> None:
        self.set_font(self.family, "", 11)
        self.multi_cell(0, 6, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def rows(self, headings: list[str] | None, rows: list[list[str]]) -> None:
        self.set_font(self.family, "", 10)
        with self.table(
            col_widths=None if headings else (1, 2),
            first_row_as_headings=headings is not None,
            text_align="LEFT",
            line_height=5.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 240)),
        ) as table:
            for values in [headings, *rows] if headings else rows:
                row = table.row()
                for index, value in enumerate(values or []):
                    label = headings is None and index == 0
                    row.cell(self.clean(value), style=FontFace(emphasis="BOLD") if label else None)
        self.ln(3)

    def sessions(self, sessions: list[SupervisionSession]) -> None:
        headings = [_("Date"), _("Minutes"), _("Format"), _("Topics"), _("Supervisor")]
        self.rows(
            headings,
            [
                [
                    show_date(s.held_on),
                    str(s.minutes),
                    f"{s.get_kind_display()}, {s.get_mode_display().lower()}",
                    "; ".join(t.name for t in s.topics.all()),
                    s.supervisor.display_name,
                ]
                for s in sessions
            ],
        )


def build_log_pdf(log: SignedLog, *, organization: str) -> bytes:
    signature = log.signature
    need = log.requirement
    pdf = LogPDF(coach=signature.coach.display_name, generated=timezone.localtime())
    pdf.alias_nb_pages()
    pdf.add_page()
    period = {
        "start": show_date(signature.period_start),
        "end": show_date(signature.period_end),
    }
    pdf.heading(_("Supervision log"), size=16)
    pdf.rows(
        None,
        [
            [_("Coach"), signature.coach.display_name],
            [_("Program"), organization],
            [_("Period"), _("%(start)s to %(end)s") % period],
        ],
    )
    pdf.heading(_("Sessions covered by the signature"))
    if log.covered:
        pdf.sessions(log.covered)
    else:
        pdf.paragraph(_("No supervision was recorded in this period."))
    pdf.heading(_("Hours"))
    pdf.rows(
        None,
        [
            [
                _("Supervision"),
                _("%(hours)s hours in this period; the credential asks for %(need)s hours over "
                  "%(months)s months")
                % {
                    "hours": log.supervision_hours,
                    "need": need.supervision_hours,
                    "months": need.period_months,
                },
            ],
            [
                _("Supervised practice"),
                _("%(hours)s hours in this period; the credential asks for %(need)s hours over "
                  "%(months)s months")
                % {
                    "hours": log.practice_hours,
                    "need": need.practice_hours,
                    "months": need.period_months,
                },
            ],
        ],
    )  # fmt: skip
    pdf.paragraph(_("Supervised practice counts the minutes of the contacts the coach signed."))
    pdf.heading(_("Signature"))
    pdf.rows(
        None,
        [
            [_("Signed by"), signature.signed_by.display_name],
            [_("Credential"), signature.signer_credential or _("None recorded")],
            [_("Signed on"), show_datetime(timezone.localtime(signature.signed_at))],
            [_("Fingerprint (SHA-256)"), grouped(signature.fingerprint)],
        ],
    )
    pdf.paragraph(
        _(
            "The supervisor's signature covers this log as it stood when they signed it. The "
            "fingerprint is taken from the sessions and hours above; any change to them gives "
            "a different one."
        )
    )
    if not log.intact:
        pdf.paragraph(
            _(
                "The sessions or hours covered by this signature have changed since it was "
                "signed. Ask the supervisor to sign the log again."
            )
        )
    if log.later or log.practice_minutes_later:
        pdf.heading(_("Recorded after the signing: not signed"))
        pdf.paragraph(
            _(
                "The log changed after it was signed. The signature covers the log up to the "
                "signing; what follows was recorded later and is not signed."
            )
        )
        if log.later:
            pdf.sessions(log.later)
            pdf.paragraph(
                _("%(hours)s hours of supervision not signed.") % {"hours": log.later_hours}
            )
        if log.practice_minutes_later:
            pdf.paragraph(
                _("%(hours)s hours of supervised practice not signed.")
                % {"hours": log.practice_hours_later}
            )
    return bytes(pdf.output())
