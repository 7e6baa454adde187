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
    for key, value in {"CAIRN_DEMO": "1", "CAIRN_HTTPS": "0", "CAIRN_REQUIRE_2FA": "0"}.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
