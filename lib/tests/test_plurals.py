"""Counts read as words do: "1 minute", "4 times", never "minute(s)" or "time(s)"."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

from accounts.forms import SignInForm

ROOT = Path(__file__).resolve().parents[2]
LAZY_PLURAL = re.compile(r"[a-z]\((?:s|es)\)")
SKIPPED = {"node_modules", "var", ".venv", "tests", "migrations", "static", ".git"}


def _sources() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt"} or not path.is_file():
            continue
        if SKIPPED.intersection(path.relative_to(ROOT).parts):
            continue
        found.append(path)
    return found


def test_no_page_or_message_counts_with_a_lazy_plural() -> None:
    lazy = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for match in LAZY_PLURAL.finditer(text):
            if text[max(0, match.start() - 3) : match.end()] != "http(s)":  # a scheme, not a count
                lazy.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert lazy == []


@pytest.mark.parametrize(("cooloff_hours", "words"), [(1 / 60, "1 minute "), (0.25, "15 minutes")])
def test_the_sign_in_pause_is_counted_in_words(cooloff_hours: float, words: str) -> None:
    with override_settings(AXES_COOLOFF_TIME=cooloff_hours):
        hint = SignInForm().lockout_hint
    assert f"sign-in pauses for {words}" in hint
