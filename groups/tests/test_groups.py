"""Groups: members, and a session of eight documented in one submit, all or nothing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cairn.demo import DemoWorld
from encounters.models import ContactType, Encounter, NoteState
from groups import services as group_services
from groups.models import Group, GroupSession
from participants.models import Participant


@pytest.fixture
def circle(demo: DemoWorld, client_for) -> Group:
    client = client_for("ana")
    client.post(
        "/groups/",
        {"name": "Tuesday circle", "meets": "Tuesdays 6 pm", "default_duration": 90},
    )
    (group,) = [g for g in Group.objects.all() if g.name == "Tuesday circle"]
    assert group.facilitator == demo.users["ana"]
    for person in Participant.objects.filter(coach=demo.users["ana"]):
        client.post(f"/groups/{group.id}/", {"participant": person.id, "action": "add"})
    return group


def _session_data(people: list[Participant], **overrides: object) -> dict[str, object]:
    moment = timezone.localtime() - timedelta(hours=2)
    data: dict[str, object] = {
        "day": moment.date().isoformat(),
        "start": moment.strftime("%H:%M"),
        "duration_minutes": 90,
        "topic": "Sleep and routines",
        "shared_note": "Shared what helps on hard nights; made a list together.",
        "sign_now": "on",
        "attend": [str(p.id) for p in people],
    }
    data.update(overrides)
    return data


def _eight(demo: DemoWorld) -> list[Participant]:
    people = list(Participant.objects.filter(coach=demo.users["ana"]).order_by("id"))
    harbor = demo.organizations["harbor"]
    while len(people) < 8:
        people.append(
            Participant.objects.create(
                organization=harbor,
                preferred_name=f"Guest {len(people)}",
                coach=demo.users["ana"],
                enrolled_on=timezone.localdate(),
            )
        )
    return people[:8]


def test_a_session_of_eight_is_documented_in_one_submit(demo, client_for, circle) -> None:
    people = _eight(demo)
    client = client_for("ana")
    data = _session_data(people)
    data[f"line_{people[0].id}"] = "Spoke for the first time."
    response = client.post(f"/groups/{circle.id}/session/", data)
    assert response.status_code == 302
    session = GroupSession.objects.get(group=circle)
    contacts = Encounter.objects.filter(group_session=session)
    assert contacts.count() == 8
    assert all(
        c.contact_type == ContactType.GROUP and c.state == NoteState.SIGNED for c in contacts
    )
    assert {c.coach_actions for c in contacts} == {data["shared_note"]}
    first = contacts.get(participant=people[0])
    assert first.participant_response == "Spoke for the first time."
    people[1].refresh_from_db()
    assert people[1].last_contact_on == session.occurred_on
    assert "Session recorded for 8 people." in client.get(response["Location"]).content.decode()


def test_a_session_sent_twice_is_one_session_with_one_signed_note_each(
    demo, client_for, circle
) -> None:
    people = _eight(demo)[:3]
    client = client_for("ana")
    url = f"/groups/{circle.id}/session/"
    page = client.get(url).content.decode()
    shown = re.search(r'name="submit_key" value="([0-9a-f-]{36})"', page)
    assert shown, "the session form carries its one-time key"
    data = {**_session_data(people), "submit_key": shown.group(1)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == f"/groups/{circle.id}/"
    session = GroupSession.objects.get(group=circle)
    notes = Encounter.objects.filter(group_session__group=circle)
    assert notes.count() == 3
    assert {n.group_session_id for n in notes} == {session.id}
    assert sorted(n.participant_id for n in notes) == sorted(p.id for p in people)
    assert all(n.state == NoteState.SIGNED for n in notes)
    back = client.get(second["Location"]).content.decode().replace("&#x27;", "'")
    assert "This form was already saved; nothing was added twice." in back


def test_a_session_with_nobody_ticked_is_refused(demo, client_for, circle) -> None:
    response = client_for("ana").post(f"/groups/{circle.id}/session/", _session_data([], attend=[]))
    assert "Tick at least one person who came." in response.content.decode()
    assert 'value="Sleep and routines"' in response.content.decode()
    assert not GroupSession.objects.exists()


def test_a_failure_on_one_attendee_leaves_nothing(demo, client_for, circle, monkeypatch):
    people = _eight(demo)
    real_sign = group_services.sign_encounter
    calls = {"n": 0}

    def failing_sign(**kwargs: object) -> Encounter:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk full")
        return real_sign(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(group_services, "sign_encounter", failing_sign)
    before = Encounter.objects.count()
    with pytest.raises(RuntimeError):
        client_for("ana").post(f"/groups/{circle.id}/session/", _session_data(people))
    assert Encounter.objects.count() == before
    assert not GroupSession.objects.exists()


def test_walk_ins_come_from_the_facilitators_caseload(demo, client_for) -> None:
    client = client_for("ana")
    client.post("/groups/", {"name": "Open room", "default_duration": 60})
    (group,) = [g for g in Group.objects.all() if g.name == "Open room"]
    pat = Participant.objects.get(user=demo.users["pat"])
    form = client.get(f"/groups/{group.id}/session/").content.decode()
    assert "Walk-ins from your caseload" in form and ">Pat" in form
    client.post(f"/groups/{group.id}/session/", _session_data([pat]))
    assert Encounter.objects.filter(participant=pat, group_session__group=group).count() == 1


def test_other_coach_cannot_see_or_use_the_group(demo, client_for, circle) -> None:
    ben = client_for("ben")
    assert ben.get(f"/groups/{circle.id}/").status_code == 404
    assert ben.post(f"/groups/{circle.id}/session/", _session_data(_eight(demo))).status_code == 404
    assert "Tuesday circle" not in ben.get("/groups/").content.decode()


def test_a_future_session_is_refused(demo, client_for, circle) -> None:
    people = _eight(demo)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for("ana").post(
        f"/groups/{circle.id}/session/", _session_data(people, day=tomorrow)
    )
    assert "That is in the future." in response.content.decode()
    assert not GroupSession.objects.exists()


def test_the_group_note_carries_the_gentle_language_check(demo, client_for, circle) -> None:
    client = client_for("ana")
    page = client.get(f"/groups/{circle.id}/session/").content.decode()
    assert 'hx-post="/coaching/check/?field=shared_note"' in page
    assert 'id="lang-shared_note"' in page
    found = client.post(
        "/coaching/check/?field=shared_note",
        {"shared_note": "Two members talked about being called junkies."},
    ).content.decode()
    assert "person who uses drugs" in found and "saving is never blocked" in found


def test_signing_a_group_note_with_flagged_words_says_so_gently(demo, client_for, circle) -> None:
    people = list(Participant.objects.filter(coach=demo.users["ana"]))
    note = "Two members said they were called junkies; one dropped dirty last week."
    page = (
        client_for("ana")
        .post(
            f"/groups/{circle.id}/session/",
            _session_data(people, shared_note=note),
            follow=True,
        )
        .content.decode()
    )
    assert GroupSession.objects.filter(group=circle).count() == 1  # never blocked
    assert "The people who came can read the group note in their portal." in page
    assert "“junkies”, “dropped dirty”" in page
