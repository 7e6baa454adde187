"""Texts sent through Twilio's Messages API with its own library (CAIRN_SMS_BACKEND=twilio).

Each text names its own organization's delivery-report address,
`<CAIRN_SMS_WEBHOOK_BASE_URL>/texts/twilio/<slug>/status/`, so several programs on one Twilio
account each get their own reports; `CAIRN_SMS_TWILIO_STATUS_CALLBACK`, when set, overrides it
(`{organization}` in it stands for the slug). The answer's message SID is returned so the reports
find the text. As with every backend, the words are never logged or put into an
error: a failure names only Twilio's status or the kind of network failure.
"""

from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from lib.sms import SendFailed, TextMessage


class TwilioBackend:
    def __init__(self, http_client: HttpClient | None = None) -> None:
        self.account_sid = settings.CAIRN_SMS_TWILIO_ACCOUNT_SID
        self.token = settings.CAIRN_SMS_TWILIO_AUTH_TOKEN
        self.sender = settings.CAIRN_SMS_TWILIO_FROM
        if not (self.account_sid and self.token and self.sender):
            raise SendFailed(
                "CAIRN_SMS_TWILIO_ACCOUNT_SID, CAIRN_SMS_TWILIO_AUTH_TOKEN and "
                "CAIRN_SMS_TWILIO_FROM must all be set"
            )
        self.client = Client(
            self.account_sid,
            self.token,
            http_client=http_client
            or TwilioHttpClient(timeout=settings.CAIRN_SMS_HTTP_TIMEOUT_SECONDS),
        )

    def send(self, message: TextMessage) -> str:
        options: dict[str, str] = {"to": message.to, "body": message.body}
        # A Messaging Service SID (MG…) chooses the sending number itself; else it is the number.
        if self.sender.startswith("MG"):
            options["messaging_service_sid"] = self.sender
        else:
            options["from_"] = self.sender
        if callback := status_callback(message.organization):
            options["status_callback"] = callback
        try:
            sent = self.client.messages.create(**options)
        except TwilioException as error:
            status = getattr(error, "status", "")
            raise SendFailed(f"Twilio answered {status or type(error).__name__}") from None
        except OSError as error:
            raise SendFailed(f"Twilio not reached ({type(error).__name__})") from None
        return str(sent.sid or "")


def status_callback(organization: str) -> str:
    """Where Twilio reports on a text sent for this organization (by slug): the override when
    set, else the organization's own address under the public base; "" when there is no way to
    name one (no public base, or a text sent for no organization)."""
    override = settings.CAIRN_SMS_TWILIO_STATUS_CALLBACK
    if override:
        return override.replace("{organization}", organization)
    base = settings.CAIRN_SMS_WEBHOOK_BASE_URL.rstrip("/")
    if not (base and organization):
        return ""
    return base + reverse("texting:twilio_status", kwargs={"organization": organization})
