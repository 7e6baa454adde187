"""The conversation reviewer: the model on held-out data, the command, and the practice page."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cairn.demo import DemoWorld
from coaching.conversation import model as conversation_model
from coaching.conversation.model import COACH_LABELS, PARTICIPANT_LABELS
from coaching.management.commands.evaluate_conversation_model import (
    by_held_out_writer,
    utterance_figures,
)
from coaching.models import PracticeReview

ROOT = Path(__file__).resolve().parents[2]
TWENTY_TURNS = "\n".join(
    [
        "Coach: Hi Jordan, thanks for calling in. How has the week been?",
        "Participant: Honestly pretty rough. Work was a lot.",
        "Coach: Work took a lot out of you.",
        "Participant: Yeah and I skipped the Thursday meeting.",
        "Coach: Part of you wanted to go, and part of you just needed rest.",
        "Participant: Exactly. I do want to get back though.",
        "Coach: What would make it easier to get there next week?",
        "Participant: Maybe if someone went with me.",
        "Coach: Did your cousin say she'd come with you before?",
        "Participant: She did, a while ago.",
        "Coach: You reached out for support even on a hard week. That matters.",
        "Participant: Thanks. I think I can ask her again.",
        "Coach: Would it be okay if I shared something that helped others?",
        "Participant: Sure.",
        "Coach: Some people text a friend an hour before so it's a plan, not a maybe.",
        "Participant: I could do that.",
        "Coach: You should also call your sponsor tonight.",
        "Participant: Maybe. I don't know.",
        "Coach: The Thursday group starts at 7 at the library annex.",
        "Participant: Okay, I'll text my cousin tomorrow.",
    ]
)


@pytest.fixture(autouse=True)
def private_model_dir(settings, tmp_path_factory) -> None:
    settings.CAIRN_MODEL_DIR = tmp_path_factory.getbasetemp() / "models"
    conversation_model.load.cache_clear()


def test_model_beats_the_majority_baseline_by_a_wide_margin_on_held_out_data() -> None:
    result = utterance_figures()
    assert result["coach_turns"] >= 450 and result["participant_turns"] >= 180
    assert result["labels_macro_f1"] >= 0.7
    assert result["labels_macro_f1"] - result["majority_baseline_labels_macro_f1"] >= 0.5
    assert result["groups_macro_f1"] >= 0.75
    assert result["participant_macro_f1"] >= 0.7
    assert all(value > 0.4 for value in result["f1_by_label"].values())


def test_review_command_prints_labels_and_summary_as_json(tmp_path: Path, settings) -> None:
    transcript = tmp_path / "practice.txt"
    transcript.write_text(TWENTY_TURNS)
    result = subprocess.run(
        [sys.executable, "manage.py", "review_conversation", str(transcript), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        # The model the other tests build and keep, so it is trained once per test run.
        env={**__import__("os").environ, "CAIRN_MODEL_DIR": str(settings.CAIRN_MODEL_DIR)},
    )
    data = json.loads(result.stdout)
    assert len(data["utterances"]) == 20
    coach = [u for u in data["utterances"] if u["speaker"] == "coach"]
    assert all(u["label"] in COACH_LABELS for u in coach)
    assert all(
        u["label"] in PARTICIPANT_LABELS
        for u in data["utterances"]
        if u["speaker"] == "participant"
    )
    labels = [u["label"] for u in coach]
    assert labels[3] == "open_question" and labels[4] == "closed_question"
    # Asking permission is a question (the corpus rules); what follows the person's "Sure." is
    # not (the model reads that suggestion as advice or as a reflection, depending on training).
    assert labels[6] == "closed_question" and labels[7] not in ("open_question", "closed_question")
    assert labels[8] == "advice_without_permission"
    # The practice page can say why: the cues that spoke for each coach turn's reading.
    assert any("question" in reason for reason in coach[3]["why"]), coach[3]
    assert "why" not in {
        k for u in data["utterances"] if u["speaker"] == "participant" for k in u if u[k]
    }
    summary = data["summary"]
    assert summary["strengths"] and summary["coach_utterances"] == 10
    assert summary["advice_without_permission"] >= 1


def test_practice_review_is_not_stored_until_saved(demo: DemoWorld, client_for) -> None:
    client = client_for("ana")
    page = client.post("/coaching/practice/", {"action": "review", "transcript": TWENTY_TURNS})
    body = page.content.decode()
    assert "What went well" in body and "To try next" in body
    assert "Would it be okay if I shared something" in body
    assert "Open question" in body and "Talk about change" in body
    for code in ("open_question", "advice_without_permission", "sustain_talk", "change_talk"):
        assert f">{code}<" not in body
    assert not PracticeReview.objects.exists()
    client.post(
        "/coaching/practice/",
        {"action": "save", "title": "Thursday role-play", "transcript": TWENTY_TURNS, "share": ""},
    )
    saved = PracticeReview.objects.get()
    assert saved.owner == demo.users["ana"] and not saved.shared_with_supervisor
    assert len(saved.utterances) == 20


def test_sharing_is_scoped_to_the_coachs_supervisor(demo: DemoWorld, client_for) -> None:
    ana = client_for("ana")
    ana.post(
        "/coaching/practice/", {"action": "save", "title": "Role-play", "transcript": TWENTY_TURNS}
    )
    saved = PracticeReview.objects.get()
    url = f"/coaching/practice/{saved.id}/"
    assert client_for("sam").get(url).status_code == 404
    ana.post(url, {"action": "share"})
    assert client_for("sam").get(url).status_code == 200
    assert "Role-play" in client_for("sam").get("/coaching/practice/shared/").content.decode()
    assert client_for("ben").get(url).status_code == 404
    assert client_for("sam").post(url, {"action": "delete"}).status_code == 403
    assert PracticeReview.objects.filter(pk=saved.pk).exists()
    ana.post(url, {"action": "unshare"})
    assert client_for("sam").get(url).status_code == 404
    ana.post(url, {"action": "delete"})
    assert not PracticeReview.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"transcript": ""}, "Paste a conversation or choose a file."),
        ({"transcript": "just words, nobody speaking"}, "No speakers found."),
    ],
)
def test_bad_transcripts_are_explained(demo, client_for, data, message) -> None:
    page = client_for("ana").post("/coaching/practice/", {"action": "review", **data})
    assert message in page.content.decode()


def test_a_5_mb_upload_is_refused_calmly(demo, client_for) -> None:
    big = SimpleUploadedFile("big.txt", b"Coach: hello there\n" * 280_000, "text/plain")
    page = client_for("ana").post("/coaching/practice/", {"action": "review", "upload": big})
    assert "larger than 2 MB" in page.content.decode()
    assert not PracticeReview.objects.exists()


def test_uploaded_webvtt_is_reviewed(demo, client_for) -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana>What brings you in today?\n\n"
        "00:00:03.500 --> 00:00:06.000\n<v Lee>My sister said I should come.\n"
    )
    page = client_for("ana").post(
        "/coaching/practice/",
        {
            "action": "review",
            "coach_name": "Ana",
            "upload": SimpleUploadedFile("s.vtt", vtt.encode(), "text/vtt"),
        },
    )
    body = page.content.decode()
    assert "What brings you in today?" in body and "Open question" in body


def _writer(path: Path, name: str, lines: list[tuple[str, str, str]]) -> Path:
    import csv

    out = path / f"{name}.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["session", "turn", "speaker", "text", "label"])
        for n, (speaker, text, label) in enumerate(lines, start=1):
            writer.writerow([f"{name}-{1 + (n - 1) // 6}", n, speaker, text, label])
    return out


SESSION_LINES = [
    ("coach", "Um, so how has the week been, like, for you?", "open_question"),
    ("participant", "Rough. I didn't sleep and I skipped the meeting.", "neutral"),
    ("coach", "You didn't sleep and you skipped the meeting.", "simple_reflection"),
    ("participant", "Yeah. I want to go back though.", "change_talk"),
    ("coach", "Mm-hmm.", "other"),
    ("participant", "The Thursday one is closer.", "neutral"),
]


def test_held_out_writer_figures_come_from_a_model_that_never_saw_that_writer(
    tmp_path: Path,
) -> None:
    from coaching.conversation.model import read_corpus

    writers = {
        name: read_corpus(_writer(tmp_path, name, SESSION_LINES * 2)) for name in ("north", "south")
    }
    # The person's turn before each coach turn is its context; the first turn has none.
    assert writers["north"][0].previous == "" and writers["north"][2].previous.startswith("Rough")
    # A slice of the utterance corpus is enough to show whose sessions each model read.
    utterances = conversation_model.read_corpus(conversation_model.TRAIN_CSV)[:400]
    result = by_held_out_writer(utterances, writers)
    assert set(result["writers"]) == {"north", "south"}
    assert result["writers"]["north"]["coach_turns"] == 6
    assert 0 <= result["mean_groups_macro_f1"] <= 1
    assert len(result["pooled"]["group_confusion"]) == 4


def test_every_disagreement_is_settled_and_the_writers_files_carry_the_final_labels() -> None:
    """The third reading covers exactly the turns where the writer and the second labeller
    differed; the corpus carries its final labels; kappa is still against the first labels."""
    import csv

    from coaching.conversation.model import read_corpus, session_corpora
    from coaching.management.commands.evaluate_conversation_model import (
        SECOND_LABELLER_CSV,
        _numbered,
        agreement,
        read_adjudicated,
    )

    writers = {path.stem: read_corpus(path) for path in session_corpora()}
    now = {(t.session, str(i)): t.label for ts in writers.values() for i, t in _numbered(ts)}
    settled = read_adjudicated()
    with SECOND_LABELLER_CSV.open(encoding="utf-8", newline="") as handle:
        second = {(r["session"], r["turn"]): r["label"] for r in csv.DictReader(handle)}
    first = {key: settled[key]["writer_label"] if key in settled else now[key] for key in second}
    assert {key for key in second if first[key] != second[key]} == set(settled)
    for key, row in settled.items():
        assert now[key] == row["final_label"], key
        assert row["second_label"] == second[key] and row["reason"].startswith("rule ")
        assert row["final_label"] in COACH_LABELS
    figures = agreement(SECOND_LABELLER_CSV, writers)
    assert figures is not None
    assert figures["raw_agreement"] == round(1 - len(settled) / len(second), 3)
    assert figures["settled"]["disagreements"] == len(settled) == 48
    assert sum(v for k, v in figures["settled"].items() if k.startswith("for_")) == 48
