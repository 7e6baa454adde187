"""python -m bench.reminders [DATABASE_URL]: send 10,000 due appointment reminders.

Issue 23 asks that 10,000 reminders due in one minute are sent within that minute. A fresh SQLite
file (or the database given, migrated) gets one program with 1,000 people who chose text
reminders and ten appointments each, every appointment with a reminder due now. One pass of
`send_due_reminders` (what `manage.py send_reminders` runs every minute) claims them batch by
batch and sends each over HTTP (the `http` backend, one POST a text, a new connection each) to a
fake provider on 127.0.0.1 running in its own process; the run then asks the provider what it
received and checks each reminder reached it exactly once. The provider stops by itself after
BENCH_PROVIDER_SECONDS (default 600).
"""

import json
import multiprocessing
import os
import time
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench import given_or_fresh_sqlite, setup_django

PEOPLE = int(os.environ.get("BENCH_REMINDER_PEOPLE", "1000"))
EACH = int(os.environ.get("BENCH_REMINDERS_EACH", "10"))


def seed(slug: str) -> None:
    from django.utils import timezone

    from accounts.models import User
    from appointments.models import Appointment, Reminder, ReminderLead
    from organizations.models import Membership, Organization, Role
    from participants.models import ContactChannel, Participant

    org = Organization.objects.create(slug=slug, name=f"Reminder Program {slug}")
    coach = User.objects.create(username=f"{slug}-ana", preferred_name="Ana")
    Membership.objects.create(organization=org, user=coach, role=Role.COACH)
    people = Participant.objects.bulk_create(
        Participant(
            organization=org,
            preferred_name=f"Person {i:05d}",
            contact_channels=[ContactChannel.TEXT],
            phone=f"+1617555{i % 10000:04d}",
            organization_name_ok=i % 2 == 0,
            coach=coach,
            enrolled_on=timezone.localdate(),
        )
        for i in range(PEOPLE)
    )
    now = timezone.now()
    appointments = Appointment.objects.bulk_create(
        Appointment(
            organization=org,
            participant=person,
            coach=coach,
            starts_at=now + timedelta(hours=2, minutes=n),
            duration_minutes=30,
            created_by=coach,
        )
        for person in people
        for n in range(EACH)
    )
    Reminder.objects.bulk_create(
        Reminder(
            organization=org,
            appointment=appointment,
            participant_id=appointment.participant_id,
            lead=ReminderLead.TWO_HOURS,
            due_at=now - timedelta(seconds=30),
            send_at=now - timedelta(seconds=30),
        )
        for appointment in appointments
    )


TOKEN = "bench-token-not-a-secret"  # noqa: S105 - the fake provider's, not a secret
PROVIDER_SECONDS = float(os.environ.get("BENCH_PROVIDER_SECONDS", "600"))


def _provide(port: Any) -> None:
    """The fake provider: takes every text (201 with a sid), and answers GET with all it took."""
    received: list[list[str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            message = json.loads(self.rfile.read(length) or b"{}")
            ok = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            if ok:
                received.append([message["to"], message["body"]])
            self._answer(201 if ok else 401, {"sid": f"SM{len(received):032d}"})

        def do_GET(self) -> None:
            self._answer(200, received)

        def _answer(self, status: int, value: object) -> None:
            reply = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 0.2
    port.value = server.server_address[1]
    deadline = time.monotonic() + PROVIDER_SECONDS
    while time.monotonic() < deadline:
        server.handle_request()


def main() -> None:
    setup_django(given_or_fresh_sqlite("bench-reminders"))
    from django.conf import settings
    from django.test import override_settings

    from appointments.models import Reminder, ReminderState
    from appointments.reminder_services import send_due_reminders

    slug = f"reminders-{int(time.time())}"
    seed(slug)
    due = Reminder.objects.filter(state=ReminderState.QUEUED).count()
    senders = settings.CAIRN_REMINDER_SENDERS
    port = multiprocessing.Value("i", 0)
    provider = multiprocessing.get_context("fork").Process(target=_provide, args=(port,))
    provider.start()
    try:
        while not port.value:
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port.value}/messages"
        with override_settings(
            CAIRN_SMS_BACKEND="http", CAIRN_SMS_HTTP_URL=url, CAIRN_SMS_HTTP_TOKEN=TOKEN
        ):
            started, cpu_started = time.perf_counter(), time.process_time()
            count = send_due_reminders()
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        with urllib.request.urlopen(url, timeout=30) as answer:
            received = [tuple(pair) for pair in json.load(answer)]
    finally:
        provider.terminate()
        provider.join(timeout=5)
    distinct = set(received)
    sent = Reminder.objects.filter(organization__slug=slug, state=ReminderState.SENT).count()
    print(f"{due:,} reminders due; {count.sent:,} sent in {seconds:.1f} s, {senders} at a time")
    print(f"{count.sent / seconds:,.0f} per second; the issue asks for all within 60 s")
    print(f"CPU time of the sending process: {cpu:.1f} s; load average {os.getloadavg()[0]:.1f}")
    print(f"texts at the provider: {len(received):,}; distinct: {len(distinct):,}")
    print(f"reminders stored as sent: {sent:,}")
    assert count.sent == due == len(received) == len(distinct) == sent, "each sent exactly once"


if __name__ == "__main__":
    main()
