"""Two application servers on one database, as behind a round-robin proxy (README, "Beyond
one database server"): signed in on one, the person goes on on the other, and a job queued on
one is seen finished from the other. Collected on PostgreSQL only (lib/tests/conftest.py)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connections

from cairn.demo import DEMO_PASSWORD
from lib.tests.servers import TIMEOUT, free_port

ROOT = Path(__file__).resolve().parents[2]


class HiddenInputs(HTMLParser):
    """The hidden fields of a page's forms (the CSRF token, the one-time key)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields[found["name"] or ""] = found.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    parser = HiddenInputs()
    parser.feed(html)
    return parser.fields


@pytest.fixture
def two_servers(transactional_db: None) -> Iterator[list[str]]:
    """Two gunicorn processes, one worker each, on free loopback ports, on the test database."""
    db = connections["default"].settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "CAIRN_DEMO": "1",
        "CAIRN_HTTPS": "0",
        "CAIRN_REQUIRE_2FA": "0",
        "CAIRN_ALLOWED_HOSTS": "127.0.0.1",
        "CAIRN_JOBS_MODE": "thread",
    }
    ports = [free_port(), free_port()]
    gunicorn = [sys.executable, "-m", "gunicorn", "cairn.wsgi", "--workers", "1"]
    processes = [
        subprocess.Popen(
            [*gunicorn, "--log-level", "warning", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + TIMEOUT
        for base in bases:
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2).close()  # noqa: S310
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def test_two_servers_share_sign_in_and_jobs(demo, two_servers):
    first, second = two_servers
    jar = http.cookiejar.CookieJar()  # cookies ignore the port: one browser, one proxy
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(url: str) -> tuple[int, str, str]:
        with browser.open(url, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(url: str, fields: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        with browser.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode()

    _, _, page = get(f"{first}/accounts/login/")
    status, landed, _ = post(
        f"{first}/accounts/login/",
        {**hidden_fields(page), "username": "mia", "password": DEMO_PASSWORD},
    )
    assert status == 200 and "/accounts/login/" not in landed
    # Signed in on the first server, the person goes on on the second.
    status, landed, dashboard = get(f"{second}/reports/")
    assert status == 200 and landed.endswith("/reports/")
    assert "<h1>Program reports</h1>" in dashboard
    # An export queued on the second server, followed from the first.
    _, _, form = get(f"{second}/exports/")
    status, landed, _ = post(
        f"{second}/exports/",
        {**hidden_fields(form), "dataset": "contacts", "kind": "deidentified", "fmt": "csv"},
    )
    job = re.search(r"/jobs/([0-9a-f-]{36})/", landed)
    assert status == 200 and job is not None
    deadline = time.monotonic() + TIMEOUT
    while True:
        _, _, status_page = get(f"{first}/jobs/{job.group(1)}/")
        if "Ready" in status_page or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "Ready" in status_page
