"""A participant tells their coach about an overdose from their own Cairn: the record is the
same the coach would write, their own starts the coach's outreach, and a reversal is thanked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from overdose.models import OverdoseEvent, ReportedBy

pytestmark = pytest.mark.django_db


def test_pat_tells_ana_about_an_overdose_and_ana_sees_outreach_on_today(demo, client_for) -> None:
    pat = client_for("pat")
    page = pat.get("/me/overdose/").content.decode()
    assert "If someone needs help right now" in page and "tel:988" in page
    today = timezone.localdate()
    sent = pat.post(
        "/me/overdose/",
        {"whose": "their_own", "happened_on": today.isoformat(), "in_their_words": "Scary night."},
        follow=True,
    )
    told = sent.content.decode()
    assert "Thank you for telling us" in told and "within three days" in told
    event = OverdoseEvent.objects.get()
    assert event.reported_by == ReportedBy.PARTICIPANT and event.outreach_due_at is not None
    assert event.in_their_words == "Scary night."
    today_page = client_for("ana").get("/today/").content.decode()
    assert 'id="overdose-outreach-heading"' in today_page
    assert "Pat" in today_page.split('id="overdose-outreach-heading"', 1)[1][:3000]


def test_a_reversal_is_thanked_and_a_future_day_is_refused_calmly(demo, client_for) -> None:
    pat = client_for("pat")
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = pat.post("/me/overdose/", {"whose": "they_helped", "happened_on": str(tomorrow)})
    assert refused.status_code == 400
    assert "Choose a day that has already happened." in refused.content.decode()
    assert not OverdoseEvent.objects.exists()
    pat.post(
        "/me/overdose/",
        {"whose": "they_helped", "happened_on": str(timezone.localdate()), "naloxone_used": "on"},
    )
    event = OverdoseEvent.objects.get()
    assert event.reversed and event.outreach_due_at is None
    assert (
        "You may have saved a life." in pat.get("/me/overdose/?told=they_helped").content.decode()
    )
    # Staff do not use the participant's page.
    assert client_for("ana").get("/me/overdose/").status_code == 403
