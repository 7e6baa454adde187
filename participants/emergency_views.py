"""Emergency access: opening a record outside one's care team, and the manager's review of it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import Target, record_member_action, record_page_view
from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from participants.forms import EmergencyAccessForm, EmergencyReviewForm
from participants.models import EmergencyAccess, Participant
from participants.services import open_in_emergency, review_emergency_access
from participants.views import PAGE_SIZE


@member_required(*Role.care_team())
@one_time_submit
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Open a record outside the care team in an emergency: exact details and a reason."""
    membership = acting_membership(request)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = Participant.objects.filter(
            organization=membership.organization,
            merged_into__isnull=True,
            preferred_name__iexact=data["preferred_name"].strip(),
        )
        if data["date_of_birth"]:
            matches = matches.filter(date_of_birth=data["date_of_birth"])
        if data["phone"]:
            matches = matches.filter(Q(phone=data["phone"]) | Q(phone_other=data["phone"]))
        found = list(matches[:2])
        if len(found) != 1:
            record_member_action(
                acting=membership,
                action=Action.PERMISSION_DENIED,
                target=Target(type="participants.emergency", id="no-match"),
            )
            form.add_error(
                None,
                _(
                    "No single record matches those details. Check them, or ask "
                    "a supervisor or manager."
                ),
            )
        else:
            participant = found[0]
            already = Participant.objects.visible_to(request.user, membership.organization)
            if not already.filter(pk=participant.pk).exists():
                create_once(
                    request,
                    create=lambda: open_in_emergency(
                        acting=membership, participant=participant, reason=data["reason"]
                    ),
                    location=lambda grant: reverse(
                        "participants:detail", kwargs={"participant_id": participant.id}
                    ),
                )
                messages.warning(
                    request,
                    _(
                        "Emergency access is open for 60 minutes. Every page you open is recorded "
                        "and your manager will review it."
                    ),
                )
            return redirect("participants:detail", participant_id=participant.id)
    return render(request, "participants/emergency.html", {"form": form})


@member_required(Role.MANAGER)
def emergency_review(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    grants = EmergencyAccess.objects.filter(organization=membership.organization)
    if request.method == "POST":
        grant = visible_or_404(grants, request, id=request.POST.get("grant", ""))
        form = EmergencyReviewForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        review_emergency_access(acting=membership, grant=grant, note=note)
        messages.success(request, _("Marked as reviewed."))
        return redirect("participants:emergency_review")
    page = Paginator(
        grants.select_related("user", "participant", "reviewed_by").order_by(
            F("reviewed_at").asc(nulls_first=True), "-started_at"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    record_page_view(
        request=request, target=Target(type="participants.emergency_review", id=str(page.number))
    )
    return render(
        request, "participants/emergency_review.html", {"page": page, "form": EmergencyReviewForm()}
    )
