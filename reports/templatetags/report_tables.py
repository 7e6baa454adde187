"""A dashboard table's row of cells, written in Python: the page links some 700 counts, and
the template language took most of the page's time evaluating `cell.href` on each one."""

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def table_cells(cells: list[Any]) -> SafeString:
    """`<td>` per count; a count with rows behind it (`reports.tables.Linked`) links to them."""
    linked = '<td class="num"><a href="{}" aria-label="{}">{}</a></td>'
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(linked, cell.href, cell.label, cell)
                if getattr(cell, "href", "")
                else format_html('<td class="num">{}</td>', cell),
            )
            for cell in cells
        ),
    )
