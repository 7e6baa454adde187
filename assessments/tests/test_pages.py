"""Recording, reading and charting assessments, Today's reassessments, and the schedule page."""

import re
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from assessments.models import Assessment, ItemResponse, ReassessmentSchedule
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from lib.testing import sql_value
from participants.models import Participant, ParticipantStatus, StatusChange

SECRET = "Wants to tell her sister Rosalind about the new job at the bakery"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _barc10(value: int | str = 4, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "instrument": "barc10",
        "language": "en",
        "administered_on": timezone.localdate().isoformat(),
    }
    data.update({f"item_q{n}": str(value) for n in range(1, 11)})
    data.update(overrides)
    return data


def _new(client, pat: Participant, data: dict[str, object]):
    return client.post(f"/assessments/participant/{pat.id}/new/", data)


def test_ana_records_a_barc10_and_sees_the_total_the_answers_and_the_band(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    response = _new(ana, pat, _barc10(5))
    assessment = Assessment.objects.filter(participant=pat).latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{assessment.id}/"
    assert (assessment.total, assessment.is_complete, assessment.answered) == (50, True, 10)
    assert ItemResponse.objects.filter(assessment=assessment, value=5).count() == 10
    page = ana.get(response["Location"]).content.decode()
    assert "Total: 50 of 60" in page and "strong recovery capital" in page
    assert "I get lots of support from friends." in page and "Agree" in page
    assert "Vilsaint CL" in page
    created = AuditEvent.objects.get(action=Action.CREATE, target_type="assessments.assessment")
    assert created.participant_id == pat.id and created.target_id == str(assessment.id)
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="assessments.assessment", target_id=str(assessment.id)
    ).exists()


def test_a_partial_barc10_is_saved_as_incomplete_with_no_total(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    response = _new(ana, pat, _barc10(3, item_q4="skip", item_q9=""))
    assessment = Assessment.objects.filter(participant=pat).latest("created_at")
    assert (assessment.total, assessment.is_complete, assessment.answered) == (None, False, 8)
    skipped = ItemResponse.objects.get(assessment=assessment, item_key="q4")
    blank = ItemResponse.objects.get(assessment=assessment, item_key="q9")
    assert (skipped.value, skipped.skipped, blank.value, blank.skipped) == (None, True, None, False)
    page = ana.get(response["Location"]).content.decode()
    assert "Incomplete — 8 of 10 answered, no total" in page
    assert "Preferred not to answer" in page and "Not answered" in page


def test_an_out_of_range_answer_is_refused_calmly_and_the_other_answers_are_kept(
    demo, client_for
) -> None:
    pat = _pat(demo)
    before = Assessment.objects.count()
    response = _new(client_for("ana"), pat, _barc10(2, item_q3="7", item_q6="5"))
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "That answer isn't one of the choices for this statement" in page
    assert "your other answers are kept" in page
    assert re.search(
        r'value="5"[^>]*name="item_q6"[^>]*checked|name="item_q6" value="5"[^>]*checked', page
    )
    assert Assessment.objects.count() == before


def test_a_check_in_in_spanish_with_a_note_keeps_the_note_encrypted(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    form = ana.get(f"/assessments/participant/{pat.id}/new/?instrument=checkin&language=es")
    assert "¿Cuánto apoyo sientes?" in form.content.decode()
    _new(
        ana,
        pat,
        {
            "instrument": "checkin",
            "language": "es",
            "administered_on": timezone.localdate().isoformat(),
            "item_today": "4",
            "item_call": "1",
            "note": SECRET,
        },
    )
    check_in = Assessment.objects.filter(participant=pat, instrument="checkin").latest("created_at")
    assert (check_in.total, check_in.is_complete, check_in.answered) == (None, True, 2)
    assert check_in.note == SECRET and check_in.language == "es"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM assessments_assessment WHERE id = %s", [sql_value(check_in.id)]
        )
        stored = cursor.fetchone()[0]
    assert SECRET not in stored and "Rosalind" not in stored
    page = ana.get(f"/assessments/{check_in.id}/").content.decode()
    assert SECRET in page and "Sí, por favor" in page


def test_a_future_date_is_refused(demo, client_for) -> None:
    pat = _pat(demo)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = _new(client_for("ana"), pat, _barc10(administered_on=tomorrow)).content.decode()
    assert "can&#x27;t be dated in the future" in page


def test_other_coaches_and_managers_cannot_record_and_crafted_ids_are_404_audited(
    demo, client_for
) -> None:
    pat = _pat(demo)
    assessment = Assessment.objects.filter(participant=pat).first()
    assert assessment is not None
    ben = client_for("ben")
    assert _new(ben, pat, _barc10()).status_code == 404
    assert ben.get(f"/assessments/{assessment.id}/").status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, target_id=str(assessment.id)
    ).exists()
    assert _new(client_for("mia"), pat, _barc10()).status_code == 403
    assert client_for("mia").get(f"/assessments/participant/{pat.id}/").status_code == 200


