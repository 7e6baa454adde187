"""The benchmark suite (`make bench`): Cairn's pages against two baselines, at a named scale."""


def setup_django(database_url: str) -> None:
    """Point this process at a benchmark database with the demo's settings, then start Django
    (for measuring through the test client in-process; the served pages get their own settings)."""
    import os

    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="cairn.settings",
        CAIRN_ALLOWED_HOSTS="127.0.0.1,testserver",
    )
    defaults = {
        "CAIRN_DEMO": "1",
        "CAIRN_HTTPS": "0",
        "CAIRN_REQUIRE_2FA": "0",
        "CAIRN_API_RATE_PER_MINUTE": "1000000",  # as the served pages (`server.production_env`)
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


def given_or_fresh_sqlite(name: str) -> str:
    """The database named on the command line, or a fresh, migrated SQLite file
    `var/<name>.sqlite3` (a benchmark that seeds its own data starts from nothing)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if len(sys.argv) > 1:
        return sys.argv[1]
    root = Path(__file__).resolve().parent.parent
    path = root / "var" / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url, "CAIRN_DEMO": "1", "CAIRN_HTTPS": "0"}
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(root / "manage.py"), "migrate", "-v", "0"],
        env=env,
        check=True,
        cwd=root,
    )
    return url
