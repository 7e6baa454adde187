"""The administrator's webhook pages: subscriptions, their secrets and their delivery logs."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.once import create_once, one_time_submit
from organizations.access import acting_membership, member_required, visible_or_404
from organizations.models import Role
from webhooks import services
from webhooks.addresses import AddressRefused
from webhooks.delivery import MAX_ATTEMPTS, RETRY_AFTER
from webhooks.forms import SubscriptionForm, WebhookSettingsForm
from webhooks.models import Subscription, SubscriptionState
from webhooks.selectors import attempts_of, settings_for, subscriptions_of

LOG_PAGE_SIZE = 25
SECRET_SHOWN_ONCE = "webhook_secret"  # noqa: S105 - a session key


def _subscription_or_404(request: HttpRequest, subscription_id: object) -> Subscription:
    scoped = subscriptions_of(acting_membership(request).organization).select_related(
        "organization"
    )
    return visible_or_404(scoped, request, id=subscription_id)


@member_required(Role.ADMIN)
def subscriptions(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    allowed = settings_for(acting.organization_id).allow_private_addresses
    return render(
        request,
        "webhooks/list.html",
        {
            "subscriptions": subscriptions_of(acting.organization),
            "settings_form": WebhookSettingsForm(initial={"allow_private_addresses": allowed}),
            "allow_private": allowed,
        },
    )


@member_required(Role.ADMIN)
@one_time_submit
def new_subscription(request: HttpRequest) -> HttpResponse:
    acting = acting_membership(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = create_once(
                request,
                create=lambda: services.create_subscription(acting=acting, **form.cleaned_data),
                location=lambda made: reverse("webhooks:detail", args=[made.subscription.id]),
                target=lambda made: made.subscription.id,
            )
        except AddressRefused as refused:
            form.add_error("url", str(refused.reason))
        else:
            # The secret is shown once, on the next page, then forgotten (as a referral's code).
            request.session[SECRET_SHOWN_ONCE] = {
                "subscription": str(created.obj.subscription.id),
                "secret": created.obj.secret,
            }
            messages.success(request, _("Subscription added."))
            return redirect(created.location)
    return render(request, "webhooks/new.html", {"form": form}, status=400 if form.errors else 200)


@member_required(Role.ADMIN)
def subscription(request: HttpRequest, subscription_id: object) -> HttpResponse:
    found = _subscription_or_404(request, subscription_id)
    page = Paginator(attempts_of(found), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = request.session.get(SECRET_SHOWN_ONCE)
    secret = ""
    if waiting and waiting.get("subscription") == str(found.id):
        secret = request.session.pop(SECRET_SHOWN_ONCE)["secret"]
    return render(
        request,
        "webhooks/detail.html",
        {
            "subscription": found,
            "secret": secret,
            "page": page,
            "max_attempts": MAX_ATTEMPTS,
            "retry_after": RETRY_AFTER,
        },
    )


@require_POST
@member_required(Role.ADMIN)
def pause(request: HttpRequest, subscription_id: object) -> HttpResponse:
    found = _subscription_or_404(request, subscription_id)
    paused = request.POST.get("paused") == "1"
    if services.set_paused(acting=acting_membership(request), subscription=found, paused=paused):
        messages.success(
            request,
            _("Paused: events are not sent until you resume.")
            if paused
            else _("Resumed: events are sent again."),
        )
    return redirect("webhooks:detail", subscription_id=found.id)


@require_POST
@member_required(Role.ADMIN)
def rotate(request: HttpRequest, subscription_id: object) -> HttpResponse:
    found = _subscription_or_404(request, subscription_id)
    made = services.rotate_secret(acting=acting_membership(request), subscription=found)
    return render(
        request,
        "webhooks/secret.html",
        {"subscription": made.subscription, "secret": made.secret, "rotated": True},
    )


@require_POST
@member_required(Role.ADMIN)
def test_event(request: HttpRequest, subscription_id: object) -> HttpResponse:
    found = _subscription_or_404(request, subscription_id)
    if found.state == SubscriptionState.PAUSED:
        messages.error(request, _("This subscription is paused. Resume it to send a test event."))
    else:
        services.send_test_event(acting=acting_membership(request), subscription=found)
        messages.success(
            request, _("Test event sent. Its outcome shows in the delivery log below.")
        )
    return redirect("webhooks:detail", subscription_id=found.id)


@member_required(Role.ADMIN)
def delete(request: HttpRequest, subscription_id: object) -> HttpResponse:
    found = _subscription_or_404(request, subscription_id)
    if request.method == "POST":
        services.delete_subscription(acting=acting_membership(request), subscription=found)
        messages.success(request, _("Subscription %(name)s deleted.") % {"name": found.description})
        return redirect("webhooks:list")
    return render(request, "webhooks/delete.html", {"subscription": found})


@member_required(Role.ADMIN)
def webhook_settings(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("webhooks:list")
    form = WebhookSettingsForm(request.POST)
    if form.is_valid():
        changed = services.save_settings(
            acting=acting_membership(request),
            allow_private_addresses=form.cleaned_data["allow_private_addresses"],
        )
        messages.success(request, _("Settings saved.") if changed else _("Nothing was changed."))
    return redirect("webhooks:list")
