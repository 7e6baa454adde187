"""Signed Twilio webhooks for the texting tests: the same signature Twilio computes, with a
test auth token, over the address the test client calls."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from twilio.request_validator import RequestValidator

TOKEN = "test-twilio-auth-token"
PAT_PHONE = "+16175550142"
INCOMING = "/texts/twilio/harbor/incoming/"
STATUS = "/texts/twilio/harbor/status/"


@pytest.fixture(autouse=True)
def twilio_token(settings) -> None:
    settings.CAIRN_SMS_TWILIO_AUTH_TOKEN = TOKEN
    settings.CAIRN_SMS_WEBHOOK_BASE_URL = ""


def signed_post(path: str, fields: dict[str, str], *, token: str = TOKEN) -> Any:
    signature = RequestValidator(token).compute_signature(f"http://testserver{path}", fields)
    return Client().post(path, fields, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def text_in(text_messages, django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Twilio delivers a text to Harbor's number; each call a new message id unless given.
    What waits for the commit (a HELP answer) runs, as it would after a real request."""
    counter = {"n": 0}

    def send(body: str, *, sender: str = PAT_PHONE, sid: str = "", media: int = 0) -> Any:
        counter["n"] += 1
        fields = {
            "MessageSid": sid or f"SM{counter['n']:032d}",
            "AccountSid": "AC" + "0" * 32,
            "From": sender,
            "To": "+16175550100",
            "Body": body,
            "NumMedia": str(media),
        }
        with django_capture_on_commit_callbacks(execute=True):
            return signed_post(INCOMING, fields)

    return send
