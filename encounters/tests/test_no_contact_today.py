""" "Please don't contact me" on Today: never due, overdue, quiet or scheduled; a call recorded in
another tab after it was set is kept, but plans no next contact, and the coach is told why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cairn.demo import DemoWorld
from encounters.models import Encounter
from participants.models import ContactChannel, Participant, ParticipantStatus
from participants.tests.test_intake import _edit_data

pytestmark = pytest.mark.django_db


def _section(page: str, heading: str) -> str:
    return page.split(f'id="{heading}"')[1].split("</section>")[0]


def _one_of(demo: DemoWorld, coach: str) -> Participant:
    return (
        Participant.objects.filter(coach=demo.users[coach], status=ParticipantStatus.ACTIVE)
        .exclude(user__isnull=False)
        .order_by("preferred_name")
        .all()[0]
    )


def _ask_not_to_be_contacted(client, person: Participant) -> None:
    """What the coach does on the edit form when the person says it."""
    person.refresh_from_db()
    data = _edit_data(person, channel_1=ContactChannel.NONE)
    data.pop("channel_2", None)
    data.pop("channel_3", None)
    response = client.post(f"/participants/{person.id}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_rio_no_longer_sees_a_person_due_today_once_they_ask_not_to_be_contacted(
    demo, client_for
) -> None:
    person = _one_of(demo, "rio")
    Participant.objects.filter(pk=person.pk).update(
        next_contact_on=timezone.localdate(), contact_channels=[ContactChannel.CALL]
    )
    rio = client_for("rio")
    assert person.preferred_name in _section(rio.get("/today/").content.decode(), "due-heading")
    _ask_not_to_be_contacted(rio, person)
    page = rio.get("/today/").content.decode()
    assert f"/participants/{person.id}/" not in page.split('id="due-heading"')[1]
    person.refresh_from_db()
    assert person.next_contact_on is None  # no outreach stays planned


def test_ana_no_longer_sees_a_quiet_person_once_they_ask_not_to_be_contacted(
    demo, client_for
) -> None:
    person = _one_of(demo, "ana")
    long_ago = timezone.localdate() - timedelta(days=90)
    Participant.objects.filter(pk=person.pk).update(
        next_contact_on=None, last_contact_on=long_ago, enrolled_on=long_ago
    )
    ana = client_for("ana")
    assert person.preferred_name in _section(ana.get("/today/").content.decode(), "quiet-heading")
    _ask_not_to_be_contacted(ana, person)
    page = ana.get("/today/").content.decode()
    assert f"/participants/{person.id}/" not in page.split('id="due-heading"')[1]


def test_no_one_who_asked_not_to_be_contacted_is_on_an_overdue_list_or_a_follow_up_filter(
    demo, client_for
) -> None:
    person = _one_of(demo, "ana")
    Participant.objects.filter(pk=person.pk).update(
        contact_channels=[ContactChannel.NONE],
        no_contact_since=timezone.now(),
        next_contact_on=timezone.localdate() - timedelta(days=3),  # left over from before
    )
    ana = client_for("ana")
    assert f"/participants/{person.id}/" not in ana.get("/today/").content.decode()
    listing = ana.get("/participants/?due=1").content.decode()
    assert f"/participants/{person.id}/" not in listing
    quiet = ana.get("/participants/?quiet=7").content.decode()
    assert f"/participants/{person.id}/" not in quiet


def test_a_scheduled_check_in_does_not_fire_for_someone_who_asked_not_to_be_contacted(
    demo, client_for
) -> None:
    from encounters.models import CheckInSchedule

    person = _one_of(demo, "ana")
    today = timezone.localdate()
    CheckInSchedule.objects.create(
        organization=person.organization,
        participant=person,
        created_by=demo.users["ana"],
        weekday=today.weekday(),
        window_start="10:00",
        window_end="11:00",
        starts_on=today - timedelta(days=7),
    )
    Participant.objects.filter(pk=person.pk).update(next_contact_on=None)
    ana = client_for("ana")
    assert f"/participants/{person.id}/" in ana.get("/today/").content.decode()
    Participant.objects.filter(pk=person.pk).update(
        contact_channels=[ContactChannel.NONE], no_contact_since=timezone.now()
    )
    assert f"/participants/{person.id}/" not in ana.get("/today/").content.decode()


def test_a_call_recorded_in_another_tab_is_kept_but_plans_no_next_contact(demo, client_for) -> None:
    person = _one_of(demo, "rio")
    Participant.objects.filter(pk=person.pk).update(next_contact_on=timezone.localdate())
    call_tab, edit_tab = client_for("rio"), client_for("rio")
    # Tab one opens the outcome form from Today; tab two records "please don't contact me".
    form_page = call_tab.get(f"/today/outcome/{person.id}/").content.decode()
    key = form_page.split('name="submit_key" value="')[1].split('"')[0]
    _ask_not_to_be_contacted(edit_tab, person)
    before = Encounter.objects.filter(participant=person).count()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = call_tab.post(
        f"/today/outcome/{person.id}/",
        {"outcome": "no_answer", "next_contact_on": tomorrow.isoformat(), "submit_key": key},
        follow=True,
    )
    call = Encounter.objects.filter(participant=person).latest("created_at")
    assert Encounter.objects.filter(participant=person).count() == before + 1
    assert call.outcome == "no_answer" and call.next_contact_on is None
    person.refresh_from_db()
    assert person.next_contact_on is None
    page = response.content.decode()
    assert "No next contact is planned: they asked not to be contacted." in page
    assert f"/participants/{person.id}/" not in page.split('id="due-heading"')[1]


def test_a_note_written_with_a_next_date_after_they_asked_plans_nothing(demo, client_for) -> None:
    from encounters.services import record_encounter
    from organizations.selectors import membership_in

    person = _one_of(demo, "ana")
    Participant.objects.filter(pk=person.pk).update(
        contact_channels=[ContactChannel.NONE],
        no_contact_since=timezone.now(),
        next_contact_on=None,
    )
    acting = membership_in(demo.users["ana"], person.organization)
    assert acting is not None
    record_encounter(
        acting=acting,
        participant=person,
        brief=True,
        values={
            "contact_type": "phone",
            "started_at": timezone.now(),
            "summary": "They called us.",
            "next_contact_on": timezone.localdate() + timedelta(days=2),
        },
    )
    person.refresh_from_db()
    assert person.next_contact_on is None
