"""The SUPRT export: one row per SUPRT-A or SUPRT-C record, one column per item code, in the
shape of a SPARS batch upload (FUNDER.md, "SUPRT records", says what was and was not verified).

Every item column holds a code: the option value, the answer itself (a date, a month, a number,
words), -7 (refused / prefer not to say) or -8 (don't know) when that was the answer, -1 when
skip logic did not ask it, -9 when it was asked and left blank."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from assessments import engine
from assessments.engine import Answer, ItemKind
from assessments.models import SUPRT, SUPRT_A, SUPRT_C, Assessment, ItemResponse, Respondent
from exports.datasets import Column, Dataset, Kind, Type, participant_ref

FORM_NAMES = {SUPRT_A: "SUPRT-A", SUPRT_C: "SUPRT-C"}
NOT_ASKED = -1
LEFT_BLANK = -9
KINDS = {
    ItemKind.CHOICE: (Type.INTEGER, Kind.VALUE),
    ItemKind.NUMBER: (Type.INTEGER, Kind.VALUE),
    ItemKind.MULTI: (Type.TEXT, Kind.VALUE),
    ItemKind.DATE: (Type.DATE, Kind.DATE),
    # A month and year of birth identifies too closely for a de-identified file: left out there.
    ItemKind.MONTH_YEAR: (Type.MONTH, Kind.IDENTIFYING),
    ItemKind.TEXT: (Type.TEXT, Kind.FREE_TEXT),
}


def _items() -> list[tuple[engine.Instrument, engine.Item]]:
    return [
        (i, item)
        for i in (engine.instrument(SUPRT_A), engine.instrument(SUPRT_C))
        for item in i.items
    ]


def _allowed(item: engine.Item) -> str:
    options = "; ".join(f"{o.value} = {o.label('en')}" for o in (*item.options, *item.specials))
    codes = f"{NOT_ASKED} = not asked (skip logic); {LEFT_BLANK} = left blank"
    if item.kind == ItemKind.MULTI:
        return f"values joined with ';' from: {options}; or {codes}"
    if item.kind == ItemKind.NUMBER:
        return f"{item.minimum} to {item.maximum}; {options}; {codes}".replace("; ;", ";")
    return f"{options}; {codes}" if options else codes


def item_columns() -> tuple[Column, ...]:
    columns = []
    for instrument, item in _items():
        kind_type, kind = KINDS[item.kind]
        columns.append(
            Column(
                item.code,
                format_lazy(
                    "{form} {code}: {short}",
                    form=instrument.short_title("en"),
                    code=item.code,
                    short=item.short("en"),
                ),
                kind_type,
                kind,
                allowed_note=_allowed(item),
            )
        )
    return tuple(columns)


def _cell(instrument: engine.Instrument, item: engine.Item, answers: dict[str, Answer]) -> Any:
    answer = answers.get(item.key, Answer())
    if not engine.is_shown(instrument, item, answers):
        return NOT_ASKED
    if answer.is_blank:
        return LEFT_BLANK
    if answer.value is not None:
        return answer.value
    if item.kind == ItemKind.DATE:
        return date.fromisoformat(answer.text)
    return answer.text


def complete(rows: list[dict[str, Any]]) -> None:
    """Fill the item columns of one chunk: one query for its answers."""
    ids = [row["assessment_id"] for row in rows]
    found: dict[Any, dict[str, Answer]] = {i: {} for i in ids}
    for assessment_id, key, value, text in ItemResponse.objects.filter(
        assessment_id__in=ids
    ).values_list("assessment_id", "item_key", "value", "text"):
        found[assessment_id][key] = Answer(value=value, text=text)
    items = _items()
    for row in rows:
        answers = found[row["assessment_id"]]
        for instrument, item in items:
            mine = instrument.key == row["form"]
            row[item.code] = _cell(instrument, item, answers) if mine else None
        row["form"] = FORM_NAMES.get(row["form"], row["form"])


def _scope(people: QuerySet[Any]) -> QuerySet[Assessment]:
    return Assessment.objects.filter(participant__in=people, instrument__in=SUPRT)


FUNDER_SUPRT = Dataset(
    key="funder_suprt",
    title=_("Funder layout: SUPRT records (SPARS upload shape)"),
    description=_(
        "One row per SUPRT-A or SUPRT-C record, one column per item code, with the time point "
        "and who answered. Check the layout against SPARS's current batch template."
    ),
    model=Assessment,
    columns=(
        participant_ref("participant_id"),
        Column(
            "assessment_id",
            _("Cairn's stable id for the record"),
            Type.UUID,
            Kind.RECORD_ID,
            "id",
        ),
        Column(
            "form",
            _("Which SUPRT form"),
            Type.TEXT,
            source="instrument",
            allowed_note=_("SUPRT-A (from the record); SUPRT-C (the person)"),
        ),
        Column(
            "time_point",
            _("Which assessment it is"),
            Type.TEXT,
            source="schedule_point",
            allowed_note=_(
                "baseline; reassessment (6-month); annual-1, annual-2, ...; closeout; "
                "extra (outside every window)"
            ),
        ),
        Column(
            "assessment_date", _("Date of the assessment"), Type.DATE, Kind.DATE, "administered_on"
        ),
        Column(
            "respondent",
            _("Who answered"),
            Type.CHOICE,
            source="respondent",
            choices=Respondent,
        ),
        Column(
            "form_version",
            _("Version of Cairn's SUPRT file"),
            Type.TEXT,
            source="instrument_version",
        ),
    ),
    extra_columns=item_columns,
    scope=_scope,
    complete=complete,
    consent_categories=("assessments",),
    order_by=("participant_id", "administered_on", "pk"),
)
