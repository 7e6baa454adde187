"""Backups on both databases: a restore gives back every row and a verifying audit trail, and
every doubtful restore is refused in plain words without touching anything."""

import base64
import errno
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from audit.models import Action, AuditEvent
from audit.services import record_event
from backups import services
from backups.services import BackupRefused, Target
from cairn.demo import build_demo
from organizations.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> None:
    build_demo(participants=3, seed=7, contact_months=1)


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Target]:
    """An empty database beside the test database, dropped afterwards."""
    default = dict(connections["default"].settings_dict)
    if connection.vendor == "sqlite":
        yield Target({**default, "NAME": str(tmp_path / "restored.sqlite3")})
        return
    name = f"{default['NAME']}_restore"
    admin = services._pg_connect(Target(default), "postgres")
    admin.autocommit = True
    _drop(admin, name)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Target({**default, "NAME": name})
    finally:
        _drop(admin, name)
        admin.close()


def _drop(admin: Any, name: str) -> None:
    """Drop the scratch database, waiting out an autovacuum worker still busy in it."""
    for _ in range(50):
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except psycopg.errors.ObjectInUse:
            time.sleep(0.2)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return services._row_counts(
            cursor, "sqlite" if connection.vendor == "sqlite" else "postgresql"
        )


def test_backup_then_restore_gives_every_row_and_a_verifying_audit_trail(
    world: None, scratch: Target, tmp_path: Path
) -> None:
    before = _counts()
    result = services.backup(tmp_path / "backups")
    assert result.path.name.endswith(".cairnbackup")
    assert result.manifest["row_counts"] == before
    assert result.manifest["audit_heads"]
    assert b"Harbor" not in result.path.read_bytes()  # encrypted, not merely packed

    restored = services.restore(result.path, target=scratch)

    assert restored.rows == sum(before.values())
    assert restored.chains == len(result.manifest["audit_heads"])
    assert list(tmp_path.glob("backups/.partial-*")) == []


def test_a_file_cut_short_is_refused(world: None, scratch: Target, tmp_path: Path) -> None:
    path = services.backup(tmp_path).path
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 1, 20):
        path.write_bytes(data[:cut])
        with pytest.raises(BackupRefused, match="damaged or incomplete"):
            services.restore(path, target=scratch)
    assert services._is_empty(scratch)


def test_a_changed_byte_is_refused(world: None, scratch: Target, tmp_path: Path) -> None:
    path = services.backup(tmp_path).path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(BackupRefused, match="damaged or incomplete"):
        services.restore(path, target=scratch)
    assert services._is_empty(scratch)


def test_a_file_from_another_installation_is_refused(
    world: None, scratch: Target, tmp_path: Path, settings: Any
) -> None:
    path = services.backup(tmp_path).path
    settings.CAIRN_BACKUP_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(BackupRefused, match="another Cairn installation"):
        services.restore(path, target=scratch)
    assert services._is_empty(scratch)


def test_a_backup_from_a_newer_version_is_refused(
    world: None, scratch: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = services.backup(tmp_path).path
    known = services._known_migrations()
    newest = max(name for app, name in known if app == "audit")
    monkeypatch.setattr(services, "_known_migrations", lambda: known - {("audit", newest)})
    with pytest.raises(BackupRefused, match=f"newer version of Cairn .*audit.{newest}"):
        services.restore(path, target=scratch)
    assert services._is_empty(scratch)


def test_a_database_that_is_not_empty_is_refused(world: None, tmp_path: Path) -> None:
    path = services.backup(tmp_path).path
    before = _counts()
    with pytest.raises(BackupRefused, match="not empty"):
        services.restore(path)
    assert _counts() == before


def test_a_disk_that_fills_during_a_backup_leaves_the_previous_backup_intact(
    world: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = services.backup(tmp_path).path
    kept = previous.read_bytes()
    real_write = services._Writer.write
    calls = {"n": 0}

    def write_until_full(self: services._Writer, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, data)

    monkeypatch.setattr(services._Writer, "write", write_until_full)
    with pytest.raises(OSError, match="No space left"):
        services.backup(tmp_path)

    assert sorted(tmp_path.iterdir()) == [previous]
    assert previous.read_bytes() == kept
    monkeypatch.undo()
    assert services.read_manifest(previous)["row_counts"]


def test_retention_keeps_the_newest_files(tmp_path: Path, settings: Any) -> None:
    names = [f"cairn-2026120{day}T000000000000Z.cairnbackup" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    settings.CAIRN_BACKUP_KEEP = 2

    removed = services.prune(tmp_path)

    assert sorted(path.name for path in removed) == names[:3]
    assert sorted(path.name for path in tmp_path.glob("*.cairnbackup")) == names[3:]
    services.prune(tmp_path, keep=0)  # never the newest
    assert [path.name for path in tmp_path.glob("*.cairnbackup")] == [names[-1]]
    assert (tmp_path / "notes.txt").exists()


def test_a_backup_taken_mid_write_holds_every_write_acknowledged_before_it_began(
    world: None, scratch: Target, tmp_path: Path
) -> None:
    """The backup is a consistent snapshot: every write acknowledged (committed) before the
    snapshot began is in it, and the audit chain of what it holds verifies (no half write)."""
    organization = Organization.objects.get(slug="harbor")
    acknowledged: list[int] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_writing() -> None:
        try:
            while not stop.is_set():
                event = record_event(action=Action.VIEW, actor=None, organization=organization)
                acknowledged.append(event.pk)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failures.append(error)
        finally:
            connections.close_all()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        deadline = time.monotonic() + 30
        while len(acknowledged) < 20 and time.monotonic() < deadline and not failures:
            time.sleep(0.01)
        before_backup = list(acknowledged)
        result = services.backup(tmp_path)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not failures
    assert len(before_backup) >= 20

    services.restore(result.path, target=scratch)  # verifies counts and chains

    with services._alias_for(scratch) as alias:
        present = set(
            AuditEvent.objects.using(alias)
            .filter(pk__in=before_backup)
            .values_list("pk", flat=True)
        )
    assert present == set(before_backup)
