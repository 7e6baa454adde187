"""Intake and edit forms: one name required, every other answer optional or 'prefer not to say'."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lib.once import OneTimeKeyForm
from lib.phones import to_e164
from participants.languages import common_choices, find_language, language_name
from participants.models import (
    AgeRange,
    ContactChannel,
    Participant,
    ParticipantStatus,
    Pathway,
    ReferralSource,
    VeteranStatus,
)


class LanguageInput(forms.TextInput):
    """A text box that suggests the common languages as you type (a native <datalist>, no
    script) and takes any other language by its name or ISO 639 code."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = {**(attrs or {})}
        options_id = f"{attrs.get('id') or name}-languages"
        attrs["list"] = options_id
        attrs.setdefault("autocomplete", "off")
        box = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">', ((n,) for _c, n in common_choices()))
        return format_html('{}<datalist id="{}">{}</datalist>', box, options_id, options)


class LanguageField(forms.CharField):
    """A language by name or code, kept as its ISO 639 code; shown back by name."""

    widget = LanguageInput

    def prepare_value(self, value: Any) -> Any:
        return language_name(value) if isinstance(value, str) and value else value

    def clean(self, value: Any) -> str:
        typed = str(super().clean(value) or "").strip()
        if not typed:
            return ""
        code = find_language(typed)
        if code is None:
            raise forms.ValidationError(
                _(
                    "We couldn't find a language called \u201c%(typed)s\u201d. Try its name in "
                    "English (for example \u201cVietnamese\u201d) or its ISO 639 code."
                ),
                params={"typed": typed[:60]},
            )
        return code


MIN_AGE = 16
LIST_ITEMS_MAX = 20
LIST_ITEM_LENGTH = 80
PRONOUN_CHOICES = [
    ("", _("Not asked yet")),
    ("she/her", "she/her"),
    ("he/him", "he/him"),
    ("they/them", "they/them"),
    ("she/they", "she/they"),
    ("he/they", "he/they"),
    ("self", _("In their own words")),
]
COMMON_PRONOUNS = {value for value, _label in PRONOUN_CHOICES if value not in {"", "self"}}
CHANNEL_CHOICES = [("", _("No choice")), *ContactChannel.choices]

# Each of these can be answered "prefer not to say"; that answer is kept as an answer.
DECLINABLE = (
    "legal_name",
    "pronouns",
    "date_of_birth",
    "preferred_language",
    "gender_identity",
    "race_ethnicity",
    "sexual_orientation",
    "veteran_status",
    "referral_source",
    "substances_of_concern",
)

SECTIONS: list[tuple[str | Promise, list[str]]] = [
    (
        _("About them"),
        [
            "preferred_name", "pronoun_choice", "pronouns_self", "legal_name", "date_of_birth",
            "age_range", "preferred_language", "needs_interpreter", "interpreter_language",
            "gender_identity", "race_ethnicity", "sexual_orientation", "veteran_status",
            "referral_source", "referral_detail",
        ],
    ),
    (
        _("How to reach them, as they choose"),
        [
            "channel_1", "channel_2", "channel_3", "phone", "phone_other", "email",
            "contact_again", "safe_times", "texts_from", "texts_until", "voicemail_ok",
            "organization_name_ok", "contact_note",
        ],
    ),
    (
        _("What helps, and what to avoid"),
        [
            "helps_feel_safe", "please_avoid", "support_style", "strengths_text",
            "interests_text", "values_text",
        ],
    ),
    (
        _("Recovery pathways"),
        ["pathways", "pathway_other", "substances_of_concern"],
    ),
]  # fmt: skip


