"""Backups: one encrypted, checksummed file each, and a restore that refuses anything doubtful.

The file is `MAGIC | header length | header JSON | chunks | SHA-256 of everything before it`. The
header (plain) names the key's fingerprint, so a file from another installation or key is told
apart before anything is decrypted. Each chunk is `kind | length | AES-GCM ciphertext`: first the
manifest (M), then the database in 1 MiB pieces (D), then an empty end mark (E). The nonce counts
the chunks, so chunks cannot be reordered or dropped, and a file without its end mark is cut short.

SQLite is copied with the online backup API (one read transaction: a consistent snapshot while
Cairn runs); PostgreSQL with `pg_dump --format=custom` on a snapshot exported from a REPEATABLE
READ transaction, and the manifest (row counts, migrations, audit chain heads) is read from that
same snapshot. Nothing is ever held whole in memory."""

import base64
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend

from audit.selectors import CHAIN_HEADS_TABLE, last_link, verify_chain

MAGIC = b"CAIRNBK1"
FORMAT = 1
CHUNK_SIZE = 1 << 20
SUFFIX = ".cairnbackup"
PARTIAL_PREFIX = ".partial-"
_LENGTH = 4
_DIGEST = 32


class BackupRefused(Exception):
    """A restore (or backup) that will not go ahead; the message says why in plain words."""


class RestoreFailed(Exception):
    """The data was restored but does not match its manifest: do not use it."""


@dataclass(frozen=True)
class Target:
    """A database to back up or restore into: a Django DATABASES entry."""

    settings: dict[str, Any]

    @property
    def vendor(self) -> str:
        return "sqlite" if "sqlite" in self.settings["ENGINE"] else "postgresql"


def target_for(alias: str = "default") -> Target:
    return Target(dict(connections[alias].settings_dict))


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    seconds: float
    rows: int
    chains: int


# Keys ------------------------------------------------------------------------------------------


def backup_key() -> bytes:
    raw = settings.CAIRN_BACKUP_KEY
    if raw:
        try:
            key = base64.urlsafe_b64decode(raw.encode())
        except ValueError as error:
            raise ImproperlyConfigured("CAIRN_BACKUP_KEY is not valid base64.") from error
        if len(key) != 32:
            raise ImproperlyConfigured("CAIRN_BACKUP_KEY must be 32 bytes, base64-encoded.")
        return key
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cairn backup key")
    return hkdf.derive(settings.CAIRN_FIELD_KEYS[0].encode())


def key_fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"cairn backup key fingerprint:" + key).hexdigest()[:16]


def cairn_version() -> str:
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


# The manifest, read through any DB-API cursor ---------------------------------------------------


class _Cursor(Protocol):
    def execute(self, query: str, /) -> Any: ...
    def fetchall(self) -> list[Any]: ...


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor: _Cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return sorted(str(row[0]) for row in cursor.fetchall())


def _row_counts(cursor: _Cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from catalog
        counts[table] = int(cursor.fetchall()[0][0])
    return counts


def _manifest(cursor: _Cursor, vendor: str, fingerprint: str) -> dict[str, Any]:
    counts = _row_counts(cursor, vendor)
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = [[str(app), str(name)] for app, name in cursor.fetchall()]
    heads_table = _quote(CHAIN_HEADS_TABLE)
    cursor.execute(f"SELECT chain, last_seq, last_hash FROM {heads_table} ORDER BY chain")  # noqa: S608
    heads = {str(chain): [int(seq), str(last)] for chain, seq, last in cursor.fetchall()}
    return {
        "format": FORMAT,
        "cairn_version": cairn_version(),
        "key_fingerprint": fingerprint,
        "vendor": vendor,
        "created_at": datetime.now(UTC).isoformat(),
        "migrations": migrations,
        "row_counts": counts,
        "audit_heads": heads,
    }


# Writing -----------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, handle: IO[bytes], key: bytes, header: dict[str, Any]) -> None:
        self.handle = handle
        self.aes = AESGCM(key)
        self.prefix = bytes.fromhex(header["nonce_prefix"])
        self.counter = 0
        self.digest = hashlib.sha256()
        header_bytes = json.dumps(header, sort_keys=True).encode()
        self.aad = hashlib.sha256(header_bytes).digest()
        self.write(MAGIC + len(header_bytes).to_bytes(_LENGTH, "big") + header_bytes)

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)

    def chunk(self, kind: bytes, plain: bytes) -> None:
        nonce = self.prefix + self.counter.to_bytes(4, "big")
        self.counter += 1
        sealed = self.aes.encrypt(nonce, plain, kind + self.aad)
        self.write(kind + len(sealed).to_bytes(_LENGTH, "big") + sealed)

    def finish(self) -> None:
        self.chunk(b"E", b"")
        self.handle.write(self.digest.digest())


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    if found:
        return found[-1]
    which = shutil.which(name)
    if which is None:
        raise ImproperlyConfigured(f"{name} was not found; install the PostgreSQL client tools.")
    return which


