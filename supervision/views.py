"""A coach's supervision and hours, a supervisor recording a session and what was agreed in it,
the supervisor's signature on a coach's log, the program's topics, and the coach's private
journal and wellbeing self-check."""

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped,unused-ignore]
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import Target, record_member_action
from lib.once import create_once, one_time_submit
from lib.spreadsheet import csv_response, write_csv
from lib.views import confirm_removal
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from supervision.forms import (
    PROMPTS,
    ActionForm,
    CredentialForm,
    JournalForm,
    RequirementForm,
    SessionForm,
    SignLogForm,
    TopicEditForm,
    TopicForm,
    WellbeingForm,
)
from supervision.log_pdf import build_log_pdf
from supervision.selectors import (
    actions_seen_by,
    checks_of,
    checks_shared_with,
    coach_on_team,
    credentials_of,
    expiring,
    hours,
    journal_of,
    my_open_actions,
    program_wellbeing,
    requirement,
    reviews_openable,
    reviews_to_link,
    sessions_led,
    sessions_of,
    sessions_with,
    signatures_of,
    signatures_seen_by,
    signed_log,
    supervised_coaches,
    supervision_log,
    team_open_actions,
    topic_use,
    topics_of,
    training_hours,
    workload,
)
from supervision.services import (
    CREDENTIAL_FIELDS,
    add_credential,
    add_topic,
    agree_action,
    change_topic,
    delete_check,
    delete_entry,
    ensure_topics,
    mark_action_done,
    record_session,
    remove_credential,
    save_requirement,
    set_check_sharing,
    sign_log,
    take_check,
    write_entry,
)
from supervision.wellbeing import HELP, HELP_QUESTION, QUESTIONS, SCALE, answer_words, trend

CARE_TEAM = Role.care_team()


@member_required(*CARE_TEAM)
def mine(request: HttpRequest) -> HttpResponse:
    """My supervision: the sessions I was in, my hours toward the credential, and the actions
    still open (a supervisor's with their team too)."""
    membership = acting_membership(request)
    is_supervisor = membership.role == Role.SUPERVISOR
    my_actions = my_open_actions(membership)
    team_actions = team_open_actions(membership)
    counted = hours(request.user, membership.organization, today=timezone.localdate())
    return render(
        request,
        "supervision/mine.html",
        {
            "sessions": list(sessions_of(request.user, membership.organization)[:100]),
            "hours": counted,
            "training": training_hours(
                request.user, counted.requirement, today=timezone.localdate()
            ),
            "workload": workload(membership, today=timezone.localdate()),
            "can_record": is_supervisor,
            "my_actions": my_actions,
            "team_actions": team_actions,
            "openable": reviews_openable(membership, my_actions + team_actions),
            "led": list(sessions_led(membership)[:20]) if is_supervisor else [],
            "team": list(supervised_coaches(membership)) if is_supervisor else [],
            "signatures": list(signatures_of(request.user, membership.organization)[:20]),
            "today": timezone.localdate(),
        },
    )


