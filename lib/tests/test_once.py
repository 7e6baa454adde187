"""The one-time key itself: two submits of one form at the same instant create one row (the
unique constraint decides, on SQLite as on PostgreSQL); a key is one member's; a form that did
not save leaves its key unused; old keys are forgotten."""

import re
import threading
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

import lib.once
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld, build_demo
from consent.models import Disclosure
from encounters.models import Encounter
from inbox.models import Message
from lib.models import SubmitKey
from lib.once import KEEP_KEYS, forget_old_submit_keys
from participants.models import Participant
from portal.models import PortalPreference

KEY = re.compile(r'name="submit_key" value="([0-9a-f-]{36})"')
ALREADY_SAVED = "This form was already saved; nothing was added twice."


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


def _shown_key(client: Client, url: str) -> str:
    found = KEY.search(client.get(url).content.decode())
    assert found, f"{url} shows no one-time key"
    return found.group(1)


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_the_same_instant_makes_one_note(monkeypatch) -> None:
    """Both submits look for the key before either has saved (a barrier holds them there), so
    only the unique constraint can stop the second: it waits for the first transaction, finds
    the key taken, is rolled back whole, and answers with the first note."""
    world = build_demo(participants=4, seed=11)
    ana = world.users["ana"]
    pat = Participant.objects.get(user=world.users["pat"])
    url = f"/contacts/new/{pat.id}/"
    setup = Client()
    setup.force_login(ana)
    data = {**_brief("Talked about the weekend."), "submit_key": _shown_key(setup, url)}
    notes_before = Encounter.objects.filter(participant=pat).count()

    both_looked = threading.Barrier(2, timeout=30)
    looked_up = lib.once.earlier_submit

    def look_then_wait(request: Any) -> Any:
        found = looked_up(request)
        both_looked.wait()
        return found

    monkeypatch.setattr(lib.once, "earlier_submit", look_then_wait)
    answers: list[Any] = []
    errors: list[str] = []

    def send() -> None:
        client = Client()
        client.force_login(ana)
        try:
            answers.append(client.post(url, data))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [a.status_code for a in answers] == [302, 302]
    assert Encounter.objects.filter(participant=pat).count() == notes_before + 1
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    assert {a["Location"] for a in answers} == {f"/contacts/{note.id}/"}
    assert SubmitKey.objects.filter(key=str(data["submit_key"])).count() == 1
    created = AuditEvent.objects.filter(action=Action.CREATE, target_id=str(note.id))
    assert created.count() == 1  # the loser's audit row went with its rolled-back transaction


@pytest.mark.django_db
def test_a_key_is_the_members_own(demo: DemoWorld, client_for) -> None:
    """Another member sending the same key (copied, or by chance) is not answered with the
    first member's result: their note is theirs."""
    pat = Participant.objects.get(user=demo.users["pat"])
    ana, sam = client_for("ana"), client_for("sam")
    url = f"/contacts/new/{pat.id}/"
    key = _shown_key(ana, url)
    first = ana.post(url, {**_brief("Ana's call."), "submit_key": key})
    other = sam.post(url, {**_brief("Sam's call."), "submit_key": key})
    assert first.status_code == other.status_code == 302
    assert first["Location"] != other["Location"]
    assert SubmitKey.objects.filter(key=key).count() == 2


@pytest.mark.django_db
def test_a_form_that_did_not_save_can_be_sent_again_with_its_key(
    demo: DemoWorld, client_for
) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client = client_for("ana")
    url = f"/contacts/new/{pat.id}/"
    key = _shown_key(client, url)
    notes = Encounter.objects.filter(participant=pat, author=demo.users["ana"])
    before = notes.count()
    refused = client.post(url, {**_brief(""), "contact_type": "", "submit_key": key})
    assert refused.status_code == 200
    kept = KEY.search(refused.content.decode())
    assert kept and kept.group(1) == key  # the same form, kept
    assert not SubmitKey.objects.filter(key=key).exists()
    saved = client.post(url, {**_brief("Second try."), "submit_key": key})
    assert saved.status_code == 302
    assert notes.count() == before + 1
    assert notes.latest("created_at").summary == "Second try."
    assert SubmitKey.objects.filter(key=key).count() == 1


@pytest.mark.django_db
def test_a_disclosure_sent_twice_gives_the_same_document_and_one_accounting_entry(
    demo: DemoWorld, client_for
) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client = client_for("ana")
    url = f"/consent/participant/{pat.id}/disclose/"
    data = {
        "recipient": "Eastside Emergency Department",
        "purpose": "Treating a medical emergency",
        "categories": ["attendance"],
        "legal_basis": "medical_emergency",
        "basis_reason": "Brought in unconscious",
        "submit_key": _shown_key(client, url),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 200
    assert first["Content-Disposition"] == second["Content-Disposition"]
    assert first.content == second.content
    disclosure = Disclosure.objects.get(participant=pat)
    assert (
        AuditEvent.objects.filter(action=Action.EXPORT, target_id=str(disclosure.id)).count() == 1
    )
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_id=str(disclosure.id), changed_fields=["document"]
    ).exists()


@pytest.mark.django_db
def test_keys_older_than_a_month_are_forgotten(demo: DemoWorld, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    client = client_for("ana")
    url = f"/contacts/new/{pat.id}/"
    for summary in ("Old call.", "New call."):
        client.post(url, {**_brief(summary), "submit_key": _shown_key(client, url)})
    old, new = SubmitKey.objects.order_by("id")
    SubmitKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - KEEP_KEYS - timedelta(hours=1)
    )
    out = StringIO()
    call_command("purge_expired_records", stdout=out)  # the daily purge forgets them
    assert "forgot 1 one-time keys" in out.getvalue()
    assert list(SubmitKey.objects.all()) == [new]
    assert forget_old_submit_keys() == 0


@pytest.mark.django_db
def test_a_message_sent_twice_is_said_calmly_in_the_participants_language(
    demo: DemoWorld,
) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    PortalPreference.objects.update_or_create(participant=pat, defaults={"language": "es"})
    client = Client()
    client.force_login(demo.users["pat"])
    data = {"text": "¿Nos vemos el viernes?", "submit_key": _shown_key(client, "/me/messages/")}
    mine = Message.objects.filter(thread__participant=pat, from_participant=True)
    before = mine.count()
    client.post("/me/messages/", data)
    page = client.post("/me/messages/", data, follow=True).content.decode()
    assert "Este formulario ya se guardó; no se añadió nada dos veces." in page
    assert mine.count() == before + 1
