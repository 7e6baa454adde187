"""Recovery plans: goals in the participant's words, versions, comparison, agreement, milestones."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import Action, AuditEvent
from encounters.models import Encounter
from lib.testing import sql_value
from organizations.models import Membership
from participants.models import Participant
from plans.models import Goal, Milestone, PlanVersion, RecoveryPlan, Strength
from plans.services import StepValues, save_goal

pytestmark = pytest.mark.django_db

HOUSING = "Find a place of my own where my kids can visit"


@pytest.fixture(autouse=True)
def robin(demo) -> Participant:
    """A person on ana's caseload with no plan yet (Pat's demo plan is already written)."""
    harbor = demo.organizations["harbor"]
    return Participant.objects.create(
        organization=harbor,
        preferred_name="Robin",
        coach=demo.users["ana"],
        enrolled_on=date(2026, 9, 1),
    )


def _pat() -> Participant:
    return Participant.objects.get(preferred_name="Robin")


def _ana() -> Membership:
    return Membership.objects.select_related("user", "organization").get(user__username="ana")


def _goal_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "in_my_words": HOUSING,
        "coach_summary": "",
        "domains": ["housing", "relationships"],
        "why_it_matters": "So the kids can stay over on weekends",
        "supports": "My sister, the housing navigator",
        "status": "on_the_way",
        "version": "0",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "20",
        "steps-0-text": "Fill in the housing application",
        "steps-0-owner": "participant",
        "steps-0-target_on": "",
        "steps-1-text": "Drive to the viewing together",
        "steps-1-owner": "together",
        "steps-1-target_on": "",
        "steps-2-text": "",
        "steps-2-owner": "participant",
        "steps-2-target_on": "",
    }
    data.update(overrides)
    return data


def _add_goal(text: str = HOUSING) -> Goal:
    return save_goal(
        acting=_ana(),
        participant=_pat(),
        values={"in_my_words": text, "status": "not_started", "domains": ["housing"]},
        steps=[StepValues(text="Call the housing office", owner="participant")],
    )


def test_coach_writes_a_goal_with_steps_and_sees_it_on_the_plan(demo, client_for) -> None:
    client = client_for("ana")
    pat = _pat()
    response = client.post(f"/plans/participant/{pat.id}/goals/new/", _goal_post())
    goal = Goal.objects.get(participant=pat)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plans/participant/{pat.id}/#goal-{goal.id}")
    assert [s.text for s in goal.steps.all()] == [
        "Fill in the housing application",
        "Drive to the viewing together",
    ]
    page = client.get(f"/plans/participant/{pat.id}/").content.decode()
    assert HOUSING in page
    assert "Fill in the housing application" in page
    assert "Housing" in page and "Relationships and family" in page
    assert "Robin has not agreed with this plan yet." in page
    assert RecoveryPlan.objects.get(participant=pat).version == 1


def test_a_goal_needs_their_words_and_keeps_what_was_typed(demo, client_for) -> None:
    pat = _pat()
    response = client_for("ana").post(
        f"/plans/participant/{pat.id}/goals/new/",
        _goal_post(in_my_words="  ", **{"steps-2-target_on": "2026-12-01"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write the goal in their words before saving." in page
    assert "Write the step, or clear the date and the tick." in page
    assert "So the kids can stay over on weekends" in page  # nothing typed is lost
    assert not Goal.objects.filter(participant=pat).exists()


def test_each_change_makes_a_version_and_versions_compare_side_by_side(demo, client_for) -> None:
    goal = _add_goal()
    client = client_for("ana")
    pat = _pat()
    edit = _goal_post(
        in_my_words=HOUSING,
        status="done",
        version=str(goal.version),
        **{
            "steps-TOTAL_FORMS": "1",
            "steps-0-id": str(goal.steps.get().id),
            "steps-0-text": "Call the housing office",
            "steps-0-done": "on",
        },
    )
    assert client.post(f"/plans/goal/{goal.id}/edit/", edit).status_code == 302
    second = _add_goal("Get back to playing guitar")
    assert list(PlanVersion.objects.filter(plan=goal.plan).values_list("number", flat=True)) == [
        3,
        2,
        1,
    ]
    page = client.get(f"/plans/participant/{pat.id}/compare/?from=1&to=3").content.decode()
    assert "version 1 and 3" in page
    assert "Goal changed" in page and "Goal added" in page
    assert "Not started" in page and "Done" in page
    assert second.in_my_words in page
    versions = client.get(f"/plans/participant/{pat.id}/versions/").content.decode()
    assert "Added a goal" in versions and "Changed a goal" in versions
    assert "Ana" in versions


def test_a_stale_goal_edit_is_refused_and_shows_both_versions(demo, client_for) -> None:
    goal = _add_goal()
    opened_at = goal.version
    save_goal(
        acting=_ana(),
        participant=_pat(),
        goal=goal,
        values={"in_my_words": "A flat near the bus line"},
        steps=[],
        expected_version=opened_at,
    )
    response = client_for("ana").post(
        f"/plans/goal/{goal.id}/edit/",
        _goal_post(in_my_words="My typed words", version=str(opened_at)),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone saved this goal while you were writing" in page
    assert "My typed words" in page
    assert "A flat near the bus line" in page  # the saved version beside it
    goal.refresh_from_db()
    assert goal.in_my_words == "A flat near the bus line"


def test_marking_a_step_done_is_a_new_version(demo, client_for) -> None:
    goal = _add_goal()
    step = goal.steps.get()
    client_for("ana").post(f"/plans/step/{step.id}/done/", {"done": "1"})
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    latest = PlanVersion.objects.filter(plan=goal.plan).first()
    assert latest is not None and latest.change == "Marked a step done"


def test_agreement_is_recorded_for_this_version_and_noticed_after_a_change(
    demo, client_for
) -> None:
    goal = _add_goal()
    client = client_for("ana")
    pat = _pat()
    form = client.post(f"/plans/participant/{pat.id}/agree/", {"agreed_on": "2026-11-20"})
    assert "Tick the box once they have agreed." in form.content.decode()
    client.post(
        f"/plans/participant/{pat.id}/agree/", {"agreed_on": "2026-11-20", "confirmed": "on"}
    )
    plan = RecoveryPlan.objects.get(participant=pat)
    assert (plan.agreed_version, plan.agreed_on) == (1, date(2026, 11, 20))
    assert "Robin agreed with this plan on 20 Nov 2026." in client.get(
        f"/plans/participant/{pat.id}/"
    ).content.decode("utf-8")
    save_goal(acting=_ana(), participant=pat, goal=goal, values={"status": "done"}, steps=[])
    assert (
        "Changed since Robin last agreed"
        in client.get(f"/plans/participant/{pat.id}/").content.decode()
    )


def test_removing_a_goal_asks_first_and_keeps_it_in_earlier_versions(demo, client_for) -> None:
    goal = _add_goal()
    client = client_for("ana")
    confirm = client.get(f"/plans/goal/{goal.id}/remove/").content.decode()
    assert "Take this goal off the plan?" in confirm
    assert Goal.objects.filter(pk=goal.pk, removed_at__isnull=True).exists()
    client.post(f"/plans/goal/{goal.id}/remove/")
    plan_page = client.get(f"/plans/participant/{goal.participant_id}/").content.decode()
    assert HOUSING not in plan_page
    first = PlanVersion.objects.get(plan=goal.plan, number=1)
    assert first.snapshot["goals"][0]["in_my_words"] == HOUSING


def test_a_contact_links_the_goals_it_addressed_and_the_plan_shows_it(demo, client_for) -> None:
    goal = _add_goal()
    pat = _pat()
    client = client_for("ana")
    form = client.get(f"/contacts/new/{pat.id}/?kind=full").content.decode()
    assert "Goals addressed" in form and HOUSING in form
    # An hour ago, whatever the clock says (just after midnight that is yesterday).
    started = timezone.localtime() - timedelta(hours=1)
    response = client.post(
        f"/contacts/new/{pat.id}/",
        {
            "kind": "full",
            "contact_type": "in_person",
            "outcome": "reached",
            "day": started.date().isoformat(),
            "start": started.strftime("%H:%M"),
            "duration_minutes": "30",
            "summary": "Looked at two flats together",
            "goals_addressed": [str(goal.id)],
            "version": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    encounter = Encounter.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert list(encounter.goals_addressed.all()) == [goal]
    plan_page = client.get(f"/plans/participant/{pat.id}/").content.decode()
    assert "Looked at two flats together" in plan_page
    detail = client.get(f"/contacts/{encounter.id}/").content.decode()
    assert "Goals addressed" in detail and HOUSING in detail


def test_a_new_start_date_sits_beside_earlier_ones_and_counts_only_if_chosen(
    demo, client_for
) -> None:
    pat = _pat()
    client = client_for("ana")
    for day, counter in (("2026-03-01", False), ("2026-10-20", True)):
        response = client.post(
            f"/plans/participant/{pat.id}/milestones/new/",
            {"kind": "start_date", "title": "My start date", "happened_on": day}
            | ({"show_time_since": "on"} if counter else {}),
        )
        assert response.status_code == 302
    assert Milestone.objects.filter(participant=pat, kind="start_date").count() == 2
    page = client.get(f"/plans/participant/{pat.id}/milestones/").content.decode()
    assert page.count("<strong>My start date</strong>") == 2
    days = (timezone.localdate() - date(2026, 10, 20)).days
    assert re.search(rf"\b{days} days? since", page)
    assert len(re.findall(r"days? since", page)) == 1  # the earlier date shows no counter
    future = client.post(
        f"/plans/participant/{pat.id}/milestones/new/",
        {"kind": "milestone", "title": "Graduation", "happened_on": "2099-01-01"},
    )
    assert "Milestones are dates that have already come." in future.content.decode()


def test_stale_milestone_edit_is_refused(demo, client_for) -> None:
    pat = _pat()
    client = client_for("ana")
    client.post(
        f"/plans/participant/{pat.id}/milestones/new/",
        {"kind": "milestone", "title": "First pay cheque", "happened_on": "2026-09-01"},
    )
    milestone = Milestone.objects.get(participant=pat)
    client.post(
        f"/plans/milestone/{milestone.id}/edit/",
        {"kind": "milestone", "title": "First pay check", "happened_on": "2026-09-01",
         "version": "1"},
    )  # fmt: skip
    stale = client.post(
        f"/plans/milestone/{milestone.id}/edit/",
        {"kind": "milestone", "title": "Mine", "happened_on": "2026-09-02", "version": "1"},
    ).content.decode()
    assert "Someone changed this milestone meanwhile" in stale
    assert "First pay check" in stale and "Mine" in stale
    milestone.refresh_from_db()
    assert milestone.title == "First pay check"


def test_strengths_are_kept_over_time(demo, client_for) -> None:
    pat = _pat()
    client = client_for("ana")
    client.post(
        f"/plans/participant/{pat.id}/strengths/new/",
        {"kind": "proud", "text": "Cooked dinner for my mum", "noted_on": "2026-11-02"},
    )
    assert Strength.objects.get(participant=pat).kind == "proud"
    page = client.get(f"/plans/participant/{pat.id}/milestones/").content.decode()
    assert "Cooked dinner for my mum" in page


def test_another_coach_cannot_edit_the_goal_by_a_crafted_id(demo, client_for) -> None:
    goal = _add_goal()
    response = client_for("ben").post(
        f"/plans/goal/{goal.id}/edit/", _goal_post(in_my_words="Taken over")
    )
    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.in_my_words == HOUSING
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, target_id=str(goal.id)
    ).exists()


def test_reads_and_writes_are_audited(demo, client_for) -> None:
    goal = _add_goal()
    client_for("sam").get(f"/plans/participant/{goal.participant_id}/")
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="plans.goal", target_id=str(goal.id)
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="plans.plan", participant_id=goal.participant_id
    ).exists()


def test_manager_reads_the_plan_without_write_controls(demo, client_for) -> None:
    goal = _add_goal()
    page = client_for("mia").get(f"/plans/participant/{goal.participant_id}/").content.decode()
    assert HOUSING in page
    assert "Add a goal" not in page and "Mark done" not in page


def test_goal_text_is_encrypted_at_rest(demo) -> None:
    goal = _add_goal("Reconnect with my brother Luis")
    with connection.cursor() as cursor:
        cursor.execute("SELECT in_my_words FROM plans_goal WHERE id = %s", [sql_value(goal.id)])
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT snapshot_text FROM plans_planversion")
        snapshots = [row[0] for row in cursor.fetchall()]
    assert "Luis" not in stored
    assert all("Luis" not in s for s in snapshots)


def test_print_view_shows_goals_and_steps(demo, client_for) -> None:
    goal = _add_goal()
    page = client_for("ana").get(f"/plans/participant/{goal.participant_id}/print/")
    text = page.content.decode()
    assert HOUSING in text and "Call the housing office" in text
    assert "data-print" in text


def test_overview_links_to_the_plan_with_open_goals(demo, client_for) -> None:
    goal = _add_goal()
    page = client_for("ana").get(f"/participants/{goal.participant_id}/").content.decode()
    assert f"/plans/participant/{goal.participant_id}/" in page
    assert HOUSING[:40] in page
