"""The private wellbeing self-check: Ana takes it, sees her own history and how the latest compares
in words (never a score), may share one check's summary with Sam and take it back; Mia and Max
never read one by any URL; deleting one deletes it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import Action, AuditEvent
from supervision.models import WellbeingCheck

pytestmark = pytest.mark.django_db

WORDS = "Two people in crisis this week and I keep thinking about them at night."


def _take(client, **answers):
    data = {
        "energy": "2",
        "sleep": "2",
        "support": "4",
        "stories": "1",
        "boundaries": "3",
        "stories_words": WORDS,
        "help": "An afternoon without calls.",
    }
    data.update(answers)
    return client.post("/supervision/wellbeing/new/", data)


def test_ana_takes_the_check_and_only_she_reads_it(demo, client_for) -> None:
    ana = client_for("ana")
    page = ana.get("/supervision/wellbeing/new/").content.decode()
    assert "not a clinical instrument" in page
    response = _take(ana)
    check = WellbeingCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/wellbeing/{check.id}/"
    assert check.answers == {"energy": 2, "sleep": 2, "support": 4, "stories": 1, "boundaries": 3}
    page = ana.get(f"/supervision/wellbeing/{check.id}/").content.decode()
    assert WORDS in page and "An afternoon without calls." in page and "A little" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, words FROM supervision_wellbeing_check")
        [(answers, words)] = cursor.fetchall()
    assert "crisis" not in words and "afternoon" not in words and "energy" not in answers
    event = AuditEvent.objects.get(target_type="supervision.wellbeingcheck", action=Action.CREATE)
    assert "crisis" not in str(event.__dict__)


def test_managers_admins_and_others_never_read_a_check_by_any_url(demo, client_for) -> None:
    _take(client_for("ana"))
    check = WellbeingCheck.objects.get()
    for who in ("sam", "ben", "mia", "max", "rio"):
        client = client_for(who)
        for url in (
            f"/supervision/wellbeing/{check.id}/",
            f"/supervision/wellbeing/{check.id}/delete/",
        ):
            assert client.get(url).status_code in (403, 404), (who, url)
            client.post(url, {"action": "share"})
        assert WORDS not in client.get("/supervision/wellbeing/").content.decode()
    check.refresh_from_db()
    assert check.shared_at is None and WellbeingCheck.objects.filter(pk=check.pk).exists()


def test_the_history_shows_a_trend_in_words_not_a_score(demo, client_for) -> None:
    ana = client_for("ana")
    _take(ana)
    WellbeingCheck.objects.update(taken_at=timezone.now() - timedelta(days=7))
    _take(ana, energy="4", sleep="2", stories="", boundaries="1")
    page = ana.get("/supervision/wellbeing/").content.decode()
    trend = page.split('id="trend"')[1].split("</ul>")[0]
    assert "Energy: easier than at your check before" in trend
    assert "Sleep: about the same as at your check before" in trend
    assert "Boundaries: harder than at your check before" in trend
    assert "Setting stories down" not in trend  # left blank this time
    assert "score" not in trend and "/25" not in page
    assert page.count("/supervision/wellbeing/") >= 2


def test_an_empty_check_asks_for_one_answer(demo, client_for) -> None:
    response = client_for("ana").post("/supervision/wellbeing/new/", {"help": " "})
    assert response.status_code == 200
    assert "Answer at least one question, or write a few words." in response.content.decode()
    assert not WellbeingCheck.objects.exists()


def test_ana_shares_one_summary_with_sam_and_takes_it_back(demo, client_for) -> None:
    ana, sam = client_for("ana"), client_for("sam")
    _take(ana)
    check = WellbeingCheck.objects.get()
    coach_page = f"/supervision/coaches/{demo.users['ana'].public_id}/"
    assert "Nothing shared with you." in sam.get(coach_page).content.decode()
    ana.post(f"/supervision/wellbeing/{check.id}/", {"action": "share"})
    check.refresh_from_db()
    assert check.shared_at is not None
    page = sam.get(coach_page).content.decode()
    shared = page.split('id="shared-checks"')[1].split("</ul>")[0]
    assert "Energy" in shared and "A little" in shared and "Not at all" in shared
    assert WORDS not in page and "afternoon" not in page  # her words stay hers
    # Ben's page is not Ana's, and a manager has no such page.
    assert (
        "A little"
        not in sam.get(f"/supervision/coaches/{demo.users['ben'].public_id}/").content.decode()
    )
    for who in ("mia", "max"):
        assert client_for(who).get(coach_page).status_code in (403, 404)
    ana.post(f"/supervision/wellbeing/{check.id}/", {"action": "unshare"})
    assert "Nothing shared with you." in sam.get(coach_page).content.decode()
    changes = AuditEvent.objects.filter(
        target_type="supervision.wellbeingcheck", action=Action.UPDATE
    )
    assert changes.count() == 2


def test_deleting_a_check_asks_first_and_deletes_it(demo, client_for) -> None:
    ana = client_for("ana")
    _take(ana)
    check = WellbeingCheck.objects.get()
    page = ana.get(f"/supervision/wellbeing/{check.id}/delete/").content.decode()
    assert "It will be gone for good" in page
    assert WellbeingCheck.objects.filter(pk=check.pk).exists()
    response = ana.post(f"/supervision/wellbeing/{check.id}/delete/")
    assert response.status_code == 302
    assert not WellbeingCheck.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM supervision_wellbeing_check")
        assert cursor.fetchone()[0] == 0
    assert ana.get(f"/supervision/wellbeing/{check.id}/").status_code == 404
    assert AuditEvent.objects.filter(
        target_type="supervision.wellbeingcheck", action=Action.DELETE
    ).exists()


def _coaches_share(harbor, count: int, energy: int, *, shared: bool = True) -> None:
    from accounts.models import User
    from organizations.models import Membership, Role

    start = User.objects.count()
    for index in range(count):
        coach = User.objects.create(username=f"coach-{start + index}", preferred_name="Robin")
        Membership.objects.create(organization=harbor, user=coach, role=Role.COACH)
        WellbeingCheck.objects.create(
            organization=harbor,
            coach=coach,
            answers={"energy": energy, "sleep": 3},
            shared_at=timezone.now() if shared else None,
        )


def _row(page: str, table: str, heading: str) -> list[str]:
    body = page.split(f'id="{table}"')[1].split("</table>")[0]
    row = body.split(f'<th scope="row">{heading}</th>')[1].split("</tr>")[0]
    return [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]


def test_the_program_sees_shared_checks_only_as_counts_of_eleven_or_more(demo, client_for) -> None:
    """Eleven coaches share a check: their answers show as counts. A twelfth answering otherwise
    would be a count of one, so it is hidden, and so is the eleven that would give it away by
    subtraction from the total. Unshared and old checks never count; no name is shown."""
    harbor = demo.organizations["harbor"]
    _coaches_share(harbor, 11, energy=2)
    _coaches_share(harbor, 3, energy=1, shared=False)
    page = client_for("mia").get("/supervision/wellbeing/program/").content.decode()
    assert "11 coaches" in page
    assert _row(page, "program-checks", "Energy") == ["0", "11", "0", "0", "0", "11"]
    assert _row(page, "program-checks", "Sleep") == ["0", "0", "11", "0", "0", "11"]
    assert _row(page, "program-checks", "Feeling supported") == ["0"] * 6

    _coaches_share(harbor, 1, energy=5)
    WellbeingCheck.objects.filter(coach__username="ana").delete()
    old = timezone.now() - timedelta(days=120)
    WellbeingCheck.objects.create(
        organization=harbor, coach=demo.users["ana"], answers={"energy": 1}, shared_at=old
    )
    WellbeingCheck.objects.filter(coach=demo.users["ana"]).update(taken_at=old)
    page = client_for("sam").get("/supervision/wellbeing/program/").content.decode()
    assert "12 coaches" in page
    assert _row(page, "program-checks", "Energy") == ["0", "&lt;11", "0", "0", "&lt;11", "12"]
    assert "Robin" not in page and "Ana" not in page.split("<main")[1]


def test_the_programs_work_by_month_counts_after_hours_in_its_own_time_zone(demo) -> None:
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from encounters.models import Encounter
    from participants.models import Participant
    from supervision.selectors import program_wellbeing

    pat = Participant.objects.get(user__username="pat")
    harbor = pat.organization
    zone = ZoneInfo(harbor.time_zone)
    wednesday = date(2027, 3, 10)
    for at in [time(22, 30)] * 10 + [time(7, 15), time(10, 0)]:
        Encounter.objects.create(
            organization=harbor,
            participant=pat,
            author=demo.users["ana"],
            contact_type="phone",
            started_at=datetime.combine(wednesday, at, zone),
            occurred_on=wednesday,
            state="signed",
            summary="A call.",
        )
    figures = program_wellbeing(harbor, today=wednesday)
    assert [row.month for row in figures.months] == [
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]
    # Coaches who wrote, contacts, after hours, coaches after hours, signals answered.
    assert [str(cell) for cell in figures.months[-1].cells] == ["<11", "12", "11", "<11", "0"]
    assert [str(cell) for cell in figures.months[0].cells] == ["0"] * 5


def test_a_coach_never_opens_the_programs_page(demo, client_for) -> None:
    assert client_for("ana").get("/supervision/wellbeing/program/").status_code == 403
    assert client_for("max").get("/supervision/wellbeing/program/").status_code == 200
    page = client_for("mia").get("/supervision/wellbeing/program/").content.decode()
    assert 'href="/supervision/renewals/"' in page and 'href="/supervision/"' not in page
