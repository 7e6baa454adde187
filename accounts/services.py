"""Account changes a person makes for themselves, each audited in its own transaction."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.models import Action
from audit.services import Target, record_event
from organizations.selectors import active_memberships


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """Reuse the pending (unconfirmed) device or create one; nothing is audited until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm_totp_enrolment(*, user: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    memberships = active_memberships(user)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(
            action=Action.UPDATE,
            actor=user,
            organization=memberships[0].organization if memberships else None,
            role=memberships[0].role if memberships else "",
            target=Target.of(user),
            changed_fields=["two_factor"],
        )
    return True
