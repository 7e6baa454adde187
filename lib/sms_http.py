"""A text-message provider reached over HTTP: one JSON POST per message with a bearer token.

Most SMS gateways accept this shape or sit behind a small relay that does; the body is never
logged, because it may hold a one-time code.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings

from lib.sms import SendFailed, TextMessage


class HttpBackend:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 5.0):
        self.url = url or settings.CAIRN_SMS_HTTP_URL
        self.token = token if token is not None else settings.CAIRN_SMS_HTTP_TOKEN
        self.timeout = timeout
        if not self.url.startswith(("https://", "http://")):
            raise SendFailed("CAIRN_SMS_HTTP_URL is not set to an http(s) address")

    def send(self, message: TextMessage) -> None:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=json.dumps({"to": message.to, "body": message.body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise SendFailed(f"provider answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SendFailed(type(error).__name__) from None
