"""The directory as HSDS 3.0: export in both forms, the dry run by file and row, and the import,
all or nothing, matched by HSDS id; through the pages for the people who keep the directory."""

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from cairn.tests.html_parts import elements
from cairn.tests.test_neutralised_downloads import NUMBER
from directory import hsds_files, hsds_views
from directory.hsds import TABLES, listings
from directory.hsds_check import snapshot
from directory.hsds_services import NotReady, apply_import, check_file, export_directory
from directory.models import HsdsImport, HsdsImportState, Service
from lib.spreadsheet import TRIGGERS
from organizations.models import Membership

TRICK = '=HYPERLINK("http://evil.example","Open")'


def _listings(membership: Membership) -> list[Any]:
    found = [snapshot(service, parts) for service, parts in listings(membership.organization)]
    return sorted(found, key=lambda listing: listing.key)


def _without_modified(content: bytes) -> list[dict[str, Any]]:
    services = json.loads(content)
    for service in services:
        service.pop("last_modified")
    return services


def _import(membership: Membership, name: str, raw: bytes) -> HsdsImport:
    record = check_file(acting=membership, filename=name, raw=raw)
    assert record.problems == []
    return apply_import(acting=membership, record=record)


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _tables(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


# --- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["json", "zip"])
def test_an_export_imports_into_an_empty_organization_as_the_same_listings(
    harbor: Membership, riverside: Membership, form: str
) -> None:
    exported = export_directory(acting=harbor, form=form)
    done = _import(riverside, f"directory.{form}", exported)

    assert (done.added_count, done.updated_count, done.unchanged_count) == (15, 0, 0)
    assert _listings(riverside) == _listings(harbor)
    # Exported again from the new organization, the file says the same (but when it changed).
    again = export_directory(acting=riverside, form="json")
    assert _without_modified(again) == _without_modified(
        export_directory(acting=harbor, form="json")
    )


def test_importing_the_same_file_again_updates_by_hsds_id_without_duplicates(
    harbor: Membership, riverside: Membership
) -> None:
    exported = export_directory(acting=harbor, form="json")
    _import(riverside, "directory.json", exported)
    again = _import(riverside, "directory.json", exported)
    assert (again.added_count, again.updated_count, again.unchanged_count) == (0, 0, 15)

    services = json.loads(exported)
    services[0]["name"] = "Renamed pantry"
    services[0]["phones"] = []
    changed = _import(riverside, "directory.json", json.dumps(services).encode())
    assert (changed.added_count, changed.updated_count, changed.unchanged_count) == (0, 1, 14)
    assert Service.objects.of(riverside.organization).count() == 15
    renamed = Service.objects.of(riverside.organization).get(hsds_id=services[0]["id"])
    assert renamed.name == "Renamed pantry"
    assert not renamed.phones.exists()


def test_an_organizations_own_export_imports_back_unchanged(harbor: Membership) -> None:
    done = _import(harbor, "directory.zip", export_directory(acting=harbor, form="zip"))
    assert (done.added_count, done.updated_count, done.unchanged_count) == (0, 0, 15)
    assert Service.objects.of(harbor.organization).count() == 15


def test_an_import_applies_once(harbor: Membership, riverside: Membership) -> None:
    record = check_file(
        acting=riverside, filename="d.json", raw=export_directory(acting=harbor, form="json")
    )
    apply_import(acting=riverside, record=record)
    with pytest.raises(NotReady):
        apply_import(acting=riverside, record=record)
    assert Service.objects.of(riverside.organization).count() == 15
    assert not hsds_files.path_of(record.id).exists()  # the file is not kept once imported


# --- the dry run ---------------------------------------------------------------------------------


def _bad_package(harbor: Membership) -> bytes:
    files = _tables(export_directory(acting=harbor, form="zip"))
    services = list(csv.DictReader(io.StringIO(files["services.csv"])))
    first, second = services[0]["id"], services[1]["id"]

    def edit(name: str, change: Any) -> None:
        rows = list(csv.DictReader(io.StringIO(files[name])))
        change(rows)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=TABLES[name[:-4]], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        files[name] = out.getvalue()

    def services_change(rows: list[dict[str, str]]) -> None:
        rows[0]["status"] = "closed for good"  # row 2
        rows[1]["name"] = ""  # row 3
        rows[2]["organization_id"] = "nobody"  # row 4

    def schedule_change(rows: list[dict[str, str]]) -> None:
        rows[0]["byday"] = "Monday"
        rows[1]["opens_at"] = "9am"

    edit("services.csv", services_change)
    edit("schedules.csv", schedule_change)
    edit("phones.csv", lambda rows: rows[0].update(number="12345"))
    edit("languages.csv", lambda rows: rows[0].update(code="xx"))
    edit("addresses.csv", lambda rows: rows[0].update(postal_code="2120"))
    edit("attributes.csv", lambda rows: rows[0].update(link_id="missing-service"))
    assert first != second
    return _zip(files)


def test_the_dry_run_names_each_bad_row_by_file_and_number_and_writes_nothing(
    harbor: Membership, riverside: Membership
) -> None:
    record = check_file(acting=riverside, filename="partner.zip", raw=_bad_package(harbor))
    found = {(p["file"], p["row"], p["field"]) for p in record.problems}
    assert {
        ("services.csv", 2, "status"),
        ("services.csv", 3, "name"),
        ("services.csv", 4, "organization_id"),
        ("schedules.csv", 2, "byday"),
        ("schedules.csv", 3, "opens_at"),
        ("phones.csv", 2, "number"),
        ("languages.csv", 2, "code"),
        ("addresses.csv", 2, "postal_code"),
        ("attributes.csv", 2, "link_id"),
    } <= found
    messages = " ".join(p["message"] for p in record.problems)
    assert "MO, TU, WE" in messages and "five digits" in messages
    assert record.problem_count == len(record.problems)
    assert Service.objects.of(riverside.organization).count() == 0
    assert not hsds_files.path_of(record.id).exists()  # it cannot be imported: not kept
    with pytest.raises(NotReady):
        apply_import(acting=riverside, record=record)
    assert Service.objects.of(riverside.organization).count() == 0


def test_json_problems_name_the_service_and_the_nested_field(
    harbor: Membership, riverside: Membership
) -> None:
    services = json.loads(export_directory(acting=harbor, form="json"))
    services[2]["languages"][0]["code"] = "klingon"
    services[4]["attributes"] = []
    record = check_file(
        acting=riverside, filename="partner.json", raw=json.dumps(services).encode()
    )
    found = {(p["file"], p["row"], p["field"]) for p in record.problems}
    assert found == {
        ("partner.json", 3, "languages[1].code"),
        ("partner.json", 5, "attributes"),
    }


def test_fields_cairn_does_not_keep_are_told_not_refused(
    harbor: Membership, riverside: Membership
) -> None:
    services = json.loads(export_directory(acting=harbor, form="json"))
    services[0]["minimum_age"] = 18
    record = check_file(acting=riverside, filename="d.json", raw=json.dumps(services).encode())
    assert record.problems == []
    assert record.not_kept == {"services": ["minimum_age"]}


# --- neutralised spreadsheets -------------------------------------------------------------------


def test_formula_text_is_neutralised_in_the_csv_package_and_restored_on_import(
    harbor: Membership, riverside: Membership
) -> None:
    Service.objects.of(harbor.organization).filter(name="Northside Food Bank").update(name=TRICK)
    exported = export_directory(acting=harbor, form="zip")
    cells = [
        cell
        for name, text in _tables(exported).items()
        if name.endswith(".csv")
        for row in csv.reader(io.StringIO(text))
        for cell in row
    ]
    assert "'" + TRICK in cells
    assert not [c for c in cells if c.startswith(TRIGGERS) and not NUMBER.match(c)]
    assert TRICK in [s["name"] for s in json.loads(export_directory(acting=harbor, form="json"))]
    _import(riverside, "d.zip", exported)
    assert Service.objects.of(riverside.organization).filter(name=TRICK).count() == 1


# --- the pages ------------------------------------------------------------------------------------


def _main(response: Any) -> str:
    (main,) = elements(response.content.decode(), "main")
    return " ".join(main.text.split())


def _upload(client: Client, name: str, raw: bytes, key: str = "") -> Any:
    data: dict[str, Any] = {"file": _named(name, raw)}
    if key:
        data["submit_key"] = key
    return client.post("/directory/keep/hsds/", data)


def _named(name: str, raw: bytes) -> io.BytesIO:
    upload = io.BytesIO(raw)
    upload.name = name
    return upload


def test_keeper_uploads_checks_then_imports_once(client_for, harbor, riverside) -> None:
    exported = export_directory(acting=harbor, form="json")
    keeper = Client()
    keeper.force_login(riverside.user)
    key = "7d1f8a36-3a1f-4a86-9d0e-5b8e2a61c001"
    response = _upload(keeper, "partner.json", exported, key)
    assert response.status_code == 302
    again = _upload(keeper, "partner.json", exported, key)  # a double click
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert HsdsImport.objects.filter(organization=riverside.organization).count() == 1

    page = _main(keeper.get(response["Location"]))
    assert "Check before importing" in page and "Import 15 services" in page
    assert Service.objects.of(riverside.organization).count() == 0

    record = HsdsImport.objects.get(organization=riverside.organization)
    apply_url = f"/directory/keep/hsds/{record.id}/import/"
    assert keeper.post(apply_url).status_code == 302
    second = keeper.post(apply_url, follow=True)
    assert "already imported" in _main(second)
    assert Service.objects.of(riverside.organization).count() == 15
    assert HsdsImport.objects.get(pk=record.pk).state == HsdsImportState.APPLIED
    assert "Import finished" in _main(keeper.get(response["Location"]))


def test_keep_page_links_to_the_exchange(client_for, harbor) -> None:
    response = client_for("mia").get("/directory/keep/")
    links = {a.attrs.get("href") for a in elements(response.content.decode(), "a")}
    assert "/directory/keep/hsds/" in links


def test_downloads_are_files_for_keepers_and_audited(client_for, harbor) -> None:
    from audit.models import Action, AuditEvent

    response = client_for("max").get("/directory/keep/hsds/directory.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "services.csv" in _tables(response.content)
    data = client_for("mia").get("/directory/keep/hsds/directory.json")
    assert len(json.loads(data.content)) == 15
    assert (
        AuditEvent.objects.filter(action=Action.EXPORT, target_type="directory.hsds").count() == 2
    )


def test_coaches_are_refused_and_another_organization_gets_404(
    client_for, harbor, riverside
) -> None:
    record = check_file(
        acting=harbor, filename="d.json", raw=export_directory(acting=harbor, form="json")
    )
    ana = client_for("ana")
    for url in ("/directory/keep/hsds/", "/directory/keep/hsds/directory.json"):
        assert ana.get(url).status_code == 403
    assert ana.get(f"/directory/keep/hsds/{record.id}/").status_code == 403
    other = Client()
    other.force_login(riverside.user)
    assert other.get(f"/directory/keep/hsds/{record.id}/").status_code == 404
    assert other.post(f"/directory/keep/hsds/{record.id}/import/").status_code == 404
    assert Service.objects.of(riverside.organization).count() == 0


def test_an_oversized_upload_is_refused_calmly(client_for, harbor, monkeypatch) -> None:
    monkeypatch.setattr(hsds_views.HsdsUploadHandler, "limit", 1000)
    response = _upload(client_for("mia"), "big.json", b"[" + b" " * 5000 + b"]")
    assert response.status_code == 400
    assert "larger than 200 MB" in _main(response)
    assert not HsdsImport.objects.exists()
    assert not list(hsds_files.folder().iterdir())  # the part that streamed in was deleted


@pytest.mark.parametrize(
    ("name", "raw", "said"),
    [
        ("broken.json", b'[{"id": "a", "name": ', "not valid JSON"),
        ("object.json", b'{"hello": 1}', "list of HSDS services"),
        ("broken.zip", b"PK\x03\x04 not really a zip", "could not be opened"),
        ("empty.zip", _zip({"readme.txt": "hello"}), "no services.csv"),
        ("nothing.json", b"[]", "no services"),
    ],
)
def test_a_malformed_file_is_refused_calmly(client_for, harbor, name, raw, said) -> None:
    before = Service.objects.of(harbor.organization).count()
    response = _upload(client_for("mia"), name, raw)
    assert response.status_code == 302
    html = client_for("mia").get(response["Location"]).content.decode()
    page = " ".join(elements(html, "main")[0].text.split())
    assert said in page and "1 problem found" in page
    assert not [f for f in elements(html, "form") if "/import/" in f.attrs.get("action", "")]
    record = HsdsImport.objects.get()
    assert record.problem_count == 1 and record.state == HsdsImportState.CHECKED
    assert not hsds_files.path_of(record.id).exists()
    assert Service.objects.of(harbor.organization).count() == before


# --- files from elsewhere -------------------------------------------------------------------------

MINIMAL = [
    {
        "id": "svc-1",
        "organization_id": "org-1",
        "name": "Evening pantry",
        "status": "temporarily closed",
        "organization": {"id": "org-1", "name": "Neighbors", "description": ""},
        "schedules": [
            {"id": "s-1", "byday": "MO,WE", "opens_at": "17:00-05:00", "closes_at": "19:30"}
        ],
        "attributes": [
            {"id": "a-1", "taxonomy_term": {"id": "t-1", "taxonomy": "cairn-need", "code": "food"}},
            {
                "id": "a-2",
                "taxonomy_term": {"id": "t-2", "taxonomy": "open-eligibility", "code": "x"},
            },
        ],
    }
]


def test_a_small_file_from_elsewhere_imports_with_cairns_defaults(riverside: Membership) -> None:
    done = _import(riverside, "partner.json", json.dumps(MINIMAL).encode())
    assert done.added_count == 1
    service = Service.objects.of(riverside.organization).get(hsds_id="svc-1")
    assert (service.need, service.cost, service.status) == ("food", "free", "inactive")
    hours = sorted(
        (h.byday, h.opens_at.isoformat(), h.closes_at.isoformat()) for h in service.schedules.all()
    )
    assert hours == [("MO", "17:00:00", "19:30:00"), ("WE", "17:00:00", "19:30:00")]
    assert service.provider.name == "Neighbors" and service.provider.hsds_id == "org-1"


def test_a_service_in_two_places_is_a_problem_named_on_its_second_link(
    harbor: Membership, riverside: Membership
) -> None:
    services = json.loads(export_directory(acting=harbor, form="json"))
    link = services[0]["service_at_locations"][0]
    services[0]["service_at_locations"].append({**link, "id": "second-link"})
    record = check_file(acting=riverside, filename="d.json", raw=json.dumps(services).encode())
    assert [(p["row"], p["field"]) for p in record.problems] == [
        (1, "service_at_locations[2].location_id")
    ]
    assert "one place per service" in record.problems[0]["message"]


def test_a_listing_added_by_hand_joins_the_first_of_two_providers_of_the_same_name(
    client_for, riverside: Membership
) -> None:
    twins = [
        {
            **MINIMAL[0],
            "id": f"svc-{n}",
            "organization_id": f"org-{n}",
            "organization": {"id": f"org-{n}", "name": "Neighbors"},
        }
        for n in (1, 2)
    ]
    _import(riverside, "twins.json", json.dumps(twins).encode())
    keeper = Client()
    keeper.force_login(riverside.user)
    response = keeper.post(
        "/directory/keep/new/",
        {"name": "Lunch", "provider_name": "Neighbors", "need": "food", "cost": "free"},
    )
    assert response.status_code == 302
    assert Service.objects.of(riverside.organization).get(name="Lunch").provider.name == "Neighbors"
