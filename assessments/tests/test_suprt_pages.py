"""Recording SUPRT from the record: SUPRT-A by ana for Pat (prefilled, skip logic, time point),
SUPRT-C with a coach, scoping, audit, the detail page, and Today's "SUPRT due"."""

from datetime import timedelta
from html.parser import HTMLParser

from django.utils import timezone

from assessments.models import Assessment, ItemResponse, Respondent
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from cairn.tests.html_parts import elements
from lib.testing import stored_columns
from organizations.models import Organization
from participants.models import Participant


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.found.append({k: v or "" for k, v in attrs})


def _values(response, name: str, *, checked: bool = False) -> list[str]:
    reader = _Inputs()
    reader.feed(response.content.decode())
    return [
        i.get("value", "")
        for i in reader.found
        if i.get("name") == name and (not checked or "checked" in i)
    ]


def _suprt_rows(response) -> list[str]:
    html = response.content.decode()
    lists = [e for e in elements(html, "ul") if e.attrs.get("id") == "suprt-due-list"]
    return [li.text for li in elements(html, "li") if lists and li.text in lists[0].text]


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _fresh_intake(pat: Participant, days_ago: int = 5) -> None:
    """Pat started services a few days ago, with no SUPRT yet: the baseline is due."""
    Participant.objects.filter(pk=pat.pk).update(
        enrolled_on=timezone.localdate() - timedelta(days=days_ago)
    )
    pat.refresh_from_db()
    Assessment.objects.filter(participant=pat, instrument__startswith="suprt").delete()


def _a_answers(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "language": "en",
        "administered_on": timezone.localdate().isoformat(),
        "item_grant_id": "TI-087654",
        "item_site_id": "HARBOR-1",
        "item_assessment_type": "1",
        "item_first_services_on": (timezone.localdate() - timedelta(days=5)).isoformat(),
        "item_suprt_c_status": "1",
        "item_substance_use_history": "1",
        "item_overdose_history": "0",
        "item_has_diagnosis": "1",
        "item_diagnosis_groups": ["2", "7"],
        "item_services": ["1", "8"],
        "item_peer_contacts": "3",
        "item_birth_month": "1988-11",
        "item_hispanic": "-7",
        "item_race": ["3"],
        "item_gender": "6",
        "item_gender_words": "two-spirit",
        "item_veteran": "0",
    }
    data.update(overrides)
    return data


def _text(response) -> str:
    return elements(response.content.decode(), "main")[0].text


def test_ana_sees_the_baseline_time_point_and_fields_prefilled_from_pats_record(
    demo, client_for
) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    page = client_for("ana").get(f"/assessments/participant/{pat.id}/suprt/a/")
    text = _text(page)
    assert page.status_code == 200
    assert "Time point today: Baseline" in text
    assert "Filled in from the record:" in text and "First services date" in text
    checked = _values(page, "item_assessment_type", checked=True)
    first = _values(page, "item_first_services_on")
    assert checked == ["1"] and first == [pat.enrolled_on.isoformat()]
    assert "Why we ask" in text and "Peer staff never diagnose" in text


def test_ana_records_suprt_a_for_pat_with_every_kind_and_prefer_not_to_say_stored(
    demo, client_for
) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    ana = client_for("ana")
    response = ana.post(f"/assessments/participant/{pat.id}/suprt/a/", _a_answers())
    saved = Assessment.objects.get(participant=pat, instrument="suprt_a")
    assert response.status_code == 302 and response["Location"] == f"/assessments/{saved.id}/"
    assert (saved.schedule_point, saved.respondent) == ("baseline", Respondent.STAFF)
    stored = {r.item_key: (r.value, r.text) for r in saved.responses.all()}
    assert stored["hispanic"] == (-7, "")  # prefer not to say: an answer, not a blank
    assert stored["diagnosis_groups"] == (None, "2;7")
    assert stored["birth_month"] == (None, "1988-11")
    assert stored["peer_contacts"] == (3, "")
    assert stored["gender_words"] == (None, "two-spirit")
    assert stored["closeout_reason"] == (None, "")  # not asked at baseline
    # Words people wrote are encrypted at rest.
    row = ItemResponse.objects.get(assessment=saved, item_key="gender_words")
    assert "two-spirit" not in str(stored_columns(row, "text")["text"])
    created = AuditEvent.objects.get(action=Action.CREATE, target_id=str(saved.id))
    assert created.participant_id == pat.id
    page = ana.get(response["Location"])
    text = _text(page)
    assert "Time point: Baseline" in text and "Staff, from the record" in text
    assert "Preferred not to say" in text and "Opioid use, Anxiety" in text
    assert "11/1988" in text and "Not asked (an earlier answer skips it)" in text
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="assessments.assessment", target_id=str(saved.id)
    ).exists()


