"""Billing pages as the people who use them: Mia works through lines and coverage, Max keeps the
payers and provider numbers, coaches see coverage but change nothing, nobody else sees any of it."""

import pytest
from django.db import connection

from audit.models import Action, AuditEvent
from billing import demo as billing_demo
from billing.models import BillableLine, Coverage, LineState, Payer, PayerService, Reason
from cairn.demo import DemoWorld
from participants.models import Participant

pytestmark = pytest.mark.django_db


def test_mia_sees_lines_by_state_and_filters_them(demo: DemoWorld, client_for, medicaid) -> None:
    mia = client_for("mia")
    page = mia.get("/billing/").content.decode()
    assert 'id="line-states"' in page and "Ready to bill" in page
    ready = BillableLine.objects.filter(state=LineState.READY).count()
    assert ready > 0
    assert BillableLine.objects.filter(reason=Reason.NO_COVERAGE).exists()
    held = mia.get("/billing/", {"state": "held", "reason": "no_coverage"}).content.decode()
    assert "No coverage on that date" in held and "Ready to bill<br>" not in held
    assert "H0038" in mia.get("/billing/", {"state": "ready"}).content.decode()
    assert AuditEvent.objects.filter(
        actor_username="mia", action=Action.VIEW, target_type="billing.lines"
    ).exists()


@pytest.mark.parametrize("username", ["ana", "sam", "max", "rio"])
def test_only_the_manager_sees_lines(client_for, medicaid, username: str) -> None:
    assert client_for(username).get("/billing/").status_code in (403, 404)


def test_coverage_added_by_mia_releases_held_lines(demo: DemoWorld, client_for, medicaid) -> None:
    held = BillableLine.objects.filter(reason=Reason.NO_COVERAGE).select_related("participant")
    person = held[0].participant
    mia = client_for("mia")
    page = mia.get(f"/billing/coverage/{person.id}/").content.decode()
    assert "No coverage recorded" in page
    response = mia.post(
        f"/billing/coverage/{person.id}/add/",
        {"payer": "", "member_id": "", "starts_on": ""},
    )
    assert response.status_code == 400
    assert "Please check the form" in response.content.decode()
    grant = Payer.objects.get(name=billing_demo.GRANT)
    response = mia.post(
        f"/billing/coverage/{person.id}/add/",
        {"payer": str(grant.id), "member_id": "G555000111", "starts_on": "2025-01-01"},
    )
    assert response.status_code == 302
    lines = BillableLine.objects.filter(participant=person)
    assert not lines.filter(reason=Reason.NO_COVERAGE).exists()
    assert lines.filter(state=LineState.READY, payer=grant).exists()
    # The member id is encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT member_id FROM billing_coverage WHERE participant_id = %s",
            [person.id.hex if connection.vendor == "sqlite" else person.id],
        )
        stored = cursor.fetchone()[0]
    assert "G555000111" not in stored
    assert Coverage.objects.get(participant=person).member_id == "G555000111"


