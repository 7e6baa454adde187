"""The participant's language: chosen in settings (or by a link on the sign-in pages) and used
for every portal page, while staff pages stay in the staff member's own language."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from participants.models import Participant

# A year: the choice outlives the session, so the sign-in page after signing out (or after the
# short session of a shared phone) is still in the language the person reads.
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


# The portal says tú: its Spanish is the catalogue that says tú (locale/es_X-tu, over "es",
# which says usted to staff). A sentence both sides share reads right on each.
PORTAL_CATALOGUE = {"es": "es-x-tu"}


def supported(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def activate(request: HttpRequest, code: str) -> None:
    """Portal pages in `code` ("en" or "es"), in the portal's own voice."""
    catalogue = PORTAL_CATALOGUE.get(code, code)
    translation.activate(catalogue)
    request.LANGUAGE_CODE = catalogue


def activate_for(request: HttpRequest, participant: Participant) -> None:
    """Use the language saved in the participant's settings for this request. Without a saved
    choice, LocaleMiddleware's pick stands (the cookie set by the link on the sign-in pages)."""
    preference = getattr(participant, "portal_preference", None)
    if preference is not None and supported(preference.language):
        activate(request, preference.language)
    else:
        activate(request, translation.get_language() or settings.LANGUAGE_CODE)


def remember(response: HttpResponse, code: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@require_GET
def choose(request: HttpRequest, code: str) -> HttpResponse:
    """A plain link ("Español" / "English") that works without JavaScript and without a form:
    it only sets a language cookie, which changes nothing else, so GET is safe here."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if supported(code):
        remember(response, code)
    return response
