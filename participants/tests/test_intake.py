"""Enrolment, editing, status, handover and support people, as a coach does them."""

from datetime import timedelta

import pytest
from django.forms import CheckboxInput
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from participants.forms import ParticipantForm
from participants.models import (
    CoachAssignment,
    CoachRole,
    Participant,
    ParticipantStatus,
    Pathway,
    StatusChange,
    SupportPerson,
)


def _intake(**overrides: object) -> dict[str, object]:
    import uuid

    data: dict[str, object] = {"preferred_name": "Robin", "submit_key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _edit_data(participant: Participant, **overrides: object) -> dict[str, object]:
    """What the browser sends back when the edit form is submitted unchanged, plus overrides."""
    form = ParticipantForm(instance=participant)
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif value not in (None, "", []):
            data[name] = value
    data.update(overrides)
    return data


def test_enrolment_needs_only_a_name(demo: DemoWorld, client_for) -> None:
    client = client_for("ana")
    response = client.post("/participants/new/", _intake(coach=demo.users["ana"].pk))
    robin = Participant.objects.get(preferred_name="Robin")
    assert response["Location"] == f"/participants/{robin.id}/"
    assert robin.coach == demo.users["ana"]
    assert robin.status == ParticipantStatus.ACTIVE
    steps = StatusChange.objects.filter(participant=robin)
    assert [step.reason for step in steps] == ["Enrolled"]
    assert CoachAssignment.objects.get(participant=robin).role == CoachRole.PRIMARY
    created = AuditEvent.objects.get(action=Action.CREATE, participant_id=robin.id)
    assert "preferred_name" in created.changed_fields
    assert "Robin" not in str(created.changed_fields)
    page = client.get(f"/participants/{robin.id}/").content.decode()
    assert "Robin" in page and "Robin is enrolled." in page


def test_missing_name_is_explained_and_answers_are_kept(demo, client_for) -> None:
    response = client_for("ana").post(
        "/participants/new/",
        _intake(preferred_name="", safe_times="Tuesdays at 4", coach=demo.users["ana"].pk),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert 'value="Tuesdays at 4"' in page
    assert not Participant.objects.filter(safe_times="Tuesdays at 4").exists()


def test_full_intake_stores_the_persons_choices(demo: DemoWorld, client_for) -> None:
    client_for("ana").post(
        "/participants/new/",
        _intake(
            preferred_name="Dee",
            pronoun_choice="self",
            pronouns_self="xe/xem",
            phone="(617) 555-0177",
            channel_1="text",
            channel_2="in_person",
            voicemail_ok="on",
            strengths_text="Brave\nFunny\n\nbrave",
            pathways=["smart", "natural"],
            race_ethnicity="",
            race_ethnicity_declined="on",
            veteran_status="no",
            helps_feel_safe="Sitting near the door.",
            coach=demo.users["ana"].pk,
        ),
    )
    dee = Participant.objects.get(preferred_name="Dee")
    assert dee.pronouns == "xe/xem"
    assert dee.phone == "+16175550177"
    assert dee.contact_channels == ["text", "in_person"]
    assert dee.voicemail_ok and not dee.organization_name_ok
    assert dee.strengths == ["Brave", "Funny"]
    assert dee.pathways == [Pathway.SMART, Pathway.NATURAL]
    assert dee.declined == ["race_ethnicity"]
    assert dee.helps_feel_safe == "Sitting near the door."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "555-12", "can't be dialled as typed"),
        ("date_of_birth", "2099-01-01", "That date is in the future."),
        ("date_of_birth", str(timezone.localdate() - timedelta(days=365 * 12)), "16 and older"),
        ("safe_times", "x" * 201, "at most 200 characters"),
        ("strengths_text", "\n".join(f"s{i}" for i in range(25)), "20 lines or fewer"),
    ],
)
def test_bad_input_is_explained_beside_the_field(demo, client_for, field, value, message):
    response = client_for("ana").post(
        "/participants/new/",
        _intake(preferred_name="Kit", coach=demo.users["ana"].pk, **{field: value}),
    )
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert 'value="Kit"' in page
    assert not Participant.objects.filter(preferred_name="Kit").exists()


def test_double_submit_creates_one_record(demo: DemoWorld, client_for) -> None:
    client = client_for("ana")
    data = _intake(preferred_name="Sky", coach=demo.users["ana"].pk)
    first = client.post("/participants/new/", data)
    second = client.post("/participants/new/", data, follow=True)
    assert Participant.objects.filter(preferred_name="Sky").count() == 1
    assert first["Location"] == second.redirect_chain[0][0]
    assert "already saved" in second.content.decode()


