"""Text messages through a pluggable backend chosen by CAIRN_SMS_BACKEND.

Backends: "memory" (kept in `outbox`, for tests), "file" (one JSON line per message under
var/sms/, the default for the demo so codes can be read without a phone), "http" (a provider
adapter, see `HttpBackend`) and "twilio" (Twilio's Messages API, `lib.sms_twilio`). Message
bodies may hold one-time codes: never log them.

`send` answers with the provider's id for the message ("" when it gives none): delivery reports
(texting's status webhook) name the message by it.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class TextMessage:
    to: str  # E.164
    body: str
    # The slug of the organization it is sent for, when there is one: its delivery reports go
    # to that organization's own address (texting's `/texts/twilio/<slug>/status/`).
    organization: str = ""


class Backend(Protocol):
    def send(self, message: TextMessage) -> str: ...


def retry_wait(attempts: int, *, longest: timedelta = timedelta(hours=1)) -> timedelta:
    """How long a text the provider did not take waits before the next try: 1, 2, 4 …
    minutes after the first, second, third failure, never more than `longest`."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), longest)


class SendFailed(Exception):
    """The provider did not accept the message; the caller tells the person calmly."""


outbox: list[TextMessage] = []


class MemoryBackend:
    def send(self, message: TextMessage) -> str:
        outbox.append(message)
        return f"memory-{uuid.uuid4().hex}"


class FileBackend:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or Path(settings.CAIRN_SMS_FILE_DIR)

    def send(self, message: TextMessage) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        sid = f"file-{uuid.uuid4().hex}"
        line = {
            "at": datetime.now(UTC).isoformat(),
            "id": sid,
            "to": message.to,
            "body": message.body,
        }
        with (self.directory / "outbox.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return sid


def backend() -> Backend:
    name = settings.CAIRN_SMS_BACKEND
    if name == "memory":
        return MemoryBackend()
    if name == "file":
        return FileBackend()
    if name == "http":
        from lib.sms_http import HttpBackend  # only loaded when configured

        return HttpBackend()
    if name == "twilio":
        from lib.sms_twilio import TwilioBackend  # only loaded when configured

        return TwilioBackend()
    raise ValueError(f"Unknown CAIRN_SMS_BACKEND {name!r}: use memory, file, http or twilio")


def send_text(*, to: str, body: str, organization: str = "") -> str:
    """Send one text (for `organization`, by its slug, when there is one); returns the
    provider's id for it ("" when it gives none)."""
    return backend().send(TextMessage(to=to, body=body, organization=organization))
