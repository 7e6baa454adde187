"""Today's long lists written in Python (encounters.today_rows) read exactly as the template
loops they replaced wrote them, and the page reads as it did."""

import re
from datetime import timedelta

from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone

from cairn.demo import DemoWorld
from encounters.models import Encounter
from participants.models import Participant

# The loops today.html had for "Not in touch for a while" and "Notes left in draft".
QUIET_LOOP = """{% for r in rows.quiet %}
  <li>{{ r.label }}
  <br><span class="muted">{{ r.line }}</span></li>
{% endfor %}"""
DRAFTS_LOOP = """{% for d in rows.drafts %}
  <li><a href="{{ d.url }}">{{ d.label }}</a>{% if d.summary %}<br><span class="muted">{{ d.summary }}</span>{% endif %}</li>
{% endfor %}"""  # noqa: E501


def test_todays_lists_read_as_the_template_loops_wrote_them(demo: DemoWorld, client_for) -> None:
    ana = demo.users["ana"]
    today = timezone.localdate()
    mine = list(Participant.objects.filter(coach=ana).order_by("id"))
    # Someone due today, someone overdue, the rest quiet; a draft with an awkward summary.
    Participant.objects.filter(pk=mine[0].pk).update(next_contact_on=today)
    Participant.objects.filter(pk=mine[1].pk).update(next_contact_on=today - timedelta(days=3))
    Encounter.objects.create(
        organization=mine[2].organization,
        participant=mine[2],
        author=ana,
        contact_type="phone",
        started_at=timezone.now(),
        occurred_on=today,
        summary='Talked about "the move" & <housing>',
    )
    response = client_for("ana").get("/today/")
    page = response.content.decode()
    rows = response.context["rows"]
    assert rows["due"] and rows["overdue"] and rows["quiet"] and rows["drafts"]
    include = get_template("encounters/_today_rows.html")
    for name in ("due", "overdue", "scheduled"):
        expected = include.render({"rows": rows[name]})
        assert rows[f"{name}_html"] == expected, name
        if rows[name]:
            assert expected in page
    for name, loop in (("quiet", QUIET_LOOP), ("drafts", DRAFTS_LOOP)):
        expected = Template(loop).render(Context({"rows": rows}))
        assert rows[f"{name}_html"] == expected, name
        assert expected.strip() and expected in page
    assert "&quot;the move&quot; &amp; &lt;housing&gt;" in rows["drafts_html"]


def test_a_draft_summary_is_escaped(demo: DemoWorld, client_for) -> None:
    from encounters.today_rows import DraftRow, drafts_html

    rows = [DraftRow(url="/x/?a=1&b=2", label="Pat <b>", summary='said "hi" & <left>')]
    expected = Template(DRAFTS_LOOP).render(Context({"rows": {"drafts": rows}}))
    assert drafts_html(rows) == expected
    assert "&lt;left&gt;" in expected and "&amp;b=2" in expected
    assert not re.search(r"<b>|<left>", drafts_html(rows))
