"""A small program's real load at once: coaches writing notes, signing, a supervisor co-signing,
a manager importing a spreadsheet and a coach reading Today, all in their own threads with their
own database connections. On SQLite (WAL, IMMEDIATE transactions, a busy timeout) as on
PostgreSQL, nobody sees an error and no write is lost."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.selectors import verify_chain
from cairn.demo import build_demo
from encounters.models import Encounter, NoteState, ReviewState
from imports.models import ImportBatch
from imports.sample import participants_csv
from jobs.models import Job, JobState
from organizations.models import Membership
from participants.models import Participant

NOTES_PER_WRITER = 6
DRAFTS_TO_SIGN = 6
NOTES_TO_COSIGN = 6
PEOPLE_IMPORTED = 25


def _brief(summary: str) -> dict[str, object]:
    moment = timezone.localtime() - timedelta(hours=1)
    return {
        "kind": "brief",
        "contact_type": "phone",
        "outcome": "reached",
        "day": moment.date().isoformat(),
        "start": moment.strftime("%H:%M"),
        "duration_minutes": 10,
        "summary": summary,
    }


class Scene:
    """Seven people at work at once; each one's failures are collected, none is lost."""

    def __init__(self, users: dict[str, Any]) -> None:
        self.users = users
        self.errors: list[str] = []
        self.barrier = threading.Barrier(7)

    def as_person(self, username: str, work: Callable[[Client], None]) -> Callable[[], None]:
        def run() -> None:
            client = Client()
            client.force_login(self.users[username])
            try:
                self.barrier.wait(timeout=30)
                work(client)
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                self.errors.append(f"{username}: {type(error).__name__}: {error}")
            finally:
                connections.close_all()

        return run

    def checked(self, username: str, response: Any, wanted: int = 302) -> None:
        if response.status_code != wanted:
            self.errors.append(
                f"{username}: {response.request['PATH_INFO']} {response.status_code}"
            )

    def writer(self, username: str, people: list[Participant]) -> Callable[[Client], None]:
        def work(client: Client) -> None:
            for n in range(NOTES_PER_WRITER):
                person = people[n % len(people)]
                response = client.post(f"/contacts/new/{person.id}/", _brief(f"{username} {n}"))
                self.checked(username, response)

        return work

    def signer(self, drafts: list[Encounter]) -> Callable[[Client], None]:
        def work(client: Client) -> None:
            for note in drafts:
                self.checked("ana signing", client.post(f"/contacts/{note.id}/sign/"))

        return work

    def cosigner(self, to_cosign: list[Encounter]) -> Callable[[Client], None]:
        def work(client: Client) -> None:
            for note in to_cosign:
                self.checked("sam", client.post(f"/contacts/{note.id}/cosign/"))

        return work

    def importer(self, client: Client) -> None:
        upload = SimpleUploadedFile(
            "people.csv", participants_csv(PEOPLE_IMPORTED, coach="ben"), "text/csv"
        )
        self.checked(
            "mia", client.post(reverse("imports:home"), {"kind": "participants", "file": upload})
        )
        batch = ImportBatch.objects.latest("created_at")
        form = {**batch.mapping, "date_style": "iso"}
        self.checked("mia", client.post(reverse("imports:mapping", args=[batch.id]), form))
        deadline = time.monotonic() + 60  # the check runs in the background; wait for it
        while Job.objects.exclude(state__in=[JobState.DONE, JobState.FAILED]).exists():
            assert time.monotonic() < deadline, "the import check did not finish"
            time.sleep(0.1)
        self.checked("mia", client.get(reverse("imports:check", args=[batch.id])), 200)
        self.checked(
            "mia", client.post(reverse("imports:apply", args=[batch.id]), {"mode": "valid"})
        )

    def reader(self, client: Client) -> None:
        for _ in range(8):
            self.checked("ben reading", client.get("/today/"), 200)


@pytest.mark.django_db(transaction=True)
def test_notes_signing_cosigning_an_import_and_reading_at_once_lose_nothing(
    settings, monkeypatch
) -> None:
    # The import's check and apply run as background jobs in threads of their own, as in
    # `make run` (a file this size would be checked in the request), so they wait their turn
    # beside the people writing.
    settings.CAIRN_JOBS_SYNC = False
    settings.CAIRN_JOBS_MODE = "thread"
    monkeypatch.setattr("imports.views.BACKGROUND_ROWS", PEOPLE_IMPORTED - 1)
    world = build_demo(participants=8, seed=13)
    users = world.users
    Membership.objects.filter(user=users["ana"]).update(notes_need_cosign=True)
    anas = list(Participant.objects.filter(coach=users["ana"]).order_by("id")[:3])
    bens = list(Participant.objects.filter(coach=users["ben"]).order_by("id")[:2])
    setup = Client()
    setup.force_login(users["ana"])
    drafts: list[Encounter] = []
    to_cosign: list[Encounter] = []
    for n in range(DRAFTS_TO_SIGN + NOTES_TO_COSIGN):
        setup.post(f"/contacts/new/{anas[n % len(anas)].id}/", _brief(f"Earlier note {n}"))
        note = Encounter.objects.latest("created_at")
        (drafts if n < DRAFTS_TO_SIGN else to_cosign).append(note)
    for note in to_cosign:
        setup.post(f"/contacts/{note.id}/sign/")
    assert Encounter.objects.filter(
        pk__in=[n.pk for n in to_cosign], review_state=ReviewState.PENDING
    ).count() == len(to_cosign)
    notes_before = Encounter.objects.count()
    people_before = Participant.objects.count()

    scene = Scene(users)
    threads = [
        threading.Thread(target=scene.as_person("ana", scene.writer("ana", anas))),
        threading.Thread(target=scene.as_person("ben", scene.writer("ben", bens))),
        threading.Thread(target=scene.as_person("sam", scene.writer("sam", anas + bens))),
        threading.Thread(target=scene.as_person("ana", scene.signer(drafts))),
        threading.Thread(target=scene.as_person("sam", scene.cosigner(to_cosign))),
        threading.Thread(target=scene.as_person("mia", scene.importer)),
        threading.Thread(target=scene.as_person("ben", scene.reader)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    deadline = time.monotonic() + 120
    while Job.objects.exclude(state__in=[JobState.DONE, JobState.FAILED]).exists():
        assert time.monotonic() < deadline, "a background job did not finish"
        time.sleep(0.2)
    assert list(Job.objects.values_list("state", "error")) == [(JobState.DONE, "")] * 2

    assert scene.errors == []
    assert Encounter.objects.count() == notes_before + 3 * NOTES_PER_WRITER
    for username in ("ana", "ben", "sam"):
        written = Encounter.objects.filter(author=users[username])  # summaries are encrypted
        mine = [note for note in written if note.summary.startswith(f"{username} ")]
        assert len(mine) == NOTES_PER_WRITER, username
    assert Encounter.objects.filter(
        pk__in=[n.pk for n in drafts], state=NoteState.SIGNED
    ).count() == len(drafts)
    assert Encounter.objects.filter(
        pk__in=[n.pk for n in to_cosign], review_state=ReviewState.COSIGNED
    ).count() == len(to_cosign)
    assert Participant.objects.count() == people_before + PEOPLE_IMPORTED
    for organization in world.organizations.values():
        assert verify_chain(organization.pk).ok
