"""My plan in my own Cairn: steps I mark done, changes I suggest, my agreement, my milestones;
never another person's goal, step or suggestion."""

import uuid

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from audit.models import Action, AuditEvent
from organizations.models import Membership, Role
from participants.models import Participant
from plans.models import ActionStep, AgreementMethod, Goal, Milestone, RecoveryPlan
from plans.services import StepValues, save_goal
from portal.models import GoalSuggestion

pytestmark = pytest.mark.django_db


def _pat() -> Participant:
    return Participant.objects.get(user__username="pat")


def _other_persons_goal(demo) -> Goal:
    """A goal on someone else's plan in the same organization (on ana's caseload too)."""
    other = (
        Participant.objects.filter(organization=demo.organizations["harbor"], coach__isnull=False)
        .exclude(user__username="pat")
        .first()
    )
    assert other is not None
    ana = Membership.objects.get(user=demo.users["ana"])
    return save_goal(
        acting=ana,
        participant=other,
        values={"in_my_words": "Someone else's goal", "status": "on_the_way"},
        steps=[StepValues(text="Someone else's step", owner="participant")],
    )


def _pat_goal(text: str = "Play guitar") -> Goal:
    return next(g for g in Goal.objects.filter(participant=_pat()) if text in g.in_my_words)


def test_my_plan_shows_my_goals_steps_milestones_and_the_safety_plan_link(demo, client_for) -> None:
    page = client_for("pat").get("/me/plan/").content.decode()
    assert "Have a place of my own where my kids can stay over" in page
    assert "Visit the two flats on Elm Street" in page
    assert "Dinner with my kids at Dee" in page
    assert page.count('href="/me/safety-plan/"') >= 3  # nav, Help now, each goal
    assert "Your plan changed since you agreed with it" in page
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="plans.plan", participant_id=_pat().id
    ).exists()


def test_goal_page_has_my_safety_plan_one_tap_away(demo, client_for) -> None:
    goal = _pat_goal()
    page = client_for("pat").get(f"/me/plan/goal/{goal.id}/").content.decode()
    assert "Play guitar again" in page
    main = page.split('<main id="main"', 1)[1]
    assert 'class="button secondary" href="/me/safety-plan/"' in main


def test_i_mark_a_step_done_and_the_plan_keeps_a_version(demo, client_for) -> None:
    pat = _pat()
    step = next(s for s in ActionStep.objects.filter(goal__participant=pat) if "Elm" in s.text)
    version = RecoveryPlan.objects.get(participant=pat).version
    response = client_for("pat").post(f"/me/plan/step/{step.id}/done/", {"done": "1"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_on is not None
    assert RecoveryPlan.objects.get(participant=pat).version == version + 1
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, target_type="plans.goal", actor=pat.user
    ).exists()


def test_marking_a_step_from_the_goal_page_returns_there(demo, client_for) -> None:
    step = _pat_goal().steps.filter(done_on__isnull=True).first()
    assert step is not None
    response = client_for("pat").post(
        f"/me/plan/step/{step.id}/done/", {"done": "1", "back": "goal"}
    )
    assert response["Location"] == f"/me/plan/goal/{step.goal_id}/"


def test_i_suggest_a_change_and_my_coach_sees_it_on_the_plan_page(demo, client_for) -> None:
    pat = _pat()
    goal = _pat_goal("place of my own")
    response = client_for("pat").post(
        f"/me/plan/goal/{goal.id}/", {"text": "  Add a step: ask Dee about the spare room  "}
    )
    assert response.status_code == 302
    suggestion = GoalSuggestion.objects.get(goal=goal)
    assert suggestion.text == "Add a step: ask Dee about the spare room"
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="portal.goalsuggestion", actor=pat.user
    ).exists()
    staff_page = client_for("ana").get(f"/plans/participant/{pat.id}/").content.decode()
    assert "Changes Pat suggested" in staff_page
    assert "Add a step: ask Dee about the spare room" in staff_page
    assert "Mark as talked about" in staff_page
    # A manager reads it but does not mark it.
    manager_page = client_for("mia").get(f"/plans/participant/{pat.id}/").content.decode()
    assert "ask Dee about the spare room" in manager_page
    assert "Mark as talked about" not in manager_page


def test_an_empty_suggestion_is_refused_calmly(demo, client_for) -> None:
    goal = _pat_goal()
    before = GoalSuggestion.objects.count()
    response = client_for("pat").post(f"/me/plan/goal/{goal.id}/", {"text": "  "})
    assert response.status_code == 200
    assert "Write a few words about the change first." in response.content.decode()
    assert GoalSuggestion.objects.count() == before


