"""The caseload table's rows written in Python read exactly as the template loop wrote them."""

from pathlib import Path

import pytest
from django.template import Context, Template

from cairn.demo import DemoWorld

ORIGINAL = (Path(__file__).parent / "caseload_rows_template.html").read_text()


@pytest.mark.parametrize("who", ["ana", "sam", "mia"])
def test_the_rows_read_as_the_template_wrote_them(demo: DemoWorld, client_for, who: str) -> None:
    response = client_for(who).get("/participants/?status=")
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.object_list) > 1
    values = {
        key: response.context.get(key) for key in ("current_role", "open_statuses", "quiet_cutoff")
    }
    context = Context({**values, "page": page})
    expected = Template("{% load i18n participant_display %}" + ORIGINAL).render(context)
    assert expected.strip()
    assert expected in response.content.decode()
