"""A text-message provider reached over HTTP: one JSON POST per message with a bearer token.

Most SMS gateways accept this shape or sit behind a small relay that does. The message body is
never logged and never put into an error, because it may hold a one-time code; errors name only
the provider's status or the kind of network failure.
"""

import json
import urllib.error
import urllib.request
from typing import IO, Any

from django.conf import settings

from lib.sms import SendFailed, TextMessage


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the bearer token to another address; treat it as a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpBackend:
    def __init__(
        self, url: str | None = None, token: str | None = None, timeout: float | None = None
    ) -> None:
        self.url = url or settings.CAIRN_SMS_HTTP_URL
        self.token = token if token is not None else settings.CAIRN_SMS_HTTP_TOKEN
        self.timeout = timeout if timeout is not None else settings.CAIRN_SMS_HTTP_TIMEOUT_SECONDS
        if not self.url.startswith(("https://", "http://")):
            raise SendFailed("CAIRN_SMS_HTTP_URL is not set to an http(s) address")
        if not self.token:
            raise SendFailed("CAIRN_SMS_HTTP_TOKEN is not set")
        # Proxies from the environment still apply (some hosts only reach out through one).
        self._opener = urllib.request.build_opener(_NoRedirects)

    def send(self, message: TextMessage) -> str:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=json.dumps({"to": message.to, "body": message.body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
            method="POST",
        )
        try:
            response: IO[bytes] = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            error.close()  # its body may echo the message back: never read or keep it
            raise SendFailed(f"provider answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SendFailed(f"provider not reached ({type(error).__name__})") from None
        with response:
            status = getattr(response, "status", 0)
            if not 200 <= status < 300:
                raise SendFailed(f"provider answered {status}")
            return _message_id(response)


def _message_id(response: IO[bytes]) -> str:
    """The provider's id for the message when its answer names one ("sid" as Twilio calls it,
    or "id"), so later delivery reports can be matched; "" otherwise."""
    try:
        answer = json.loads(response.read(4096) or b"{}")
    except (ValueError, OSError):
        return ""
    if not isinstance(answer, dict):
        return ""
    found = answer.get("sid") or answer.get("id") or ""
    return str(found)[:64] if isinstance(found, str | int) else ""
