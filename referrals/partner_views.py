"""The partner's page: no account, a random token in the address and a code given separately.
Until the code is right it shows nothing of the referral; a link that is unknown, expired,
made anew, closed, answered for good, or whose consent was withdrawn shows one calm page."""

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from referrals import selectors
from referrals.forms import CodeForm, DeclineForm, SeenForm
from referrals.models import Referral
from referrals.services import (
    Answer,
    CodeAnswer,
    WrongState,
    partner_answer,
    partner_viewed,
    try_code,
)

# How long a right code keeps the page open in this browser.
OPEN_SECONDS = 30 * 60
SESSION_KEY = "partner_referrals"


def _closed(request: HttpRequest) -> HttpResponse:
    return _page(request, "referrals/partner_closed.html", {}, status=404)


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _is_open(request: HttpRequest, referral: Referral) -> bool:
    until = request.session.get(SESSION_KEY, {}).get(str(referral.id), 0)
    return bool(until and until > time.time())


def _open(request: HttpRequest, referral: Referral) -> None:
    opened = {
        key: until
        for key, until in request.session.get(SESSION_KEY, {}).items()
        if until > time.time()
    }
    opened[str(referral.id)] = time.time() + OPEN_SECONDS
    request.session[SESSION_KEY] = opened


def _forget(request: HttpRequest, referral: Referral) -> None:
    opened = dict(request.session.get(SESSION_KEY, {}))
    opened.pop(str(referral.id), None)
    request.session[SESSION_KEY] = opened


@never_cache
def partner(request: HttpRequest, token: str) -> HttpResponse:
    referral = selectors.referral_for_token(token)
    if referral is None:
        return _closed(request)
    if not _is_open(request, referral):
        return _ask_code(request, referral, token)
    decline, seen = DeclineForm(), SeenForm()
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        decline = DeclineForm(request.POST if answer == Answer.DECLINE else None)
        seen = SeenForm(request.POST if answer == Answer.SEEN else None)
        valid = (
            answer == Answer.ACCEPT
            or (answer == Answer.DECLINE and decline.is_valid())
            or (answer == Answer.SEEN and seen.is_valid())
        )
        if valid:
            try:
                done = partner_answer(
                    referral=referral,
                    answer=answer,
                    reason=decline.cleaned_data.get("reason", "") if decline.is_bound else "",
                    first_service_on=seen.cleaned_data.get("first_service_on")
                    if seen.is_bound
                    else None,
                )
            except WrongState:
                return redirect("referral_partner", token=token)
            if answer == Answer.ACCEPT:
                return redirect("referral_partner", token=token)
            _forget(request, done)
            return _page(request, "referrals/partner_thanks.html", {"referral": done})
    partner_viewed(referral=referral)
    return _page(
        request,
        "referrals/partner.html",
        {
            "referral": referral,
            "sections": selectors.sections_of(referral),
            "decline_form": decline,
            "seen_form": seen,
        },
        status=400 if request.method == "POST" else 200,
    )


def _ask_code(request: HttpRequest, referral: Referral, token: str) -> HttpResponse:
    form = CodeForm(request.POST or None)
    said = ""
    if request.method == "POST" and form.is_valid():
        answer = try_code(referral=referral, code=form.cleaned_data["code"])
        if answer == CodeAnswer.OPEN:
            _open(request, referral)
            return redirect("referral_partner", token=token)
        if answer == CodeAnswer.PAUSED:
            return _page(request, "referrals/partner_paused.html", {}, status=429)
        said = _("That code did not match. Please check it and try again.")
        form = CodeForm()
    return _page(
        request,
        "referrals/partner_code.html",
        {"form": form, "said": said},
        status=400 if said else 200,
    )