def test_section_f_is_not_stored_at_baseline_when_suprt_c_was_begun_then_declined(
    demo, client_for
) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    client_for("ana").post(
        f"/assessments/participant/{pat.id}/suprt/a/", _a_answers(item_suprt_c_status="3")
    )
    saved = Assessment.objects.get(participant=pat, instrument="suprt_a")
    stored = {r.item_key: (r.value, r.text) for r in saved.responses.all()}
    assert stored["birth_month"] == (None, "") and stored["hispanic"] == (None, "")
    assert stored["race"] == (None, "") and stored["grant_id"] == (None, "TI-087654")


def test_a_bad_date_is_refused_calmly_and_the_other_answers_are_kept(demo, client_for) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    response = client_for("ana").post(
        f"/assessments/participant/{pat.id}/suprt/a/",
        _a_answers(item_birth_month="1988-13", item_peer_contacts="5000"),
    )
    text = _text(response)
    assert response.status_code == 200
    assert "Write the month as YYYY-MM" in text
    assert not Assessment.objects.filter(participant=pat, instrument="suprt_a").exists()
    assert _values(response, "item_grant_id") == ["TI-087654"]


def test_an_answer_and_a_special_answer_together_ask_for_one_of_them(demo, client_for) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    response = client_for("ana").post(
        f"/assessments/participant/{pat.id}/suprt/a/",
        _a_answers(item_peer_contacts__special="-8"),
    )
    assert response.status_code == 200
    assert "not both" in _text(response)


def test_suprt_c_with_the_coach_is_stored_as_answered_with_staff(demo, client_for) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    client_for("ana").post(
        f"/assessments/participant/{pat.id}/suprt/c/",
        {
            "language": "es",
            "administered_on": timezone.localdate().isoformat(),
            "item_housing": "4",
            "item_housing_worry": "1",  # not asked after "a shelter": dropped
            "item_work": "-7",
        },
    )
    saved = Assessment.objects.get(participant=pat, instrument="suprt_c")
    stored = {r.item_key: r.value for r in saved.responses.all()}
    assert (saved.respondent, saved.language, saved.schedule_point) == (
        Respondent.WITH_STAFF,
        "es",
        "baseline",
    )
    assert stored["housing"] == 4 and stored["housing_worry"] is None and stored["work"] == -7


def test_ben_gets_404_for_pats_suprt_pages(demo, client_for) -> None:
    pat = _pat(demo)
    ben = client_for("ben")
    assert ben.get(f"/assessments/participant/{pat.id}/suprt/a/").status_code == 404
    response = ben.post(f"/assessments/participant/{pat.id}/suprt/a/", _a_answers())
    assert response.status_code == 404
    assert not Assessment.objects.filter(participant=pat, instrument="suprt_a").exists()


def test_an_unknown_form_letter_is_404(demo, client_for) -> None:
    pat = _pat(demo)
    assert client_for("ana").get(f"/assessments/participant/{pat.id}/suprt/x/").status_code == 404


def test_the_participant_page_says_which_suprt_point_is_due(demo, client_for) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    text = _text(client_for("ana").get(f"/assessments/participant/{pat.id}/"))
    assert "Federal outcome report (SUPRT)" in text and "Due now: Baseline" in text


def test_today_lists_pats_due_baseline_and_drops_it_once_recorded(demo, client_for) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    ana = client_for("ana")
    rows = _suprt_rows(ana.get("/today/"))
    assert any(pat.preferred_name in r and "Baseline: due" in r for r in rows)
    ana.post(f"/assessments/participant/{pat.id}/suprt/a/", _a_answers())
    rows = _suprt_rows(ana.get("/today/"))
    assert not any(pat.preferred_name in r for r in rows)


def test_today_shows_a_6_month_reassessment_as_past_due_inside_its_window(demo, client_for) -> None:
    pat = _pat(demo)
    _fresh_intake(pat, days_ago=200)
    Participant.objects.filter(pk=pat.pk).update(status="active")
    client_for("ana").post(
        f"/assessments/participant/{pat.id}/suprt/a/",
        _a_answers(administered_on=(timezone.localdate() - timedelta(days=195)).isoformat()),
    )
    rows = _suprt_rows(client_for("ana").get("/today/"))
    assert any(pat.preferred_name in r and "6-month reassessment: past due" in r for r in rows)


def test_an_organization_that_does_not_report_suprt_shows_no_suprt_due(demo, client_for) -> None:
    pat = _pat(demo)
    _fresh_intake(pat)
    Organization.objects.filter(slug="harbor").update(reports_suprt=False)
    page = client_for("ana").get("/today/")
    assert b"suprt-due-list" not in page.content
