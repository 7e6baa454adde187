"""Group names, session topics and where a contact happened are ciphertext in the database; the
groups page still lists groups by name."""

from datetime import timedelta

from django.utils import timezone

from cairn.demo import DemoWorld
from encounters.models import Encounter
from groups.models import Group, GroupSession
from lib.testing import stored_columns
from participants.models import Participant


def test_group_name_topic_and_contact_setting_are_ciphertext(demo: DemoWorld, client_for) -> None:
    ana = client_for("ana")
    for name in ("Opioid circle for women", "Anger after prison"):
        ana.post("/groups/", {"name": name, "meets": "Tuesdays", "default_duration": 60})
    ana.get("/groups/")  # shows the "created" messages once
    page = ana.get("/groups/").content.decode()
    assert page.index("Anger after prison") < page.index("Opioid circle for women")  # by name
    (circle,) = [g for g in Group.objects.all() if g.name == "Opioid circle for women"]
    pat = Participant.objects.get(user=demo.users["pat"])
    ana.post(f"/groups/{circle.id}/", {"participant": pat.id, "action": "add"})
    moment = timezone.localtime() - timedelta(hours=2)
    ana.post(
        f"/groups/{circle.id}/session/",
        {
            "day": moment.date().isoformat(),
            "start": moment.strftime("%H:%M"),
            "duration_minutes": 60,
            "topic": "Naloxone after a relapse",
            "shared_note": "Practised with the kit.",
            "sign_now": "on",
            "attend": [str(pat.id)],
        },
    )
    session = GroupSession.objects.get(group=circle)
    assert session.topic == "Naloxone after a relapse"
    ana.post(
        f"/contacts/new/{pat.id}/?kind=full",
        {
            "kind": "full",
            "contact_type": "in_person",
            "outcome": "reached",
            "day": moment.date().isoformat(),
            "start": moment.strftime("%H:%M"),
            "setting": "Parking lot of the Oak St methadone clinic",
            "summary": "Walk and talk",
        },
    )
    contact = Encounter.objects.filter(participant=pat, group_session=None).latest("created_at")
    assert contact.setting == "Parking lot of the Oak St methadone clinic"
    stored = [
        stored_columns(circle, "name")["name"],
        stored_columns(session, "topic")["topic"],
        stored_columns(contact, "setting")["setting"],
    ]
    assert all(value.startswith("enc1:") for value in stored)
    raw = " ".join(stored)
    for secret in ("opioid", "Naloxone", "relapse", "Oak St", "methadone"):
        assert secret not in raw
