"""Today's "Reassessments due" and "SUPRT due" as display rows: each person's label and line
written once here (up to fifty people each), so the section templates only print them."""

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from assessments.templatetags.assessment_display import point_text
from lib.urls import IdUrl
from lib.when import show_date
from participants.models import Participant
from participants.templatetags.participant_display import person_labels

if TYPE_CHECKING:
    from assessments.selectors import DueReassessment
    from assessments.suprt import SuprtDue
    from assessments.suprt_points import Window


@dataclass(frozen=True)
class DueRow:
    label: SafeString  # the person, linked to their assessments
    line: SafeString  # what is due and when


def reassessment_rows(due: "list[DueReassessment]") -> list[DueRow]:
    lines = [point_text(row.point) for row in due]
    return _rows([row.participant for row in due], lines)


def suprt_rows(due: "list[SuprtDue]") -> list[DueRow]:
    language = get_language()
    lines = [_suprt_line(row.window, row.overdue, language) for row in due]
    return _rows([row.participant for row in due], lines)


# Written once per process for each window and language (Today lists up to fifty people).
@lru_cache(maxsize=4096)
def _suprt_line(window: "Window", overdue: bool, language: str | None) -> SafeString:
    # As `{% blocktranslate %}` prints it: the words and dates escaped.
    if overdue:
        line = gettext("%(point)s: past due, window closes %(end)s") % {
            "point": escape(window.words),
            "end": escape(show_date(window.end)),
        }
    else:
        line = gettext("%(point)s: due %(due)s") % {
            "point": escape(window.words),
            "due": escape(show_date(window.due_on)),
        }
    return mark_safe(line)  # noqa: S308  # every value in it is escaped


def _rows(people: list[Participant], lines: list[SafeString]) -> list[DueRow]:
    url = IdUrl("assessments:participant")
    labels = person_labels(people, [url(p.id) for p in people])
    return [DueRow(label, line) for label, line in zip(labels, lines, strict=True)]
