"""Words in a portal message that ask a coach to reach out soon match whole words, ignoring
case and accents (issue 24)."""

from lib.signal_words import matching_words


def test_case_and_accents_are_ignored() -> None:
    assert matching_words("AYUDAME por favor", ["ayúdame"]) == ["ayúdame"]
    assert matching_words("Ayúdame", ["ayudame"]) == ["ayudame"]


def test_whole_words_only() -> None:
    assert matching_words("I started a new diet", ["die"]) == []
    assert matching_words("some days I want to die.", ["die"]) == ["die"]


def test_phrases_match_words_in_a_row() -> None:
    listed = ["give up", "hurt myself"]
    assert matching_words("I might just give   up today", listed) == ["give up"]
    assert matching_words("give it up", listed) == []
    assert matching_words("I could HURT myself", listed) == ["hurt myself"]


def test_blank_entries_and_no_match() -> None:
    assert matching_words("a good day", ["", "  ", "overdose"]) == []
