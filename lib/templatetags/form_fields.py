"""A form field with its label, help and errors, written in Python: `includes/field.html`.

Pages include that template once per field (135 places); through the template language, the
filter bar of the dashboard spent about 5 ms on its eleven fields. This writes the same HTML,
character for character (lib/tests/test_field_html.py renders both and compares).
"""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from lib.html_text import escape_text

register = template.Library()


@register.simple_tag
def field_html(field: BoundField) -> SafeString:
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308  # the widget's own rendering, already safe
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    errors = field.errors
    label = escape_text(field.label)
    ident = escape_text(field.id_for_label)
    optional = (
        ""
        if field.field.required
        else f' <span class="optional">{escape_text(gettext("(optional)"))}</span>'
    )
    if (input_type == "checkbox" and getattr(widget, "allow_multiple_selected", False)) or (
        input_type == "radio"
    ):
        shown = f'<fieldset class="choices"><legend>{label}{optional}</legend>{field}</fieldset>'
    elif input_type == "checkbox":
        shown = f'{field} <label for="{ident}">{label}</label>'
    else:
        shown = f'<label for="{ident}">{label}{optional}</label>\n  {field}'
    help_text = (
        f'<p class="help" id="{ident}_helptext">{escape_text(field.help_text)}</p>'
        if field.help_text
        else ""
    )
    error_text = (
        f'<p class="error" id="{ident}_error">{" ".join(escape_text(e) for e in errors)}</p>'
        if errors
        else ""
    )
    findings = (
        f'<div id="lang-{escape_text(field.html_name)}" class="lang-findings" '
        'aria-live="polite"></div>'
        if widget.attrs.get("hx_lang")
        else ""
    )
    return mark_safe(  # noqa: S308  # every value escaped above; the widget renders itself
        f'<div class="field{" has-error" if errors else ""}">\n  \n  {shown}\n  \n  '
        f"{help_text}\n  {error_text}\n  {findings}\n</div>"
    )
