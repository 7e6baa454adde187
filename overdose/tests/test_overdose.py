"""Naloxone kits and overdoses: recorded from a participant's page, post-overdose outreach on the
coach's Today, a death told to the supervisor, and the program's figures by month."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import Action, AuditEvent
from overdose.models import KitGiven, Outcome, OverdoseEvent, Whose
from participants.models import Participant

pytestmark = pytest.mark.django_db


def _pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def _event(**changes: str) -> dict[str, str]:
    values = {
        "whose": Whose.THEIR_OWN,
        "happened_on": str(timezone.localdate() - timedelta(days=1)),
        "place": "the bus station",
        "naloxone_used": "on",
        "reversed": "on",
        "outcome": Outcome.SURVIVED,
        "in_their_words": "My friend had the kit you gave me.",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v != ""}


def test_ana_records_kits_given_and_they_add_up(demo, client_for) -> None:
    ana = client_for("ana")
    url = f"/overdose/participant/{_pat().id}/"
    page = ana.get(url).content.decode()
    assert "No kits recorded yet." in page
    response = ana.post(
        f"{url}kits/", {"given_on": str(timezone.localdate()), "kits": "2", "training_given": "on"}
    )
    assert response.status_code == 302 and response["Location"] == url
    ana.post(f"{url}kits/", {"given_on": str(timezone.localdate()), "kits": "1"})
    page = ana.get(url).content.decode()
    assert "3 kits in all" in page and "training given" in page
    assert (
        AuditEvent.objects.filter(action=Action.CREATE, target_type="overdose.kitgiven").count()
        == 2
    )


def test_a_kit_in_the_future_or_of_zero_is_refused_and_the_form_keeps_it(demo, client_for) -> None:
    url = f"/overdose/participant/{_pat().id}/kits/"
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    response = client_for("ana").post(url, {"given_on": tomorrow, "kits": "0"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a date that has already happened." in page
    assert f'value="{tomorrow}"' in page
    assert not KitGiven.objects.exists()


def test_their_own_overdose_puts_outreach_on_today_within_72_hours(demo, client_for) -> None:
    ana = client_for("ana")
    response = ana.post(f"/overdose/participant/{_pat().id}/overdose/", _event())
    assert response.status_code == 302
    event = OverdoseEvent.objects.get()
    assert event.outreach_due_at is not None
    assert timedelta(hours=71) < event.outreach_due_at - event.recorded_at <= timedelta(hours=72)
    with connection.cursor() as cursor:
        cursor.execute("SELECT place, in_their_words FROM overdose_event")
        [(place, words)] = cursor.fetchall()
    assert "bus" not in place and "friend" not in words
    today = ana.get("/today/").content.decode()
    section = today.split('id="overdose-outreach-heading"')[1].split("</section>")[0]
    assert "Pat" in section and "reach out by" in section
    assert client_for("ben").get("/today/").content.decode().count("overdose-outreach") == 0
    ana.post(f"/overdose/outreach/{event.id}/done/")
    event.refresh_from_db()
    assert event.outreach_done_by == demo.users["ana"]
    assert 'id="overdose-outreach-heading"' not in ana.get("/today/").content.decode()


def test_reversing_someone_elses_overdose_is_celebrated_and_starts_no_outreach(
    demo, client_for
) -> None:
    ana = client_for("ana")
    url = f"/overdose/participant/{_pat().id}/"
    ana.post(f"{url}overdose/", _event(whose=Whose.THEY_HELPED))
    assert OverdoseEvent.objects.get().outreach_due_at is None
    page = ana.get(url).content.decode()
    assert "Pat has reversed an overdose for someone else. That saved a life." in page


def test_reversed_needs_to_say_how(demo, client_for) -> None:
    response = client_for("ana").post(
        f"/overdose/participant/{_pat().id}/overdose/", _event(naloxone_used="")
    )
    assert response.status_code == 400
    assert "Say how it was reversed" in response.content.decode()
    assert not OverdoseEvent.objects.exists()


def test_a_death_closes_outreach_and_sams_today_tells_him(demo, client_for) -> None:
    client_for("ana").post(
        f"/overdose/participant/{_pat().id}/overdose/",
        _event(outcome=Outcome.DIED, reversed="", naloxone_used=""),
    )
    event = OverdoseEvent.objects.get()
    assert event.outreach_due_at is None
    page = client_for("sam").get("/today/").content.decode()
    assert "In memory" in page and "Pat died on" in page and "Their record is kept." in page
    assert Participant.objects.filter(pk=_pat().pk).exists()


def test_managers_read_but_do_not_record_and_others_get_404(demo, client_for) -> None:
    url = f"/overdose/participant/{_pat().id}/"
    assert client_for("mia").get(url).status_code == 200
    assert "Record kits" not in client_for("mia").get(url).content.decode()
    assert client_for("mia").post(f"{url}kits/", {"kits": "1"}).status_code == 403
    assert client_for("ben").get(url).status_code == 404
    assert client_for("rio").get(url).status_code == 404


def test_figures_by_month_count_kits_overdoses_reversals_and_deaths(demo, client_for) -> None:
    ana = client_for("ana")
    url = f"/overdose/participant/{_pat().id}/"
    today = str(timezone.localdate())
    ana.post(f"{url}kits/", {"given_on": today, "kits": "3"})
    # All in this month, whatever day the test runs.
    ana.post(f"{url}overdose/", _event(happened_on=today))
    ana.post(f"{url}overdose/", _event(happened_on=today, whose=Whose.THEY_HELPED))
    page = client_for("mia").get("/overdose/").content.decode()
    row = page.split("<tbody>")[1].split("</tr>")[0]
    # Each figure is the first number in its cell (a figure other than 0 links to its rows).
    cells = [re.search(r">(\d+)<", c).group(1) for c in row.split("<td")[1:]]  # type: ignore[union-attr]
    # Kits given, naloxone used (both events), overdoses, reversals, for someone else, deaths.
    assert cells == ["3", "2", "1", "2", "1", "0"]
    assert client_for("ana").get("/overdose/").status_code == 403
