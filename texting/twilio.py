"""Twilio's side of the provider contract: its webhook signature and its answer format.

Twilio signs every webhook (incoming text, delivery report) with the account's auth token over
the full address it called and the posted fields (`X-Twilio-Signature`); `twilio`'s own
`RequestValidator` checks it. A request without a valid signature is refused before anything in
it is read further. Cairn answers with empty TwiML: replies go out through the SMS backend.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from twilio.request_validator import RequestValidator

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNATURE_HEADER = "X-Twilio-Signature"


def signed_address(request: HttpRequest) -> str:
    """The address Twilio called: the configured public base (behind a proxy that changes the
    scheme or host) with this request's path and query, or the request's own address."""
    base = settings.CAIRN_SMS_WEBHOOK_BASE_URL.rstrip("/")
    if base:
        return base + request.get_full_path()
    return request.build_absolute_uri()


def is_signed(request: HttpRequest) -> bool:
    """Signed by Twilio with this installation's auth token (none configured: never)."""
    token = settings.CAIRN_SMS_TWILIO_AUTH_TOKEN
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    fields = {name: request.POST.get(name, "") for name in request.POST}
    return bool(RequestValidator(token).validate(signed_address(request), fields, signature))


def media_count(request: HttpRequest) -> int:
    try:
        return max(int(request.POST.get("NumMedia", "0") or 0), 0)
    except ValueError:
        return 0


def empty_answer() -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