def test_possible_duplicate_names_only_the_holding_coach(demo: DemoWorld, client_for) -> None:
    bens = Participant.objects.filter(coach=demo.users["ben"]).first()
    assert bens is not None
    bens.phone = "+16175550111"
    bens.save()
    client = client_for("ana")
    name = bens.preferred_name.upper()
    data = _intake(preferred_name=name, phone="617-555-0111", coach=demo.users["ana"].pk)
    warned = client.post("/participants/new/", data).content.decode()
    assert "There may already be a record for this person" in warned
    assert "held by Ben" in warned
    assert bens.preferred_name not in warned.split("<main", 1)[1]
    assert str(bens.id) not in warned
    assert not Participant.objects.filter(preferred_name=name).exists()
    client.post("/participants/new/", {**data, "confirm_new": "on"})
    assert Participant.objects.filter(preferred_name=name).count() == 1


def test_same_phone_with_a_different_name_is_not_a_duplicate(demo, client_for) -> None:
    pat = _pat(demo)
    data = _intake(preferred_name="Quinn", phone=pat.phone, coach=demo.users["ana"].pk)
    response = client_for("ana").post("/participants/new/", data)
    assert response.status_code == 302
    assert Participant.objects.filter(preferred_name="Quinn").count() == 1


def test_other_coach_gets_404_on_a_new_enrolment(demo: DemoWorld, client_for) -> None:
    client_for("ana").post(
        "/participants/new/", _intake(preferred_name="Lee", coach=demo.users["ana"].pk)
    )
    lee = Participant.objects.get(preferred_name="Lee")
    ben = client_for("ben")
    for path in ("", "edit/", "status/", "history/", "transfer/"):
        assert ben.get(f"/participants/{lee.id}/{path}").status_code == 404
    assert ">Lee<" not in ben.get("/participants/", {"q": "Lee"}).content.decode()
    assert ben.post(f"/participants/{lee.id}/edit/", {"preferred_name": "X"}).status_code == 404
    lee.refresh_from_db()
    assert lee.preferred_name == "Lee"


