"""The language checker: each lexicon entry fires where it should and stays quiet where not."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coaching.language import LEXICON_DIR, Entry, builtin_entries, check, phrase_entry

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "language_fixture.tsv"
CATEGORIES = {
    "people-label",
    "test-result",
    "blame",
    "failed-framing",
    "medication",
    "condition",
}

# (entry id, text that must be flagged by that entry, text that must not be flagged at all)
CASES = [
    ("former-addict", "He is a former addict.", "Former coach of the team."),
    ("addict", "The client is an addict.", "Their addiction treatment started."),
    ("addict", "Two ADDICTS came in.", "She was addicted to running, she says."),
    ("alcoholic", "Her father was an alcoholic.", "She goes to Alcoholics Anonymous."),
    ("alcoholic", "The alchoholic in room 3.", "No alcoholic drinks at the picnic."),
    ("junkie", "Called him a junkie.", "Junk mail piled up."),
    ("drug-user", "Outreach to heroin users.", "The user account was locked."),
    ("drug-user", "IV users at the exchange.", "End users of the app."),
    ("abuser", "A known drug abuser.", "A child abuse report was filed by the school."),
    ("substance-abuse", "History of substance abuse.", "History of substance use."),
    ("clean-dirty-test", "Had a dirty UA on Monday.", "Printed a clean copy of the plan."),
    ("clean-dirty-test", "The urine came back clean.", "The test came back negative."),
    ("clean-person", "She has been clean since June.", "She cleaned the kitchen."),
    ("clean-person", "Trying to stay clean.", "We keep clean clothes in the closet."),
    ("clean-person", "He is 90 days clean!", "The room is clean."),
    ("relapse", "He relapsed last week.", "He did not relapse over the holiday."),
    ("relapse", "Worried about relaspe.", "No relapse since March."),
    ("non-compliant", "Non-compliant with meds.", "Compliant with the lease terms."),
    ("non-compliant", "noncompliant again", "Compliance office called."),
    ("refused", "She refused the referral.", "She never refused help."),
    ("in-denial", "He is in denial.", "He is not in denial about it."),
    ("manipulative", "Can be manipulative.", "Physical therapy on the knee."),
    ("drug-seeking", "Drug seeking behaviour at ED.", "Seeking housing help."),
    ("frequent-flyer", "A frequent flier at the ED.", "A frequent visitor at the library."),
    ("failed-treatment", "She failed rehab twice.", "The bus failed to come."),
    ("failed-treatment", "Treatment failure noted.", "Treatment started Monday."),
    ("suffers-from", "Suffers from anxiety.", "Lives with anxiety."),
    ("victim", "She was a victim of assault.", "Called victim services for support."),
    ("addicted-baby", "Her addicted baby is in the NICU.", "Her baby is in the NICU."),
    ("habit", "A heroin habit since 2019.", "A habit of walking daily."),
]


@pytest.mark.parametrize(("entry", "flagged", "quiet"), CASES)
def test_entry_flags_its_term_and_not_unrelated_text(entry: str, flagged: str, quiet: str):
    found = check(flagged)
    assert [f.entry for f in found] == [entry], found
    assert check(quiet) == [], check(quiet)


def test_the_cases_above_name_built_in_entries() -> None:
    assert {entry for entry, _, _ in CASES} <= {e.id for e in builtin_entries()}


def test_the_lexicon_has_120_entries_in_english_and_spanish() -> None:
    entries = builtin_entries()
    by_language = {lang: sum(e.language == lang for e in entries) for lang in ("en", "es")}
    assert len(entries) >= 120 and len({e.id for e in entries}) == len(entries)
    assert by_language["en"] >= 60 and by_language["es"] >= 40, by_language


@pytest.mark.parametrize("entry", builtin_entries(), ids=lambda e: e.id)
def test_every_entry_has_a_source_a_suggestion_a_reason_and_examples(entry: Entry) -> None:
    assert entry.source and entry.suggestion and entry.reason and entry.notices
    assert entry.category in CATEGORIES
    assert entry.examples and entry.ordinary
    for sentence in entry.examples:
        assert entry.id in [f.entry for f in check(sentence)], (sentence, check(sentence))
    for sentence in entry.ordinary:
        assert check(sentence) == [], (sentence, check(sentence))


def test_every_source_an_entry_cites_is_named_in_its_file() -> None:
    for path in sorted(LEXICON_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert {raw["source"] for raw in data["entries"]} <= set(data["sources"]), path.name


def test_fixture_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    """Realistic one-line notes, labelled by hand; a finding counts when its entry is the label."""
    rows = [
        line.split("\t")
        for line in FIXTURE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(rows) >= 150
    true_pos = false_pos = false_neg = 0
    misses = []
    for label, sentence in rows:
        wanted = set() if label == "none" else set(label.split(","))
        found = {f.entry for f in check(sentence)}
        true_pos += len(found & wanted)
        false_pos += len(found - wanted)
        false_neg += len(wanted - found)
        if found != wanted:
            misses.append((sentence, sorted(wanted), sorted(found)))
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    with capsys.disabled():
        print(
            f"\nlanguage fixture: {len(rows)} sentences, precision {precision:.3f}, "
            f"recall {recall:.3f}"
        )
    assert precision >= 0.95 and recall >= 0.95, misses


def test_spanish_quotes_and_negation_are_respected() -> None:
    assert check("Ella dijo «soy adicta y estoy orgullosa de mi recuperación».") == []
    assert check("Nunca recayó en el verano.") == []
    assert [f.entry for f in check("Sin recaídas; se negó a ir al albergue.")] == ["es-se-nego"]


def test_the_done_when_sentence_shows_two_findings_with_suggestions() -> None:
    found = check("client is an addict who relapsed")
    assert [(f.text, f.severity) for f in found] == [("addict", "flag"), ("relapsed", "advice")]
    assert found[0].suggestion == "person with a substance use disorder"
    assert found[1].suggestion == "return to use / recurrence"
    assert all(f.reason and f.source for f in found)


def test_quoted_words_are_the_participants_own() -> None:
    assert check('She said "I am an addict and proud of my recovery."') == []
    assert check("He wrote “junkie” on the form about himself.") == []
    found_text = 'She said "I am an addict" and the doctor called her an addict.'
    found = check(found_text)
    assert [f.start for f in found] == [found_text.rindex("addict")]


def test_offsets_are_character_offsets_on_unicode_text() -> None:
    text = "Zoë — née Müller — said the café staff call him a junkie 🙁 and an addict."
    found = check(text)
    assert [text[f.start : f.end] for f in found] == ["junkie", "addict"]


def test_overlapping_matches_keep_the_longest() -> None:
    found = check("an ex-addict, 30 days clean")
    assert [f.text for f in found] == ["ex-addict", "30 days clean"]


def test_negation_stays_within_its_clause() -> None:
    assert [f.text for f in check("Did not relapse; refused the shelter bed.")] == ["refused"]


def test_an_organizations_own_phrase_matches_whole_words_and_plurals() -> None:
    entry = phrase_entry(
        id="org-1",
        phrase="frequent visitor",
        suggestion="regular",
        reason="r",
        severity="advice",
        source="ours",
    )
    found = check("Two frequent visitors and one frequent-visitor.", (entry,))
    assert [f.text for f in found] == ["frequent visitors", "frequent-visitor"]
    assert check("infrequent visitor", (entry,)) == []


def test_check_language_command_prints_json_per_note(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "client is an addict who relapsed\nall good today\nclean UA\nLleva 90 días limpio.\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check_language", str(notes), "--lines", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(result.stdout)
    assert len(data) == 4
    assert [f["text"] for f in data[3]] == ["90 días limpio"]
    assert [f["text"] for f in data[0]] == ["addict", "relapsed"]
    assert data[1] == []
    assert set(data[2][0]) == {"start", "end", "text", "suggestion", "reason", "source", "severity"}


def test_bench_command_prints_notes_per_second() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_language", "--notes", "500"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "notes/s" in result.stdout and "500 notes" in result.stdout
