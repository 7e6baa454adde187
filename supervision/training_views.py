"""A staff member's training (hours toward the program's requirement, with certificates only
they can download), the training hours a supervisor or a manager sees, and the member's own
copy of their supervision, credentials, training and journal to take with them."""

import base64

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action
from lib.once import create_once, one_time_submit
from lib.views import confirm_removal
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from supervision import record_copy
from supervision.forms import TrainingForm
from supervision.selectors import (
    certificate_of,
    requirement,
    training_hours,
    training_hours_of,
    training_of,
)
from supervision.services import add_training, remove_training
from supervision.uploads import refused_too_large, streams_certificate


@member_required(*Role.staff())
@streams_certificate
@one_time_submit
def training(request: HttpRequest) -> HttpResponse:
    """My training: the hours against the program's requirement, the records, and adding one
    with its certificate."""
    membership = acting_membership(request)
    form = TrainingForm(
        request.POST or None,
        request.FILES or None,
        too_large=request.method == "POST" and refused_too_large(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = create_once(
            request,
            create=lambda: add_training(
                acting=membership,
                topic=data["topic"],
                hours=data["hours"],
                provider=data["provider"],
                taken_on=data["taken_on"],
                certificate=data["certificate"],
            ),
            location=lambda _t: reverse("supervision:training"),
        )
        messages.success(request, _("Training added."))
        return redirect(saved.location)
    today = timezone.localdate()
    return render(
        request,
        "supervision/training.html",
        {
            "form": form,
            "records": list(training_of(membership)),
            "counted": training_hours(
                request.user, requirement(membership.organization), today=today
            ),
        },
        status=400 if form.is_bound else 200,
    )


@member_required(*Role.staff())
def training_remove(request: HttpRequest, record_id: object) -> HttpResponse:
    membership = acting_membership(request)
    record = visible_or_404(training_of(membership), request, id=record_id)
    return confirm_removal(
        request,
        remove=lambda: remove_training(acting=membership, record=record),
        done=_("Training removed."),
        back="supervision:training",
        template="supervision/training_remove.html",
        context={"record": record},
    )


@member_required(*Role.staff())
def training_certificate(request: HttpRequest, record_id: object) -> HttpResponse:
    """A certificate, for the person who keeps it and nobody else (a supervisor or a manager
    sees the hours, and asks the coach for the paper): always a download, never shown in the
    browser, whatever the file holds."""
    membership = acting_membership(request)
    record = visible_or_404(training_of(membership), request, id=record_id)
    certificate = certificate_of(record)
    if certificate is None:
        raise Http404
    record_member_action(acting=membership, action=Action.VIEW, target=Target.of(record))
    response = HttpResponse(
        base64.b64decode(certificate.content), content_type=certificate.content_type
    )
    name = f"certificate-{record.taken_on.isoformat()}.{certificate.extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@member_required(Role.SUPERVISOR, *Role.program_keepers())
def training_overview(request: HttpRequest) -> HttpResponse:
    """Training hours against the requirement: a supervisor's team, or the program's care team
    for a manager or an administrator. Hours only, by name; never the certificates."""
    membership = acting_membership(request)
    return render(
        request,
        "supervision/training_overview.html",
        {
            "rows": training_hours_of(membership, today=timezone.localdate()),
            "need": requirement(membership.organization),
        },
    )


@member_required(*Role.staff())
def my_record(request: HttpRequest) -> HttpResponse:
    """The member's own copy to take with them: supervision log, credentials, training with
    certificates, and their journal. Audited as an export, of their own things only."""
    membership = acting_membership(request)
    content = record_copy.build(membership)
    record_member_action(
        acting=membership,
        action=Action.EXPORT,
        target=Target(type="supervision.my_record", id=str(membership.user.public_id)),
        changed_fields=["supervision_log", "credentials", "training", "journal"],
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-record.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