def test_edit_saves_and_audits_field_names(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    response = client_for("ana").post(
        f"/participants/{pat.id}/edit/", _edit_data(pat, safe_times="Mornings")
    )
    assert response.status_code == 302
    pat.refresh_from_db()
    assert (pat.safe_times, pat.version) == ("Mornings", 2)
    event = AuditEvent.objects.get(
        action=Action.UPDATE, participant_id=pat.id, target_type="participants.participant"
    )
    assert event.changed_fields == ["safe_times"]
    history = client_for("ana").get(f"/participants/{pat.id}/history/").content.decode()
    assert "safe times to contact" in history
    assert "Mornings" not in history


def test_stale_edit_is_refused_and_shows_both_sides(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    opened = _edit_data(pat, safe_times="Mornings only")
    client_for("sam").post(f"/participants/{pat.id}/edit/", _edit_data(pat, safe_times="Noon"))
    response = client_for("ana").post(f"/participants/{pat.id}/edit/", opened)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing" in page
    assert "Noon" in page and "Mornings only" in page
    pat.refresh_from_db()
    assert pat.safe_times == "Noon"
    assert f'name="version" value="{pat.version}"' in page
    resend = client_for("ana").post(
        f"/participants/{pat.id}/edit/", {**opened, "version": pat.version}
    )
    assert resend.status_code == 302
    pat.refresh_from_db()
    assert pat.safe_times == "Mornings only"


def test_status_change_adds_a_step_and_keeps_history(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    today = timezone.localdate()
    client.post(
        f"/participants/{pat.id}/status/",
        {"status": "paused", "effective_on": today, "reason": "Summer away"},
    )
    client.post(
        f"/participants/{pat.id}/status/",
        {"status": "active", "effective_on": today, "reason": "Back again"},
    )
    pat.refresh_from_db()
    assert pat.status == ParticipantStatus.ACTIVE
    steps = list(StatusChange.objects.filter(participant=pat).values_list("to_status", flat=True))
    assert steps.count("paused") == 1 and steps.count("active") == 2
    page = client.get(f"/participants/{pat.id}/").content.decode()
    assert "Summer away" in page and "Back again" in page
    future = client.post(
        f"/participants/{pat.id}/status/",
        {"status": "closed", "effective_on": today + timedelta(days=3)},
    )
    assert "can't start in the future" in future.content.decode().replace("&#x27;", "'")


def test_transfer_moves_access_and_keeps_the_handover_note(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    response = client_for("ana").post(
        f"/participants/{pat.id}/transfer/",
        {
            "coach": demo.users["ben"].pk,
            "handover_note": "Likes texts before calls.",
            "version": pat.version,
        },
    )
    assert response["Location"] == "/participants/"
    assert client_for("ana").get(f"/participants/{pat.id}/").status_code == 404
    assert client_for("ben").get(f"/participants/{pat.id}/").status_code == 200
    ended = CoachAssignment.objects.get(participant=pat, coach=demo.users["ana"])
    started = CoachAssignment.objects.get(participant=pat, coach=demo.users["ben"])
    assert ended.ended_on == timezone.localdate() and started.ended_on is None
    assert started.handover_note == "Likes texts before calls."
    assert AuditEvent.objects.filter(participant_id=pat.id, changed_fields=["coach"]).exists()


def test_secondary_coach_can_see_the_participant(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    client_for("sam").post(
        f"/participants/{pat.id}/transfer/",
        {
            "coach": demo.users["ana"].pk,
            "secondary_coach": demo.users["ben"].pk,
            "version": pat.version,
        },
    )
    assert client_for("ben").get(f"/participants/{pat.id}/").status_code == 200
    assert client_for("ana").get(f"/participants/{pat.id}/").status_code == 200


def test_support_people_are_added_edited_and_removed(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")
    bad = client.post(f"/participants/{pat.id}/support-people/new/", {"name": "Jo", "phone": "12"})
    assert "can't be dialled" in bad.content.decode().replace("&#x27;", "'")
    client.post(
        f"/participants/{pat.id}/support-people/new/",
        {
            "name": "Jo",
            "relationship": "sister",
            "phone": "617 555 0100",
            "may_contact": "on",
            "contact_purpose": "if I miss two check-ins",
        },
    )
    jo = SupportPerson.objects.get(participant=pat)
    assert (jo.phone, jo.may_contact) == ("+16175550100", True)
    client.post(
        f"/participants/{pat.id}/support-people/{jo.id}/",
        {"name": "Jo", "relationship": "sister", "phone": "", "may_contact": "", "version": 1},
    )
    jo.refresh_from_db()
    assert not jo.may_contact
    client.post(f"/participants/{pat.id}/support-people/{jo.id}/", {"remove": "1"})
    assert not SupportPerson.objects.filter(participant=pat).exists()
    actions = list(
        AuditEvent.objects.filter(target_type="participants.supportperson").values_list(
            "action", flat=True
        )
    )
    assert actions == [Action.CREATE, Action.UPDATE, Action.DELETE]


def test_caseload_filters(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    client = client_for("ana")

    def names(**params: object) -> str:
        return client.get("/participants/", params).content.decode()

    assert ">Pat<" in names(q="555-0142")
    assert ">Pat<" in names(pathway="medication")
    assert ">Pat<" not in names(pathway="harm_reduction")
    Participant.objects.filter(pk=pat.pk).update(
        last_contact_on=timezone.localdate() - timedelta(days=20),
        next_contact_on=timezone.localdate(),
    )
    assert ">Pat<" in names(quiet=14)
    assert ">Pat<" not in names(quiet=30)
    assert ">Pat<" in names(due=1)
    Participant.objects.filter(pk=pat.pk).update(next_contact_on=None)
    assert ">Pat<" not in names(due=1)


def test_referred_enrolment_starts_the_story_with_referral(demo: DemoWorld, client_for) -> None:
    client_for("ana").post(
        "/participants/new/",
        _intake(preferred_name="Ash", status="referred", coach=demo.users["ana"].pk),
    )
    ash = Participant.objects.get(preferred_name="Ash")
    assert ash.status == ParticipantStatus.REFERRED
    assert StatusChange.objects.get(participant=ash).reason == "Referred"


def test_caseload_shows_a_gentle_note_after_a_quiet_spell(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(
        last_contact_on=timezone.localdate() - timedelta(days=20)
    )
    page = client_for("ana").get("/participants/", {"q": "Pat"}).content.decode()
    assert "a while since contact" in page
    Participant.objects.filter(pk=pat.pk).update(last_contact_on=timezone.localdate())
    page = client_for("ana").get("/participants/", {"q": "Pat"}).content.decode()
    assert "a while since contact" not in page
    pat.refresh_from_db()
    assert pat.status == ParticipantStatus.ACTIVE


def test_a_stale_handover_is_refused(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    opened = pat.version
    client_for("sam").post(
        f"/participants/{pat.id}/transfer/",
        {"coach": demo.users["ana"].pk, "secondary_coach": demo.users["ben"].pk, "version": opened},
    )
    response = client_for("mia").post(
        f"/participants/{pat.id}/transfer/", {"coach": demo.users["sam"].pk, "version": opened}
    )
    assert "Someone changed this record while you were choosing." in response.content.decode()
    pat.refresh_from_db()
    assert (pat.coach, pat.secondary_coach) == (demo.users["ana"], demo.users["ben"])


def test_a_stale_support_person_edit_is_refused(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    jo = SupportPerson.objects.create(organization=pat.organization, participant=pat, name="Jo")
    form = {"name": "Jo", "relationship": "sister", "version": jo.version}
    client_for("sam").post(
        f"/participants/{pat.id}/support-people/{jo.id}/", {**form, "relationship": "cousin"}
    )
    response = client_for("ana").post(f"/participants/{pat.id}/support-people/{jo.id}/", form)
    assert "Someone saved this support person while you were editing." in response.content.decode()
    jo.refresh_from_db()
    assert jo.relationship == "cousin"
