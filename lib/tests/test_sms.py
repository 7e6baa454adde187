"""Text messages: one contract for every backend, and the HTTP adapter against a loopback server.

The fake provider is an http.server on 127.0.0.1 in a daemon thread that serves for a bounded
time and then stops by itself, so a failing test can never leave it running.
"""

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from lib import sms
from lib.sms import SendFailed, TextMessage
from lib.sms_http import HttpBackend
from lib.tests.servers import serve_http

TOKEN = "test-token-not-a-secret"
CODE_TEXT = "Your Cairn code is KQ7M-R4TP"
SERVER_LIFETIME_SECONDS = 20.0
SLOWEST_ANSWER_SECONDS = 1.5  # the delay of the timeout test


@dataclass
class FakeProvider:
    """What the fake provider received, and how it should answer the next request."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 202
    delay: float = 0.0
    location: str = ""


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    state = FakeProvider(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.received.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "json": json.loads(self.rfile.read(length) or b"null"),
                }
            )
            if state.delay:
                time.sleep(state.delay)
            reply = json.dumps({"echo": state.received[-1]["json"]}).encode()
            try:
                self.send_response(state.status)
                if state.location:
                    self.send_header("Location", state.location)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up first (the timeout test): nobody is left to answer. Left
                # unhandled, socketserver printed "Exception occurred during processing of
                # request" with a traceback, after the test had already passed.
                self.close_connection = True

        def do_GET(self) -> None:  # a followed redirect would arrive here
            state.received.append(
                {"path": self.path, "authorization": self.headers.get("Authorization")}
            )
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output quiet; the real provider's logs are not ours

    # Closing waits for a request still being answered (a delayed one), so nothing of this
    # fixture outlives its test.
    with serve_http(
        Handler, lifetime=SERVER_LIFETIME_SECONDS, join_seconds=SLOWEST_ANSWER_SECONDS + 2
    ) as base:
        state.url = f"{base}/messages"
        yield state


# --- the contract every backend keeps ----------------------------------------------------------


@dataclass
class Harness:
    backend: sms.Backend
    delivered: Callable[[], list[TextMessage]]


def _memory(tmp_path: Path, provider: FakeProvider) -> Harness:
    return Harness(sms.MemoryBackend(), lambda: list(sms.outbox))


def _file(tmp_path: Path, provider: FakeProvider) -> Harness:
    def delivered() -> list[TextMessage]:
        path = tmp_path / "outbox.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        return [TextMessage(to=row["to"], body=row["body"]) for row in map(json.loads, lines)]

    return Harness(sms.FileBackend(tmp_path), delivered)


def _http(tmp_path: Path, provider: FakeProvider) -> Harness:
    def delivered() -> list[TextMessage]:
        return [TextMessage(**row["json"]) for row in provider.received]

    return Harness(HttpBackend(url=provider.url, token=TOKEN, timeout=2), delivered)


BACKENDS = {"memory": _memory, "file": _file, "http": _http}


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_every_backend_delivers_each_message_once_in_order_and_unchanged(
    name: str, tmp_path: Path, provider: FakeProvider, text_messages: list
) -> None:
    harness = BACKENDS[name](tmp_path, provider)
    first = TextMessage(to="+16175550123", body=CODE_TEXT)
    second = TextMessage(to="+16175550199", body="Tienes un mensaje nuevo en Cairn. \u2764")
    harness.backend.send(first)
    harness.backend.send(second)
    assert harness.delivered() == [first, second]


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_every_backend_is_chosen_by_the_setting(
    name: str, settings: Any, tmp_path: Path, provider: FakeProvider
) -> None:
    settings.CAIRN_SMS_BACKEND = name
    settings.CAIRN_SMS_FILE_DIR = str(tmp_path)
    settings.CAIRN_SMS_HTTP_URL = provider.url
    settings.CAIRN_SMS_HTTP_TOKEN = TOKEN
    sms.send_text(to="+16175550123", body=CODE_TEXT)
    assert BACKENDS[name](tmp_path, provider).delivered() == [
        TextMessage(to="+16175550123", body=CODE_TEXT)
    ]


def test_an_unknown_backend_name_is_a_clear_configuration_error(settings: Any) -> None:
    settings.CAIRN_SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ValueError, match="memory, file, http or twilio"):
        sms.send_text(to="+16175550123", body="hello")


# --- the HTTP adapter -------------------------------------------------------------------------


def test_http_backend_posts_json_with_the_bearer_token(provider: FakeProvider) -> None:
    HttpBackend(url=provider.url, token=TOKEN, timeout=2).send(
        TextMessage(to="+16175550123", body=CODE_TEXT)
    )
    [request] = provider.received
    assert request["path"] == "/messages"
    assert request["authorization"] == f"Bearer {TOKEN}"
    assert request["content_type"] == "application/json"
    assert request["json"] == {"to": "+16175550123", "body": CODE_TEXT}


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
def test_http_backend_raises_send_failed_when_the_provider_refuses(
    provider: FakeProvider, status: int
) -> None:
    provider.status = status
    with pytest.raises(SendFailed) as failure:
        HttpBackend(url=provider.url, token=TOKEN, timeout=2).send(
            TextMessage(to="+16175550123", body=CODE_TEXT)
        )
    assert str(failure.value) == f"provider answered {status}"


def test_http_backend_counts_an_unusual_success_status_as_failure(provider: FakeProvider) -> None:
    provider.status = 199
    with pytest.raises(SendFailed):
        HttpBackend(url=provider.url, token=TOKEN, timeout=2).send(
            TextMessage(to="+16175550123", body=CODE_TEXT)
        )


def test_http_backend_gives_up_after_its_short_timeout(provider: FakeProvider) -> None:
    provider.delay = SLOWEST_ANSWER_SECONDS
    started = time.monotonic()
    with pytest.raises(SendFailed, match="not reached"):
        HttpBackend(url=provider.url, token=TOKEN, timeout=0.3).send(
            TextMessage(to="+16175550123", body=CODE_TEXT)
        )
    assert time.monotonic() - started < 1.4


def test_http_backend_fails_calmly_when_nothing_listens() -> None:
    # Bind and close a port so that nothing listens on it.
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()
    with pytest.raises(SendFailed, match="not reached"):
        HttpBackend(url=f"http://127.0.0.1:{port}/", token=TOKEN, timeout=1).send(
            TextMessage(to="+16175550123", body=CODE_TEXT)
        )


def test_http_backend_does_not_follow_a_redirect_with_the_token(provider: FakeProvider) -> None:
    provider.status = 302
    provider.location = provider.url.replace("/messages", "/elsewhere")
    with pytest.raises(SendFailed, match="302"):
        HttpBackend(url=provider.url, token=TOKEN, timeout=2).send(
            TextMessage(to="+16175550123", body=CODE_TEXT)
        )
    assert [r["path"] for r in provider.received] == ["/messages"]


@pytest.mark.parametrize(
    ("url", "token"), [("", TOKEN), ("ftp://example.org/", TOKEN), ("http://127.0.0.1:9/", "")]
)
def test_http_backend_refuses_to_start_without_an_address_and_token(url: str, token: str) -> None:
    with pytest.raises(SendFailed):
        HttpBackend(url=url or "not-a-url", token=token)


def test_http_backend_never_logs_or_raises_with_the_message_body(
    provider: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = HttpBackend(url=provider.url, token=TOKEN, timeout=2)
    backend.send(TextMessage(to="+16175550123", body=CODE_TEXT))
    provider.status = 500
    with pytest.raises(SendFailed) as failure:
        backend.send(TextMessage(to="+16175550123", body=CODE_TEXT))
    for text in (caplog.text, str(failure.value), repr(failure.value.__cause__)):
        assert "KQ7M" not in text
        assert TOKEN not in text
    assert failure.value.__suppress_context__