def test_the_participant_page_has_accessible_charts_a_summary_and_data_tables(
    demo, client_for
) -> None:
    pat = _pat(demo)
    page = client_for("ana").get(f"/assessments/participant/{pat.id}/").content.decode()
    assert page.count('role="img"') == 2
    assert '<title id="total-chart-title">' in page and '<desc id="total-chart-desc">' in page
    assert 'aria-labelledby="total-chart-title"' in page
    assert "From 31 at the start to 39 on" in page and "a change of +8." in page
    assert '<table id="totals-table">' in page and '<table id="change-table">' in page
    assert "47 · strong recovery capital" in page
    assert "Support from friends" in page
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="assessments.list", participant_id=pat.id
    ).exists()


def test_the_overview_card_shows_the_latest_total_and_next_due_date(demo, client_for) -> None:
    pat = _pat(demo)
    page = client_for("ana").get(f"/participants/{pat.id}/").content.decode()
    card = page.split('id="assessments-heading"', 1)[1].split("</section>", 1)[0]
    assert "Latest BARC-10 total: 39 of 60" in card
    assert "Next:" in card or "No reassessments" in card
    assert f"/assessments/participant/{pat.id}/" in card


def _due_today(pat: Participant) -> None:
    """Pat's 30-day reassessment falls due today: enrolled 30 days ago, baseline done."""
    today = timezone.localdate()
    Assessment.objects.filter(participant=pat).delete()
    Participant.objects.filter(pk=pat.pk).update(enrolled_on=today - timedelta(days=30))
    pat.refresh_from_db()


def test_today_lists_due_reassessments_for_ana_and_not_for_ben(demo, client_for) -> None:
    pat = _pat(demo)
    _due_today(pat)
    _new(client_for("ana"), pat, _barc10(administered_on=pat.enrolled_on.isoformat()))
    assert Assessment.objects.get(participant=pat).schedule_point == "baseline"
    today = client_for("ana").get("/today/").content.decode()
    section = today.split('id="reassessments-heading"', 1)[1].split("</section>", 1)[0]
    assert "Pat" in section and "Day 30: due by" in section
    ben = client_for("ben").get("/today/").content.decode()
    assert "Pat" not in ben.split('id="reassessments-heading"', 1)[1].split("</section>", 1)[0]
    # Recorded now, inside the window: it does the 30-day point and leaves Today.
    _new(client_for("ana"), pat, _barc10())
    assert (
        Assessment.objects.filter(participant=pat).latest("created_at").schedule_point == "day-30"
    )
    again = client_for("ana").get("/today/").content.decode()
    assert "Pat" not in again.split('id="reassessments-heading"', 1)[1].split("</section>", 1)[0]


