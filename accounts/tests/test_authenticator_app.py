"""A staff member's authenticator app: its seed is encrypted at rest (issue 18), and it still
does what django-otp's own device did: one code once, a back-off after wrong codes."""

import base64
import importlib
from collections.abc import Sequence
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.apps import apps
from django.db import connection
from django_otp import match_token
from django_otp.oath import totp

from accounts.models import AuthenticatorApp
from cairn.demo import DemoWorld
from lib.crypto import decrypt

pytestmark = pytest.mark.django_db

move = importlib.import_module("accounts.migrations.0007_authenticator_app_sealed")


def _stored_key(app: AuthenticatorApp) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatorapp WHERE id = %s", [app.pk])
        return cursor.fetchone()[0]


def _code(app: AuthenticatorApp) -> str:
    return f"{totp(app.bin_key):06d}"


def test_the_seed_is_stored_encrypted_and_read_back_whole(demo: DemoWorld) -> None:
    app = AuthenticatorApp.objects.create(user=demo.users["sam"], name="Authenticator app")
    stored = _stored_key(app)
    assert len(app.key) == 40 and app.key not in stored
    assert decrypt(stored) == app.key
    assert AuthenticatorApp.objects.get(pk=app.pk).key == app.key


def test_a_code_counts_once_and_wrong_codes_slow_the_next_try(demo: DemoWorld) -> None:
    app = AuthenticatorApp.objects.create(user=demo.users["sam"], name="Authenticator app")
    code = _code(app)
    assert match_token(demo.users["sam"], code) == app
    assert match_token(demo.users["sam"], code) is None  # the same code again
    app.refresh_from_db()
    assert app.throttling_failure_count == 1
    assert not app.verify_is_allowed()[0]  # a pause before the next code is even checked
    assert not app.verify_token("not a code")


def test_the_qr_code_names_cairn_and_the_person_and_carries_the_seed(demo: DemoWorld) -> None:
    app = AuthenticatorApp.objects.create(user=demo.users["sam"], name="Authenticator app")
    url = urlparse(app.config_url)
    assert (url.scheme, url.netloc, unquote(url.path)) == ("otpauth", "totp", "/Cairn:sam")
    query = parse_qs(url.query)
    assert query["issuer"] == ["Cairn"] and query["digits"] == ["6"] and query["period"] == ["30"]
    assert totp(app.bin_key) == totp(_base32_to_bytes(query["secret"][0]))


def _base32_to_bytes(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


class _Editor:
    """What the migration's step uses of a schema editor, on the test's own connection."""

    connection = connection

    def quote_name(self, name: str) -> str:
        return connection.ops.quote_name(name)

    def execute(self, sql: str, params: Sequence[str] = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_an_earlier_cairns_plain_seeds_move_encrypted_and_the_old_table_goes(
    demo: DemoWorld,
) -> None:
    sam = demo.users["sam"]
    seed = "3132333435363738393031323334353637383930"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_totp_totpdevice (id integer PRIMARY KEY, user_id integer, "
            "name varchar(64), confirmed boolean, key varchar(80), drift smallint, "
            "last_t bigint, throttling_failure_timestamp timestamp NULL, "
            "throttling_failure_count integer, created_at timestamp NULL, "
            "last_used_at timestamp NULL)"
        )
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES "
            "(7, %s, 'phone', %s, %s, 1, 55, NULL, 0, NULL, NULL)",
            [sam.pk, True, seed],
        )
    move.move_seeds(apps, _Editor())
    moved = AuthenticatorApp.objects.get(user=sam)
    assert (moved.key, moved.name, moved.confirmed, moved.drift, moved.last_t) == (
        seed,
        "phone",
        True,
        1,
        55,
    )
    assert seed not in _stored_key(moved)
    assert "otp_totp_totpdevice" not in connection.introspection.table_names()
