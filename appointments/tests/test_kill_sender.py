"""Exactly once through a real kill -9: `manage.py send_reminders` runs as its own process
against the test database (committed data, on SQLite a file) and sends to a fake provider on
127.0.0.1. The provider holds one text without answering; the sender is killed with SIGKILL
while waiting for that answer; then two senders run at once and finish the work.

No text reaches the provider twice. With one text at a time, every reminder reaches it exactly
once: the one in flight at the kill did reach the provider, but the killed sender never heard so,
so it is "not sure it was sent" for the coach and is never sent again. With four at a time, at
most four are unsure (one a thread), and every other reminder is sent once. Everything here stops
by itself (timeouts on each process and on the provider)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment, Reminder, ReminderLead, ReminderNote, ReminderState
from lib.tests.servers import serve_http
from organizations.models import Membership, Organization, Role
from participants.models import ContactChannel, Participant

PEOPLE = 60
HOLD_AT = 20  # the provider takes this text and does not answer it
TOKEN = "kill-test-token-not-a-secret"
PROVIDER_LIFETIME_SECONDS = 180.0
WAIT_SECONDS = 60.0  # for any one process or event; each takes a few seconds on a busy machine
STALE_SECONDS = 1  # the senders' CAIRN_REMINDER_STALE_CLAIM_SECONDS


@dataclass
class Provider:
    url: str = ""
    received: list[str] = field(default_factory=list)  # the phone of each text, in order
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def provider() -> Iterator[Provider]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            message = json.loads(self.rfile.read(length) or b"{}")
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self.send_response(401)
                self.end_headers()
                return
            with state.lock:
                state.received.append(message["to"])
                number = len(state.received)
            if number == HOLD_AT:
                # Taken, and the answer never reaches the sender: it is killed meanwhile.
                state.held.set()
                state.release.wait(WAIT_SECONDS)
            reply = json.dumps({"sid": f"SM{number:032d}"}).encode()
            try:
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            return

    # A held request must not hold the close up: its answer is never wanted.
    with serve_http(Handler, lifetime=PROVIDER_LIFETIME_SECONDS, finish_answers=False) as base:
        state.url = f"{base}/messages"
        try:
            yield state
        finally:
            state.release.set()


def _database_url() -> str:
    """The test database, as the sender processes reach it."""
    config = connection.settings_dict
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{config['NAME']}"
    return (
        f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST'] or '127.0.0.1'}:"
        f"{config['PORT'] or 5432}/{config['NAME']}"
    )


def _sender(provider: Provider, *, batch: int, senders: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CAIRN_SMS_BACKEND": "http",
        "CAIRN_SMS_HTTP_URL": provider.url,
        "CAIRN_SMS_HTTP_TOKEN": TOKEN,
        "CAIRN_SMS_HTTP_TIMEOUT_SECONDS": str(int(WAIT_SECONDS)),
        "CAIRN_REMINDER_STALE_CLAIM_SECONDS": str(STALE_SECONDS),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "send_reminders",
            "--batch",
            str(batch),
            "--senders",
            str(senders),
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _seed() -> dict[str, Reminder]:
    """PEOPLE people who chose texts, each with an appointment whose reminder is due now."""
    org = Organization.objects.create(slug="kill-nine", name="Kill Nine Program")
    coach = User.objects.create(username="kill-nine-ana", preferred_name="Ana")
    Membership.objects.create(organization=org, user=coach, role=Role.COACH)
    now = timezone.now()
    by_phone = {}
    for i in range(PEOPLE):
        person = Participant.objects.create(
            organization=org,
            preferred_name=f"Person {i:03d}",
            contact_channels=[ContactChannel.TEXT],
            phone=f"+1617555{i:04d}",
            coach=coach,
            enrolled_on=timezone.localdate(),
        )
        appointment = Appointment.objects.create(
            organization=org,
            participant=person,
            coach=coach,
            starts_at=now + timedelta(hours=3),
            duration_minutes=30,
            created_by=coach,
        )
        by_phone[person.phone] = Reminder.objects.create(
            organization=org,
            appointment=appointment,
            participant=person,
            lead=ReminderLead.TWO_HOURS,
            due_at=now - timedelta(seconds=30),
            send_at=now - timedelta(seconds=30),
        )
    return by_phone


def _finished(process: subprocess.Popen[bytes]) -> str:
    out, err = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, err.decode()[-2000:]
    return out.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("senders", [1, 4])
def test_a_sender_killed_mid_send_and_two_more_at_once_send_each_reminder_at_most_once(
    provider: Provider, senders: int
) -> None:
    by_phone = _seed()
    killed = _sender(provider, batch=25, senders=senders)
    try:
        assert provider.held.wait(WAIT_SECONDS), "the sender never reached the provider"
        os.kill(killed.pid, signal.SIGKILL)
        assert killed.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
    finally:
        if killed.poll() is None:
            killed.kill()
        killed.communicate(timeout=WAIT_SECONDS)
        provider.release.set()
    in_flight = provider.received[HOLD_AT - 1]
    stopped = Reminder.objects.get(pk=by_phone[in_flight].pk)
    assert (stopped.state, stopped.handed_at is not None) == (ReminderState.SENDING, True)
    time.sleep(STALE_SECONDS + 0.2)  # the killed sender's claim is now old enough to retake
    # Counted after the wait: a commit the killed sender had already sent lands in PostgreSQL a
    # moment after the process is gone (on a loaded machine, after an earlier count: CI saw 17
    # at the kill and 19 later).
    sent_at_kill = Reminder.objects.filter(state=ReminderState.SENT).count()
    if senders == 1:
        # Killed in the 20th text: the 19 before it are recorded sent, the 20th is handed over
        # and unanswered, the rest of its claimed batch of 25 were never handed over.
        assert sent_at_kill == HOLD_AT - 1
    both = [_sender(provider, batch=5, senders=2), _sender(provider, batch=5, senders=2)]
    outputs = [_finished(process) for process in both]

    received = Counter(provider.received)
    assert max(received.values()) == 1, "no text reached the provider twice"
    stored = {
        phone: (state, note)
        for phone, state, note in Reminder.objects.values_list(
            "participant__phone", "state", "note"
        )
    }
    sent = {phone for phone, (state, _note) in stored.items() if state == ReminderState.SENT}
    unsure = {phone for phone, (state, _note) in stored.items() if state == ReminderState.UNSURE}
    assert sent | unsure == set(by_phone) and sent <= set(received)
    assert in_flight in unsure
    assert all(stored[phone][1] == ReminderNote.INTERRUPTED for phone in unsure)
    # At most one text per sending thread was with the provider when the sender was killed.
    assert len(unsure) <= senders
    if senders == 1:
        assert unsure == {in_flight} and set(received) == set(by_phone)
    # The two later senders sent the rest between them, and said so.
    told = [int(out.split("Reminders sent: ")[1].split(";")[0]) for out in outputs]
    assert sum(told) == len(sent) - sent_at_kill
