"""A dashboard table and chart written in Python read exactly as the templates they replaced
(`reports/_table.html`, `reports/_bar_chart.html`, kept here) wrote them."""

from pathlib import Path

import pytest
from django.template import Context, Template

from reports.charts import bar_chart
from reports.tables import Linked, Table

# The templates as they were, without the file's last line end (the page holds the tag itself).
ORIGINAL = (Path(__file__).parent / "table_template.html").read_text().removesuffix("\n")


def _linked(text: str, href: str, label: str) -> Linked:
    cell = Linked(text)
    cell.href, cell.label = href, label
    return cell


TABLES = [
    Table(
        key="by-type",
        caption="Contacts by type & month",
        columns=["Jan 2026", "Feb <2026>"],
        rows=[
            ("Phone", [_linked("3", "/reports/rows/x/?a=1&b=2", "contacts behind: 3"), "0"]),
            ('In "person"', ["—", "<5"]),
        ],
        note="Counts under 5 are hidden.",
    ),
    Table(key="empty", caption="Nothing here", columns=["A", "B", "C"], rows=[]),
]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_a_table_reads_as_the_template_wrote_it(table: Table) -> None:
    expected = Template(ORIGINAL).render(Context({"table": table}))
    written = Template("{% load report_tables %}{% report_table table %}")
    assert written.render(Context({"table": table})) == expected


CHART_ORIGINAL = (Path(__file__).parent / "bar_chart_template.html").read_text().removesuffix("\n")


def test_a_chart_reads_as_the_template_wrote_it() -> None:
    chart = bar_chart(
        [("Jan <2026>", 12, "12"), ("Feb", None, "<11"), ("Mar", 3.5, "3.5 & more")],
        key="contacts",
        title='Contacts "by" month',
        summary="Most in January & fewest in March.",
    )
    expected = Template(CHART_ORIGINAL).render(Context({"chart": chart}))
    written = Template("{% load report_tables %}{% report_chart chart %}")
    assert written.render(Context({"chart": chart})) == expected