@member_required(Role.SUPERVISOR)
@one_time_submit
def new(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    ensure_topics(membership.organization)
    form = SessionForm(
        request.POST or None,
        coaches=supervised_coaches(membership),
        topics=topics_of(membership.organization).filter(is_active=True),
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = create_once(
            request,
            create=lambda: record_session(
                acting=membership,
                coaches=list(data["coaches"]),
                held_on=data["held_on"],
                minutes=data["minutes"],
                kind=data["kind"],
                mode=data["mode"],
                topics=list(data["topics"]),
                notes=data["notes"],
            ),
            location=lambda s: reverse("supervision:session", args=[s.id]),
        )
        messages.success(request, _("Supervision recorded. Add what you agreed, if anything."))
        return redirect(saved.location)
    return render(request, "supervision/new.html", {"form": form})


@member_required(*CARE_TEAM)
@one_time_submit
def session(request: HttpRequest, session_id: object) -> HttpResponse:
    """One session, for its supervisor and its coaches: the notes, the actions agreed (each coach
    sees only their own), and adding one."""
    membership = acting_membership(request)
    found = visible_or_404(sessions_with(membership), request, id=session_id)
    is_supervisor = found.supervisor_id == membership.user_id
    coaches = found.coaches.order_by("preferred_name")
    if not is_supervisor:
        coaches = coaches.filter(pk=membership.user_id)
    form = ActionForm(
        request.POST or None,
        coaches=coaches,
        reviews=reviews_to_link(found, [coach.pk for coach in coaches]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = create_once(
            request,
            create=lambda: agree_action(
                acting=membership,
                session=found,
                coach=data["coach"],
                owner=data["owner"],
                text=data["text"],
                due_on=data["due_on"],
                review=data["review"],
            ),
            location=lambda _a: reverse("supervision:session", args=[found.id]),
        )
        messages.success(request, _("Action added."))
        return redirect(saved.location)
    actions = list(actions_seen_by(membership).filter(session=found))
    return render(
        request,
        "supervision/session.html",
        {
            "session": found,
            "coaches": list(found.coaches.all()),
            "actions": actions,
            "openable": reviews_openable(membership, actions),
            "form": form,
            "today": timezone.localdate(),
        },
    )


@require_POST
@member_required(*CARE_TEAM)
def action_done(request: HttpRequest, action_id: object) -> HttpResponse:
    """Either party marks an action done; pressing twice, or both of them, changes nothing."""
    membership = acting_membership(request)
    action = visible_or_404(actions_seen_by(membership), request, id=action_id)
    if mark_action_done(acting=membership, action=action):
        messages.success(request, _("Marked done."))
    else:
        messages.info(request, _("This was already marked done."))
    back = request.POST.get("next", "")
    if not (
        back.startswith("/supervision/")
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = reverse("supervision:mine")
    return redirect(back)


@member_required(*Role.program_keepers())
@one_time_submit
def topics(request: HttpRequest) -> HttpResponse:
    """The program's supervision topics: adding one, and the list to rename or retire."""
    acting = acting_membership(request)
    ensure_topics(acting.organization)
    form = TopicForm(request.POST or None, topics=topics_of(acting.organization))
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: add_topic(acting=acting, name=form.cleaned_data["name"]),
            location=lambda _t: reverse("supervision:topics"),
        )
        messages.success(request, _("Topic added."))
        return redirect(saved.location)
    used = topic_use(acting.organization)
    return render(
        request,
        "supervision/topics.html",
        {
            "form": form,
            "rows": [(topic, used.get(topic.pk, 0)) for topic in topics_of(acting.organization)],
        },
    )


@member_required(*Role.program_keepers())
def topic_edit(request: HttpRequest, topic_id: object) -> HttpResponse:
    acting = acting_membership(request)
    topic = visible_or_404(topics_of(acting.organization), request, public_id=topic_id)
    form = TopicEditForm(
        request.POST or None,
        topics=topics_of(acting.organization).exclude(pk=topic.pk),
        initial={"name": topic.name, "is_active": topic.is_active},
    )
    if request.method == "POST" and form.is_valid():
        changed = change_topic(
            acting=acting,
            topic=topic,
            name=form.cleaned_data["name"],
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(request, _("Topic saved.") if changed else _("Nothing was changed."))
        return redirect("supervision:topics")
    return render(
        request,
        "supervision/topic_edit.html",
        {"form": form, "topic": topic, "used": topic_use(acting.organization).get(topic.pk, 0)},
    )


@member_required(*CARE_TEAM)
def log_csv(request: HttpRequest) -> HttpResponse:
    """My supervision log for a certification board: dates, minutes, format, topics and who
    supervised (who signs it), never the notes."""
    membership = acting_membership(request)
    header, rows = supervision_log(request.user, membership.organization)
    content = write_csv(header, rows, tz=timezone.get_current_timezone())
    return csv_response("supervision-log.csv", content)


@member_required(*CARE_TEAM)
@one_time_submit
def journal(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = JournalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: write_entry(
                acting=membership,
                text=form.cleaned_data["text"],
                prompt=form.cleaned_data["prompt"],
            ),
            location=lambda _e: reverse("supervision:journal"),
        )
        messages.success(request, _("Saved. Only you can read it."))
        return redirect(saved.location)
    return render(
        request,
        "supervision/journal.html",
        {"form": form, "entries": list(journal_of(membership)[:200]), "prompts": PROMPTS},
    )


@member_required(*CARE_TEAM)
def journal_delete(request: HttpRequest, entry_id: object) -> HttpResponse:
    membership = acting_membership(request)
    entry = visible_or_404(journal_of(membership), request, id=entry_id)
    return confirm_removal(
        request,
        remove=lambda: delete_entry(acting=membership, entry=entry),
        done=_("The entry is deleted."),
        back="supervision:journal",
        template="supervision/journal_delete.html",
        context={"entry": entry},
    )


@member_required(*Role.staff())
@one_time_submit
def credentials(request: HttpRequest) -> HttpResponse:
    """My credentials, and adding one."""
    membership = acting_membership(request)
    form = CredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in CREDENTIAL_FIELDS}
        saved = create_once(
            request,
            create=lambda: add_credential(acting=membership, values=values),
            location=lambda _c: reverse("supervision:credentials"),
        )
        messages.success(request, _("Credential added."))
        return redirect(saved.location)
    return render(
        request,
        "supervision/credentials.html",
        {
            "form": form,
            "credentials": list(credentials_of(membership)),
            "today": timezone.localdate(),
        },
    )


@member_required(*Role.staff())
def credential_remove(request: HttpRequest, credential_id: object) -> HttpResponse:
    membership = acting_membership(request)
    credential = visible_or_404(credentials_of(membership), request, id=credential_id)
    return confirm_removal(
        request,
        remove=lambda: remove_credential(acting=membership, credential=credential),
        done=_("Credential removed."),
        back="supervision:credentials",
        template="supervision/credential_remove.html",
        context={"credential": credential},
    )


@member_required(*Role.approvers())
def renewals(request: HttpRequest) -> HttpResponse:
    """Staff credentials that end in the next 90 days, soonest first: a list for renewals,
    never a ranking."""
    membership = acting_membership(request)
    today = timezone.localdate()
    return render(
        request,
        "supervision/renewals.html",
        {"credentials": list(expiring(membership.organization, today=today)), "today": today},
    )


@member_required(*Role.program_keepers())
def requirement_settings(request: HttpRequest) -> HttpResponse:
    """What the state's peer credential asks, as the program counts it."""
    acting = acting_membership(request)
    form = RequirementForm(request.POST or None, instance=requirement(acting.organization))
    if request.method == "POST" and form.is_valid():
        changed = save_requirement(
            acting=acting,
            values={name: form.cleaned_data[name] for name in RequirementForm.Meta.fields},
        )
        messages.success(request, _("Settings saved.") if changed else _("Nothing was changed."))
        return redirect("supervision:requirement")
    return render(request, "supervision/requirement.html", {"form": form})


@member_required(Role.SUPERVISOR)
@one_time_submit
def coach(request: HttpRequest, coach_id: object) -> HttpResponse:
    """A supervisor's page for one coach of their team: signing the coach's supervision log for
    a period, the logs signed before, and the wellbeing summaries the coach shares."""
    membership = acting_membership(request)
    person = coach_on_team(membership, coach_id)
    if person is None:
        raise Http404
    today = timezone.localdate()
    form = SignLogForm(
        request.POST or None,
        initial={"start": today - relativedelta(months=3), "end": today},
    )
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: sign_log(
                acting=membership,
                coach=person,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            ),
            location=lambda _s: reverse("supervision:coach", args=[person.public_id]),
        )
        messages.success(request, _("Signed. The coach can download the signed log."))
        return redirect(saved.location)
    shared = [
        (check, answer_words(check.answers))
        for check in checks_shared_with(membership, person)[:20]
    ]
    return render(
        request,
        "supervision/coach.html",
        {
            "person": person,
            "form": form,
            "signatures": list(signatures_of(person, membership.organization)[:50]),
            "shared": shared,
        },
    )


@member_required(*CARE_TEAM)
def signed_log_pdf(request: HttpRequest, signature_id: object) -> HttpResponse:
    """The signed log as a PDF, for the coach and their team's supervisor; audited as an
    export."""
    membership = acting_membership(request)
    signature = visible_or_404(signatures_seen_by(membership), request, id=signature_id)
    record_member_action(
        acting=membership,
        action=Action.EXPORT,
        target=Target.of(signature),
        changed_fields=["supervision_log"],
    )
    body = build_log_pdf(signed_log(signature), organization=membership.organization.name)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="supervision-log-signed.pdf"'
    return response


@member_required(*CARE_TEAM)
def wellbeing(request: HttpRequest) -> HttpResponse:
    """My self-checks, newest first, and how the latest compares with the one before, in
    words."""
    membership = acting_membership(request)
    checks = list(checks_of(membership)[:100])
    return render(
        request,
        "supervision/wellbeing.html",
        {
            "checks": [(check, answer_words(check.answers)) for check in checks],
            "trend": trend(checks),
        },
    )


@member_required(*CARE_TEAM)
@one_time_submit
def wellbeing_new(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = WellbeingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: take_check(
                acting=membership, answers=form.answers(), words=form.words()
            ),
            location=lambda c: reverse("supervision:wellbeing_check", args=[c.id]),
        )
        messages.success(request, _("Saved. Only you can see it."))
        return redirect(saved.location)
    return render(
        request,
        "supervision/wellbeing_new.html",
        {
            "form": form,
            "questions": [(form[key], form[f"{key}_words"]) for key in QUESTIONS],
            "help_field": form[HELP],
        },
    )


@member_required(*CARE_TEAM)
def wellbeing_check(request: HttpRequest, check_id: object) -> HttpResponse:
    """One of my self-checks, with my words; sharing its summary with my supervisor, or
    stopping."""
    membership = acting_membership(request)
    check = visible_or_404(checks_of(membership), request, id=check_id)
    if request.method == "POST":
        share = request.POST.get("action") == "share"
        if set_check_sharing(acting=membership, check=check, share=share):
            messages.success(
                request,
                _("Your supervisor can now see the summary of this check.")
                if share
                else _("Your supervisor no longer sees this check."),
            )
        return redirect("supervision:wellbeing_check", check_id=check.id)
    words = check.words
    return render(
        request,
        "supervision/wellbeing_check.html",
        {
            "check": check,
            "rows": [
                (
                    question,
                    answer_words({key: check.answers.get(key)}),
                    words.get(key, ""),
                )
                for key, question in QUESTIONS.items()
            ],
            "help_question": HELP_QUESTION,
            "help_words": words.get(HELP, ""),
            "summary": answer_words(check.answers),
            "has_supervisor": membership.team_id is not None,
        },
    )


@member_required(*CARE_TEAM)
def wellbeing_delete(request: HttpRequest, check_id: object) -> HttpResponse:
    membership = acting_membership(request)
    check = visible_or_404(checks_of(membership), request, id=check_id)
    return confirm_removal(
        request,
        remove=lambda: delete_check(acting=membership, check=check),
        done=_("The self-check is deleted."),
        back="supervision:wellbeing",
        template="supervision/wellbeing_delete.html",
        context={"check": check},
    )


@member_required(Role.SUPERVISOR, *Role.program_keepers())
def program(request: HttpRequest) -> HttpResponse:
    """How the work weighs on the care team as a whole, for supervisors and the program's
    managers: counts by month and the shared self-checks, small counts hidden, no names."""
    membership = acting_membership(request)
    return render(
        request,
        "supervision/program.html",
        {
            "figures": program_wellbeing(membership.organization, today=timezone.localdate()),
            "scale": list(SCALE.values()),
            "back_to_renewals": membership.role not in CARE_TEAM,
        },
    )