def test_an_authorization_with_its_end_before_its_start_is_refused_and_kept(
    demo: DemoWorld, client_for, medicaid
) -> None:
    coverage = Coverage.objects.filter(payer=medicaid).select_related("participant")[0]
    response = client_for("mia").post(
        f"/billing/coverage/{coverage.id}/authorizations/",
        {
            "number": "PA-77",
            "procedure_codes": "H0038",
            "units": "24",
            "starts_on": "2026-10-01",
            "ends_on": "2026-09-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The end comes before the start." in page and 'value="PA-77"' in page


def test_a_coach_reads_coverage_and_units_left_but_changes_nothing(
    demo: DemoWorld, client_for, medicaid
) -> None:
    covered = Coverage.objects.filter(payer=medicaid, participant__coach=demo.users["ana"])
    person = covered[0].participant
    ana = client_for("ana")
    page = ana.get(f"/billing/coverage/{person.id}/").content.decode()
    assert billing_demo.MEDICAID in page and "Authorizations" in page and "Left" in page
    assert "Add coverage" not in page and "Add an authorization" not in page
    pat = Participant.objects.get(user__username="pat")
    refused = ana.post(f"/billing/coverage/{pat.id}/add/", {"member_id": "x"})
    assert refused.status_code == 403
    assert client_for("rio").get(f"/billing/coverage/{pat.id}/").status_code == 404


def test_max_keeps_payers_and_a_wrong_npi_is_refused_calmly(
    demo: DemoWorld, client_for, medicaid
) -> None:
    max_ = client_for("max")
    form = {
        "name": "County grant",
        "kind": "grant",
        "unit_minutes": "15",
        "rounding": "whole",
        "billing_npi": "1234567890",
        "is_active": "on",
    }
    refused = max_.post("/billing/payers/", form)
    assert refused.status_code == 400
    assert (
        "check digit" in refused.content.decode()
        and 'value="County grant"' in refused.content.decode()
    )
    form["billing_npi"] = "1234567893"
    assert max_.post("/billing/payers/", form).status_code == 302
    county = Payer.objects.get(name="County grant")
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="billing.payer", target_id=str(county.id)
    ).exists()
    # Rows: a duplicate is refused, a removal asks first.
    row = {"procedure_code": "h0038", "modifiers": "hq", "place_of_service": "11", "rate": "4"}
    assert max_.post(f"/billing/payers/{county.id}/rows/", row).status_code == 302
    saved = PayerService.objects.get(payer=county)
    assert (saved.procedure_code, saved.modifiers) == ("H0038", "HQ")
    again = max_.post(f"/billing/payers/{county.id}/rows/", row)
    assert again.status_code == 400 and "already has a row" in again.content.decode()
    confirm = max_.get(f"/billing/rows/{saved.id}/remove/").content.decode()
    assert "Yes, remove it" in confirm
    assert PayerService.objects.filter(payer=county).exists()
    max_.post(f"/billing/rows/{saved.id}/remove/")
    assert not PayerService.objects.filter(payer=county).exists()


def test_a_payer_saved_by_someone_else_meanwhile_is_not_overwritten(
    demo: DemoWorld, client_for, medicaid
) -> None:
    max_ = client_for("max")
    opened = medicaid.version
    Payer.objects.filter(pk=medicaid.pk).update(daily_unit_cap=20, version=opened + 1)
    response = max_.post(
        f"/billing/payers/{medicaid.id}/",
        {
            "name": medicaid.name,
            "kind": medicaid.kind,
            "unit_minutes": "15",
            "rounding": "midpoint",
            "daily_unit_cap": "8",
            "billing_npi": medicaid.billing_npi,
            "version": str(opened),
            "is_active": "on",
        },
        follow=True,
    )
    assert "Someone else saved this payer" in response.content.decode()
    assert Payer.objects.get(pk=medicaid.pk).daily_unit_cap == 20


def test_another_organization_cannot_open_harbors_payers(client_for, medicaid) -> None:
    assert client_for("rio").get(f"/billing/payers/{medicaid.id}/").status_code in (403, 404)
    assert client_for("ana").get("/billing/payers/").status_code == 403


def test_provider_numbers_are_kept_by_max(demo: DemoWorld, client_for, medicaid) -> None:
    max_ = client_for("max")
    page = max_.get("/billing/providers/").content.decode()
    assert "Ana" in page or "ana" in page
    ana_id = demo.users["ana"].pk
    bad = max_.post("/billing/providers/", {"user": ana_id, "npi": "12345"})
    assert bad.status_code == 400
    assert (
        max_.post("/billing/providers/", {"user": ana_id, "npi": "1234567893"}).status_code == 302
    )
    assert "1234567893" in max_.get("/billing/providers/").content.decode()


def test_one_row_per_service_and_way_of_meeting_is_kept_by_both_databases(medicaid) -> None:
    """The page refuses a second row for the same service and way of meeting; the database
    refuses it too, "any service" (no service type) included, on SQLite as on PostgreSQL."""
    from django.db import IntegrityError, transaction

    from encounters.models import ServiceType

    kind = ServiceType.objects.filter(organization=medicaid.organization).first()
    assert kind is not None
    for service_type in (None, kind):
        PayerService.objects.create(
            payer=medicaid, service_type=service_type, contact_type="text", procedure_code="H0038"
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            PayerService.objects.create(
                payer=medicaid,
                service_type=service_type,
                contact_type="text",
                procedure_code="H0038",
            )
