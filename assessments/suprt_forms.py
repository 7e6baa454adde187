"""The SUPRT form, built from an instrument definition: one field per item by its kind, a second
"special answer" choice beside dates, numbers, words and ticked lists, and skip-logic hints."""

import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import engine
from assessments.engine import Answer, ItemKind
from lib.once import OneTimeKeyForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SPECIAL = "__special"
NOT_A_CHOICE = _("That answer isn't one of the choices. Please choose again; nothing else is lost.")
BOTH = _("Give an answer or choose one of the options below it, not both.")


def field_name(item: engine.Item) -> str:
    return f"item_{item.key}"


def _conditions(conditions: tuple[engine.Condition, ...]) -> str:
    return json.dumps([{"item": c.item, "values": sorted(c.values)} for c in conditions])


class SuprtForm(OneTimeKeyForm, forms.Form):
    """Every item optional; answers are checked again by the engine when saved."""

    administered_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(
        self,
        *args: Any,
        instrument: engine.Instrument,
        language: str,
        prefill: dict[str, Answer] | None = None,
        with_date: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        if with_date:
            self.fields["administered_on"].initial = timezone.localdate()
        else:
            del self.fields["administered_on"]
        for item in instrument.items:
            self._add(item, (prefill or {}).get(item.key))

    def _add(self, item: engine.Item, known: Answer | None) -> None:
        lang = self.language
        options = [(str(o.value), o.label(lang)) for o in item.options]
        specials = [(str(o.value), o.label(lang)) for o in item.specials]
        errors = {"invalid_choice": NOT_A_CHOICE}
        field: forms.Field
        if item.kind == ItemKind.CHOICE:
            field = forms.ChoiceField(
                choices=options + specials, widget=forms.RadioSelect, error_messages=errors
            )
            specials = []  # shown in the same radio group
        elif item.kind == ItemKind.MULTI:
            field = forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, error_messages=errors
            )
        elif item.kind == ItemKind.DATE:
            field = forms.DateField(widget=DATE)
        elif item.kind == ItemKind.MONTH_YEAR:
            field = forms.RegexField(
                regex=r"^\d{4}-(0[1-9]|1[0-2])$",
                widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
                error_messages={"invalid": _("Write the month as YYYY-MM, for example 1990-04.")},
            )
        elif item.kind == ItemKind.NUMBER:
            field = forms.IntegerField(min_value=item.minimum, max_value=item.maximum)
        else:
            field = forms.CharField(max_length=item.max_length)
        field.required = False
        field.label = item.text(lang)
        setattr(field, "item", item)  # noqa: B010  (the templates read it, as in forms.py)
        self.fields[field_name(item)] = field
        if specials:
            self.fields[field_name(item) + SPECIAL] = forms.ChoiceField(
                label=item.short(lang),
                choices=specials,
                required=False,
                widget=forms.RadioSelect,
                error_messages=errors,
            )
        if known is not None and not self.is_bound:
            self._initial(item, known)

    def _initial(self, item: engine.Item, known: Answer) -> None:
        name = field_name(item)
        if known.value is not None and item.special(known.value) and item.kind != ItemKind.CHOICE:
            self.fields[name + SPECIAL].initial = str(known.value)
        elif item.kind == ItemKind.MULTI:
            self.fields[name].initial = sorted(str(v) for v in known.chosen(item.kind))
        elif known.value is not None:
            self.fields[name].initial = (
                known.value if item.kind == ItemKind.NUMBER else str(known.value)
            )
        else:
            self.fields[name].initial = known.text

    def clean_administered_on(self) -> Any:
        day = self.cleaned_data["administered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An assessment can't be dated in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.instrument.items:
            name = field_name(item)
            given = data.get(name)
            if data.get(name + SPECIAL) and given not in (None, "", []):
                self.add_error(name, BOTH)
        return data

    def sections(self) -> list[dict[str, Any]]:
        """The form as the template lays it out: sections, each with its items' fields."""
        rows: list[dict[str, Any]] = []
        by_key = {s.key: s for s in self.instrument.sections}
        for item in self.instrument.items:
            if not rows or rows[-1]["key"] != item.section:
                section = by_key.get(item.section)
                rows.append(
                    {
                        "key": item.section,
                        "title": section.title(self.language) if section else "",
                        "show_if": _conditions(section.show_if) if section else "[]",
                        "hide_if": _conditions(section.hide_if) if section else "[]",
                        "items": [],
                    }
                )
            special = (
                self[field_name(item) + SPECIAL]
                if item.specials and item.kind != ItemKind.CHOICE
                else None
            )
            rows[-1]["items"].append(
                {
                    "item": item,
                    "field": self[field_name(item)],
                    "special": special,
                    "why": item.why(self.language),
                    "show_if": _conditions(item.show_if),
                    "hide_if": _conditions(item.hide_if),
                    "conditional": bool(item.show_if or item.hide_if),
                }
            )
        return rows

    def answers(self) -> dict[str, Answer]:
        found: dict[str, Answer] = {}
        for item in self.instrument.items:
            name = field_name(item)
            special = self.cleaned_data.get(name + SPECIAL)
            given = self.cleaned_data.get(name)
            if special:
                found[item.key] = Answer(value=int(special))
            elif item.kind == ItemKind.CHOICE:
                found[item.key] = Answer(value=int(given) if given else None)
            elif item.kind == ItemKind.NUMBER:
                found[item.key] = Answer(value=given)
            elif item.kind == ItemKind.MULTI:
                found[item.key] = Answer(text=engine.MULTI_SEPARATOR.join(given or []))
            elif item.kind == ItemKind.DATE:
                found[item.key] = Answer(text=given.isoformat() if given else "")
            else:
                found[item.key] = Answer(text=given or "")
        return found