def _version_key(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


def _pg_env(target: Target) -> dict[str, str]:
    env = dict(os.environ)
    db = target.settings
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_connect(target: Target, dbname: str | None = None) -> psycopg.Connection[Any]:
    db = target.settings
    return psycopg.connect(
        dbname=dbname or db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )


def _stream(source: IO[bytes], writer: _Writer) -> None:
    while piece := source.read(CHUNK_SIZE):
        writer.chunk(b"D", piece)


def _write_sqlite(target: Target, writer_for: "WriterFactory", workdir: Path) -> dict[str, Any]:
    snapshot = Path(tempfile.mkstemp(dir=workdir, prefix=PARTIAL_PREFIX, suffix=".db")[1])
    try:
        source = sqlite3.connect(target.settings["NAME"])
        copy = sqlite3.connect(snapshot)
        try:
            source.backup(copy)  # one step: a single read transaction, a consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")
            writer = writer_for()
            manifest = _manifest(copy.cursor(), "sqlite", writer.fingerprint)
        finally:
            copy.close()
            source.close()
        writer.chunk(b"M", json.dumps(manifest).encode())
        with open(snapshot, "rb") as handle:
            _stream(handle, writer)
        return manifest
    finally:
        snapshot.unlink(missing_ok=True)


def _write_postgresql(target: Target, writer_for: "WriterFactory") -> dict[str, Any]:
    with _pg_connect(target) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = str(cursor.fetchall()[0][0])
            writer = writer_for()
            manifest = _manifest(cursor, "postgresql", writer.fingerprint)
        writer.chunk(b"M", json.dumps(manifest).encode())
        command = [
            _pg_bin("pg_dump"),
            "--format=custom",
            f"--snapshot={snapshot_id}",
            "--no-owner",
            "--no-privileges",
            f"--dbname={target.settings['NAME']}",
        ]
        with subprocess.Popen(  # noqa: S603 - fixed arguments
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env(target)
        ) as process:
            assert process.stdout is not None
            try:
                _stream(process.stdout, writer)
            except BaseException:
                process.kill()
                raise
            errors = process.stderr.read() if process.stderr else b""
            if process.wait() != 0:
                raise RuntimeError(f"pg_dump failed: {errors.decode(errors='replace').strip()}")
        conn.rollback()
    return manifest


class _KeyedWriter(_Writer):
    fingerprint: str


class WriterFactory(Protocol):
    def __call__(self) -> _KeyedWriter: ...


def backup(directory: Path | None = None, *, target: Target | None = None) -> BackupResult:
    """Write one backup file into `directory`; a failure half-way (a full disk) leaves only the
    backups that were there before."""
    started = time.monotonic()
    directory = Path(directory or settings.CAIRN_BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = target or target_for()
    key = backup_key()
    fingerprint = key_fingerprint(key)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = directory / f"cairn-{stamp}{SUFFIX}"
    descriptor, partial_name = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            header = {
                "format": FORMAT,
                "key_fingerprint": fingerprint,
                "vendor": target.vendor,
                "nonce_prefix": os.urandom(8).hex(),
            }
            holder: list[_KeyedWriter] = []

            def writer_for() -> _KeyedWriter:
                writer = _KeyedWriter(handle, key, header)
                writer.fingerprint = fingerprint
                holder.append(writer)
                return writer

            if target.vendor == "sqlite":
                manifest = _write_sqlite(target, writer_for, directory)
            else:
                manifest = _write_postgresql(target, writer_for)
            holder[0].finish()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, final)
        _fsync_directory(directory)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(final, final.stat().st_size, time.monotonic() - started, manifest)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def prune(directory: Path | None = None, keep: int | None = None) -> list[Path]:
    """Delete the oldest backup files beyond `keep` (CAIRN_BACKUP_KEEP); never the newest one."""
    directory = Path(directory or settings.CAIRN_BACKUP_DIR)
    keep = max(int(settings.CAIRN_BACKUP_KEEP if keep is None else keep), 1)
    files = sorted(directory.glob(f"cairn-*{SUFFIX}"), key=lambda path: path.name, reverse=True)
    removed = files[keep:]
    for path in removed:
        path.unlink()
    return removed


# Reading -----------------------------------------------------------------------------------------

DAMAGED = (
    "The backup file is damaged or incomplete (its checksum does not match; it may have been "
    "cut short while it was written or copied). Nothing was restored."
)


def _chunks(path: Path, key: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Every (kind, plaintext) chunk of a backup, checked as it is read. Raises BackupRefused."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise BackupRefused("This is not a Cairn backup file. Nothing was restored.")
        digest = hashlib.sha256(MAGIC)
        raw_length = handle.read(_LENGTH)
        header_bytes = handle.read(int.from_bytes(raw_length, "big"))
        digest.update(raw_length + header_bytes)
        try:
            header = json.loads(header_bytes)
        except ValueError as error:
            raise BackupRefused(DAMAGED) from error
        if header.get("key_fingerprint") != key_fingerprint(key):
            raise BackupRefused(
                "This backup was made by another Cairn installation or with another backup key "
                "(CAIRN_BACKUP_KEY, or CAIRN_FIELD_KEYS when no backup key is set). Restore it "
                "with the key it was made with. Nothing was restored."
            )
        aes = AESGCM(key)
        prefix = bytes.fromhex(header["nonce_prefix"])
        aad = hashlib.sha256(header_bytes).digest()
        counter = 0
        while True:
            head = handle.read(1 + _LENGTH)
            if len(head) < 1 + _LENGTH:
                raise BackupRefused(DAMAGED)
            kind, length = head[:1], int.from_bytes(head[1:], "big")
            if handle.tell() + length + _DIGEST > size:
                raise BackupRefused(DAMAGED)
            sealed = handle.read(length)
            digest.update(head + sealed)
            nonce = prefix + counter.to_bytes(4, "big")
            counter += 1
            try:
                plain = aes.decrypt(nonce, sealed, kind + aad)
            except InvalidTag as error:
                raise BackupRefused(DAMAGED) from error
            if kind == b"E":
                break
            yield kind, plain
        if handle.read() != digest.digest():
            raise BackupRefused(DAMAGED)


def read_manifest(path: Path, key: bytes | None = None) -> dict[str, Any]:
    """The manifest of a backup after checking the whole file (checksum, key, every chunk)."""
    manifest: dict[str, Any] | None = None
    for kind, plain in _chunks(path, key or backup_key()):
        if kind == b"M":
            manifest = json.loads(plain)
    if manifest is None:
        raise BackupRefused(DAMAGED)
    return manifest


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _is_empty(target: Target) -> bool:
    if target.vendor == "sqlite":
        path = Path(target.settings["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        lite = sqlite3.connect(path)
        try:
            return not _tables(lite.cursor(), "sqlite")
        finally:
            lite.close()
    with _pg_connect(target) as pg, pg.cursor() as cursor:
        return not _tables(cursor, "postgresql")


@contextmanager
def _alias_for(target: Target | None) -> Iterator[str]:
    """The configured database, or a connection alias made for another target while it lasts."""
    if target is None:
        yield "default"
        return
    alias = "cairn_restore_target"
    wrapper = load_backend(target.settings["ENGINE"]).DatabaseWrapper(dict(target.settings), alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def restore(path: Path, *, target: Target | None = None) -> RestoreResult:
    with _alias_for(target) as alias:
        return _restore(path, alias)


def _restore(path: Path, alias: str) -> RestoreResult:
    """Restore a backup into an empty database, then check it against the manifest.

    Every check that can refuse runs before anything is written: the whole file is read and
    decrypted once (checksum, key, not cut short), the version and the target are checked."""
    started = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise BackupRefused(f"There is no backup file at {path}. Nothing was restored.")
    key = backup_key()
    manifest = read_manifest(path, key)
    target = target_for(alias)
    if manifest["vendor"] != target.vendor:
        raise BackupRefused(
            f"This backup is of a {manifest['vendor']} database and the target is "
            f"{target.vendor}; restore it into the same kind of database. Nothing was restored."
        )
    unknown = sorted({(app, name) for app, name in manifest["migrations"]} - _known_migrations())
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:3])
        raise BackupRefused(
            f"This backup comes from a newer version of Cairn ({manifest['cairn_version']}; it "
            f"has database changes this version does not know: {names}). Install that version "
            "or a later one, then restore. Nothing was restored."
        )
    if not _is_empty(target):
        raise BackupRefused(
            "The target database is not empty. Restore only into a new, empty database, so "
            "nothing that is there now is overwritten. Nothing was restored."
        )
    connections[alias].close()
    if target.vendor == "sqlite":
        _restore_sqlite(path, key, target)
    else:
        _restore_postgresql(path, key, target)
    rows, chains = verify_restored(manifest, alias)
    return RestoreResult(manifest, time.monotonic() - started, rows, chains)


def _restore_sqlite(path: Path, key: bytes, target: Target) -> None:
    destination = Path(target.settings["NAME"])
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial_name = tempfile.mkstemp(dir=destination.parent, prefix=PARTIAL_PREFIX)
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for kind, plain in _chunks(path, key):
                if kind == b"D":
                    handle.write(plain)
            handle.flush()
            os.fsync(handle.fileno())
        for leftover in ("-wal", "-shm"):
            Path(f"{destination}{leftover}").unlink(missing_ok=True)
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _restore_postgresql(path: Path, key: bytes, target: Target) -> None:
    command = [
        _pg_bin("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        f"--dbname={target.settings['NAME']}",
    ]
    with subprocess.Popen(  # noqa: S603 - fixed arguments
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_pg_env(target),
    ) as process:
        assert process.stdin is not None
        try:
            for kind, plain in _chunks(path, key):
                if kind == b"D":
                    process.stdin.write(plain)
            process.stdin.close()
        except BrokenPipeError:
            pass
        errors = process.stderr.read() if process.stderr else b""
        if process.wait() != 0:
            raise RestoreFailed(f"pg_restore failed: {errors.decode(errors='replace').strip()}")


def verify_restored(manifest: dict[str, Any], alias: str = "default") -> tuple[int, int]:
    """Row counts per table and every audit chain, checked against the manifest."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        counts = _row_counts(cursor, manifest["vendor"])
    if counts != manifest["row_counts"]:
        differ = sorted(
            table
            for table in set(counts) | set(manifest["row_counts"])
            if counts.get(table) != manifest["row_counts"].get(table)
        )
        raise RestoreFailed(
            "The restored database does not match the backup's row counts "
            f"(tables: {', '.join(differ[:5])}). Do not use it."
        )
    for chain, (last_seq, last_hash) in manifest["audit_heads"].items():
        report = verify_chain(int(chain), using=alias)
        last = last_link(int(chain), using=alias)
        if not report.ok or report.events_checked != last_seq or last != last_hash:
            raise RestoreFailed(
                f"The restored audit trail of chain {chain} does not verify "
                f"({report.problem or 'its length or last link differs from the backup'}). "
                "Do not use it."
            )
    return sum(counts.values()), len(manifest["audit_heads"])
