"""Phone numbers: read what a person typed, store E.164, show it the local way."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def to_e164(typed: str) -> str:
    """The E.164 form of a typed number, or a ValidationError with a calm message."""
    typed = typed.strip()
    if not typed:
        return ""
    try:
        number = phonenumbers.parse(typed, settings.CAIRN_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("That doesn't look like a phone number. Check the digits, or leave it empty.")
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("That number can't be dialled as typed. Check the area code and digits.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_display(e164: str) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.CAIRN_PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
