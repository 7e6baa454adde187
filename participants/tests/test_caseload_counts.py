""" "My caseload" and "My work" count the same people by default, and say what they count."""

import pytest
from django.db.models import Q

from cairn.demo import DemoWorld
from participants.models import Participant, ParticipantStatus

pytestmark = pytest.mark.django_db


def _anas(demo: DemoWorld):
    ana = demo.users["ana"]
    return Participant.objects.filter(
        Q(coach=ana) | Q(secondary_coach=ana),
        organization=demo.organizations["harbor"],
        merged_into__isnull=True,
    )


def test_caseload_and_my_work_count_the_same_open_people_and_say_how_many_are_left_out(
    demo: DemoWorld, client_for
) -> None:
    people = _anas(demo)
    first, second = people.order_by("name_sort")[:2]
    Participant.objects.filter(pk=first.pk).update(status=ParticipantStatus.CLOSED)
    Participant.objects.filter(pk=second.pk).update(status=ParticipantStatus.MOVED_ON)
    open_count = people.filter(status__in=ParticipantStatus.open()).count()
    closed_count = people.exclude(status__in=ParticipantStatus.open()).count()
    assert closed_count >= 2
    said = f"{open_count} people with open records · {closed_count} closed or moved on"
    client = client_for("ana")

    caseload = client.get("/participants/").content.decode()
    assert said in caseload
    work = client.get("/reports/mine/").content.decode()
    assert said in work
    assert f'<span class="report-value">{open_count}</span>' in work

    everyone = client.get("/participants/", {"status": ""}).content.decode()
    assert f"{open_count + closed_count} people" in everyone
    assert "closed or moved on" not in everyone


def test_the_show_them_link_lists_closed_and_moved_on_people(demo: DemoWorld, client_for) -> None:
    person = _anas(demo).order_by("name_sort").first()
    assert person is not None
    Participant.objects.filter(pk=person.pk).update(
        status=ParticipantStatus.MOVED_ON, preferred_name="Zorba Unusualname"
    )
    client = client_for("ana")
    default = client.get("/participants/").content.decode()
    assert "Zorba Unusualname" not in default
    assert 'href="?status=">show them</a>' in default
    assert "Zorba Unusualname" in client.get("/participants/?status=").content.decode()


@pytest.mark.parametrize("username", ["ana", "ben", "sam", "mia", "rio"])
def test_the_prepared_counts_are_the_visible_records_counted(demo: DemoWorld, username) -> None:
    """Every member's counts are what `visible_to` gives them, whatever their role."""
    from organizations.models import Membership
    from participants.selectors import caseload_counts

    user = demo.users[username]
    membership = Membership.objects.filter(user=user, is_active=True).first()
    assert membership is not None
    organization = membership.organization
    visible = Participant.objects.visible_to(user, organization)
    counts = caseload_counts(user=user, organization=organization)
    assert counts.open == visible.filter(status__in=ParticipantStatus.open()).count()
    assert counts.closed == visible.exclude(status__in=ParticipantStatus.open()).count()
    assert visible.exists()  # something was counted
