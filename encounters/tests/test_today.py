"""Today's long lists: the first people with a "Show all" link that works without JavaScript,
and each person's line reading as it did when the template built it."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from participants.models import Participant, ParticipantStatus

pytestmark = pytest.mark.django_db


def _section(page: str, heading: str) -> str:
    return page.split(f'id="{heading}"')[1].split("</section>")[0]


def _ana_open(demo: DemoWorld):
    """Ana's open caseload, as Today reads it (primary or secondary coach)."""
    ana = demo.users["ana"]
    return Participant.objects.filter(
        Q(coach=ana) | Q(secondary_coach=ana), status__in=ParticipantStatus.open()
    )


def test_a_long_overdue_list_shows_its_first_people_and_offers_all(
    demo, client_for, monkeypatch
) -> None:
    monkeypatch.setattr("encounters.today_views.LONG_LIST", 2)
    people = _ana_open(demo)
    everyone = people.count()
    assert everyone > 2
    people.update(next_contact_on=timezone.localdate() - timedelta(days=3))
    client = client_for("ana")
    overdue = _section(client.get("/today/").content.decode(), "overdue-heading")
    assert overdue.count("<li ") == 2
    assert f"Show all {everyone} people still waiting" in overdue
    assert 'href="?show=overdue#overdue-heading"' in overdue
    overdue = _section(client.get("/today/?show=overdue").content.decode(), "overdue-heading")
    assert overdue.count("<li ") == everyone and "Show all" not in overdue


def test_a_long_quiet_list_shows_its_first_people_and_offers_all(
    demo, client_for, monkeypatch
) -> None:
    monkeypatch.setattr("encounters.today_views.LONG_LIST", 2)
    people = _ana_open(demo)
    everyone = people.count()
    long_ago = timezone.localdate() - timedelta(days=60)
    people.update(next_contact_on=None, last_contact_on=long_ago, enrolled_on=long_ago)
    client = client_for("ana")
    quiet = _section(client.get("/today/").content.decode(), "quiet-heading")
    assert quiet.count("<li>") == 2
    assert f"Show all {everyone} people not in touch for a while" in quiet
    quiet = _section(client.get("/today/?show=quiet").content.decode(), "quiet-heading")
    assert quiet.count("<li>") == everyone and "Show all" not in quiet


def test_a_short_list_has_no_show_all_link(demo, client_for) -> None:
    _ana_open(demo).update(next_contact_on=timezone.localdate() - timedelta(days=3))
    page = client_for("ana").get("/today/").content.decode()
    assert "Show all" not in page


def test_a_due_row_reads_how_to_reach_them_with_their_words_escaped(demo, client_for) -> None:
    today = timezone.localdate()
    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(
        next_contact_on=today,
        contact_channels=["call", "text"],
        safe_times="<b>after 6</b> & weekends",
        voicemail_ok=False,
        organization_name_ok=False,
    )
    due = _section(client_for("ana").get("/today/").content.decode(), "due-heading")
    when = f"{today.day} {today.strftime('%b %Y')}"
    assert (
        '<span class="reach">Phone call, Text message · safe times: '
        "&lt;b&gt;after 6&lt;/b&gt; &amp; weekends · no voicemail · "
        f"don't name the organization</span> · due {when}</span>"
    ) in due
    assert f'<li id="due-{pat.id}">' in due
    assert f'<a href="/participants/{pat.id}/"><bdi>Pat</bdi></a>' in due
    assert f'hx-get="/today/outcome/{pat.id}/"' in due
    write = [a for a in elements(due, "a") if a.attrs["href"] == f"/contacts/new/{pat.id}/"]
    assert [a.text for a in write] == ["Write a check-in: Pat"]
    assert write[0].visible == "Write a check-in"


def test_a_quiet_row_says_when_they_were_last_in_touch(demo, client_for) -> None:
    pat = Participant.objects.get(user__username="pat")
    last = timezone.localdate() - timedelta(days=45)
    Participant.objects.filter(pk=pat.pk).update(
        status="active", next_contact_on=None, last_contact_on=last, contact_channels=[]
    )
    quiet = _section(client_for("ana").get("/today/").content.decode(), "quiet-heading")
    assert f"Last contact {last.day} {last.strftime('%b %Y')} · " in quiet
    assert "No preference recorded" in quiet
