"""Today's rows as display values: each person's line is formatted once here, so the page's
template does plain lookups for the hundred-odd people a coach can have on it."""

from dataclasses import dataclass, replace
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from encounters.models import ContactType
from lib.html_text import escape_text
from lib.templatetags.icons import icon_svg
from lib.urls import IdUrl
from lib.when import show_date, show_datetime, show_time
from participants.models import Participant
from participants.templatetags.participant_display import person_labels, reach

_NO_LABEL = SafeString("")


@dataclass(frozen=True)
class PersonRow:
    """One person on Today: who, where their record is, and the already-formatted muted line."""

    id: Any
    name: str
    pronouns: str
    url: str
    line: SafeString  # the muted line under the name (window, how to reach them, due date)
    outcome_url: str = ""
    new_url: str = ""
    participant: Participant | None = None
    label: SafeString = _NO_LABEL  # `{% person_label %}` among the section's rows
    actions: SafeString = _NO_LABEL  # a follow-up's two buttons: record the call, write a note


class RowMaker:
    """Builds the rows of one response (URLs reversed and fixed words translated once)."""

    def __init__(self) -> None:
        self.detail = IdUrl("participants:detail")
        self.outcome = IdUrl("today_outcome")
        self.new = IdUrl("encounters:new")
        self.sep = " · "
        # The words escaped as `{{ }}` prints them; the icons are our own files.
        self.record = f"{icon_svg('phone')}{escape(gettext('Record how the call went'))}"
        self.write = f"{icon_svg('pencil-square')}{escape(gettext('Write a check-in'))}"

    def _row(self, p: Participant, line: str, *, follow_up: bool) -> PersonRow:
        outcome_url = self.outcome(p.id) if follow_up else ""
        new_url = self.new(p.id) if follow_up else ""
        return PersonRow(
            id=p.id,
            name=p.preferred_name,
            pronouns=p.pronouns,
            url=self.detail(p.id),
            line=mark_safe(line),  # noqa: S308  # every value in it is escaped by the callers
            outcome_url=outcome_url,
            new_url=new_url,
            participant=p,
            actions=self._actions(p, outcome_url, new_url) if follow_up else _NO_LABEL,
        )

    def _actions(self, p: Participant, outcome_url: str, new_url: str) -> SafeString:
        """What `encounters/_today_rows.html` shows under a follow-up that is not open: a
        button that opens the call's outcome form in place (htmx) and one to write a note."""
        name = escape(p.preferred_name)
        return mark_safe(  # noqa: S308  # the URLs are ours (ids), the name escaped
            f'<p class="outcome-open row-actions"><a class="button secondary compact" '
            f'href="{outcome_url}" hx-get="{outcome_url}" hx-target="#due-{p.id}" '
            f'hx-swap="outerHTML">{self.record}<span class="visually-hidden">: {name}</span></a> '
            f'<a class="button secondary compact" href="{new_url}">{self.write}'
            f'<span class="visually-hidden">: {name}</span></a></p>'
        )

    def follow_up(self, p: Participant, schedule: Any = None) -> PersonRow:
        """A due, scheduled or overdue person: `encounters/_today_rows.html`."""
        parts = []
        if schedule is not None:
            parts.append(
                gettext("between %(start)s and %(end)s")
                % {
                    "start": escape(show_time(schedule.window_start)),
                    "end": escape(show_time(schedule.window_end)),
                }
            )
        parts.append(reach(p))
        if p.next_contact_on:
            parts.append(gettext("due %(when)s") % {"when": escape(show_date(p.next_contact_on))})
        return self._row(p, self.sep.join(parts), follow_up=True)

    def quiet(self, p: Participant) -> PersonRow:
        """Someone not in touch for a while: when they last were, and how to reach them."""
        if p.last_contact_on:
            since = gettext("Last contact %(when)s") % {
                "when": escape(show_date(p.last_contact_on))
            }
        else:
            since = gettext("No contact recorded yet")  # a literal, like `{% translate %}`
        return self._row(p, f"{since}{self.sep}{reach(p)}", follow_up=False)

    def asked(self, p: Participant) -> PersonRow:
        """Someone who asked for a call: how to reach them."""
        return self._row(p, reach(p), follow_up=False)


