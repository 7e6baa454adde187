"""Every date and time field says, in its help text, how Cairn writes what is typed there.

Date and time inputs stay native (`<input type="date">`, `<input type="time">`): the browser gives
a keyboard- and screen-reader-friendly picker, but shows it in the browser's own order, which no
page can change. So the field's help text (announced through `aria-describedby`) names the one
style the pages use, on the organization's clock. Set as the form renderer's bound field."""

from datetime import date, time
from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext

from lib.html_text import escape_text
from lib.when import show_date, show_time

_SAMPLE_DAY = date(2026, 12, 4)
_SAMPLE_TIME = time(17, 5)


def format_hint(input_type: str | None) -> str:
    if input_type == "date":
        return gettext(
            "Your browser may show the date its own way; Cairn writes it as %(example)s."
        ) % {"example": show_date(_SAMPLE_DAY)}
    if input_type == "time":
        return gettext(
            "Your browser may show the time its own way; Cairn writes it as %(example)s."
        ) % {"example": show_time(_SAMPLE_TIME)}
    return ""


class FormatHintBoundField(BoundField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = format_hint(getattr(self.field.widget, "input_type", None))
        # A filter bar sets `format_hints = False`: a sentence under one of its boxes would
        # push that box out of line with the others.
        if hint and getattr(self.form, "format_hints", True):
            self.help_text = f"{self.help_text} {hint}".strip() if self.help_text else hint


SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Django's widget templates that are only `{% include "django/forms/widgets/input.html" %}`
# (lib/tests/test_select_html.py checks that they still are).
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's `attrs.html`: ` name="value"` each, a bare name for True, nothing for False."""
    return "".join(_attr(name, value) for name, value in attrs.items() if value is not False)


def _attr(name: str, value: Any) -> str:
    if value is True:
        return f" {escape_text(name)}"
    return " " + f"{escape_text(name)}=" + '"' + f"{escape_text(value)}" + '"'


def select_html(widget: dict[str, Any]) -> str | None:
    """Django's `select.html` and `select_option.html` written in Python, to the character:
    through templates, each option was an include, and a filter bar's few selects took a
    quarter of the dashboard's rendering. None when an option has a template of its own."""
    parts = [f'<select name="{escape_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            value, attrs = escape_text(option["value"]), _attrs(option["attrs"])
            label = escape_text(option["label"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips what the template ends with
    return "".join(parts)


def input_html(widget: dict[str, Any]) -> str:
    """Django's `input.html` written in Python, to the character (a form of a dozen boxes made
    two dozen template renders)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape_text(value)}"'
    return (
        f'<input type="{escape_text(widget["type"])}" '
        f'name="{escape_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


class CairnFormRenderer(DjangoTemplates):
    bound_field_class = FormatHintBoundField

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT and request is None:
            html = select_html(context["widget"])
            if html is not None:
                return html
        if template_name in INPUTS and request is None:
            return input_html(context["widget"])
        rendered: str = super().render(template_name, context, request)
        return rendered
