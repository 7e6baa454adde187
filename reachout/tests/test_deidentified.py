"""De-identified views of the reach-out and overdose figures: counts from 1 to 10 hidden, with
others where a line (a row's answered + waiting = raised, a column's total) would give them
away; times only over 11 or more answered signals; no list of people."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from organizations.models import Membership
from overdose.selectors import Month
from overdose.services import record_kits
from overdose.views import shown_months
from participants.models import Participant
from reachout.models import Signal, Source
from reachout.selectors import Breakdown, Figures
from reachout.tables import table
from reports.suppression import HIDDEN

pytestmark = pytest.mark.django_db


def _figures(answered: int, waiting: int, median: int | None = 20) -> Figures:
    return Figures(answered + waiting, answered, waiting, median, median and median * 2)


def test_small_counts_and_what_gives_them_away_are_hidden() -> None:
    rows = [Breakdown("North", _figures(12, 3)), Breakdown("South", _figures(28, 2))]
    total = _figures(40, 5)
    shown = table(rows, total, deidentified=True)
    assert [(s.raised, s.acknowledged, s.waiting) for s in shown] == [
        ("15", HIDDEN, HIDDEN),
        ("30", HIDDEN, HIDDEN),
        ("45", HIDDEN, HIDDEN),
    ]
    # Every line hides none of its cells or at least two, so nothing is worked out by subtraction.
    for row in shown:
        hidden = [c for c in (row.raised, row.acknowledged, row.waiting) if c == HIDDEN]
        assert len(hidden) != 1
    exact = table(rows, total, deidentified=False)
    assert (exact[0].raised, exact[0].acknowledged, exact[0].waiting) == ("15", "12", "3")


def test_times_need_eleven_answered_signals() -> None:
    rows = [Breakdown("Night", _figures(4, 0, median=35)), Breakdown("Day", _figures(20, 0))]
    shown = table(rows, _figures(24, 0), deidentified=True)
    assert (shown[0].median_minutes, shown[0].p90_minutes) == (HIDDEN, HIDDEN)
    assert (shown[1].median_minutes, shown[1].p90_minutes) == ("20", "40")
    assert table(rows, _figures(24, 0), deidentified=False)[0].median_minutes == "35"


def test_no_signals_show_dashes() -> None:
    [only] = table([], _figures(0, 0, median=None), deidentified=True)
    assert (only.raised, only.median_minutes) == ("0", "—")


def test_mias_deidentified_page_shows_no_small_count_and_no_names(demo, client_for) -> None:
    pat = Participant.objects.get(user__username="pat")
    now = timezone.now()
    for n in range(3):
        Signal.objects.create(
            organization=pat.organization,
            participant=pat,
            source=Source.MESSAGE,
            source_id=uuid.uuid4(),
            reasons=["words"],
            raised_at=now - timedelta(hours=n + 1),
        )
    mia = client_for("mia")
    exact = mia.get("/reach-out/").content.decode()
    assert 'id="signal-list"' in exact and "Pat" in exact
    figures = exact.split('id="reach-out-figures"')[1].split("</ul>")[0]
    assert ">3<" in figures
    page = mia.get("/reach-out/?numbers=deidentified").content.decode()
    figures = page.split('id="reach-out-figures"')[1].split("</ul>")[0]
    assert HIDDEN.replace("<", "&lt;") in figures and ">3<" not in figures
    assert 'id="signal-list"' not in page


def test_overdose_months_deidentified(demo, client_for) -> None:
    pat = Participant.objects.get(user__username="pat")
    ana = Membership.objects.get(user__username="ana")
    record_kits(
        acting=ana, participant=pat, given_on=timezone.localdate(), kits=2, training_given=True
    )
    mia = client_for("mia")
    exact = mia.get("/overdose/").content.decode()
    assert '<td class="num">2</td>' in exact
    page = mia.get("/overdose/?numbers=deidentified").content.decode()
    assert '<td class="num">2</td>' not in page and "&lt;11" in page


def test_a_column_total_never_gives_a_month_away() -> None:
    months = [
        Month(timezone.localdate().replace(day=1), kits_given=14, overdoses=3),
        Month(timezone.localdate().replace(day=1) - timedelta(days=40), kits_given=30),
    ]
    cells = shown_months(months, deidentified=True)
    kits = [row[0] for row in cells]
    overdoses = [row[2] for row in cells]
    assert overdoses == [HIDDEN, "0", HIDDEN]  # 3 and its total (3) hidden together
    assert kits == ["14", "30", "44"]


def test_signals_that_waited_too_long_are_counted_and_listed(demo, client_for) -> None:
    pat = Participant.objects.get(user__username="pat")
    ana = Membership.objects.get(user__username="ana")
    now = timezone.now()

    def signal(hours_ago: float, answered_after: float | None) -> Signal:
        raised = now - timedelta(hours=hours_ago)
        return Signal.objects.create(
            organization=pat.organization,
            participant=pat,
            source=Source.MESSAGE,
            source_id=uuid.uuid4(),
            reasons=["words"],
            raised_at=raised,
            acknowledged_at=raised + timedelta(minutes=answered_after)
            if answered_after is not None
            else None,
            acknowledged_by=ana.user if answered_after is not None else None,
            response="reached" if answered_after is not None else "",
        )

    signal(5, 10)  # answered in time
    late_answer = signal(6, 50)  # answered after the 30-minute window
    still_waiting = signal(2, None)  # waiting past the window
    signal(0.1, None)  # raised six minutes ago: not late yet
    page = client_for("mia").get("/reach-out/").content.decode()
    strip = page.split('id="reach-out-figures"')[1].split("</ul>")[0]
    assert '>2</span> <span class="summary-label">waited longer than 30 minutes' in strip
    listed = client_for("mia").get("/reach-out/?state=escalated").content.decode()
    rows = listed.split('id="signal-list"')[1].split("<tbody>")[1].split("</table>")[0]
    assert rows.count("<tr>") == 2
    assert str(still_waiting.id) in rows and str(late_answer.id) not in rows  # answered: no link
    assert "By the hour the signal was raised" in page
