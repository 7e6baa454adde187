"""A participant's demographics, lists and reasons are stored encrypted, and every filter on
them (reports, caseload, duplicate check) still finds the right people through keyed hashes."""

from datetime import date

from cairn.demo import DemoWorld
from lib.blind_index import keyed_hash
from lib.testing import stored_columns
from organizations.models import Membership
from participants.models import Participant, StatusChange
from participants.selectors import possible_duplicates
from participants.services import change_status, merge_participants, update_participant

ANSWERS = {
    "legal_name": "Marisol Quintanilla-Reyes",
    "pronouns": "xe/xem",
    "gender_identity": "Two-Spirit",
    "race_ethnicity": "Mi'kmaq and Irish",
    "sexual_orientation": "Pansexual",
    "referral_detail": "Sent by Judge Okafor, drug court docket 4471",
    "safe_times": "Only Tuesdays after 9 when my husband works nights",
    "pathway_other": "Sweat lodge with my uncle",
    "substances_of_concern": "Fentanyl and xylazine",
}
LISTS = {
    "strengths": ["Survived Crestview shelter"],
    "interests": ["Beadwork at the Wabanaki centre"],
    "values": ["Getting custody of Jaylen back"],
    "pathways": ["medication", "harm_reduction"],
}


def _member(demo: DemoWorld, username: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(user=demo.users[username])


def _marisol(demo: DemoWorld) -> Participant:
    return Participant.objects.create(
        organization=demo.organizations["harbor"],
        preferred_name="Mari",
        coach=demo.users["ana"],
        enrolled_on=date(2026, 3, 1),
        **ANSWERS,
        **LISTS,
    )


def test_demographics_and_lists_are_ciphertext_in_the_database(demo: DemoWorld) -> None:
    mari = _marisol(demo)
    stored = stored_columns(mari, *ANSWERS, *LISTS)
    for name, value in stored.items():
        assert value.startswith("enc1:"), name
    raw = " ".join(stored.values())
    for secret in [*ANSWERS.values(), "Crestview", "Wabanaki", "Jaylen", "harm_reduction"]:
        assert secret not in raw
    again = Participant.objects.get(pk=mari.pk)  # reads back as the words and lists written
    assert {name: getattr(again, name) for name in ANSWERS} == ANSWERS
    assert {name: getattr(again, name) for name in LISTS} == LISTS
    assert stored_columns(mari, "preferred_name")["preferred_name"] == "Mari"  # searched: plain


def test_keyed_hashes_hold_no_plaintext_and_follow_every_write(demo: DemoWorld) -> None:
    mari = _marisol(demo)
    hashes = stored_columns(mari, "gender_identity_key", "legal_name_key", "pathway_keys")
    assert hashes["gender_identity_key"] == keyed_hash("two-spirit")
    assert "medication" not in str(hashes["pathway_keys"])
    # A queryset update (the edit service), a save with update_fields and a merge all keep them.
    membership = _member(demo, "ana")
    update_participant(
        acting=membership,
        participant=mari,
        values={"gender_identity": "Woman of the Dawnland", "pathways": ["smart"]},
        expected_version=mari.version,
    )
    by_gender = Participant.objects.filter(gender_identity_key=keyed_hash("woman of the dawnland"))
    assert list(by_gender) == [mari]
    assert mari in Participant.objects.filter(pathway_keys__has_item=keyed_hash("smart"))
    assert mari not in Participant.objects.filter(pathway_keys__has_item=keyed_hash("medication"))
    mari.race_ethnicity = "Lakota and Cree"
    mari.save(update_fields=["race_ethnicity"])
    by_culture = Participant.objects.filter(race_ethnicity_key=keyed_hash(" LAKOTA  and cree "))
    assert list(by_culture) == [mari]


def test_status_change_reasons_are_ciphertext(demo: DemoWorld) -> None:
    mari = _marisol(demo)
    change_status(
        acting=_member(demo, "ana"),
        participant=mari,
        status="paused",
        effective_on=date(2026, 4, 1),
        reason="Back in county jail on a warrant",
    )
    step = StatusChange.objects.filter(participant=mari).latest("created_at")
    assert step.reason == "Back in county jail on a warrant"
    assert "jail" not in stored_columns(step, "reason")["reason"]


def test_duplicate_check_still_matches_the_legal_name_whatever_its_case(demo: DemoWorld) -> None:
    mari = _marisol(demo)
    mari.date_of_birth = date(1990, 5, 17)
    mari.save(update_fields=["date_of_birth"])
    found = possible_duplicates(
        organization=demo.organizations["harbor"],
        user=demo.users["ana"],
        preferred_name="Marisol",
        legal_name="  marisol quintanilla-reyes ",
        phones=[],
        date_of_birth=date(1990, 5, 17),
    )
    assert [d.participant_id for d in found] == [mari.pk]


def test_caseload_filter_and_merge_find_people_by_encrypted_pathways(
    demo: DemoWorld, client_for
) -> None:
    mari = _marisol(demo)
    caseload = client_for("ana").get("/participants/", {"pathway": "harm_reduction"})
    assert ">Mari<" in caseload.content.decode()
    assert (
        ">Mari<"
        not in client_for("ana").get("/participants/", {"pathway": "smart"}).content.decode()
    )
    merged = Participant.objects.create(
        organization=mari.organization,
        preferred_name="Marisol",
        coach=demo.users["ana"],
        enrolled_on=date(2026, 3, 2),
        pathways=["twelve_step"],
    )
    merge_participants(acting=_member(demo, "mia"), source=merged, target=mari)
    joined = Participant.objects.filter(pathway_keys__has_item=keyed_hash("twelve_step"))
    assert mari in joined
