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
