"""A saved practice review (title, labelled transcript, summary) is ciphertext in the database
and opens again as it was saved."""

from cairn.demo import DemoWorld
from coaching.models import PracticeReview
from lib.testing import stored_columns

TRANSCRIPT = "\n".join(
    [
        "Coach: How did the visit with Keisha at Riverside Family Court go?",
        "Participant: I relapsed on Friday after the hearing.",
        "Coach: That hearing took a lot out of you.",
        "Participant: Yeah. I want to call my sponsor Darnell tonight.",
    ]
)


def test_saved_practice_review_is_ciphertext_and_reads_back(demo: DemoWorld, client_for) -> None:
    ana = client_for("ana")
    ana.post(
        "/coaching/practice/",
        {"action": "save", "title": "Keisha after court", "transcript": TRANSCRIPT},
    )
    saved = PracticeReview.objects.get()
    stored = stored_columns(saved, "title", "utterances", "summary")
    assert all(value.startswith("enc1:") for value in stored.values())
    raw = " ".join(stored.values())
    for secret in ("Keisha", "Riverside", "relapsed", "Darnell", "Coach"):
        assert secret not in raw
    assert len(saved.utterances) == 4 and isinstance(saved.summary, dict)
    page = ana.get(f"/coaching/practice/{saved.id}/").content.decode()
    assert "Keisha after court" in page and "call my sponsor Darnell" in page
    assert "Keisha after court" in ana.get("/coaching/practice/").content.decode()