@dataclass(frozen=True)
class DraftRow:
    """A note left in draft: whose, what kind and when, and its summary."""

    url: str
    label: str
    summary: str


def draft_rows(drafts: list[Any]) -> list[DraftRow]:
    """`encounters.selectors.Draft` rows: whose note, what kind of contact and when."""
    detail = IdUrl("encounters:detail")
    kinds = {value: str(label) for value, label in ContactType.choices}
    return [
        DraftRow(
            url=detail(d.id),
            label=(
                f"{d.participant_name}: {kinds.get(d.contact_type, d.contact_type)}, "
                f"{show_datetime(d.started_at)}"
            ),
            summary=d.summary,
        )
        for d in drafts
    ]


def labelled(rows: list[PersonRow]) -> list[PersonRow]:
    """The rows of one section with their people's labels, told apart within the section."""
    people = [row.participant for row in rows if row.participant is not None]
    labels = person_labels(people, [row.url for row in rows])
    return [replace(row, label=label) for row, label in zip(rows, labels, strict=True)]


def follow_up_html(rows: list[PersonRow]) -> SafeString:
    """A follow-up list's items with their buttons, as `_today_rows.html` writes them when no
    outcome form is open (its htmx answers still use the template), its last line included."""
    return mark_safe(  # noqa: S308  # the label, line and actions are escaped where built
        "".join(
            f'<li id="due-{escape_text(row.id)}">\n  {row.label}\n  <br><span class="muted">'
            f"{row.line}</span>\n  \n  {row.actions}\n  \n</li>"
            for row in rows
        )
        + "\n"
    )


def quiet_html(rows: list[PersonRow]) -> SafeString:
    """The "Not in touch for a while" items, as Today's template loop wrote them."""
    return mark_safe(  # noqa: S308  # the label and line are escaped where built
        "".join(
            f'\n  <li>{row.label}\n  <br><span class="muted">{row.line}</span></li>\n'
            for row in rows
        )
    )


def drafts_html(rows: list[DraftRow]) -> SafeString:
    """The "Notes left in draft" items, as Today's template loop wrote them."""
    items = []
    for row in rows:
        summary = ""
        if row.summary:
            summary = f'<br><span class="muted">{escape_text(row.summary)}</span>'
        items.append(
            f'\n  <li><a href="{escape_text(row.url)}">{escape_text(row.label)}</a>{summary}</li>\n'
        )
    return mark_safe("".join(items))  # noqa: S308  # every value escaped above


def today_rows(day: Any) -> dict[str, Any]:
    """The long sections of Today, in the order the page lists them, and their items written
    in Python (`*_html`: a coach's Today lists a hundred-odd people; character for character
    what the template loops wrote, encounters/tests/test_today_html.py)."""
    make = RowMaker()
    rows: dict[str, Any] = {
        "due": labelled([make.follow_up(p) for p in day.due]),
        "scheduled": labelled([make.follow_up(s.participant, s) for s in day.scheduled]),
        "overdue": labelled([make.follow_up(p) for p in day.overdue]),
        "quiet": labelled([make.quiet(p) for p in day.quiet]),
        "drafts": draft_rows(day.drafts),
    }
    for name in ("due", "scheduled", "overdue"):
        rows[f"{name}_html"] = follow_up_html(rows[name])
    rows["quiet_html"] = quiet_html(rows["quiet"])
    rows["drafts_html"] = drafts_html(rows["drafts"])
    return rows


def one_row(p: Participant) -> PersonRow:
    """The row htmx swaps in after opening or answering the outcome form."""
    return labelled([RowMaker().follow_up(p)])[0]
