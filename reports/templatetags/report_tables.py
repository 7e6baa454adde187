"""A dashboard table's row of cells, written in Python: the page links some 700 counts, and
the template language took most of the page's time evaluating `cell.href` on each one."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from lib.html_text import escape_text

register = template.Library()


@register.filter
def table_cells(cells: list[Any]) -> SafeString:
    """`<td>` per count; a count with rows behind it (`reports.tables.Linked`) links to them.
    One string, every value escaped (format_html per cell was half the filter's time)."""
    parts = []
    for cell in cells:
        count = escape_text(cell)
        href = getattr(cell, "href", "")
        if href:
            label = escape_text(cell.label)
            parts.append(
                f'<td class="num"><a href="{escape_text(href)}" aria-label="{label}">'
                f"{count}</a></td>"
            )
        else:
            parts.append(f'<td class="num">{count}</td>')
    return mark_safe("".join(parts))  # noqa: S308  # escaped above
