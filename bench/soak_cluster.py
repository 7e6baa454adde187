"""A throwaway PostgreSQL 15 cluster for the soak: made in a temporary directory on a free
loopback port (5434-5439), restarted at will, and deleted at the end, so restarting it disturbs
no other database on the machine. Uses Debian's server binaries; run as root it runs them as the
`postgres` user (`runuser`), otherwise as the current user."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

PG_BIN = Path(os.environ.get("SOAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
PORTS = range(5434, 5440)
LOOPBACK = "127.0.0.1"
ROLE, PASSWORD, DATABASE = "cairn", "cairn", "cairn_soak"


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


class Cluster:
    def __init__(self) -> None:
        self.root: Path | None = None
        self.port = 0
        self.running = False

    @property
    def data(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://{ROLE}:{PASSWORD}@{LOOPBACK}:{self.port}/{DATABASE}"

    def _as_owner(self, *args: str, timeout: float) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(  # noqa: S603 - Debian's PostgreSQL binaries, fixed arguments
            command, check=True, timeout=timeout, stdout=subprocess.DEVNULL, cwd="/"
        )

    def _pg_ctl(self, *args: str, timeout: float = 90) -> None:
        log = str(self.root / "server.log") if self.root else "/dev/null"
        self._as_owner(
            "pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", *args, timeout=timeout
        )

    def __enter__(self) -> "Cluster":
        self.root = Path(tempfile.mkdtemp(prefix="cairn-soak-pg-"))
        try:
            os.chmod(self.root, 0o700)
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres", "postgres")
            self._as_owner(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                timeout=180,
            )
            with (self.data / "postgresql.auto.conf").open("a") as conf:
                conf.write(
                    f"listen_addresses = '{LOOPBACK}'\n"
                    f"unix_socket_directories = '{self.root}'\n"
                    "max_connections = 60\nshared_buffers = '128MB'\n"
                )
            self._start()
            with self._superuser() as conn:
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        sql.Identifier(ROLE), sql.Literal(PASSWORD)
                    )
                )
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(DATABASE), sql.Identifier(ROLE)
                    )
                )
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        for port in PORTS:
            if not _port_is_free(port):
                continue
            with (self.data / "postgresql.auto.conf").open("a") as conf:
                conf.write(f"port = {port}\n")  # the last setting of a name wins
            try:
                self._pg_ctl("start")
            except subprocess.CalledProcessError:
                continue  # taken between the look and the start: try the next one
            self.port, self.running = port, True
            return
        raise RuntimeError("no free loopback port in 5434-5439 for the soak's PostgreSQL")

    def _superuser(self) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.root), port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def restart(self) -> float:
        """`pg_ctl restart -m fast`; returns the seconds until it accepted connections again."""
        started = time.monotonic()
        self._pg_ctl("restart", "-m", "fast")
        return time.monotonic() - started

    def __exit__(self, *exc: object) -> None:
        try:
            if self.running:
                self.running = False
                self._pg_ctl("stop", "-m", "immediate", timeout=60)
        except (subprocess.SubprocessError, OSError):
            pass  # the directory goes below; a postmaster left behind exits without it
        finally:
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None
