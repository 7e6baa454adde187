"""Sensitive free text is encrypted at rest, rotates between keys, and tampering fails loudly."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from encounters.models import Encounter
from lib import crypto
from lib.blind_index import keyed_hash
from lib.testing import sql_value
from participants.models import Participant, SupportPerson

ROOT = Path(__file__).resolve().parents[2]
SECRET_NOTE = "Talked about her brother Malcolm and the night at Riverside Park"


def _note(demo: DemoWorld, client_for) -> Encounter:
    pat = Participant.objects.get(user=demo.users["pat"])
    moment = timezone.localtime() - timedelta(hours=1)
    client_for("ana").post(
        f"/contacts/new/{pat.id}/?kind=full",
        {
            "kind": "full",
            "contact_type": "in_person",
            "outcome": "reached",
            "day": moment.date().isoformat(),
            "start": moment.strftime("%H:%M"),
            "coach_actions": SECRET_NOTE,
            "summary": "Walk and talk",
        },
    )
    return Encounter.objects.filter(participant=pat).latest("created_at")


def _dump_text() -> str:
    """Every text value in every table, as a raw SQL dump would show it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(chunks)


def test_a_database_dump_contains_no_note_text(demo: DemoWorld, client_for) -> None:
    note = _note(demo, client_for)
    pat = note.participant
    SupportPerson.objects.create(
        organization=pat.organization, participant=pat, name="Rosalind Vega", phone="+16175550123"
    )
    assert note.coach_actions == SECRET_NOTE  # reads back as plain text in Python
    page = client_for("ana").get(f"/contacts/{note.id}/").content.decode()
    assert SECRET_NOTE in page
    dump = _dump_text()
    assert SECRET_NOTE not in dump and "Malcolm" not in dump
    assert "Rosalind Vega" not in dump and "+16175550123" not in dump
    assert "Pat" in dump  # names used for search stay plain, by design


def test_rotation_between_two_keys(demo: DemoWorld, client_for, settings) -> None:
    old = settings.CAIRN_FIELD_KEYS[0]
    note = _note(demo, client_for)
    new = Fernet.generate_key().decode()
    settings.CAIRN_FIELD_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_keys", "--batch-size", "50", stdout=out)
    assert "values now use the newest key" in out.getvalue()
    settings.CAIRN_FIELD_KEYS = [new]  # the old key is gone; everything still reads
    note = Encounter.objects.get(pk=note.pk)
    assert note.coach_actions == SECRET_NOTE
    assert Participant.objects.get(user=demo.users["pat"]).helps_feel_safe
    call_command("rotate_keys", stdout=StringIO())  # running again changes nothing visible
    assert Encounter.objects.get(pk=note.pk).coach_actions == SECRET_NOTE


def test_tampered_ciphertext_fails_loudly_and_is_audited(demo, client_for) -> None:
    note = _note(demo, client_for)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coach_actions FROM encounters_encounter WHERE id = %s", [sql_value(note.id)]
        )
        stored = cursor.fetchone()[0]
        forged = stored[:-6] + ("AAAAAA" if not stored.endswith("AAAAAA") else "BBBBBB")
        cursor.execute(
            "UPDATE encounters_encounter SET coach_actions = %s WHERE id = %s",
            [forged, sql_value(note.id)],
        )
    with pytest.raises(crypto.TamperedCiphertext):
        Encounter.objects.get(pk=note.pk)
    response = client_for("ana").get(f"/contacts/{note.id}/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "can't be shown safely" in body and "gAAAA" not in body
    assert AuditEvent.objects.filter(action=Action.INTEGRITY_FAILURE).count() == 1


def test_a_missing_key_stops_start_up_with_a_clear_message() -> None:
    env = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    env["CAIRN_SECRET_KEY"] = "x" * 60
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; "
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE','cairn.settings'); django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "CAIRN_FIELD_KEYS must be set" in result.stderr
    env["CAIRN_FIELD_KEYS"] = "not-a-key"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; "
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE','cairn.settings'); django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "is not a valid Fernet key" in result.stderr


def test_rotate_keys_covers_every_encrypted_column_and_recomputes_keyed_hashes(
    demo: DemoWorld, settings
) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    columns = crypto.encrypted_columns()
    for column in ("gender_identity", "pathways", "strengths", "legal_name", "safe_times"):
        assert ("participants_participant", "id", column) in columns
    settings.CAIRN_HASH_KEY = "a-new-hash-key-" + "x" * 40  # the hash key changed
    call_command("rotate_keys", stdout=StringIO())
    wanted = keyed_hash(pat.pathways[0])
    assert Participant.objects.filter(pathway_keys__has_item=wanted, pk=pat.pk).exists()


def test_an_opened_value_is_kept_only_for_the_keys_that_opened_it(settings) -> None:
    """Reading the same stored value again is answered from this process's kept copy; a value
    that fails to open is never kept, and another set of keys opens (or refuses) it afresh."""
    stored = crypto.encrypt("Rosalind Vega")
    crypto._opened.cache_clear()
    assert crypto.decrypt(stored) == crypto.decrypt(stored) == "Rosalind Vega"
    assert crypto._opened.cache_info().hits == 1
    forged = stored[:-6] + ("AAAAAA" if not stored.endswith("AAAAAA") else "BBBBBB")
    for _ in range(2):
        with pytest.raises(crypto.TamperedCiphertext):
            crypto.decrypt(forged)
    settings.CAIRN_FIELD_KEYS = [Fernet.generate_key().decode()]  # the old key is gone
    with pytest.raises(crypto.TamperedCiphertext):
        crypto.decrypt(stored)