def test_coach_marks_a_suggestion_talked_about(demo, client_for) -> None:
    pat = _pat()
    suggestion = GoalSuggestion.objects.get(participant=pat, talked_about_at__isnull=True)
    ana = client_for("ana")
    response = ana.post(f"/from-participants/suggestion/{suggestion.id}/talked-about/")
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.talked_about_by == demo.users["ana"]
    assert "Changes Pat suggested" not in ana.get(f"/plans/participant/{pat.id}/").content.decode()
    assert "You suggested a change" not in client_for("pat").get("/me/plan/").content.decode()
    assert (
        client_for("ben")
        .post(f"/from-participants/suggestion/{suggestion.id}/talked-about/")
        .status_code
        == 404
    )


def test_i_agree_with_my_plan_and_it_is_recorded_as_from_my_cairn(demo, client_for) -> None:
    pat = _pat()
    client = client_for("pat")
    refused = client.post("/me/plan/agree/", {})
    assert refused.status_code == 200
    assert "Tick the box if you agree with your plan." in refused.content.decode()
    assert client.post("/me/plan/agree/", {"confirmed": "on"}).status_code == 302
    plan = RecoveryPlan.objects.get(participant=pat)
    assert plan.agreement_is_current
    assert plan.agreement_method == AgreementMethod.PORTAL
    assert plan.agreement_recorded_by == pat.user
    page = client.get("/me/plan/").content.decode()
    assert "You agreed with this plan on" in page and "I agree with my plan" not in page


def test_i_add_my_own_milestone(demo, client_for) -> None:
    pat = _pat()
    client = client_for("pat")
    assert "What happened, in your words" in client.get("/me/plan/milestones/new/").content.decode()
    response = client.post(
        "/me/plan/milestones/new/",
        {"kind": "milestone", "title": "Played at the open mic", "happened_on": "2026-10-30"},
    )
    assert response.status_code == 302
    milestone = next(m for m in Milestone.objects.filter(participant=pat) if "open mic" in m.title)
    assert milestone.added_by == pat.user
    assert "Played at the open mic" in client.get("/me/plan/").content.decode()


def test_a_future_milestone_is_refused(demo, client_for) -> None:
    response = client_for("pat").post(
        "/me/plan/milestones/new/",
        {"kind": "milestone", "title": "Someday", "happened_on": "2999-01-01"},
    )
    assert response.status_code == 200
    assert "Milestones are dates that have already come." in response.content.decode()


def test_crafted_ids_of_another_persons_goal_step_or_suggestion_are_not_found(
    demo, client_for
) -> None:
    goal = _other_persons_goal(demo)
    step = goal.steps.get()
    suggestion = GoalSuggestion.objects.create(
        organization=goal.organization, participant=goal.participant, goal=goal, text="Theirs"
    )
    client = client_for("pat")
    assert client.get(f"/me/plan/goal/{goal.id}/").status_code == 404
    assert client.post(f"/me/plan/goal/{goal.id}/", {"text": "Mine now"}).status_code == 404
    assert client.post(f"/me/plan/step/{step.id}/done/", {"done": "1"}).status_code == 404
    assert client.get(f"/me/plan/goal/{suggestion.id}/").status_code == 404
    assert client.get(f"/me/plan/goal/{uuid.uuid4()}/").status_code == 404
    # Staff answers are closed to participants altogether.
    assert (
        client.post(f"/from-participants/suggestion/{suggestion.id}/talked-about/").status_code
        == 403
    )
    step.refresh_from_db()
    assert step.done_on is None
    assert GoalSuggestion.objects.filter(goal=goal).count() == 1
    assert AuditEvent.objects.filter(
        action=Action.PERMISSION_DENIED, actor=_pat().user, target_id=str(goal.id)
    ).exists()


def test_a_participant_without_a_plan_sees_a_calm_empty_page(demo) -> None:
    harbor = demo.organizations["harbor"]
    user = User.objects.create(username="newcomer", preferred_name="Robin")
    Membership.objects.create(organization=harbor, user=user, role=Role.PARTICIPANT)
    Participant.objects.create(
        organization=harbor, preferred_name="Robin", user=user, enrolled_on="2026-11-01"
    )
    client = Client()
    client.force_login(user)
    page = client.get("/me/plan/").content.decode()
    assert "No goals yet" in page and "I agree with my plan" not in page
    assert client.post("/me/plan/agree/", {"confirmed": "on"}).status_code == 404


def test_suggestion_text_is_not_stored_readable(demo, client_for) -> None:
    goal = _pat_goal()
    client_for("pat").post(f"/me/plan/goal/{goal.id}/", {"text": "Bluebird-suggestion-words"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM portal_goalsuggestion")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "Bluebird" not in stored
