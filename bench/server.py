"""Cairn under gunicorn with production settings on a loopback port, for the length of one run."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.load import LOOPBACK, Request, Session

# Two sync workers for two cores: requests here are CPU-bound (the database is local and
# answers in a millisecond or two), so a third worker would only queue on the same cores and
# add ~100 MB; the load generator, PostgreSQL and the worker processes share the machine.
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def production_env(database_url: str) -> dict[str, str]:
    """Production settings: DEBUG off, no demo shortcuts except the fixed demo keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CAIRN_", "DJANGO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        CAIRN_DEMO="1",  # the published demo keys; nothing else changes in demo mode
        CAIRN_DEBUG="0",
        CAIRN_HTTPS="0",  # loopback without TLS; production terminates TLS in a proxy
        CAIRN_REQUIRE_2FA="0",
        CAIRN_ALLOWED_HOSTS=LOOPBACK,
        CAIRN_LOG_LEVEL="WARNING",
        CAIRN_SMS_BACKEND="memory",
        # The API's clients send hundreds of requests a minute here: the limit is lifted so the
        # pages are measured, while every request is still counted against it as in production.
        CAIRN_API_RATE_PER_MINUTE="1000000",
    )
    return env


class Server:
    def __init__(
        self,
        database_url: str,
        *,
        workers: int = WORKERS,
        threads: int = 1,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.extra_env = env or {}
        self.workers = workers
        self.threads = threads
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
            [
                str(gunicorn),
                "cairn.wsgi",
                "--bind",
                f"{LOOPBACK}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread" if self.threads > 1 else "sync",
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env={**production_env(self.database_url), **self.extra_env},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            try:
                status, _, _ = Session(self.port).send(Request("GET", "/healthz"))
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer /healthz within a minute")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        """The master's worker processes, from /proc (Linux)."""
        if self.process is None:
            return []
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if f"\nPPid:\t{self.process.pid}\n" in text:
                pids.append(int(status.parent.name))
        return sorted(pids)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker, from /proc (Linux)."""
        if self.process is None:
            return []
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(
                    line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
                )
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)
