"""The Twilio backend through Twilio's own library, against a fake of its HTTP client: what it
posts, the SID it returns for delivery reports, and failures that never carry the words."""

import json
import logging
from typing import Any

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response

from lib.sms import SendFailed, TextMessage
from lib.sms_twilio import TwilioBackend

ACCOUNT = "AC" + "1" * 32
WORDS = "Your Cairn code is KQ7M-R4TP"


class FakeTwilio(HttpClient):
    def __init__(self, status: int = 201) -> None:
        super().__init__(logging.getLogger("twilio.test"), is_async=False)
        self.status = status
        self.posted: list[tuple[str, dict[str, Any]]] = []

    def request(self, method: str, uri: str, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:  # fmt: skip
        self.posted.append((uri, dict(data or {})))
        if self.status >= 400:
            body = {"code": 21211, "message": f"Invalid 'To': {WORDS}", "status": self.status}
            return Response(self.status, json.dumps(body))
        return Response(self.status, json.dumps({"sid": "SM" + "a" * 32, "status": "queued"}))


@pytest.fixture(autouse=True)
def twilio_settings(settings) -> None:
    settings.CAIRN_SMS_TWILIO_ACCOUNT_SID = ACCOUNT
    settings.CAIRN_SMS_TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.CAIRN_SMS_TWILIO_FROM = "+16175550100"
    settings.CAIRN_SMS_TWILIO_STATUS_CALLBACK = ""
    settings.CAIRN_SMS_WEBHOOK_BASE_URL = "https://cairn.example.org/"


def test_a_text_goes_to_twilios_messages_api_and_its_sid_comes_back() -> None:
    fake = FakeTwilio()
    sid = TwilioBackend(http_client=fake).send(
        TextMessage(to="+16175550142", body=WORDS, organization="harbor")
    )
    assert sid == "SM" + "a" * 32
    [(uri, data)] = fake.posted
    assert uri.endswith(f"/Accounts/{ACCOUNT}/Messages.json")
    assert data["To"] == "+16175550142" and data["From"] == "+16175550100"
    assert data["Body"] == WORDS
    assert data["StatusCallback"] == "https://cairn.example.org/texts/twilio/harbor/status/"


def test_each_text_names_its_own_organizations_delivery_report_address() -> None:
    fake = FakeTwilio()
    backend = TwilioBackend(http_client=fake)
    for slug in ("harbor", "riverside"):
        backend.send(TextMessage(to="+16175550142", body="hi", organization=slug))
    assert [data["StatusCallback"] for _uri, data in fake.posted] == [
        "https://cairn.example.org/texts/twilio/harbor/status/",
        "https://cairn.example.org/texts/twilio/riverside/status/",
    ]


def test_the_setting_overrides_the_address_with_the_organization_put_in(settings) -> None:
    settings.CAIRN_SMS_TWILIO_STATUS_CALLBACK = "https://relay.example.org/{organization}/status"
    fake = FakeTwilio()
    TwilioBackend(http_client=fake).send(
        TextMessage(to="+16175550142", body="hi", organization="riverside")
    )
    assert fake.posted[0][1]["StatusCallback"] == "https://relay.example.org/riverside/status"


def test_without_a_public_address_or_an_organization_no_report_address_is_named(settings) -> None:
    fake = FakeTwilio()
    backend = TwilioBackend(http_client=fake)
    backend.send(TextMessage(to="+16175550142", body="a sign-in code"))  # for no organization
    settings.CAIRN_SMS_WEBHOOK_BASE_URL = ""
    backend.send(TextMessage(to="+16175550142", body="hi", organization="harbor"))
    assert ["StatusCallback" in data for _uri, data in fake.posted] == [False, False]


def test_a_messaging_service_chooses_the_number(settings) -> None:
    settings.CAIRN_SMS_TWILIO_FROM = "MG" + "2" * 32
    fake = FakeTwilio()
    TwilioBackend(http_client=fake).send(TextMessage(to="+16175550142", body="hi"))
    assert fake.posted[0][1]["MessagingServiceSid"] == "MG" + "2" * 32
    assert "From" not in fake.posted[0][1]


def test_a_refusal_is_a_send_failure_without_the_words() -> None:
    with pytest.raises(SendFailed) as failure:
        TwilioBackend(http_client=FakeTwilio(status=400)).send(
            TextMessage(to="+16175550142", body=WORDS)
        )
    assert "400" in str(failure.value) and "KQ7M" not in str(failure.value)


def test_without_its_settings_nothing_is_sent(settings) -> None:
    settings.CAIRN_SMS_TWILIO_FROM = ""
    with pytest.raises(SendFailed):
        TwilioBackend(http_client=FakeTwilio())
