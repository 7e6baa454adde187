"""The person's record as a person reads it: `readable_blocks` turns the data copy into headings,
paragraphs and tables with words instead of stored codes and dates as dates; the PDF and the
readable (HTML) copy both show those blocks."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf.fonts import TextStyle

from consent.models import Category, ConsentStatus, LegalBasis
from consent.record import readable_rows
from encounters.models import ContactType, Outcome
from lib.pdf import CairnPDF, plain
from lib.when import show_date, show_datetime
from participants.models import CoachRole, ParticipantStatus

# A list of items whose fields are this short fits a table with one row per item.
TABLE_MAX_COLUMNS = 5
TABLE_MAX_TEXT = 80


def section_titles() -> dict[str, str]:
    return {
        "about_you": _("About you"),
        "coaches": _("Your coaches"),
        "status_history": _("Your time in the program"),
        "support_people": _("People who support you"),
        "contacts": _("Contacts and notes"),
        "notes_not_shared": _("Notes not shared with you"),
        "check_in_schedules": _("Check-in times"),
        "recovery_plan": _("Your recovery plan"),
        "milestones": _("Milestones"),
        "strengths": _("Strengths"),
        "assessments": _("Assessments"),
        "safety_plan": _("Your safety plan"),
        "consents": _("Consents"),
        "disclosures": _("What was shared, and with whom"),
    }


def column_labels() -> dict[str, str]:
    """Table headings for the keys of the record's lists, in the reader's language (the keys
    themselves stay English: they are the data copy's field names)."""
    return {
        "coach": _("Coach"),
        "role": _("Role"),
        "from": _("From"),
        "until": _("Until"),
        "handover_note": _("Handover note"),
        "status": _("Status"),
        "reason": _("Reason"),
        "name": _("Name"),
        "relationship": _("Relationship"),
        "phone": _("Phone"),
        "may_contact": _("May contact"),
        "for_what": _("For what"),
        "when": _("When"),
        "type": _("Type"),
        "outcome": _("Outcome"),
        "minutes": _("Minutes"),
        "service": _("Service"),
        "summary": _("Summary"),
        "topics": _("Topics"),
        "what_the_coach_did": _("What the coach did"),
        "your_response": _("Your response"),
        "in_your_words": _("In your words"),
        "next_steps": _("Next steps"),
        "written_by": _("Written by"),
        "signed": _("Signed"),
        "addenda": _("Added later"),
        "text": _("Text"),
        "every_weeks": _("Every (weeks)"),
        "weekday": _("Day"),
        "paused": _("Paused"),
        "ended_on": _("Ended on"),
        "life_areas": _("Life areas"),
        "why_it_matters": _("Why it matters"),
        "supports": _("Supports"),
        "coach_summary": _("Coach's summary"),
        "step": _("Step"),
        "who": _("Who"),
        "aiming_for": _("Aiming for"),
        "done_on": _("Done on"),
        "what": _("What"),
        "kind": _("Kind"),
        "noted_on": _("Noted on"),
        "instrument": _("Questionnaire"),
        "date": _("Date"),
        "total": _("Total"),
        "complete": _("Complete"),
        "answers": _("Answers"),
        "recipient": _("Shared with"),
        "purpose": _("Purpose"),
        "information": _("Information"),
        "signed_on": _("Signed on"),
        "expires_on": _("Ends on"),
        "to": _("To"),
        "basis": _("Basis"),
    }


def value_labels() -> dict[tuple[str, str], dict[str, str]]:
    """Stored codes in a section's lists, shown as their words in the reader's language (the
    data copy keeps the codes)."""
    categories = {k: str(v) for k, v in Category.choices}
    return {
        ("coaches", "role"): {k: str(v) for k, v in CoachRole.choices},
        ("status_history", "status"): {k: str(v) for k, v in ParticipantStatus.choices},
        ("contacts", "type"): {k: str(v) for k, v in ContactType.choices},
        ("contacts", "outcome"): {k: str(v) for k, v in Outcome.choices},
        ("consents", "status"): {k: str(v) for k, v in ConsentStatus.choices},
        ("consents", "information"): categories,
        ("disclosures", "information"): categories,
        ("disclosures", "basis"): {k: str(v) for k, v in LegalBasis.choices},
    }


def _words(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [labels.get(v, v) if isinstance(v, str) else v for v in value]
    return labels.get(value, value) if isinstance(value, str) else value


def _label(key: str) -> str:
    return column_labels().get(key) or key.replace("_", " ").capitalize()


def _when(value: str) -> str | None:
    """An ISO date or date and time from the data copy, written as a person writes it."""
    if not (len(value) >= 10 and value[4] == "-" and value[7] == "-"):
        return None
    try:
        if len(value) == 10:
            return show_date(date.fromisoformat(value))
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = timezone.localtime(moment)
    return show_datetime(moment)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _when(value) or value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{_label(k)}: {_text(v)}" for k, v in value.items() if v not in ("", None)
        )
    return str(value)


class RecordPDF(CairnPDF):
    header_line = gettext_lazy("Cairn record of %(name)s · made %(date)s")

    def __init__(self, *, name: str, generated: datetime) -> None:
        super().__init__(
            name=name, generated=generated, title=_("Cairn record of %(name)s") % {"name": name}
        )
        self.set_section_title_styles(
            TextStyle(
                font_family=self.family, font_style="B", font_size_pt=16, t_margin=4, b_margin=3
            ),
            TextStyle(
                font_family=self.family, font_style="B", font_size_pt=12, t_margin=3, b_margin=2
            ),
        )

    def heading(self, title: str, level: int = 0) -> None:
        self.start_section(self.clean(title), level=level)
        self.set_font(self.family, "", 11)


def _first_page(pdf: RecordPDF, *, organization: str, partial: bool, any_replaced: bool) -> None:
    pdf.add_page()
    pdf.heading(_("What this is"))
    pdf.paragraph(
        _(
            "This is a copy of what %(organization)s keeps about you in Cairn. You have a right to "
            "it. Each part of the record has its own heading. Empty parts are left out."
        )
        % {"organization": organization}
    )
    if partial:
        pdf.paragraph(
            _(
                "It has the notes you can read in your Cairn. Drafts are not in it. If a note was "
                "not shared with you, the list at the end says when and why."
            )
        )
    pdf.paragraph(
        _(
            "Keep it somewhere safe. Anyone who reads it can see private things about you. If "
            "something looks wrong, you can ask your coach to correct it."
        )
    )
    if any_replaced:
        pdf.paragraph(
            _(
                'Some letters or symbols could not be shown in this PDF. They appear as "?". '
                "The readable (HTML) and data (JSON) copies have them all."
            )
        )


@dataclass(frozen=True)
class Block:
    """One piece of the readable record: a heading (level 0 or 1), a paragraph, or a table
    (with `headings`, one row per item; without, a label and its text per row)."""

    kind: str
    text: str = ""
    level: int = 0
    headings: list[str] | None = None
    rows: list[list[str]] = field(default_factory=list)


def _list_blocks(items: list[dict[str, Any]], section: str = "") -> list[Block]:
    words = {field: labels for (key, field), labels in value_labels().items() if key == section}
    if words:
        items = [{k: _words(v, words.get(k, {})) for k, v in item.items()} for item in items]
    columns = [k for k in items[0] if any(item.get(k) not in (None, "", []) for item in items)]
    texts = [[_text(item.get(k)) for k in columns] for item in items]
    if len(columns) <= TABLE_MAX_COLUMNS and all(
        len(t) <= TABLE_MAX_TEXT for row in texts for t in row
    ):
        return [Block("table", headings=[_label(k) for k in columns], rows=texts)]
    # Long text reads better as one small two-column table per item.
    return [
        Block(
            "table",
            rows=[[_label(k), _text(v)] for k, v in item.items() if v not in (None, "", [])],
        )
        for item in items
    ]


def _plan_blocks(plan: dict[str, Any]) -> list[Block]:
    blocks = []
    if plan.get("agreed_on"):
        day = _text(plan["agreed_on"])
        blocks.append(Block("paragraph", _("Agreed on %(day)s.") % {"day": day}))
    for goal in plan["goals"]:
        blocks.append(Block("heading", goal["in_your_words"] or _("A goal"), level=1))
        details = {k: v for k, v in goal.items() if k not in ("in_your_words", "steps")}
        rows = [[_label(k), _text(v)] for k, v in details.items() if v not in ("", [], None)]
        blocks.append(Block("table", rows=rows))
        if goal["steps"]:
            blocks += _list_blocks(goal["steps"])
    return blocks


def readable_blocks(record: dict[str, Any]) -> list[Block]:
    """The data copy as headings, paragraphs and tables, section by section; empty parts are
    left out."""
    blocks: list[Block] = []
    for key, title in section_titles().items():
        value = record.get(key)
        if key == "recovery_plan":
            if value and value.get("goals"):
                blocks.append(Block("heading", title))
                blocks += _plan_blocks(value)
            continue
        if not value:
            continue
        blocks.append(Block("heading", title))
        if key == "about_you":
            blocks.append(Block("table", rows=[[label, t] for label, t in readable_rows(value)]))
        elif key == "safety_plan":
            rows = [[part["part"], "\n".join(map(str, part["entries"]))] for part in value]
            blocks.append(Block("table", rows=rows))
        else:
            blocks += _list_blocks(value, key)
    return blocks


def build_record_pdf(
    *, name: str, record: dict[str, Any], generated: datetime, partial: bool
) -> bytes:
    """Headings per section, tables for lists, page numbers and the person's name on each page."""
    pdf = RecordPDF(name=name, generated=generated)
    any_replaced = False
    if not pdf.unicode:
        text = json.dumps(record, ensure_ascii=False, default=str) + name
        any_replaced = pdf.clean(text) != plain(text)
    _first_page(
        pdf, organization=str(record.get("organization", "")), partial=partial,
        any_replaced=any_replaced,
    )  # fmt: skip
    pdf.add_page()
    for block in readable_blocks(record):
        if block.kind == "heading":
            pdf.heading(block.text, level=block.level)
        elif block.kind == "paragraph":
            pdf.paragraph(block.text)
        else:
            pdf.rows(block.headings, block.rows)
    return bytes(pdf.output())
