"""Safety plans: each save a new version, who and when kept, stale edits refused, 988 always."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from lib.testing import sql_value
from organizations.models import Membership
from participants.models import Participant
from safety.content import Person, PlanContent, compare
from safety.models import CrisisLine, SafetyPlan, SafetyPlanVersion
from safety.services import NotAllowed, StaleEdit, save_safety_plan

SECRET_SIGN = "Walking past Hollis Street bridge at night"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _membership(demo: DemoWorld, username: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(user=demo.users[username])


def _current(pat: Participant) -> SafetyPlanVersion:
    return SafetyPlanVersion.objects.filter(plan__participant=pat).order_by("-number")[0]


def _form(version: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": version,
        "warning_signs": "I stop answering texts\nSunday evenings on my own",
        "coping": "Play guitar",
        "distraction_places": "The library",
        "safer_surroundings": "",
        "reasons": "My family",
        "help_people-0-name": "Maria (sister)",
        "help_people-0-phone": "(617) 555-0123",
    }
    data.update(overrides)
    return data


def test_demo_gives_pat_a_plan_with_two_versions_by_ana(demo: DemoWorld) -> None:
    pat = _pat(demo)
    versions = list(SafetyPlanVersion.objects.filter(plan__participant=pat).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert {v.changed_by.username for v in versions} == {"ana"}
    assert SafetyPlan.objects.get(participant=pat).current_number == 2


def test_each_save_makes_a_new_version_and_keeps_who_and_when(demo: DemoWorld) -> None:
    pat = _pat(demo)
    before = _current(pat)
    content = PlanContent.from_values({"warning_signs": "Not sleeping", "reasons": "My dog"})
    first = save_safety_plan(
        acting=_membership(demo, "ana"),
        participant=pat,
        content=content,
        expected_number=before.number,
    )
    second = save_safety_plan(
        acting=_membership(demo, "sam"),
        participant=pat,
        content=PlanContent.from_values({"warning_signs": "Not sleeping", "reasons": "My son"}),
        expected_number=first.version.number,
    )
    assert (first.version.number, second.version.number) == (before.number + 1, before.number + 2)
    assert first.version.changed_by.username == "ana" and first.version.changed_by_role == "coach"
    assert second.version.changed_by.username == "sam"
    assert second.version.changed_by_role == "supervisor"
    assert second.changed == ["reasons"]
    assert second.version.created_at >= first.version.created_at
    plan = SafetyPlan.objects.get(participant=pat)
    assert (plan.current_number, plan.updated_by.username) == (second.version.number, "sam")
    # The earlier version is untouched.
    assert SafetyPlanVersion.objects.get(pk=first.version.pk).plan_content.get("reasons") == (
        "My dog",
    )


def test_saving_the_same_words_adds_no_version(demo: DemoWorld) -> None:
    pat = _pat(demo)
    current = _current(pat)
    saved = save_safety_plan(
        acting=_membership(demo, "ana"),
        participant=pat,
        content=current.plan_content,
        expected_number=current.number,
    )
    assert saved.changed == [] and saved.version == current
    assert SafetyPlanVersion.objects.filter(plan__participant=pat).count() == 2


def test_the_participant_can_save_their_own_plan_and_is_recorded_as_its_author(
    demo: DemoWorld,
) -> None:
    pat = _pat(demo)
    saved = save_safety_plan(
        acting=_membership(demo, "pat"),
        participant=pat,
        content=PlanContent.from_values({"reasons": "Fishing with my uncle"}),
        expected_number=_current(pat).number,
    )
    assert saved.version.changed_by.username == "pat"
    assert saved.version.by_participant


def test_a_manager_or_another_participant_cannot_save_a_plan(demo: DemoWorld) -> None:
    pat = _pat(demo)
    other = Participant.objects.exclude(pk=pat.pk).filter(organization=pat.organization).first()
    assert other is not None
    with pytest.raises(NotAllowed):
        save_safety_plan(
            acting=_membership(demo, "mia"),
            participant=pat,
            content=PlanContent(),
            expected_number=2,
        )
    with pytest.raises(NotAllowed):
        save_safety_plan(
            acting=_membership(demo, "pat"),
            participant=other,
            content=PlanContent(),
            expected_number=0,
        )


def test_comparison_lists_added_and_removed_lines_per_part() -> None:
    before = PlanContent.from_values(
        {
            "coping": "Walk\nTea",
            "help_people": [{"name": "Maria", "phone": "+16175550123"}],
        }
    )
    after = PlanContent.from_values(
        {
            "coping": "Walk\nGuitar",
            "help_people": [{"name": "Maria", "phone": "+16175550123"}, {"name": "Jordan"}],
        }
    )
    changes = {c.part.key: c for c in compare(before, after) if c.changed}
    assert set(changes) == {"coping", "help_people"}
    assert (changes["coping"].added, changes["coping"].removed) == (["Guitar"], ["Tea"])
    assert changes["help_people"].added == ["Jordan"]
    assert changes["help_people"].kept == ["Maria, (617) 555-0123"]


def test_coach_updates_the_plan_by_form_and_sees_the_new_version(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    response = ana.post(f"/safety/participant/{pat.id}/edit/", _form(2), follow=True)
    assert response.redirect_chain[-1][0] == f"/safety/participant/{pat.id}/"
    page = response.content.decode()
    assert "Saved as a new version of the plan." in page
    assert "Version 3, saved" in page
    assert 'href="tel:+16175550123"' in page and 'href="sms:+16175550123"' in page
    assert "Sunday evenings on my own" in page
    version = _current(pat)
    assert version.number == 3
    assert version.plan_content.get("help_people") == (Person("Maria (sister)", "+16175550123"),)
    history = ana.get(f"/safety/participant/{pat.id}/versions/").content.decode()
    assert "Version 3" in history and "(current)" in history
    shown = ana.get(f"/safety/version/{version.id}/").content.decode()
    assert "What changed from version 2" in shown


def test_stale_edit_is_refused_keeps_what_was_typed_and_shows_the_newer_version(
    demo, client_for
) -> None:
    pat = _pat(demo)
    # Sam saves version 3 while Ana still has version 2 open.
    save_safety_plan(
        acting=_membership(demo, "sam"),
        participant=pat,
        content=PlanContent.from_values({"reasons": "Seeing my niece graduate"}),
        expected_number=2,
    )
    response = client_for("ana").post(
        f"/safety/participant/{pat.id}/edit/", _form(2, reasons="Ana typed this")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone saved a newer version while you were writing" in page
    assert "Seeing my niece graduate" in page  # what the other version says
    assert "Ana typed this</textarea>" in page  # nothing typed was lost
    assert 'name="version" value="3"' in page  # saving again is a deliberate choice
    assert _current(pat).number == 3


def test_the_service_refuses_a_save_based_on_an_older_version(demo: DemoWorld) -> None:
    pat = _pat(demo)
    with pytest.raises(StaleEdit) as refused:
        save_safety_plan(
            acting=_membership(demo, "ana"),
            participant=pat,
            content=PlanContent.from_values({"reasons": "Written from version 1"}),
            expected_number=1,
        )
    assert refused.value.current.number == 2
    assert _current(pat).number == 2


def test_bad_phone_gets_a_calm_message_and_nothing_typed_is_lost(demo, client_for) -> None:
    pat = _pat(demo)
    response = client_for("ana").post(
        f"/safety/participant/{pat.id}/edit/",
        _form(2, **{"help_people-0-phone": "12", "help_people-4-name": "Extra row"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "That number can&#x27;t be dialled as typed" in page or "look like a phone" in page
    assert 'value="12"' in page and 'value="Extra row"' in page
    assert "Sunday evenings on my own</textarea>" in page
    assert _current(pat).number == 2


def test_a_number_without_a_name_asks_for_the_name(demo, client_for) -> None:
    pat = _pat(demo)
    page = (
        client_for("ana")
        .post(f"/safety/participant/{pat.id}/edit/", _form(2, **{"help_people-0-name": ""}))
        .content.decode()
    )
    assert "Add a name for this number, or clear the number." in page


def test_988_is_always_on_the_plan_even_when_removed_from_the_list(demo, client_for) -> None:
    pat = _pat(demo)
    assert any(p.phone == "988" for p in _current(pat).plan_content.get("professionals"))
    client_for("ana").post(f"/safety/participant/{pat.id}/edit/", _form(2))
    assert not _current(pat).plan_content.get("professionals")
    for path in (f"/safety/participant/{pat.id}/", f"/safety/participant/{pat.id}/card/"):
        page = client_for("ana").get(path).content.decode()
        assert 'href="tel:988"' in page and 'href="sms:988"' in page, path


def test_988_typed_in_the_list_is_kept_as_a_short_number_and_shown_once(demo, client_for) -> None:
    pat = _pat(demo)
    client_for("ana").post(
        f"/safety/participant/{pat.id}/edit/",
        _form(2, **{"professionals-0-name": "Crisis line", "professionals-0-phone": "988"}),
    )
    assert _current(pat).plan_content.get("professionals") == (Person("Crisis line", "988"),)
    page = client_for("ana").get(f"/safety/participant/{pat.id}/").content.decode()
    # Once on the plan itself (every page's footer offers 988 to the coach as well).
    plan = page.split("<main")[1].split("</main>")[0]
    assert plan.count('href="tel:988"') == 1


def test_organization_lines_show_on_the_plan_and_card_but_not_once_retired(
    demo, client_for
) -> None:
    pat = _pat(demo)
    line = CrisisLine.objects.get(organization=pat.organization)
    for path in (f"/safety/participant/{pat.id}/", f"/safety/participant/{pat.id}/card/"):
        page = client_for("ana").get(path).content.decode()
        assert line.name in page and line.phone_display in page, path
    CrisisLine.objects.filter(pk=line.pk).update(is_active=False)
    page = client_for("ana").get(f"/safety/participant/{pat.id}/").content.decode()
    assert line.name not in page
    riverside = CrisisLine.objects.get(organization=demo.organizations["riverside"])
    assert riverside.name not in page


def test_the_plan_text_is_encrypted_at_rest(demo, client_for) -> None:
    pat = _pat(demo)
    client_for("ana").post(
        f"/safety/participant/{pat.id}/edit/",
        _form(2, warning_signs=SECRET_SIGN, **{"help_people-0-name": "Rosalind Okonkwo"}),
    )
    assert SECRET_SIGN in client_for("ana").get(f"/safety/participant/{pat.id}/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM safety_safetyplanversion")
        stored = "\n".join(str(value) for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT * FROM safety_safetyplan")
        stored += "\n".join(str(value) for row in cursor.fetchall() for value in row)
    assert "enc1:" in stored
    for secret in (SECRET_SIGN, "Hollis", "Rosalind", "+16175550123", "Sunday evenings"):
        assert secret not in stored, secret


def test_a_saved_version_cannot_be_changed_or_removed(demo: DemoWorld) -> None:
    version = _current(_pat(demo))
    with pytest.raises(ValueError, match="never changed"):
        version.save()
    for statement in (
        "UPDATE safety_safetyplanversion SET number = 99 WHERE id = %s",
        "DELETE FROM safety_safetyplanversion WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [sql_value(version.id)])
    # Key rotation may still rewrite the ciphertext.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE safety_safetyplanversion SET content = content WHERE id = %s",
            [sql_value(version.id)],
        )


def test_reads_and_writes_are_audited(demo, client_for) -> None:
    pat = _pat(demo)
    ana = client_for("ana")
    ana.get(f"/safety/participant/{pat.id}/")
    ana.get(f"/safety/participant/{pat.id}/edit/")
    ana.post(f"/safety/participant/{pat.id}/edit/", _form(2))
    version = _current(pat)
    ana.get(f"/safety/participant/{pat.id}/versions/")
    ana.get(f"/safety/version/{version.id}/")
    ana.get(f"/safety/participant/{pat.id}/card/")
    events = AuditEvent.objects.filter(participant_id=pat.id, actor=demo.users["ana"])
    viewed = set(events.filter(action=Action.VIEW).values_list("target_type", flat=True))
    assert {
        "safety.plan",
        "safety.plan_form",
        "safety.versions",
        "safety.version",
        "safety.card",
    } <= viewed
    write = events.get(action=Action.UPDATE, target_type="safety.safetyplan")
    assert "warning_signs" in write.changed_fields and "content" not in write.changed_fields


def test_crafted_version_id_of_another_caseload_is_404_and_audited(demo, client_for) -> None:
    pat = _pat(demo)
    version = _current(pat)
    response = client_for("ben").get(f"/safety/version/{version.id}/")
    assert response.status_code == 404
    refused = AuditEvent.objects.get(
        action=Action.PERMISSION_DENIED, actor=demo.users["ben"], target_id=str(version.id)
    )
    assert refused.target_type == "safety.safetyplanversion"


def test_overview_card_links_straight_to_the_plan(demo, client_for) -> None:
    pat = _pat(demo)
    page = client_for("ana").get(f"/participants/{pat.id}/").content.decode()
    assert "Safety plan" in page and "Last updated" in page and "by Ana" in page
    assert f'href="/safety/participant/{pat.id}/">Open safety plan</a>' in page


def test_overview_card_invites_writing_one_when_there_is_none(demo, client_for) -> None:
    pat = _pat(demo)
    without = (
        Participant.objects.filter(organization=pat.organization, coach=demo.users["ana"])
        .exclude(safety_plans__isnull=False)
        .first()
    )
    if without is None:
        pytest.skip("every demo participant of ana's has a plan in this seed")
    page = client_for("ana").get(f"/participants/{without.id}/").content.decode()
    assert "No safety plan yet" in page
    assert f'href="/safety/participant/{without.id}/edit/">Write a safety plan together' in page
    plan_page = client_for("ana").get(f"/safety/participant/{without.id}/").content.decode()
    assert "No safety plan written yet" in plan_page and 'href="tel:988"' in plan_page


def test_language_checker_is_attached_to_the_coach_textareas(demo, client_for) -> None:
    pat = _pat(demo)
    page = client_for("ana").get(f"/safety/participant/{pat.id}/edit/").content.decode()
    assert "/coaching/check/?field=warning_signs" in page
    assert 'id="lang-reasons"' in page
    response = client_for("ana").post(
        "/coaching/check/?field=warning_signs", {"warning_signs": "I feel like an addict"}
    )
    assert "addict" in response.content.decode()


def test_manager_reads_the_plan_without_an_edit_button(demo, client_for) -> None:
    pat = _pat(demo)
    page = client_for("mia").get(f"/safety/participant/{pat.id}/").content.decode()
    assert "Pat's safety plan" in page
    assert f"/safety/participant/{pat.id}/edit/" not in page
    assert client_for("mia").post(f"/safety/participant/{pat.id}/edit/", _form(2)).status_code == (
        403
    )
