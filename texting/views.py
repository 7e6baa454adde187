"""Twilio's webhooks (incoming texts and delivery reports, signature-checked, CSRF-exempt as
the provider cannot hold a token) and the staff pages for texts waiting for a person."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audit.services import Target, record_page_view
from inbox.services import record_delivery
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Organization, Role
from texting import twilio
from texting.forms import SET_ASIDE, PlaceTextForm
from texting.models import Provider
from texting.selectors import choices_for, waiting_texts, waiting_texts_scope
from texting.services import (
    IncomingText,
    place_text,
    receive_inbound_text,
    refuse_unsigned,
    set_text_aside,
)


def _organization(slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug, is_active=True).first()


def _signed_or_refused(request: HttpRequest, organization: Organization | None) -> bool:
    if twilio.is_signed(request):
        return True
    name = request.resolver_match.view_name if request.resolver_match else "texting"
    refuse_unsigned(organization=organization, path_name=name)
    return False


@csrf_exempt
@require_POST
def twilio_incoming(request: HttpRequest, organization: str) -> HttpResponse:
    """A text someone sent to the program's number (Twilio's "A message comes in" webhook)."""
    found = _organization(organization)
    if not _signed_or_refused(request, found):
        return HttpResponse(status=403)
    if found is None:
        raise Http404
    sid = request.POST.get("MessageSid") or request.POST.get("SmsMessageSid") or ""
    sender = request.POST.get("From", "")
    if not sid or not sender:
        return HttpResponseBadRequest()
    receive_inbound_text(
        organization=found,
        incoming=IncomingText(
            provider=Provider.TWILIO,
            provider_message_id=sid,
            sender=sender,
            body=request.POST.get("Body", ""),
            media_count=twilio.media_count(request),
        ),
    )
    return twilio.empty_answer()


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, organization: str) -> HttpResponse:
    """Twilio's delivery report for a text Cairn sent (its status callback)."""
    found = _organization(organization)
    if not _signed_or_refused(request, found):
        return HttpResponse(status=403)
    if found is None:
        raise Http404
    message = record_delivery(
        provider_message_id=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
        organization=found,
    )
    del message  # a report for an unknown or other organization's text changes nothing
    return twilio.empty_answer()


@member_required(*Role.with_participant_access())
def waiting_list(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    texts = waiting_texts(user=request.user, organization=membership.organization)
    record_page_view(request=request, target=Target(type="texting.waiting", id=""))
    return render(request, "texting/waiting.html", {"texts": texts})


@member_required(*Role.with_participant_access())
def waiting_text(request: HttpRequest, text_id: object) -> HttpResponse:
    membership = acting_membership(request)
    scope = waiting_texts_scope(user=request.user, organization=membership.organization)
    text = visible_or_404(scope, request, id=text_id)
    people = choices_for(user=request.user, organization=membership.organization, text=text)
    form = PlaceTextForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        if choice == SET_ASIDE:
            set_text_aside(acting=membership, text=text)
            messages.success(request, _("Set aside. Its words are removed."))
        else:
            person = next(p for p in people if str(p.id) == choice)
            place_text(acting=membership, text=text, participant=person)
            messages.success(
                request,
                _("It is now in %(name)s's messages.") % {"name": person.preferred_name},
            )
        return redirect(reverse("texting:waiting"))
    record_page_view(request=request, target=Target.of(text))
    return render(request, "texting/waiting_text.html", {"text": text, "form": form})
