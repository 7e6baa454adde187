"""SUPRT-C answered by the participant in the portal: offered on home while a time point is open,
every question skippable, "prefer not to say" stored as an answer, one record per submit, tú
Spanish."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import SUPRT_C, Assessment, Respondent
from audit.models import Action, AuditEvent
from cairn.tests.html_parts import elements
from organizations.models import Organization
from participants.models import Participant
from portal.models import PortalPreference

pytestmark = pytest.mark.django_db


def _pat() -> Participant:
    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(
        enrolled_on=timezone.localdate() - timedelta(days=3)
    )
    pat.refresh_from_db()
    return pat


def _mine(pat: Participant) -> list[Assessment]:
    return list(Assessment.objects.filter(participant=pat, instrument=SUPRT_C))


def test_home_offers_the_questions_while_the_baseline_is_open(demo, client_for) -> None:
    _pat()
    page = client_for("pat").get("/me/").content.decode()
    assert "A few questions about your life" in page and 'href="/me/about-my-life/"' in page


def test_home_does_not_offer_them_where_the_program_does_not_report_suprt(demo, client_for) -> None:
    _pat()
    Organization.objects.filter(slug="harbor").update(reports_suprt=False)
    assert "A few questions about your life" not in client_for("pat").get("/me/").content.decode()


def test_pat_answers_some_questions_skips_others_and_prefers_not_to_say_one(
    demo, client_for
) -> None:
    pat = _pat()
    pat_client = client_for("pat")
    page = pat_client.get("/me/about-my-life/").content.decode()
    assert "Where are you living right now?" in page and "Prefer not to say" in page
    # No codes for the participant, in what she reads (the page's random tokens are left out:
    # a CSRF token once held "C1").
    shown = " ".join(e.text for e in elements(page, "main"))
    assert "Why we ask" in shown and not re.search(r"\bC1\b", shown)
    assert AuditEvent.objects.filter(
        action=Action.VIEW, target_type="assessments.suprt_c_form", participant_id=pat.id
    ).exists()
    response = pat_client.post(
        "/me/about-my-life/",
        {"item_housing": "1", "item_work": "-7", "item_hardship": ["1", "5"]},
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    [saved] = _mine(pat)
    stored = {r.item_key: (r.value, r.text) for r in saved.responses.all()}
    assert (saved.respondent, saved.recorded_by_id, saved.schedule_point) == (
        Respondent.SELF,
        pat.user_id,
        "baseline",
    )
    assert stored["work"] == (-7, "") and stored["housing"] == (1, "")
    assert stored["hardship"] == (None, "1;5") and stored["health"] == (None, "")
    assert "A few questions about your life" not in pat_client.get("/me/").content.decode()
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_id=str(saved.id), participant_id=pat.id
    ).exists()


def test_sending_nothing_at_all_is_allowed(demo, client_for) -> None:
    pat = _pat()
    response = client_for("pat").post("/me/about-my-life/", {})
    assert response.status_code == 302
    [saved] = _mine(pat)
    assert saved.answered == 0


def test_a_double_submit_makes_one_record(demo, client_for) -> None:
    pat = _pat()
    pat_client = client_for("pat")
    form = pat_client.get("/me/about-my-life/").content.decode()
    key = form.split('name="submit_key" value="')[1].split('"')[0]
    data = {"submit_key": key, "item_housing": "2"}
    first = pat_client.post("/me/about-my-life/", data)
    second = pat_client.post("/me/about-my-life/", data)
    assert first.status_code == second.status_code == 302
    assert len(_mine(pat)) == 1


def test_a_spanish_speaking_participant_reads_the_questions_in_tu(demo, client_for) -> None:
    pat = _pat()
    PortalPreference.objects.update_or_create(participant=pat, defaults={"language": "es"})
    page = client_for("pat").get("/me/about-my-life/").content.decode()
    assert "¿Dónde vives ahora?" in page and "Prefiero no decirlo" in page
    assert "Por qué preguntamos" in page and "Enviar mis respuestas" in page
    home = client_for("pat").get("/me/").content.decode()
    assert "Unas preguntas sobre tu vida" in home


def test_the_questions_are_not_found_where_the_program_does_not_report_suprt(
    demo, client_for
) -> None:
    _pat()
    Organization.objects.filter(slug="harbor").update(reports_suprt=False)
    assert client_for("pat").get("/me/about-my-life/").status_code == 404
