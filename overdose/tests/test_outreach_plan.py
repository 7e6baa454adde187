"""The program's post-overdose outreach plan: how soon (24 to 72 hours) and its steps, shown
with the outreach on the coach's Today."""

from datetime import timedelta

import pytest

from overdose.models import OutreachPlan, OverdoseEvent
from overdose.tests.test_overdose import _event, _pat

pytestmark = pytest.mark.django_db


def _today_outreach(client) -> str:
    page = client.get("/today/").content.decode()
    return page.split('id="overdose-outreach-heading"')[1].split("</section>")[0]


def test_the_default_plan_has_steps_on_today(demo, client_for) -> None:
    ana = client_for("ana")
    ana.post(f"/overdose/participant/{_pat().id}/overdose/", _event())
    section = _today_outreach(ana)
    assert "Offer naloxone and show how to use it" in section
    assert "<summary>Steps" in section


def test_mia_sets_24_hours_and_the_programs_own_steps(demo, client_for) -> None:
    mia = client_for("mia")
    page = mia.get("/overdose/outreach-plan/").content.decode()
    assert "Between 24 and 72 hours" in page and "Look at their safety plan together" in page
    response = mia.post(
        "/overdose/outreach-plan/",
        {"within_hours": "24", "steps": "Call within a day\n\nBring a kit and a coffee\n"},
    )
    assert response.status_code == 302
    plan = OutreachPlan.objects.get(organization=_pat().organization)
    assert plan.within_hours == 24 and plan.steps == "Call within a day\nBring a kit and a coffee"
    ana = client_for("ana")
    ana.post(f"/overdose/participant/{_pat().id}/overdose/", _event())
    event = OverdoseEvent.objects.get()
    assert event.outreach_due_at is not None
    assert timedelta(hours=23) < event.outreach_due_at - event.recorded_at <= timedelta(hours=24)
    section = _today_outreach(ana)
    assert "Bring a kit and a coffee" in section and "Offer naloxone" not in section


def test_hours_outside_24_to_72_and_too_many_steps_are_refused_and_kept(demo, client_for) -> None:
    mia = client_for("mia")
    page = mia.post("/overdose/outreach-plan/", {"within_hours": "96", "steps": "Call"})
    assert page.status_code == 200
    assert "Choose between 24 and 72 hours." in page.content.decode()
    steps = "\n".join(f"Step {n}" for n in range(12))
    page = mia.post("/overdose/outreach-plan/", {"within_hours": "48", "steps": steps})
    assert "10 steps or fewer" in page.content.decode() and "Step 11" in page.content.decode()
    assert not OutreachPlan.objects.exists()


def test_only_managers_and_admins_set_the_plan(demo, client_for) -> None:
    for name in ("ana", "sam", "pat"):
        assert client_for(name).get("/overdose/outreach-plan/").status_code in (302, 403, 404)
    assert client_for("max").get("/overdose/outreach-plan/").status_code == 200


def test_each_figure_opens_the_rows_behind_it(demo, client_for) -> None:
    from django.utils import timezone

    ana = client_for("ana")
    ana.post(f"/overdose/participant/{_pat().id}/overdose/", _event())
    month = timezone.localdate().strftime("%Y-%m")
    figures = client_for("mia").get("/overdose/").content.decode()
    link = f"/overdose/rows/?measure=overdoses&amp;month={month}"
    assert link in figures
    rows = client_for("mia").get(f"/overdose/rows/?measure=overdoses&month={month}")
    table = rows.content.decode().split('id="overdose-rows"')[1].split("</table>")[0]
    assert "Pat" in table and table.count("<tr>") == 2  # the header and Pat's overdose
    # Another program's manager, a bad month or a made-up measure: nothing.
    assert (
        client_for("rio").get(f"/overdose/rows/?measure=overdoses&month={month}").status_code
        in (
            403,
            404,
        )
        or "Pat"
        not in client_for("rio")
        .get(f"/overdose/rows/?measure=overdoses&month={month}")
        .content.decode()
    )
    assert (
        client_for("mia").get("/overdose/rows/?measure=overdoses&month=2026-13").status_code == 404
    )
    assert client_for("mia").get(f"/overdose/rows/?measure=names&month={month}").status_code == 404
    # The de-identified view links to no rows.
    assert (
        "/overdose/rows/"
        not in client_for("mia").get("/overdose/?numbers=deidentified").content.decode()
    )
