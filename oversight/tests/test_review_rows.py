"""The audit review's rows written in Python read exactly as the template loop wrote them."""

import uuid
from pathlib import Path

from django.template import Context, Template

from oversight.rows import ReviewRow

ORIGINAL = (Path(__file__).parent / "review_rows_template.html").read_text()

ROWS = [
    ReviewRow("4 Dec 2026, 5:05 PM", "ana", "Coach", "Viewed", False, "Participant", uuid.uuid4(),
              "Pat <O'Brien> & co", "Notes, \"Goals\""),
    ReviewRow("4 Dec 2026, 5:06 PM", "", "", "Role changed", True, "Membership", None, "", ""),
    ReviewRow("4 Dec 2026, 5:07 PM", "mia", "Program manager", "Exported", False, "Export",
              uuid.uuid4(), "", "Everything"),
]  # fmt: skip


def test_the_rows_read_as_the_template_wrote_them() -> None:
    context = {"rows": ROWS}
    expected = Template("{% load i18n %}" + ORIGINAL).render(Context(context))
    written = Template("{% load audit_labels %}  {% review_table_rows rows %}\n").render(
        Context(context)
    )
    assert written == expected
    assert "Pat &lt;O&#x27;Brien&gt; &amp; co" in written
