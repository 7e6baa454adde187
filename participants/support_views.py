"""A participant's support people: the people they name, and whether and why Cairn may call them."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import Target, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required
from organizations.models import Role
from participants.access import owned_or_404, participant_or_404
from participants.forms import NewSupportPersonForm, SupportPersonForm
from participants.models import SupportPerson
from participants.services import (
    StaleEdit,
    SupportPersonValues,
    remove_support_person,
    save_support_person,
)


def _support_values(form: SupportPersonForm) -> SupportPersonValues:
    return SupportPersonValues(
        **{
            k: form.cleaned_data[k]
            for k in ("name", "relationship", "phone", "may_contact", "contact_purpose")
        }
    )


@member_required(*Role.with_participant_access())
@one_time_submit
def support_person_new(request: HttpRequest, participant_id: object) -> HttpResponse:
    participant = participant_or_404(request, participant_id)
    form = NewSupportPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = create_once(
            request,
            create=lambda: save_support_person(
                acting=acting_membership(request),
                participant=participant,
                person=None,
                values=_support_values(form),
            ),
            location=lambda person: reverse(
                "participants:detail", kwargs={"participant_id": participant.id}
            ),
        )
        messages.success(request, _("Support person added."))
        return redirect(saved.location)
    return render(
        request, "participants/support_person.html", {"form": form, "participant": participant}
    )


@member_required(*Role.with_participant_access())
def support_person_edit(
    request: HttpRequest, participant_id: object, person_id: object
) -> HttpResponse:
    person = owned_or_404(request, SupportPerson, id=person_id, participant_id=participant_id)
    participant = person.participant
    if request.method == "POST" and request.POST.get("remove") == "1":
        remove_support_person(acting=acting_membership(request), person=person)
        messages.success(
            request, _("%(name)s was removed from support people.") % {"name": person.name}
        )
        return redirect("participants:detail", participant_id=participant.id)
    form = SupportPersonForm(request.POST or None, initial=_initial(person))
    if request.method == "POST" and form.is_valid():
        try:
            save_support_person(
                acting=acting_membership(request),
                participant=participant,
                person=person,
                values=_support_values(form),
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleEdit as stale:
            messages.error(
                request,
                _(
                    "Someone saved this support person while you were editing. Their version "
                    "is below; nothing was overwritten. Make your change again."
                ),
            )
            form = SupportPersonForm(initial=_initial(stale.current))
            record_page_view(
                request=request, target=Target.of(person), participant_id=participant.id
            )
            return render(
                request,
                "participants/support_person.html",
                {"form": form, "participant": participant, "person": stale.current},
            )
        messages.success(request, _("Saved."))
        return redirect("participants:detail", participant_id=participant.id)
    record_page_view(request=request, target=Target.of(person), participant_id=participant.id)
    return render(
        request,
        "participants/support_person.html",
        {"form": form, "participant": participant, "person": person},
    )


def _initial(person: SupportPerson) -> dict[str, Any]:
    return {
        k: getattr(person, k)
        for k in ("name", "relationship", "phone", "may_contact", "contact_purpose", "version")
    }
