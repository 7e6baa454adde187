"""The SUPRT export: one row per SUPRT-A or SUPRT-C record, one column per item code, codes for
prefer not to say, not asked and left blank; through the same export and disclosure path."""

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone

from consent.models import Consent, Disclosure
from exports.datasets import registry
from exports.services import ExportRequest, full_dictionary, run_export
from organizations.models import Membership
from participants.models import Participant

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _pat_with_suprt(client_for) -> Participant:
    """Pat's baseline: SUPRT-A by ana from the record, SUPRT-C by Pat in the portal."""
    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(
        enrolled_on=timezone.localdate() - timedelta(days=4)
    )
    today = timezone.localdate().isoformat()
    client_for("ana").post(
        f"/assessments/participant/{pat.id}/suprt/a/",
        {
            "language": "en",
            "administered_on": today,
            "item_grant_id": "TI-087654",
            "item_assessment_type": "1",
            "item_first_services_on": (timezone.localdate() - timedelta(days=4)).isoformat(),
            "item_suprt_c_status": "1",
            "item_services": ["8", "1"],
            "item_birth_month": "1988-11",
            "item_hispanic": "-7",
            "item_peer_contacts__special": "-8",
        },
    )
    client_for("pat").post("/me/about-my-life/", {"item_housing": "4", "item_work": "-7"})
    return pat


def _mia(demo) -> Membership:
    return Membership.objects.get(user=demo.users["mia"])


def test_the_export_holds_pats_suprt_a_and_suprt_c_with_codes_per_item(demo, client_for) -> None:
    pat = _pat_with_suprt(client_for)
    people = Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"])
    result = run_export(
        acting=_mia(demo), request=ExportRequest(dataset="funder_suprt"), people=people
    )
    rows = {r["form"]: r for r in _rows(result.content) if r["participant_id"] == str(pat.id)}
    a, c = rows["SUPRT-A"], rows["SUPRT-C"]
    assert (a["time_point"], a["respondent"], c["respondent"]) == ("baseline", "staff", "self")
    assert a["A1"] == "TI-087654" and a["A3"] == "1" and a["E1"] == "1;8"
    assert a["F1"] == "1988-11" and a["F2"] == "-7" and a["E2"] == "-8"
    assert a["A6"] == "-1"  # end of care: not asked at baseline
    assert a["B1"] == "-9"  # asked, left blank
    assert a["CL01"] == ""  # SUPRT-C columns stay empty on a SUPRT-A row
    assert c["CL01"] == "4" and c["CL02"] == "-1" and c["CL03"] == "-7" and c["CL10"] == "-9"
    assert c["A1"] == ""
    header = list(_rows(result.content)[0])
    assert header[:7] == [
        "participant_id",
        "assessment_id",
        "form",
        "time_point",
        "assessment_date",
        "respondent",
        "form_version",
    ]
    assert header[7:9] == ["A1", "A2"] and header[-1] == "CL12"


def test_the_de_identified_export_drops_birth_month_and_words_and_keeps_codes(
    demo, client_for
) -> None:
    _pat_with_suprt(client_for)
    people = Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"])
    result = run_export(
        acting=_mia(demo),
        request=ExportRequest(dataset="funder_suprt", kind="deidentified"),
        people=people,
    )
    rows = _rows(result.content)
    assert rows and "F1" not in rows[0] and "A1" not in rows[0] and "F5" not in rows[0]
    a = next(r for r in rows if r["form"] == "SUPRT-A")
    assert a["F2"] == "-7" and a["A4"] != "" and "person" in rows[0]


def test_an_outside_disclosure_goes_through_consent_and_carries_the_notice(
    demo, client_for
) -> None:
    pat = _pat_with_suprt(client_for)
    Consent.objects.create(
        organization=pat.organization,
        participant=pat,
        disclosing_party="Harbor",
        categories=["assessments"],
        recipient="SAMHSA SPARS",
        purpose="grant reporting",
        signed_on=date(2026, 1, 1),
        expires_on=timezone.localdate() + timedelta(days=300),
        signature_method="typed",
        signature="Pat",
        created_by=demo.users["ana"],
    )
    Disclosure.objects.all().delete()
    people = Participant.objects.visible_to(demo.users["mia"], demo.organizations["harbor"])
    result = run_export(
        acting=_mia(demo),
        request=ExportRequest(
            dataset="funder_suprt",
            kind="disclosure",
            recipient="SAMHSA SPARS",
            purpose="grant reporting",
        ),
        people=people,
    )
    archive = zipfile.ZipFile(io.BytesIO(result.content))
    names = archive.namelist()
    assert names[0] == "READ-FIRST-redisclosure-notice.txt"
    rows = _rows(archive.read(names[1]))
    assert {r["participant_id"] for r in rows} == {str(pat.id)}
    assert {r["form"] for r in rows} == {"SUPRT-A", "SUPRT-C"}
    assert Disclosure.objects.get().participant == pat


def test_the_dictionary_names_every_item_code_with_its_allowed_codes() -> None:
    rows = full_dictionary(registry()["funder_suprt"])
    by_name = {r[0]: r for r in rows[1:]}
    assert "SUPRT-A A3: Assessment type" in by_name["A3"][1]
    assert "1 = Baseline" in by_name["A3"][3] and "-1 = not asked" in by_name["A3"][3]
    assert "-7 = Prefer not to say" in by_name["CL01"][3]
    assert by_name["F1"][4] == "left out"
