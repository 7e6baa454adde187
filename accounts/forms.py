"""Sign-in, second-factor and portal-entry forms, with calm messages."""

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import codes
from accounts.models import CodeDelivery, User

SHARED_DEVICE_LABEL = _("This is a shared phone or computer")
SHARED_DEVICE_HELP = _(
    "Cairn will sign you out sooner, and when you close the browser. "
    "Page titles will just say \u201cNotes\u201d."
)


def shared_device_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=SHARED_DEVICE_LABEL, help_text=SHARED_DEVICE_HELP, required=False
    )


class SignInForm(AuthenticationForm):
    shared_device = shared_device_field()
    error_messages = {
        "invalid_login": _(
            "That username and password did not match. Please check them and try again."
        ),
        "inactive": _("This account is not active. Please ask your program's administrator."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # No autofocus: keyboard and screen-reader users start at the skip link, as on every page.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        minutes = round(settings.AXES_COOLOFF_TIME * 60)
        self.lockout_hint = ngettext(
            "After %(limit)d unsuccessful tries, sign-in pauses for %(minutes)d minute "
            "to keep the account safe.",
            "After %(limit)d unsuccessful tries, sign-in pauses for %(minutes)d minutes "
            "to keep the account safe.",
            minutes,
        ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}

    def clean_username(self) -> str:
        """Sign-in names chosen in the portal are kept in small letters; a phone keyboard that
        capitalises the first letter should not stand in the way."""
        typed = str(self.cleaned_data.get("username") or "")
        if (
            typed != typed.lower()
            and not User.objects.filter(username=typed).exists()
            and User.objects.filter(username=typed.lower()).exists()
        ):
            return typed.lower()
        return typed


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return token


class PortalInvitationForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How should they get their code?"),
        choices=CodeDelivery.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, phone_shown: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        delivery = cast(forms.ChoiceField, self.fields["delivery"])
        if phone_shown:
            delivery.choices = [
                (CodeDelivery.TEXT, _("Send it by text to %(phone)s") % {"phone": phone_shown}),
                (CodeDelivery.PAPER, _("Print it on paper to hand over")),
            ]
        else:
            delivery.choices = [(CodeDelivery.PAPER, _("Print it on paper to hand over"))]
            delivery.initial = CodeDelivery.PAPER


def _code_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=_("8 letters and numbers, like ABCD-2345. Small letters are fine."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )


def _clean_code(typed: str) -> str:
    code = codes.normalized(typed)
    if len(code) != codes.LENGTH:
        raise forms.ValidationError(
            _("The code has 8 letters and numbers. Please check it and try again.")
        )
    return code


class CodeForm(forms.Form):
    code = _code_field(_("Your code"))

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])


USERNAME_RULE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")


class NewPasswordMixin(forms.Form):
    """A password or passphrase, checked by the same rules as every Cairn password."""

    password1 = forms.CharField(
        label=_("Password or passphrase"),
        strip=False,
        help_text=_(
            "At least 10 characters. A few everyday words in a row are strong and easy to "
            "remember, like \u201cblue kettle river song\u201d."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type it again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def user_for_checks(self) -> User:
        return User()

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data["password2"]
        if first and first != second:
            raise forms.ValidationError(_("The two didn't match. Please type them again."))
        return str(second)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password2")
        if password and not (self.has_error("password1") or self.has_error("password2")):
            try:
                password_validation.validate_password(password, self.user_for_checks())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SignUpForm(NewPasswordMixin):
    username = forms.CharField(
        label=_("Choose a sign-in name"),
        max_length=30,
        help_text=_(
            "3 to 30 letters or numbers. You can also use . - or _. "
            "It doesn't have to be your real name."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    shared_device = shared_device_field()

    field_order = ["username", "password1", "password2", "shared_device"]

    def clean_username(self) -> str:
        from accounts.services import username_taken

        username = self.cleaned_data["username"].strip().lower()
        if not USERNAME_RULE.match(username):
            raise forms.ValidationError(
                _("Use 3 to 30 letters or numbers (. - and _ are OK too), with no spaces.")
            )
        if username_taken(username):
            raise forms.ValidationError(_("Someone already has that name. Please try another."))
        return username

    def user_for_checks(self) -> User:
        return User(username=self.cleaned_data.get("username", ""))


class ResetRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Your sign-in name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class ResetForm(NewPasswordMixin):
    code = _code_field(_("The code we texted you"))

    field_order = ["code", "password1", "password2"]

    def __init__(self, *args: Any, username: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])

    def user_for_checks(self) -> User:
        return User(username=self.username)
