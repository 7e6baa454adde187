"""Counts within a window, kept in the database: wrong codes per network address, texts asked
per network address, texts sent per sign-in name (`ThrottleScope` says what each one stops), so
that guessing a code or going through names is hopeless, while a person who mistypes a few
times is fine, and nobody can use a limit to keep someone else out.

Sign-in with a password keeps using django-axes; codes have no username to hang axes' counters on
(an invitation code is typed before any account exists), hence this small counter of our own.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.codes import key_hash
from accounts.models import CodeThrottle, ThrottleScope


def failure_limit(scope: ThrottleScope | None = None) -> int:
    if scope == ThrottleScope.SIGN_IN:
        return int(settings.CAIRN_LOCKOUT_ADDRESS_FAILURES)
    return int(settings.CAIRN_CODE_FAILURES)


def pause(scope: ThrottleScope | None = None) -> timedelta:
    if scope == ThrottleScope.SIGN_IN:
        return timedelta(hours=settings.AXES_COOLOFF_TIME)  # as long as a name's own pause
    return timedelta(minutes=settings.CAIRN_CODE_PAUSE_MINUTES)


def is_paused(scope: ThrottleScope, value: str) -> bool:
    if not value:
        return False
    return CodeThrottle.objects.filter(
        scope=scope, key=key_hash(scope, value), paused_until__gt=timezone.now()
    ).exists()


def record_failure(scope: ThrottleScope, value: str) -> bool:
    """Count one (a wrong code, a text asked or sent); True when this one starts a pause."""
    if not value:
        return False
    now = timezone.now()
    with transaction.atomic():
        row, _ = CodeThrottle.objects.select_for_update().get_or_create(
            scope=scope, key=key_hash(scope, value), defaults={"window_started_at": now}
        )
        pause_over = row.paused_until is not None and row.paused_until <= now
        if pause_over or row.window_started_at <= now - pause(scope):
            row.failures, row.window_started_at, row.paused_until = 0, now, None
        row.failures += 1
        starts_pause = row.failures >= failure_limit(scope) and row.paused_until is None
        if starts_pause:
            row.paused_until = now + pause(scope)
        row.save()
    return starts_pause


def clear(scope: ThrottleScope, value: str) -> None:
    """Wipe one count (a new password ends the texts counted for that name)."""
    if value:
        CodeThrottle.objects.filter(scope=scope, key=key_hash(scope, value)).delete()
