"""Texting a resource to a participant: it goes as the text itself, now or at the start of their
texting hours, in their language, never naming the program unless they said it may; it is kept
on their portal too; and nothing goes to someone who asked not to be contacted, texted STOP or
has no phone for texts."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from directory import demo as directory_demo
from directory.models import Service, ServiceStatus, SharedResource, ShareState
from directory.services import NotTexted, resource_text, text_resource
from inbox.models import Message, TextState
from jobs import runner
from jobs.models import Job, JobState
from organizations.models import Membership
from participants.models import ContactChannel, Participant

pytestmark = pytest.mark.django_db

ANCHOR = date(2026, 12, 4)
PANTRY = "Westside Community Food Pantry"


@pytest.fixture
def pantry(demo: DemoWorld) -> Service:
    directory_demo.seed(demo.organizations["harbor"], anchor=ANCHOR)
    SharedResource.objects.all().delete()
    return Service.objects.get(name=PANTRY)


def _pat(demo: DemoWorld, **changes) -> Participant:
    pat = Participant.objects.get(user=demo.users["pat"])
    if changes:
        Participant.objects.filter(pk=pat.pk).update(**changes)
        pat.refresh_from_db()
    return Participant.objects.select_related("organization").get(pk=pat.pk)


def _messages(pat: Participant) -> int:
    return Message.objects.filter(thread__participant=pat).count()


def _ana(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("user", "organization").get(user=demo.users["ana"])


def _hours_around(pat: Participant, start_in: timedelta, end_in: timedelta) -> None:
    now = timezone.now().astimezone(ZoneInfo(pat.organization.time_zone))
    Participant.objects.filter(pk=pat.pk).update(
        texts_from=(now + start_in).time().replace(second=0, microsecond=0),
        texts_until=(now + end_in).time().replace(second=0, microsecond=0),
    )
    pat.refresh_from_db()


def test_a_resource_goes_now_as_the_text_itself_and_is_kept_on_the_portal(
    demo, pantry, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    with django_capture_on_commit_callbacks(execute=True):
        texted = text_resource(acting=_ana(demo), participant=pat, service=pantry)
    assert [m.to for m in text_messages] == [pat.phone]
    body = text_messages[0].body
    assert body.splitlines()[0] == PANTRY
    assert pantry.phones.first().number in body
    assert pantry.location.one_line() in body
    assert "Hours: " in body and "7:00" in body
    message = Message.objects.get(pk=texted.message.pk)
    assert message.body == body and message.by_text and not message.from_participant
    assert message.text_state == TextState.SENT
    assert SharedResource.objects.get(participant=pat, service=pantry).state == ShareState.SHOWN
    audited = AuditEvent.objects.filter(participant_id=pat.id, action="create")
    assert {e.target_type for e in audited} >= {"inbox.message", "directory.sharedresource"}


def test_a_resource_asked_outside_their_texting_hours_waits_for_them(
    demo, pantry, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    _hours_around(pat, timedelta(hours=2), timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        texted = text_resource(acting=_ana(demo), participant=pat, service=pantry)
    assert text_messages == []
    assert texted.plan.waits_until is not None and texted.plan.waits_until > timezone.now()
    waiting = Job.objects.get(kind="inbox.new_message_text")
    assert waiting.state == JobState.QUEUED and waiting.not_before == texted.plan.waits_until
    assert Message.objects.get(pk=texted.message.pk).text_state == TextState.QUEUED
    # Their hours open: the resource itself goes, not a "message waiting" note.
    _hours_around(pat, timedelta(hours=-1), timedelta(hours=1))
    Job.objects.filter(pk=waiting.pk).update(not_before=timezone.now() - timedelta(minutes=1))
    assert runner.run(waiting.id) is True
    assert len(text_messages) == 1 and text_messages[0].body.startswith(PANTRY)
    assert Message.objects.get(pk=texted.message.pk).text_state == TextState.SENT


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"contact_channels": [ContactChannel.NONE], "no_contact_since": timezone.now()},
            "Pat has asked not to be contacted",
        ),
        ({"texts_stopped_at": timezone.now()}, "Pat has stopped texts"),
        ({"phone": ""}, "Pat has no phone for texts"),
        ({"contact_channels": [ContactChannel.CALL]}, "Text is not one of the ways Pat chose"),
    ],
)
def test_nothing_is_sent_when_a_text_may_not_go(
    demo, pantry, text_messages, django_capture_on_commit_callbacks, changes, reason
) -> None:
    pat = _pat(demo, **changes)
    before = _messages(pat)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotTexted) as refused:
        text_resource(acting=_ana(demo), participant=pat, service=pantry)
    assert refused.value.reason.startswith(reason)
    assert text_messages == []
    assert _messages(pat) == before
    assert not SharedResource.objects.filter(participant=pat).exists()


def test_text_need_not_be_their_first_way_when_they_chose_it(
    demo, pantry, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo, contact_channels=[ContactChannel.CALL, ContactChannel.TEXT])
    with django_capture_on_commit_callbacks(execute=True):
        text_resource(acting=_ana(demo), participant=pat, service=pantry)
    assert [m.body.splitlines()[0] for m in text_messages] == [PANTRY]


def test_the_program_is_named_only_when_they_said_it_may_be(demo, pantry) -> None:
    program = demo.organizations["harbor"].name
    assert program not in resource_text(_pat(demo, organization_name_ok=False), pantry)
    said_yes = resource_text(_pat(demo, organization_name_ok=True), pantry)
    assert said_yes.splitlines()[0] == f"From {program}:"


def test_a_listing_that_names_the_program_is_not_texted_when_it_may_not_be_named(
    demo, pantry, text_messages
) -> None:
    program = demo.organizations["harbor"].name
    Service.objects.filter(pk=pantry.pk).update(name=f"{program} pantry")
    pantry.refresh_from_db()
    pat = _pat(demo, organization_name_ok=False)
    with pytest.raises(NotTexted) as refused:
        text_resource(acting=_ana(demo), participant=pat, service=pantry)
    assert "names the program" in refused.value.reason
    assert text_messages == []


def test_a_spanish_texter_gets_the_resource_in_spanish(
    demo, pantry, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo, preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        text_resource(acting=_ana(demo), participant=pat, service=pantry)
    body = text_messages[0].body
    assert "Teléfono: " in body and "Horario: Todos los días 7:00" in body
    assert "Phone" not in body and "Hours" not in body


def test_hours_are_said_in_short(demo, pantry) -> None:
    from datetime import time

    from directory.models import Schedule
    from directory.services import resource_text

    Schedule.objects.filter(service=pantry).delete()
    for day, opens, closes in [("SA", 10, 14), ("WE", 9, 17), ("MO", 9, 17)]:
        Schedule.objects.create(
            organization=pantry.organization,
            service=pantry,
            byday=day,
            opens_at=time(opens),
            closes_at=time(closes),
        )
    body = resource_text(_pat(demo), pantry)
    assert body.splitlines()[-1] == (
        "Hours: Monday, Wednesday 9:00 AM\u20135:00 PM; Saturday 10:00 AM\u20132:00 PM"
    )


# --- the page and its button --------------------------------------------------------------


def _main(response) -> str:
    (main,) = elements(response.content.decode(), "main")
    return main.text


def test_coach_texts_a_pantry_from_find_help_and_is_told_it_went(
    demo, client_for, pantry, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    page = _main(ana.get("/directory/", {"for": pat.id, "need": "food"}))
    assert f"Text it to Pat: {PANTRY}" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = ana.post(f"/directory/{pantry.id}/text/{pat.id}/", follow=True)
    assert f"Texted {PANTRY} to Pat." in _main(response)
    assert [m.body.splitlines()[0] for m in text_messages] == [PANTRY]
    # The coach sees it in Pat's thread like any message, with its delivery state.
    thread = _main(ana.get(f"/inbox/{pat.id}/"))
    assert PANTRY in thread


def test_the_coach_is_told_when_it_will_go(
    demo, client_for, pantry, text_messages, django_capture_on_commit_callbacks
) -> None:
    pat = _pat(demo)
    _hours_around(pat, timedelta(hours=2), timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("ana").post(f"/directory/{pantry.id}/text/{pat.id}/", follow=True)
    said = _main(response)
    assert f"{PANTRY} will be texted to Pat at " in said
    assert "when Pat's texting hours begin" in said
    assert text_messages == []


def test_someone_who_asked_not_to_be_contacted_gets_no_text_button_and_no_text(
    demo, client_for, pantry, text_messages
) -> None:
    pat = _pat(demo, contact_channels=[ContactChannel.NONE], no_contact_since=timezone.now())
    ana = client_for("ana")
    before = _messages(pat)
    page = _main(ana.get("/directory/", {"for": pat.id, "need": "food"}))
    assert "Pat has asked not to be contacted" in page
    assert "Text it to Pat" not in page
    assert f"Share with Pat: {PANTRY}" in page
    response = ana.post(f"/directory/{pantry.id}/text/{pat.id}/", follow=True)
    said = _main(response)
    assert "Pat has asked not to be contacted" in said
    assert "You can still share it onto their portal." in said
    assert text_messages == [] and _messages(pat) == before


def test_an_archived_listing_is_not_texted(demo, client_for, pantry, text_messages) -> None:
    pat = _pat(demo)
    before = _messages(pat)
    Service.objects.filter(pk=pantry.pk).update(status=ServiceStatus.INACTIVE)
    response = client_for("ana").post(f"/directory/{pantry.id}/text/{pat.id}/", follow=True)
    assert "archived" in _main(response)
    assert text_messages == [] and _messages(pat) == before


def test_another_coachs_participant_or_organization_is_404(
    demo, client_for, pantry, text_messages
) -> None:
    pat = _pat(demo)
    before = _messages(pat)
    url = f"/directory/{pantry.id}/text/{pat.id}/"
    assert client_for("ben").post(url).status_code == 404
    assert client_for("rio").post(url).status_code == 404
    assert client_for("ana").get(url).status_code == 405
    assert text_messages == [] and _messages(pat) == before
