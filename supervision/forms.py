"""Recording a supervision session and what was agreed in it, keeping the program's topics, and
writing in the journal."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lib.once import OneTimeKeyForm
from supervision.models import Kind, Mode, Owner, Requirement, Topic
from supervision.uploads import MAX_CERTIFICATE_BYTES, Certificate, recognise, well_formed
from supervision.wellbeing import HELP, HELP_QUESTION, QUESTIONS, SCALE, SHORT

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Optional prompts for a journal entry, from the seeds' themes of self-awareness.
PROMPTS = {
    "came_up": _("What came up for me"),
    "reactions": _("What I noticed about my own reactions"),
    "need": _("What I need"),
}


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class SessionForm(OneTimeKeyForm, forms.Form):
    coaches = PersonChoices(
        label=_("With"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=480, initial=60)
    kind = forms.ChoiceField(
        label=_("Individual or group"), choices=Kind.choices, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(label=_("How you met"), choices=Mode.choices, widget=forms.RadioSelect)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("What you talked about and agreed"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen by you and the coaches in the session; never in exports or reports."),
    )

    def __init__(self, *args: Any, coaches: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = coaches  # type: ignore[attr-defined]
        self.fields["topics"].queryset = topics  # type: ignore[attr-defined]

    def clean_held_on(self) -> date:
        held_on: date = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Choose a date that has already happened."))
        return held_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        coaches = data.get("coaches")
        if coaches is not None and data.get("kind") == Kind.INDIVIDUAL and len(coaches) > 1:
            self.add_error("kind", _("Individual supervision is with one coach; choose Group."))
        return data


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ReviewChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class ActionForm(OneTimeKeyForm, forms.Form):
    coach = PersonChoice(
        label=_("Agreed with"),
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    owner = forms.ChoiceField(
        label=_("Who will do it"), choices=Owner.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What was agreed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the coach and the supervisor only."),
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DATE_WIDGET)
    review = ReviewChoice(
        label=_("About a practice review"),
        queryset=Topic.objects.none(),  # the coach's shared reviews, set by the form
        required=False,
        empty_label=_("No practice review"),
        help_text=_("Only reviews the coach shared with the supervisor are listed."),
    )

    def __init__(self, *args: Any, coaches: Any, reviews: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches  # type: ignore[attr-defined]
        self.fields["review"].queryset = reviews  # type: ignore[attr-defined]
        only = list(coaches[:2])
        if len(only) == 1:
            self.initial.setdefault("coach", only[0].pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        coach, review = data.get("coach"), data.get("review")
        if coach is not None and review is not None and review.owner_id != coach.pk:
            self.add_error("review", _("Choose a practice review of the coach it was agreed with."))
        return data


class TopicNameForm(forms.Form):
    name = forms.CharField(label=_("Topic"), max_length=120)

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics = topics  # the program's other topics, for the unique name

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Write the topic's name."))
        if self.topics.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("The program already has a topic with this name."))
        return name


class TopicForm(OneTimeKeyForm, TopicNameForm):
    pass


class TopicEditForm(TopicNameForm):
    is_active = forms.BooleanField(
        label=_("Offered for new sessions"),
        required=False,
        help_text=_("Retired topics stay on the sessions that used them."),
    )


class JournalForm(OneTimeKeyForm, forms.Form):
    prompt = forms.ChoiceField(
        label=_("A prompt, if it helps"),
        choices=[("", _("No prompt")), *PROMPTS.items()],
        required=False,
    )
    text = forms.CharField(
        label=_("Your reflection"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Only you can read this. Not your supervisor, not a manager, not an administrator; "
            "it is never in exports, reports or a record copy. Deleting an entry deletes it."
        ),
    )


class CredentialForm(OneTimeKeyForm, forms.Form):
    name = forms.CharField(
        label=_("Credential"),
        max_length=160,
        help_text=_("For example: Certified Peer Recovery Specialist, CPR, naloxone trainer."),
    )
    number = forms.CharField(label=_("Number"), max_length=80, required=False)
    issued_by = forms.CharField(label=_("Issued by"), max_length=160, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_WIDGET)
    expires_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, ends = data.get("issued_on"), data.get("expires_on")
        if issued and ends and ends <= issued:
            self.add_error("expires_on", _("The end date comes after the issue date."))
        return data


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = [
            "supervision_hours",
            "practice_hours",
            "period_months",
            "training_hours",
            "training_period_months",
        ]
        labels = {
            "supervision_hours": _("Hours of supervision the credential asks for"),
            "practice_hours": _("Hours of supervised practice the credential asks for"),
            "period_months": _("Counted over the last (months)"),
            "training_hours": _("Hours of training the credential asks for"),
            "training_period_months": _("Training counted over the last (months)"),
        }
        help_texts = {
            "period_months": _("Hours older than this no longer count toward the figures."),
            "training_period_months": _(
                "Often the length of the credential's renewal cycle, such as 24 months."
            ),
        }

    def clean_period_months(self) -> int:
        months: int = self.cleaned_data["period_months"]
        if not 1 <= months <= 60:
            raise forms.ValidationError(_("Choose between 1 and 60 months."))
        return months

    def clean_training_period_months(self) -> int:
        months: int = self.cleaned_data["training_period_months"]
        if not 1 <= months <= 60:
            raise forms.ValidationError(_("Choose between 1 and 60 months."))
        return months


class TrainingForm(OneTimeKeyForm, forms.Form):
    topic = forms.CharField(
        label=_("Training"),
        max_length=160,
        help_text=_("For example: Motivational interviewing, Ethics for peer specialists."),
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        max_value=100,
        help_text=_("As on the certificate: 1.5 for an hour and a half."),
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "100"}),
    )
    provider = forms.CharField(label=_("Given by"), max_length=160, required=False)
    taken_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    certificate = forms.FileField(
        label=_("Certificate (PDF, PNG or JPEG, up to 5 MB)"),
        required=False,
        help_text=_(
            "Optional. Only you can download it again. If the file cannot be taken, what you "
            "typed stays here; choose another file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large  # the upload handler skipped a file over the limit

    def clean_hours(self) -> Any:
        hours = self.cleaned_data["hours"]
        if hours <= 0:
            raise forms.ValidationError(_("Write the hours the training lasted, more than 0."))
        return hours

    def clean_taken_on(self) -> date:
        taken_on: date = self.cleaned_data["taken_on"]
        if taken_on > timezone.localdate():
            raise forms.ValidationError(_("Choose a date that has already happened."))
        return taken_on

    def clean_certificate(self) -> Certificate | None:
        if self.too_large:
            raise forms.ValidationError(
                _("That file is larger than 5 MB. Save it at a smaller size and choose it again.")
            )
        upload = self.cleaned_data.get("certificate")
        if not upload:
            return None
        if upload.size > MAX_CERTIFICATE_BYTES:  # when no size-limiting handler read it
            raise forms.ValidationError(
                _("That file is larger than 5 MB. Save it at a smaller size and choose it again.")
            )
        content = upload.read()
        kind = recognise(content)
        if kind is None:
            raise forms.ValidationError(_("Upload the certificate as a PDF, PNG or JPEG file."))
        if not well_formed(content, kind):
            raise forms.ValidationError(
                _(
                    "This file could not be read as a whole %(kind)s: it may be damaged or cut "
                    "short. Save or download it again, then choose it here."
                )
                % {"kind": kind.label}
            )
        return Certificate(content=content, content_type=kind)


class SignLogForm(OneTimeKeyForm, forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Through"), widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if end and end > timezone.localdate():
            self.add_error("end", _("Choose a day that has already happened."))
        elif start and end and start > end:
            self.add_error("end", _("The last day comes on or after the first."))
        elif start and end and (end - start).days > 3 * 366:
            self.add_error("start", _("Sign at most three years at a time."))
        return data


class WellbeingForm(OneTimeKeyForm, forms.Form):
    """The self-check: each statement on the scale (or left blank), a few words if wanted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale = [(str(value), words) for value, words in SCALE.items()]
        for key, statement in QUESTIONS.items():
            self.fields[key] = forms.TypedChoiceField(
                label=statement,
                choices=[("", _("I'd rather not say")), *scale],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{key}_words"] = forms.CharField(
                label=_("%(topic)s, in your own words") % {"topic": SHORT[key]},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields[HELP] = forms.CharField(
            label=HELP_QUESTION,
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def answers(self) -> dict[str, int]:
        data = self.cleaned_data
        return {key: data[key] for key in QUESTIONS if data.get(key) is not None}

    def words(self) -> dict[str, str]:
        data = self.cleaned_data
        found = {key: data.get(f"{key}_words", "") for key in QUESTIONS}
        found[HELP] = data.get(HELP, "")
        return {key: text for key, text in found.items() if text.strip()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.answers() and not self.words():
            raise forms.ValidationError(_("Answer at least one question, or write a few words."))
        return data