def _lines(raw: str) -> list[str]:
    seen: list[str] = []
    for line in raw.splitlines():
        item = " ".join(line.split())
        if item and item.lower() not in {s.lower() for s in seen}:
            seen.append(item)
    if len(seen) > LIST_ITEMS_MAX:
        raise forms.ValidationError(
            _("Please keep this to %(max)d lines or fewer.") % {"max": LIST_ITEMS_MAX}
        )
    if any(len(item) > LIST_ITEM_LENGTH for item in seen):
        raise forms.ValidationError(
            _("Each line can be up to %(max)d characters.") % {"max": LIST_ITEM_LENGTH}
        )
    return seen


class ParticipantForm(forms.ModelForm):
    preferred_language = LanguageField(label=_("Preferred language"), required=False, max_length=80)
    interpreter_language = LanguageField(
        label=_("Interpreter's language"), required=False, max_length=80
    )
    pronoun_choice = forms.ChoiceField(label=_("Pronouns"), choices=PRONOUN_CHOICES, required=False)
    pronouns_self = forms.CharField(
        label=_("Pronouns, in their own words"), max_length=60, required=False
    )
    channel_1 = forms.ChoiceField(label=_("First choice"), choices=CHANNEL_CHOICES, required=False)
    channel_2 = forms.ChoiceField(label=_("Second choice"), choices=CHANNEL_CHOICES, required=False)
    channel_3 = forms.ChoiceField(label=_("Third choice"), choices=CHANNEL_CHOICES, required=False)
    strengths_text = forms.CharField(
        label=_("Strengths"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in their words."),
    )
    interests_text = forms.CharField(
        label=_("Interests"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    values_text = forms.CharField(
        label=_("What matters to them"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    pathways = forms.MultipleChoiceField(
        label=_("Pathways they use now (any, none ranked)"),
        choices=Pathway.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Participant
        fields = [
            "preferred_name", "legal_name", "date_of_birth", "age_range", "preferred_language",
            "needs_interpreter", "interpreter_language", "gender_identity", "race_ethnicity",
            "sexual_orientation", "veteran_status",
            "referral_source", "referral_detail", "phone", "phone_other", "email", "safe_times",
            "texts_from", "texts_until",
            "voicemail_ok", "organization_name_ok", "contact_note", "helps_feel_safe",
            "please_avoid", "support_style", "pathway_other", "substances_of_concern",
        ]  # fmt: skip
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contact_note": forms.TextInput,
            "helps_feel_safe": forms.Textarea(attrs={"rows": 3}),
            "please_avoid": forms.Textarea(attrs={"rows": 3}),
            "support_style": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "phone_other": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "texts_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "texts_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "preferred_name": _("The only thing Cairn needs. Use the name they want to be called."),
            "legal_name": _("Only if they want to share it; shown only where needed."),
            "date_of_birth": _("Or give an age range below."),
            "preferred_language": _("Type any language; the common ones are suggested."),
            "interpreter_language": _("Leave empty if it is their preferred language."),
            "phone": _("For example 617-555-0142."),
            "contact_note": _("For example what to say if someone else answers."),
            "texts_from": _(
                "Cairn's texts wait for these hours. Leave both empty if any time is fine."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_name"].required = True
        for name in DECLINABLE:
            self.fields[f"{name}_declined"] = forms.BooleanField(
                label=_("Prefer not to say"), required=False
            )
        for name, choices in (
            ("age_range", AgeRange.choices),
            ("veteran_status", VeteranStatus.choices),
            ("referral_source", ReferralSource.choices),
        ):
            field: forms.ChoiceField = self.fields[name]  # type: ignore[assignment]
            field.choices = [("", _("Not asked yet")), *choices]
        instance: Participant = self.instance
        if instance.no_contact_since is not None:
            # Lifting "please don't contact me" is their choice, confirmed, not a slip.
            self.fields["contact_again"] = forms.BooleanField(
                label=_("They told us they want to be contacted again"),
                required=False,
                help_text=_("Needed to choose other ways to reach them."),
            )
        if instance.pk and not self.is_bound:
            self._fill_initial(instance)

    def _fill_initial(self, instance: Participant) -> None:
        pronouns = instance.pronouns
        if pronouns in COMMON_PRONOUNS or not pronouns:
            self.initial["pronoun_choice"] = pronouns
        else:
            self.initial["pronoun_choice"] = "self"
            self.initial["pronouns_self"] = pronouns
        for index, channel in enumerate(instance.contact_channels[:3], start=1):
            self.initial[f"channel_{index}"] = channel
        self.initial["strengths_text"] = "\n".join(instance.strengths)
        self.initial["interests_text"] = "\n".join(instance.interests)
        self.initial["values_text"] = "\n".join(instance.values)
        self.initial["pathways"] = instance.pathways
        self.initial["version"] = instance.version
        for name in instance.declined:
            self.initial[f"{name}_declined"] = True

    def sections(self) -> list[tuple[str | Promise, list[tuple[forms.BoundField, Any]]]]:
        """Fields grouped for the page, each with its 'prefer not to say' box if it has one."""
        grouped = []
        for title, names in SECTIONS:
            rows = []
            for name in names:
                if name not in self.fields:
                    continue
                declinable = "pronouns" if name == "pronoun_choice" else name
                declined = self[f"{declinable}_declined"] if declinable in DECLINABLE else None
                rows.append((self[name], declined))
            grouped.append((title, rows))
        return grouped

    def clean_date_of_birth(self) -> date | None:
        born: date | None = self.cleaned_data.get("date_of_birth")
        if born is None:
            return None
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("That date is in the future. Please check the year."))
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age < MIN_AGE:
            raise forms.ValidationError(
                _("Cairn is for people %(min)d and older. Please check the year.")
                % {"min": MIN_AGE}
            )
        if age > 120:
            raise forms.ValidationError(_("That date is over 120 years ago. Please check it."))
        return born

    def clean_phone(self) -> str:
        return to_e164(self.cleaned_data.get("phone", ""))

    def clean_phone_other(self) -> str:
        return to_e164(self.cleaned_data.get("phone_other", ""))

    def clean_strengths_text(self) -> list[str]:
        return _lines(self.cleaned_data.get("strengths_text", ""))

    def clean_interests_text(self) -> list[str]:
        return _lines(self.cleaned_data.get("interests_text", ""))

    def clean_values_text(self) -> list[str]:
        return _lines(self.cleaned_data.get("values_text", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("pronoun_choice", "")
        if choice == "self":
            if not data.get("pronouns_self", "").strip():
                self.add_error("pronouns_self", _("Write their pronouns, or pick another option."))
            data["pronouns"] = data.get("pronouns_self", "").strip()
        else:
            data["pronouns"] = choice
        channels = [data.get(f"channel_{i}", "") for i in (1, 2, 3)]
        chosen = [c for c in channels if c]
        if len(set(chosen)) != len(chosen):
            self.add_error("channel_2", _("Each way of reaching them can be chosen once."))
        if ContactChannel.NONE in chosen and len(chosen) > 1:
            self.add_error(
                "channel_1", _("'Please don't contact me' can't be combined with other ways.")
            )
        data["contact_channels"] = chosen
        lifting = self.instance.no_contact_since is not None and ContactChannel.NONE not in chosen
        if lifting and not data.get("contact_again"):
            self.add_error(
                "contact_again",
                _("They asked not to be contacted. Tick this only if they told you otherwise."),
            )
        if data.get("needs_interpreter") and not (
            data.get("interpreter_language") or data.get("preferred_language")
        ):
            self.add_error(
                "interpreter_language", _("Which language should the interpreter speak?")
            )
        if (data.get("texts_from") is None) != (data.get("texts_until") is None):
            self.add_error("texts_until", _("Give both times, or leave both empty."))
        data["strengths"] = data.get("strengths_text", [])
        data["interests"] = data.get("interests_text", [])
        data["values"] = data.get("values_text", [])
        declined = [name for name in DECLINABLE if data.get(f"{name}_declined")]
        for name in declined:
            data[name] = None if name == "date_of_birth" else ""
            if name == "date_of_birth":
                data["age_range"] = ""
        data["declined"] = declined
        return data

    def participant_values(self) -> dict[str, Any]:
        """The stored fields and their new values, ready for the services."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.Meta.fields}
        for name in (
            "pronouns",
            "contact_channels",
            "strengths",
            "interests",
            "values",
            "declined",
        ):
            values[name] = data[name]
        values["pathways"] = list(data.get("pathways", []))
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = value.strip()
        return values


class IntakeForm(OneTimeKeyForm, ParticipantForm):
    """Enrolment: the same questions, plus who walks beside them; sent twice, it enrols once."""

    status = forms.ChoiceField(
        label=_("Where they are with us"),
        choices=[
            (ParticipantStatus.ACTIVE, _("Starting now (active)")),
            (ParticipantStatus.REFERRED, _("Referred, not yet met")),
        ],
        initial=ParticipantStatus.ACTIVE,
        required=False,
    )
    coach = forms.ModelChoiceField(label=_("Primary coach"), queryset=User.objects.none())
    confirm_new = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False
    )

    def __init__(self, *args: Any, coaches: Any, default_coach: User | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        coach_field: forms.ModelChoiceField = self.fields["coach"]  # type: ignore[assignment]
        coach_field.queryset = coaches
        coach_field.empty_label = None if default_coach else _("Choose a coach")
        if default_coach is not None:
            self.fields["coach"].initial = default_coach.pk


class StatusForm(OneTimeKeyForm, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ParticipantStatus.choices)
    effective_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason, in plain words"),
        max_length=300,
        required=False,
        help_text=_("For example 'Moved to another city' or 'Wants a break over the summer'."),
    )

    def clean_effective_on(self) -> date:
        effective: date = self.cleaned_data["effective_on"]
        if effective > timezone.localdate():
            raise forms.ValidationError(_("A status change can't start in the future."))
        return effective


class TransferForm(forms.Form):
    coach = forms.ModelChoiceField(label=_("New primary coach"), queryset=User.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)
    secondary_coach = forms.ModelChoiceField(
        label=_("Secondary coach"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    handover_note = forms.CharField(
        label=_("Handover note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the new coach should know first: strengths, what helps, next steps."),
    )

    def __init__(self, *args: Any, coaches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("coach", "secondary_coach"):
            field: forms.ModelChoiceField = self.fields[name]  # type: ignore[assignment]
            field.queryset = coaches

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("coach") and data.get("coach") == data.get("secondary_coach"):
            self.add_error("secondary_coach", _("Choose a different person, or none."))
        return data


class SupportPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    relationship = forms.CharField(label=_("Relationship"), max_length=80, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    may_contact = forms.BooleanField(
        label=_("They allow us to contact this person"), required=False
    )
    contact_purpose = forms.CharField(
        label=_("For what"),
        max_length=200,
        required=False,
        help_text=_("For example 'only if I miss two check-ins'."),
    )

    def clean_phone(self) -> str:
        return to_e164(self.cleaned_data.get("phone", ""))


class NewSupportPersonForm(OneTimeKeyForm, SupportPersonForm):
    """Someone they name for the first time; added once however often the form is sent."""


class EmergencyAccessForm(OneTimeKeyForm, forms.Form):
    preferred_name = forms.CharField(label=_("Name they go by"), max_length=120)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    phone = forms.CharField(
        label=_("Or their phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    reason = forms.CharField(
        label=_("Why you need this record now"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example 'Pat is at the front desk in crisis and their coach is off "
            "today'. Your manager reviews every emergency access."
        ),
    )

    def clean_phone(self) -> str:
        return to_e164(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("date_of_birth") and not data.get("phone"):
            raise forms.ValidationError(
                _("Give their date of birth or phone as well, so the right record opens.")
            )
        return data


class EmergencyReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=300, required=False)