def test_nothing_is_due_on_today_while_the_participant_is_on_a_break(demo, client_for) -> None:
    pat = _pat(demo)
    _due_today(pat)
    today = timezone.localdate()
    StatusChange.objects.create(
        organization=pat.organization,
        participant=pat,
        from_status=ParticipantStatus.ACTIVE,
        to_status=ParticipantStatus.PAUSED,
        effective_on=today - timedelta(days=3),
    )
    Participant.objects.filter(pk=pat.pk).update(
        status=ParticipantStatus.PAUSED, status_since=today - timedelta(days=3)
    )
    page = client_for("ana").get("/today/").content.decode()
    assert "Pat" not in page.split('id="reassessments-heading"', 1)[1].split("</section>", 1)[0]
    listing = client_for("ana").get(f"/assessments/participant/{pat.id}/").content.decode()
    assert "Pat is taking a break: nothing is due now" in listing


def test_the_admin_changes_the_schedule_and_a_stale_edit_shows_both_versions(
    demo, client_for
) -> None:
    max_ = client_for("max")
    assert 'href="/assessments/schedule/"' in max_.get("/organization/settings/").content.decode()
    page = max_.get("/assessments/schedule/").content.decode()
    assert 'value="30, 60, 90"' in page
    saved = max_.post(
        "/assessments/schedule/",
        {"offsets": "14, 45", "repeat_every_days": "120", "window_days": "10", "version": "0"},
    )
    assert saved.status_code == 302
    row = ReassessmentSchedule.objects.get(
        organization=demo.organizations["harbor"], instrument="barc10"
    )
    assert (row.offsets_days, row.repeat_every_days, row.window_days, row.version) == (
        [14, 45],
        120,
        10,
        1,
    )
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="assessments.reassessmentschedule"
    ).exists()
    stale = max_.post(
        "/assessments/schedule/",
        {"offsets": "30", "repeat_every_days": "90", "window_days": "14", "version": "0"},
    )
    body = stale.content.decode()
    assert "Someone else saved the schedule while you were editing" in body
    assert 'value="30"' in body  # what they typed is still in the form
    row.refresh_from_db()
    assert row.offsets_days == [14, 45]
    bad = max_.post(
        "/assessments/schedule/",
        {"offsets": "thirty", "repeat_every_days": "90", "window_days": "14", "version": "1"},
    )
    assert "Write whole numbers of days" in bad.content.decode()


def _today_queries(client) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/today/").status_code == 200
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]])


def test_todays_reassessment_section_does_not_grow_with_the_caseload(demo, client_for) -> None:
    ana = client_for("ana")
    ana.get("/today/")
    before = _today_queries(ana)
    today = timezone.localdate()
    mine = Participant.objects.filter(coach=demo.users["ana"])
    mine.update(enrolled_on=today - timedelta(days=25), status=ParticipantStatus.ACTIVE)
    StatusChange.objects.filter(participant__in=mine).delete()
    for person in mine:
        StatusChange.objects.create(
            organization=person.organization,
            participant=person,
            from_status=ParticipantStatus.ACTIVE,
            to_status=ParticipantStatus.PAUSED,
            effective_on=today - timedelta(days=20),
        )
        StatusChange.objects.create(
            organization=person.organization,
            participant=person,
            from_status=ParticipantStatus.PAUSED,
            to_status=ParticipantStatus.ACTIVE,
            effective_on=today - timedelta(days=15),
        )
    page = ana.get("/today/").content.decode()
    section = page.split('id="reassessments-heading"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li>") == mine.count() > 3
    assert _today_queries(ana) == before


def test_the_demo_gives_most_people_a_baseline_and_pat_a_changing_chart(demo) -> None:
    pat = _pat(demo)
    points = list(
        Assessment.objects.filter(participant=pat, instrument="barc10")
        .order_by("administered_on")
        .values_list("schedule_point", "total")
    )
    assert points == [("baseline", 31), ("day-30", 33), ("day-60", 36), ("day-90", 39)]
    people = Participant.objects.filter(organization__in=demo.organizations.values())
    with_baseline = people.filter(
        assessments__schedule_point="baseline", assessments__instrument="barc10"
    ).distinct()
    assert with_baseline.count() >= people.count() * 0.7
    assert demo.assessments_created == Assessment.objects.count()
    assert ItemResponse.objects.count() == sum(
        a.item_count for a in Assessment.objects.only("item_count")
    )
