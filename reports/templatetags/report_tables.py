"""A dashboard table's row of cells, written in Python: the page links some 700 counts, and
the template language took most of the page's time evaluating `cell.href` on each one."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


@register.simple_tag
def report_table(table: Any) -> SafeString:
    """One dashboard table (`reports.tables.Table`), its caption, column heads and rows, written
    as the template `reports/_table.html` wrote it (reports/tests/test_table_html.py)."""
    key = escape_text(table.key)
    heads = "".join(f'<th scope="col">{escape_text(column)}</th>' for column in table.columns)
    if table.rows:
        body = "".join(
            f'\n  <tr><th scope="row">{escape_text(label)}</th>{table_cells(cells)}</tr>'
            for label, cells in table.rows
        )
    else:
        nothing = escape_text(gettext("Nothing to show for these filters."))
        body = f'\n  <tr><td colspan="{len(table.columns) + 1}">{nothing}</td></tr>'
    note = f'\n<p class="help">{escape_text(table.note)}</p>' if table.note else ""
    return mark_safe(  # noqa: S308  # every value escaped above
        f'<table id="{key}-table">\n  <caption id="{key}-caption">{escape_text(table.caption)}'
        f'</caption>\n  <thead><tr><th scope="col"><span class="visually-hidden">'
        f"{escape_text(gettext('Row'))}</span></th>{heads}</tr></thead>\n  <tbody>{body}</tbody>"
        f"\n</table>{note}"
    )


@register.simple_tag
def report_chart(chart: Any) -> SafeString:
    """A dashboard chart (`reports.charts.BarChart`) as SVG with its title, description and
    summary, written as the template `reports/_bar_chart.html` wrote it (numbers unlocalized, as
    under `{% localize off %}`; reports/tests/test_table_html.py compares the two)."""
    key = escape_text(chart.key)
    summary = escape_text(chart.summary)
    beside = escape_text(gettext("The numbers are in the table beside the chart."))
    ticks = "".join(
        f'<line class="grid" x1="{chart.left}" x2="{chart.right}" y1="{tick.position}" '
        f'y2="{tick.position}"/>\n  <text class="tick" x="{_add(chart.left, -8)}" '
        f'y="{_add(tick.position, 4)}" text-anchor="end">{escape_text(tick.label)}</text>'
        for tick in chart.y_ticks
    )
    columns = "".join(
        (
            f'<rect class="bar" x="{c.x}" y="{c.y}" width="{c.width}" height="{c.height}"/>'
            if c.value is not None
            else ""
        )
        + f'\n  <text class="bar-value" x="{c.label_x}" y="{_add(c.y, -6)}" '
        f'text-anchor="middle">{escape_text(c.text)}</text>\n  <text class="tick" '
        f'x="{c.label_x}" y="{_add(chart.bottom, 20)}" text-anchor="middle">'
        f"{escape_text(c.label)}</text>"
        for c in chart.columns
    )
    return mark_safe(  # noqa: S308  # every value escaped above; the numbers are numbers
        f'<figure class="report-chart">\n<svg role="img" aria-labelledby="{key}-title" '
        f'aria-describedby="{key}-desc" viewBox="0 0 {chart.width} {chart.height}" '
        f'class="report-svg" focusable="false">\n  <title id="{key}-title">'
        f'{escape_text(chart.title)}</title>\n  <desc id="{key}-desc">{summary} {beside}</desc>'
        f"\n  {ticks}\n  {columns}\n</svg>\n<figcaption>{summary}</figcaption>\n</figure>"
    )


def _add(value: float, number: int) -> int:
    """The template's `|add:` of a coordinate: whole numbers (`int()` of each side)."""
    return int(value) + number
