"""The supervision log as a PDF for a certification board: the sessions of a period (date,
minutes, format, topics; never the notes), the hours against the program's requirement, and the
supervisor's signature with the fingerprint of what they signed. Sessions recorded after the
signing are listed apart, as not signed."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.pdf import CairnPDF
from lib.when import show_date, show_datetime
from supervision.models import SupervisionSession
from supervision.selectors import SignedLog


def grouped(fingerprint: str) -> str:
    """The 64 hex digits in groups of 16, easier to read aloud and compare."""
    return " ".join(fingerprint[i : i + 16] for i in range(0, len(fingerprint), 16))


class LogPDF(CairnPDF):
    header_line = gettext_lazy("Supervision log of %(name)s · made %(date)s")

    def __init__(self, *, coach: str, generated: datetime) -> None:
        super().__init__(
            name=coach,
            generated=generated,
            title=_("Supervision log of %(name)s") % {"name": coach},
        )

    def heading(self, text: str, size: int = 14) -> None:
        self.ln(2)
        self.set_font(self.family, "B", size)
        self.multi_cell(0, 7, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

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
