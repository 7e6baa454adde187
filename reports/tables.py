"""The dashboard as tables of text, exact or de-identified: what the page and the CSV both show."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext as _

from reports import figures
from reports.charts import BarChart, bar_chart
from reports.figures import Rate
from reports.selectors import Dashboard
from reports.suppression import HIDDEN, is_small, suppress_count, suppress_table


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    note: str = ""


@dataclass
class Headline:
    key: str  # also the drill-down's figure name, when it has one
    label: str
    value: str
    rows: bool = False  # whether a list of the people behind it exists


@dataclass
class Report:
    deidentified: bool
    headlines: list[Headline]
    tables: list[Table]
    charts: dict[str, BarChart] = field(default_factory=dict)


def month_label(month: date) -> str:
    return dateformat.format(month, "M Y")


def count(value: int, deidentified: bool) -> str:
    return suppress_count(value) if deidentified else str(value)


def share(rate: Rate, deidentified: bool) -> str:
    """A rate as a percentage; de-identified, only when neither part is a small count."""
    if deidentified and (is_small(rate.done) or is_small(rate.of - rate.done)):
        return HIDDEN if rate.of else "—"
    return figures.percent(rate)


def cross_table(
    key: str, caption: str, months: list[date], keys: list[str], rows: list[list[int]], hide: bool
) -> Table:
    columns = [month_label(m) for m in months] + [_("Total")]
    if not rows:
        return Table(key, caption, columns, [], note=_("No contacts in this range."))
    cells = suppress_table(rows) if hide else None
    body: list[tuple[str, list[str]]] = []
    for index, label in enumerate([*keys, _("Total")]):
        if cells is not None:
            body.append((label, [str(c) for c in cells[index]]))
        else:
            values = rows[index] if index < len(rows) else [sum(c) for c in zip(*rows, strict=True)]
            body.append((label, [str(v) for v in values] + [str(sum(values))]))
    return Table(key, caption, columns, body)


def build(data: Dashboard, *, deidentified: bool) -> Report:
    hide = deidentified
    change = data.change
    headlines = [
        Headline("served", _("Participants served"), count(data.served, hide), True),
        Headline("enrolled", _("New enrolments"), count(data.enrolled, hide), True),
        Headline("active", _("Active caseload"), count(data.active, hide), True),
        Headline("contacts", _("Contacts recorded"), count(data.contacts, hide)),
        Headline("hours", _("Hours of service"), f"{data.hours:g}"),
        Headline(
            "federal",
            _("Federal follow-up at 180 days (target 80%)"),
            share(data.federal, hide),
            True,
        ),
    ]
    months, (type_keys, type_rows) = data.months, data.by_type
    service_keys = [k or _("No service type") for k in data.by_service[0]]
    caseload = [n for _coach, n in data.caseload]
    caseload_cells = suppress_table([[n] for n in caseload], row_totals=False) if caseload else []
    caseload_rows = [
        (coach or _("No coach yet"), [str(caseload_cells[i][0]) if hide else str(n)])
        for i, (coach, n) in enumerate(data.caseload)
    ]
    if caseload:
        total = sum(caseload)
        caseload_rows.append((_("Total"), [str(caseload_cells[-1][0]) if hide else str(total)]))
    engagement = [(month_label(month), [f"{ratio:g}"]) for month, ratio in data.engagement]
    retention = [
        (_("Day %(n)s") % {"n": days}, [share(rate, hide), count(rate.of, hide)])
        for days, rate in data.retention.items()
    ]
    follow_up = [
        (
            _("Day %(n)s") % {"n": days},
            [share(rate, hide), count(rate.done, hide), count(rate.of, hide)],
        )
        for days, rate in data.follow_up.items()
    ]
    follow_up.append(
        (
            _("Day 180 ±30 (federal)"),
            [
                share(data.federal, hide),
                count(data.federal.done, hide),
                count(data.federal.of, hide),
            ],
        )
    )
    capital = [
        (_("People with a baseline and a later total"), [count(change.n, hide)]),
        (
            _("Mean change in total"),
            [
                "—"
                if change.mean_change is None or (hide and is_small(change.n))
                else f"{change.mean_change:+g}"
            ],
        ),
        (_("Share with a gain"), [share(change.gained, hide)]),
        (_("Share at 47 or more at the latest"), [share(change.at_sustained, hide)]),
    ]
    tables = [
        cross_table(
            "by-type", _("Contacts by type, per month"), months, type_keys, type_rows, hide
        ),
        cross_table(
            "by-service",
            _("Contacts by service, per month"),
            months,
            service_keys,
            data.by_service[1],
            hide,
        ),
        Table("caseload", _("Active caseload by coach"), [_("People")], caseload_rows),
        Table(
            "engagement",
            _("Engagement: contacts per person reached, per month"),
            [_("Contacts per person")],
            engagement,
        ),
        Table(
            "retention",
            _("Still in contact after enrolment"),
            [_("Share"), _("People counted")],
            retention,
            note=_(
                "Of the people enrolled in this range at least that many days before its end: "
                "the share with a contact that reached them on or after that day."
            ),
        ),
        Table(
            "follow-up",
            _("Reassessments done within their window"),
            [_("Share"), _("Done"), _("Due")],
            follow_up,
            note=_(
                "Points whose window closed in this range. Day 30, 60 and 90 use the "
                "organization's schedule (±14 days by default); the federal follow-up is a "
                "BARC-10 between day 150 and day 210."
            ),
        ),
        Table(
            "recovery-capital",
            _("Recovery capital (BARC-10): first and latest total"),
            [_("Value")],
            capital,
        ),
    ]
    return Report(hide, headlines, tables, charts=_charts(data, hide))


def _charts(data: Dashboard, hide: bool) -> dict[str, BarChart]:
    columns = zip(*data.by_type[1], strict=True)
    per_month = [sum(column) for column in columns] or [0] * len(data.months)
    bars = [
        (
            month_label(m),
            None if hide and is_small(n) else float(n),
            count(n, hide),
        )
        for m, n in zip(data.months, per_month, strict=True)
    ]
    busiest = max(zip(per_month, data.months, strict=True), default=(0, None))
    contacts = bar_chart(
        bars,
        key="contacts-chart",
        title=_("Contacts per month"),
        summary=_("%(total)s contacts in the range; the busiest month was %(month)s.")
        % {"total": count(sum(per_month), hide), "month": month_label(busiest[1])}
        if busiest[1] and busiest[0]
        else _("No contacts in this range."),
    )
    retention_bars = [
        (
            _("Day %(n)s") % {"n": days},
            None if rate.share is None or share(rate, hide) == HIDDEN else rate.share * 100,
            share(rate, hide),
        )
        for days, rate in data.retention.items()
    ]
    shown = [text for _label, value, text in retention_bars if value is not None]
    retention = bar_chart(
        retention_bars,
        key="retention-chart",
        title=_("Still in contact after enrolment"),
        summary=_("Still in contact: %(list)s.")
        % {"list": ", ".join(f"{label} {text}" for label, _v, text in retention_bars)}
        if shown
        else _("Too few people enrolled in this range to show retention."),
        maximum=100,
    )
    return {"contacts": contacts, "retention": retention}
