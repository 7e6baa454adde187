"""Project-wide promises: one h1 per page, calm error pages, headers, health, migrations."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client

from cairn.demo import DemoWorld
from participants.models import Participant

ROOT = Path(__file__).resolve().parents[2]

PAGES_BY_PERSONA = {
    "anonymous": ["/accounts/login/", "/accounts/welcome/MQ/bad-token/", "/no-such-page/"],
    "ana": [
        "/today/",
        "/participants/",
        "/participants/{pat}/",
        "/accounts/security/",
        "/accounts/two-factor/setup/",
    ],
    "sam": ["/today/", "/participants/"],
    "mia": ["/participants/", "/organization/people/"],
    "max": [
        "/organization/people/",
        "/organization/people/invite/",
        "/organization/teams/",
        "/organization/people/{ana}/",
        "/organization/people/{ana}/active/",
    ],
    "pat": ["/me/", "/participants/"],
}


def test_every_page_has_exactly_one_h1_and_a_skip_link(demo: DemoWorld, client_for) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    for persona, paths in PAGES_BY_PERSONA.items():
        client = Client() if persona == "anonymous" else client_for(persona)
        for path in paths:
            url = path.format(pat=pat.id, ana=demo.users["ana"].public_id)
            body = client.get(url, follow=True).content.decode()
            assert len(re.findall(r"<h1[\s>]", body)) == 1, f"{persona} {url}"
            assert 'href="#main"' in body and 'id="main"' in body, f"{persona} {url}"
            assert '<html lang="en">' in body


def test_healthz_answers_ok_when_database_answers(db) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_ready_with_each_check(db) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "jobs": "ok"},
        "job_lag_seconds": 0,
    }


def test_readyz_names_pending_migrations(db, monkeypatch) -> None:
    from cairn import views

    monkeypatch.setattr(views, "_migrations_pending", lambda: True)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "pending"


def test_readyz_names_jobs_falling_behind(demo: DemoWorld, settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jobs.models import Job

    settings.CAIRN_READY_JOB_LAG_SECONDS = 60
    ana = demo.users["ana"]
    job = Job.objects.create(
        organization=demo.organizations["harbor"],
        requested_by=ana,
        kind="test.echo",
        title="Export",
    )
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "migrations": "ok", "jobs": "behind"}
    assert body["job_lag_seconds"] >= 300
    Job.objects.filter(pk=job.pk).update(not_before=timezone.now() + timedelta(hours=1))
    assert Client().get("/readyz").status_code == 200  # a job scheduled for later is not late


def test_oversized_request_gets_calm_400(demo: DemoWorld, client_for, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for("max").post("/organization/teams/", {"name": "x" * 5000})
    assert response.status_code == 400
    assert "We couldn't read that request" in response.content.decode()


def test_csrf_failure_gets_calm_page(demo: DemoWorld) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "ana", "password": "x"})
    assert response.status_code == 403
    assert "Your form had expired" in response.content.decode()


def test_server_error_page_reveals_nothing(db) -> None:
    from lib.views import server_error

    body = server_error(None).content.decode()  # type: ignore[arg-type]
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body


def test_security_headers_on_every_response(demo: DemoWorld, client_for) -> None:
    response = client_for("ana").get("/today/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store, private"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_no_migrations_are_missing(db) -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()} ({exit_})")


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    # Only what a production host would have: no demo, test or async-unsafe switches.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        CAIRN_SECRET_KEY="a-long-random-production-secret-" + "x7Qp9" * 10,
        CAIRN_ALLOWED_HOSTS="cairn.example.org",
        CAIRN_FIELD_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; import os;"
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
    assert "CAIRN_SECRET_KEY must be set" in result.stderr
