"""A coach's supervision and hours, a supervisor recording a session, and the coach's private
journal."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.once import create_once, one_time_submit
from lib.spreadsheet import csv_response, write_csv
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from supervision.forms import (
    PROMPTS,
    CredentialForm,
    JournalForm,
    RequirementForm,
    SessionForm,
)
from supervision.models import Topic
from supervision.selectors import (
    credentials_of,
    expiring,
    hours,
    journal_of,
    requirement,
    sessions_of,
    supervised_coaches,
    workload,
)
from supervision.services import (
    CREDENTIAL_FIELDS,
    add_credential,
    delete_entry,
    ensure_topics,
    record_session,
    remove_credential,
    save_requirement,
    write_entry,
)

CARE_TEAM = Role.care_team()


@member_required(*CARE_TEAM)
def mine(request: HttpRequest) -> HttpResponse:
    """My supervision: the sessions I was in, and my hours toward the credential."""
    membership = acting_membership(request)
    return render(
        request,
        "supervision/mine.html",
        {
            "sessions": list(sessions_of(request.user, membership.organization)[:100]),
            "hours": hours(request.user, membership.organization, today=timezone.localdate()),
            "workload": workload(membership, today=timezone.localdate()),
            "can_record": membership.role == Role.SUPERVISOR,
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
        topics=Topic.objects.filter(organization=membership.organization, is_active=True),
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
            location=lambda _s: reverse("supervision:mine"),
        )
        messages.success(request, _("Supervision recorded."))
        return redirect(saved.location)
    return render(request, "supervision/new.html", {"form": form})


@member_required(*CARE_TEAM)
def log_csv(request: HttpRequest) -> HttpResponse:
    """My supervision log for a certification board: dates, minutes, format, topics and who
    supervised (who signs it), never the notes."""
    membership = acting_membership(request)
    rows = [
        [
            s.held_on,
            s.minutes,
            s.get_kind_display(),
            s.get_mode_display(),
            "; ".join(t.name for t in s.topics.all()),
            s.supervisor.display_name,
        ]
        for s in sessions_of(request.user, membership.organization)
    ]
    header = [_("Date"), _("Minutes"), _("Format"), _("How"), _("Topics"), _("Supervisor")]
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
    if request.method == "POST":
        delete_entry(acting=membership, entry=entry)
        messages.success(request, _("The entry is deleted."))
        return redirect("supervision:journal")
    return render(request, "supervision/journal_delete.html", {"entry": entry})


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
    if request.method == "POST":
        remove_credential(acting=membership, credential=credential)
        messages.success(request, _("Credential removed."))
        return redirect("supervision:credentials")
    return render(request, "supervision/credential_remove.html", {"credential": credential})


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
