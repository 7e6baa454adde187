"""Real servers for tests. Beside the test cluster, for the PostgreSQL suite: a streaming replica
of it (`pg_basebackup -R`) and pgbouncer in transaction mode, each on a free loopback port in a
temporary folder, run as the `postgres` user (neither runs as root), and stopped and removed
when done, within a bounded time. On both databases: a fake HTTP provider (`serve_http`)."""

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PRIMARY_SOCKET = "/var/run/postgresql"
PRIMARY_PORT = 5432
PGBOUNCER = Path("/usr/sbin/pgbouncer")
TIMEOUT = 60  # seconds any one step may take


@contextmanager
def serve_http(
    handler: type[BaseHTTPRequestHandler],
    *,
    lifetime: float,
    finish_answers: bool = True,
    join_seconds: float = 5.0,
) -> Iterator[str]:
    """A threaded HTTP server on a free loopback port, answering with `handler` in a thread of
    its own until the block ends or `lifetime` seconds pass; yields its base URL. With
    `finish_answers`, closing waits for a request still being answered (nothing outlives the
    test); without, a request held open on purpose does not hold the close up."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = not finish_answers
    server.timeout = 0.05
    stop = threading.Event()
    deadline = time.monotonic() + lifetime

    def serve() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            server.handle_request()
        server.server_close()

    thread = threading.Thread(target=serve, name="fake-http-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        thread.join(timeout=join_seconds)
    assert not thread.is_alive()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_postgres(*command: str | Path, timeout: int = TIMEOUT) -> str:
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, command)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip() or result.stdout}")
    return result.stdout


def _folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    return folder


@dataclass
class Replica:
    """A hot standby of the local cluster, streaming from it over its Unix socket (the
    `local replication all peer` line every Debian cluster starts with)."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @classmethod
    def start_new(cls) -> "Replica":
        replica = cls(_folder("cairn-replica-"), free_port())
        try:
            as_postgres(
                PG_BIN / "pg_basebackup",
                "-h",
                PRIMARY_SOCKET,
                "-p",
                str(PRIMARY_PORT),
                "-D",
                replica.data,
                "-R",  # standby.signal and primary_conninfo: it follows the primary
                "-X",
                "stream",
                "-c",
                "fast",
                timeout=300,
            )
            # Debian keeps a cluster's configuration outside its data folder, so the copy has
            # none: a small one of its own, reachable only on loopback and its own socket.
            settings = {
                "port": str(replica.port),
                "listen_addresses": "'127.0.0.1'",
                "unix_socket_directories": f"'{replica.folder}'",
                "hot_standby": "on",
                "hot_standby_feedback": "on",
                "shared_buffers": "'32MB'",
                "fsync": "off",  # a throwaway copy
            }
            (replica.data / "postgresql.conf").write_text(
                "".join(f"{key} = {value}\n" for key, value in settings.items())
            )
            (replica.data / "pg_hba.conf").write_text(
                "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n"
            )
            for name in ("postgresql.conf", "pg_hba.conf"):
                shutil.chown(replica.data / name, "postgres", "postgres")
            replica.start()
        except BaseException:
            replica.remove()
            raise
        return replica

    def start(self) -> None:
        as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w", "-t", "30", "start"
        )

    def stop(self) -> None:
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")

    def running(self) -> bool:
        pg_ctl = str(PG_BIN / "pg_ctl")
        status = subprocess.run(
            ["runuser", "-u", "postgres", "--", pg_ctl, "status", "-D", str(self.data)],
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
        return status.returncode == 0

    def sql(self, statement: str, database: str = "postgres") -> str:
        """One statement as the superuser, on the replica's own socket."""
        return as_postgres(
            "psql", "-h", self.folder, "-p", str(self.port), "-d", database, "-tAc", statement
        ).strip()

    def remove(self) -> None:
        try:
            if self.data.exists() and self.running():
                as_postgres(
                    PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", "30", "stop"
                )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Bouncer:
    """pgbouncer in transaction mode in front of one database of the local cluster."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @classmethod
    def start_new(cls, *, database: str, user: str, password: str) -> "Bouncer":
        folder = _folder("cairn-pgbouncer-")
        port = free_port()
        (folder / "users.txt").write_text(f'"{user}" "{password}"\n')
        (folder / "pgbouncer.ini").write_text(
            f"""[databases]
{database} = host=127.0.0.1 port={PRIMARY_PORT} dbname={database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {folder}/users.txt
admin_users = {user}
pool_mode = transaction
default_pool_size = 4
max_client_conn = 50
logfile = {folder}/pgbouncer.log
"""
        )
        for name in ("users.txt", "pgbouncer.ini"):
            shutil.chown(folder / name, "postgres", "postgres")
        process = subprocess.Popen(
            [str(PGBOUNCER), str(folder / "pgbouncer.ini")],
            user="postgres",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        bouncer = cls(folder, port, process)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return bouncer
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        log = (folder / "pgbouncer.log").read_text() if (folder / "pgbouncer.log").exists() else ""
        bouncer.remove()
        raise RuntimeError(f"pgbouncer did not start: {log[-2000:]}")

    def remove(self) -> None:
        try:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
