""" "Please don't contact me" on the record: since when and by whose word on the overview, and
lifting it is a confirmed, audited choice."""

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from participants.models import ContactChannel, Participant
from participants.tests.test_intake import _edit_data

pytestmark = pytest.mark.django_db


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _only(pat: Participant, channel: str, **extra: object) -> dict[str, object]:
    data = _edit_data(pat, channel_1=channel, **extra)
    data.pop("channel_2", None)
    data.pop("channel_3", None)
    return data


def test_the_overview_says_since_when_and_who_recorded_please_dont_contact_me(
    demo, client_for
) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    ana.post(f"/participants/{pat.id}/edit/", _only(pat, ContactChannel.NONE))
    pat.refresh_from_db()
    assert pat.no_contact_recorded_by == demo.users["ana"]
    assert pat.no_contact_since is not None and pat.next_contact_on is None
    page = ana.get(f"/participants/{pat.id}/").content.decode()
    since = timezone.localtime(pat.no_contact_since).strftime("%-d %b %Y")
    assert "Asked not to be contacted" in page
    assert f"Since {since}, recorded by {demo.users['ana'].display_name}." in page
    event = AuditEvent.objects.filter(action=Action.UPDATE, participant_id=pat.id).latest("id")
    assert "no_contact" in event.changed_fields


def test_lifting_it_needs_their_word_confirmed_and_is_audited(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    ana.post(f"/participants/{pat.id}/edit/", _only(pat, ContactChannel.NONE))
    pat.refresh_from_db()
    unconfirmed = ana.post(f"/participants/{pat.id}/edit/", _only(pat, ContactChannel.TEXT))
    assert unconfirmed.status_code == 200
    assert "Tick this only if they told you otherwise." in unconfirmed.content.decode()
    pat.refresh_from_db()
    assert pat.no_contact_since is not None
    confirmed = ana.post(
        f"/participants/{pat.id}/edit/", _only(pat, ContactChannel.TEXT, contact_again="on")
    )
    assert confirmed.status_code == 302
    pat.refresh_from_db()
    assert pat.contact_channels == [ContactChannel.TEXT]
    assert pat.no_contact_since is None and pat.no_contact_recorded_by is None
    event = AuditEvent.objects.filter(action=Action.UPDATE, participant_id=pat.id).latest("id")
    assert event.actor == demo.users["ana"]
    assert "no_contact" in event.changed_fields and "contact_channels" in event.changed_fields


def test_texting_hours_need_both_ends(demo, client_for) -> None:
    pat = _pat(demo)
    response = client_for("ana").post(
        f"/participants/{pat.id}/edit/", _edit_data(pat, texts_from="18:00")
    )
    assert "Give both times, or leave both empty." in response.content.decode()
