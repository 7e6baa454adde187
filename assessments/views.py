"""A participant's assessments (list, chart, what is due), recording one, one in detail, and the
organization's reassessment schedule."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import charts, engine, suprt
from assessments.forms import AssessmentForm, ChooseForm, ScheduleForm
from assessments.models import BARC10, SUPRT, Assessment, ItemResponse, Language
from assessments.selectors import participant_plan
from assessments.services import (
    StaleSchedule,
    current_schedule,
    record_assessment,
    update_schedule,
)
from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404


def _instrument_or_default(key: str) -> engine.Instrument:
    try:
        return engine.instrument(key)
    except KeyError:
        return engine.instrument(BARC10)


@member_required(*Role.with_participant_access())
def participant_assessments(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    record_page_view(
        request=request,
        target=Target(type="assessments.list", id=str(participant.id)),
        participant_id=participant.id,
    )
    assessments = list(
        Assessment.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ).select_related("recorded_by")
    )
    barc10 = engine.instrument(BARC10)
    complete = sorted(
        (a for a in assessments if a.instrument == BARC10 and a.total is not None),
        key=lambda a: (a.administered_on, a.created_at),
    )
    series = [(a.administered_on, a.total) for a in complete if a.total is not None]
    reference = barc10.reference
    chart = charts.line_chart(
        series,
        minimum=barc10.minimum or 0,
        maximum=barc10.maximum or 0,
        reference=reference.minimum if reference else None,
        reference_label=reference.label("en") if reference else "",
    )
    change = None
    if len(complete) >= 2:
        first, last = complete[0], complete[-1]
        values = {
            (r.assessment_id, r.item_key): r.value
            for r in ItemResponse.objects.filter(
                organization_id=participant.organization_id, assessment__in=[first, last]
            )
        }
        rows = [
            (item.short("en"), values.get((first.id, item.key)), values.get((last.id, item.key)))
            for item in barc10.items
        ]
        change = charts.change_chart(
            [(label, a, b) for label, a, b in rows if a is not None and b is not None],
            baseline_day=first.administered_on,
            latest_day=last.administered_on,
        )
    schedule = participant_plan(participant)
    federal = None
    if suprt.reports_suprt(participant.organization_id):
        today = timezone.localdate()
        standing = suprt.standing(participant)
        federal = {"window": standing.point_for(today), "due": standing.due(today)}
    return render(
        request,
        "assessments/participant.html",
        {
            "participant": participant,
            "assessments": [(a, _title(a)) for a in assessments],
            "chart": chart,
            "change": change,
            "plan": schedule,
            "barc10": barc10,
            "reference": reference,
            "federal": federal,
        },
    )


def _title(assessment: Assessment) -> str:
    try:
        return engine.instrument(assessment.instrument).short_title("en")
    except KeyError:
        return assessment.instrument


@member_required(*Role.care_team())
@one_time_submit
def assessment_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    source = request.POST if request.method == "POST" else request.GET
    instrument = _instrument_or_default(source.get("instrument", BARC10))
    language = source.get("language", Language.EN)
    if language not in instrument.languages or language not in Language.values:
        language = Language.EN
    choose = ChooseForm(initial={"instrument": instrument.key, "language": language})
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        answers, skipped = form.answers()
        try:
            saved = create_once(
                request,
                create=lambda: record_assessment(
                    acting=acting_membership(request),
                    participant=participant,
                    instrument=instrument,
                    language=language,
                    administered_on=form.cleaned_data["administered_on"],
                    answers=answers,
                    skipped=skipped,
                    note=form.cleaned_data["note"],
                ),
                location=lambda assessment: reverse(
                    "assessments:detail", kwargs={"assessment_id": assessment.id}
                ),
            )
        except engine.InvalidAnswer:
            # The form already refuses unknown choices; this guards a definition that changed
            # between showing the form and saving it.
            form.add_error(None, _("One answer no longer fits this instrument. Please check it."))
        else:
            messages.success(request, _("Assessment saved."))
            return redirect(saved.location)
    return render(
        request,
        "assessments/form.html",
        {
            "participant": participant,
            "form": form,
            "choose": choose,
            "instrument": instrument,
            "language": language,
            "title": instrument.title(language),
            "instruction": instrument.instruction(language),
        },
    )


@member_required(*Role.with_participant_access())
def assessment_detail(request: HttpRequest, assessment_id: object) -> HttpResponse:
    assessment = owned_or_404(
        request, Assessment, related=("recorded_by",), viewed=True, id=assessment_id
    )
    participant = assessment.participant
    try:
        instrument: engine.Instrument | None = engine.instrument(assessment.instrument)
    except KeyError:
        instrument = None
    responses = {
        r.item_key: r
        for r in assessment.responses.filter(organization_id=assessment.organization_id)
    }
    rows: list[dict[str, Any]] = []
    if instrument is not None:
        stored = {key: engine.Answer(value=r.value, text=r.text) for key, r in responses.items()}
        for item in instrument.items:
            response = responses.get(item.key)
            value = response.value if response else None
            answer = stored.get(item.key, engine.Answer())
            section = instrument.section(item.section)
            rows.append(
                {
                    "number": item.code or item.number,
                    "section": section.title(assessment.language) if section else "",
                    "text": item.text(assessment.language),
                    "answer": engine.answer_words(item, answer, assessment.language),
                    "value": value,
                    "skipped": bool(response and response.skipped),
                    "not_asked": bool(
                        instrument.sections and not engine.is_shown(instrument, item, stored)
                    ),
                }
            )
    band = instrument.band_for(assessment.total) if instrument else None
    return render(
        request,
        "assessments/detail.html",
        {
            "participant": participant,
            "assessment": assessment,
            "instrument": instrument,
            "rows": rows,
            "band": band.label("en") if band else "",
            "time_point": suprt.point_words(assessment.schedule_point)
            if assessment.instrument in SUPRT
            else "",
        },
    )


@member_required(Role.ADMIN)
def schedule_settings(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    current = current_schedule(organization_id=acting.organization.pk)
    form = ScheduleForm(request.POST or None, instance=current)
    conflict: list[tuple[str, Any, Any]] = []
    if request.method == "POST" and form.is_valid():
        values = form.schedule_values()
        try:
            changed = update_schedule(
                acting=acting,
                values=values,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleSchedule as stale:
            # Show both sides; the admin decides what to keep and saves again.
            labels = {
                "offsets_days": _("Days after enrolment"),
                "repeat_every_days": _("Then every"),
                "window_days": _("Window"),
            }
            conflict = [
                (labels[name], getattr(stale.current, name), value)
                for name, value in values.items()
                if getattr(stale.current, name) != value
            ]
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = ScheduleForm(data, instance=stale.current)
            form.is_valid()
        else:
            messages.success(
                request, _("Schedule saved.") if changed else _("Nothing was changed.")
            )
            return redirect("assessments:schedule")
    return render(
        request,
        "assessments/schedule.html",
        {"form": form, "conflict": conflict},
    )
