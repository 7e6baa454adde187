"""Column suggestions: the export's own names first, then the words spreadsheets usually use."""

from imports.kinds import suggest


def test_exported_participant_headers_map_to_themselves_and_the_id_keeps_reruns_harmless() -> None:
    headers = ["participant_id", "preferred_name", "date_of_birth", "phone", "coach_username"]
    assert suggest("participants", headers) == {
        "source_id": "participant_id",
        "preferred_name": "preferred_name",
        "date_of_birth": "date_of_birth",
        "phone": "phone",
        "coach_username": "coach_username",
    }


def test_common_spreadsheet_words_are_suggested() -> None:
    mapping = suggest("participants", ["First name", "DOB", "Phone Number", "Coach", "E-mail"])
    assert mapping == {
        "preferred_name": "First name",
        "date_of_birth": "DOB",
        "phone": "Phone Number",
        "coach_username": "Coach",
        "email": "E-mail",
    }
    contacts = suggest("contacts", ["Client ID", "Date", "Type", "Staff", "Minutes"])
    assert contacts == {
        "participant_id": "Client ID",
        "started_at": "Date",
        "contact_type": "Type",
        "coach_username": "Staff",
        "duration_minutes": "Minutes",
    }


def test_assessment_item_columns_use_the_instruments_real_item_keys() -> None:
    mapping = suggest("assessments", ["assessment_id", "participant_id", "item_q1", "item_q10"])
    assert mapping["item_q1"] == "item_q1"
    assert mapping["item_q10"] == "item_q10"
    assert mapping["source_id"] == "assessment_id"
