"""The dashboard as tables of text, exact or de-identified: what the page and the CSV both show."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.suprt_points import TimePoint
from encounters.models import ContactType, service_label
from reports import figures, suprt_figures
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
    key: str  # also the drill-down's figure name
    label: str
    value: str


# Builds the URL of a figure's rows, with the dashboard's filters and the cell's parameters:
# `link(figure, **cell)`, or `link(figure, encoded=...)` with the cell's parameters encoded.
Link = Callable[..., str]


class Linked(str):
    """A figure's text that opens the rows behind it: equal to its text (the CSV and the tests
    read it as such), with where it leads and an accessible name saying what opens."""

    href: str
    label: str


def linked(text: str, link: Link | None, figure: str, label: str, **cell: str) -> str:
    if link is None:
        return text
    shown = Linked(text)
    shown.href, shown.label = link(figure, **cell), label
    return shown


def people_label(text: str, where: str) -> str:
    return _("people behind: %(n)s, %(where)s") % {"n": text, "where": where}


def contacts_label(text: str, where: str) -> str:
    return _("contacts behind: %(n)s, %(where)s") % {"n": text, "where": where}


@dataclass
class Report:
    deidentified: bool
    headlines: list[Headline]
    tables: list[Table]
    charts: dict[str, BarChart] = field(default_factory=dict)
    suprt: Table | None = None  # where the organization reports SUPRT


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
    key: str,
    caption: str,
    months: list[date],
    keys: list[str],
    rows: list[list[int]],
    hide: bool,
    *,
    link: Link | None = None,
    row_cells: list[dict[str, str] | None] | None = None,
) -> Table:
    """Months across, categories down, with totals; without `hide`, each count links to the
    contacts behind it (`row_cells`: a category's query parameters, None for no link)."""
    columns = [month_label(m) for m in months] + [_("Total")]
    if not rows:
        return Table(key, caption, columns, [], note=_("No contacts in this range."))
    cells = suppress_table(rows) if hide else None
    # Some 250 cells link: each month's parameter is encoded once, each category's once per
    # row, and the cells' accessible names share one translated sentence.
    month_queries = [urlencode({"month": f"{m:%Y-%m}"}) for m in months] + [""]
    sentence = _("contacts behind: %(n)s, %(where)s")
    body: list[tuple[str, list[str]]] = []
    for index, label in enumerate([*keys, _("Total")]):
        if cells is not None:
            body.append((label, [str(c) for c in cells[index]]))
            continue
        values = rows[index] if index < len(rows) else [sum(c) for c in zip(*rows, strict=True)]
        texts = [str(v) for v in values] + [str(sum(values))]
        row_cell = (row_cells or [])[index] if index < len(keys) else {}
        if link is not None and row_cell is not None:
            row_query = urlencode(row_cell)
            texts = [
                _linked_cell(
                    text,
                    link,
                    query="&".join(part for part in (row_query, month_queries[column]) if part),
                    name=sentence
                    % {
                        "n": text,
                        "where": f"{columns[column]}, {label}" if month_queries[column] else label,
                    },
                )
                for column, text in enumerate(texts)
            ]
        body.append((label, texts))
    return Table(key, caption, columns, body)


def _linked_cell(text: str, link: Link, *, query: str, name: str) -> str:
    """A cross table's count linking to the contacts behind it; `query` is the cell's own
    parameters, already encoded."""
    shown = Linked(text)
    shown.href, shown.label = link("contacts", encoded=query), name
    return shown


def build(
    data: Dashboard,
    *,
    deidentified: bool,
    link: Link | None = None,
    coaches: dict[str, str] | None = None,
    services: dict[str, int] | None = None,
    extra: Sequence[Headline] = (),
) -> Report:
    """The page's tables; with `link` (and not de-identified), every figure links to its rows.
    `coaches` (display name → public id) and `services` (name → id) keep names out of URLs."""
    hide = deidentified
    link = None if hide else link
    change = data.change

    def head(key: str, label: str, value: str, *, contacts: bool = False) -> Headline:
        name = (contacts_label if contacts else people_label)(value, label)
        return Headline(key, label, linked(value, link, key, name))

    headlines = [
        head("served", _("Participants served"), count(data.served, hide)),
        head("enrolled", _("New enrolments"), count(data.enrolled, hide)),
        head("active", _("Active caseload"), count(data.active, hide)),
        head("contacts", _("Contacts recorded"), count(data.contacts, hide), contacts=True),
        Headline(
            "hours",
            _("Hours of service"),
            linked(
                f"{data.hours:g}",
                link,
                "hours",
                ngettext(
                    "contacts behind %(n)s hour of service",
                    "contacts behind %(n)s hours of service",
                    # 1.5 hours is plural too: only exactly one hour is "hour"
                    1 if data.hours == 1 else 2,
                )
                % {"n": f"{data.hours:g}"},
            ),
        ),
    ]
    if data.suprt is None:
        headlines.append(
            head("federal", _("BARC-10 follow-up at 180 days"), share(data.federal, hide))
        )
    else:  # the follow-up SAMHSA judges a program on
        label = _("SUPRT follow-up at 6 months (target 80%)")
        value = share(data.suprt[TimePoint.REASSESSMENT], hide)
        headlines.append(
            Headline(
                "suprt-follow-up",
                label,
                linked(value, link, "suprt", people_label(value, label), point="reassessment"),
            )
        )
    headlines += extra  # other apps' figures (reports.extensions)
    months, (type_labels, type_rows) = data.months, data.by_type
    type_keys = {str(label): value for value, label in ContactType.choices}
    service_names = data.by_service[0]
    service_keys = [service_label(k) if k else _("No service type") for k in service_names]
    service_ids = services or {}
    service_cells: list[dict[str, str] | None] = [
        {"service": "none"}
        if not name
        else ({"service": str(service_ids[name])} if name in service_ids else None)
        for name in service_names
    ]
    caseload = [n for _coach, n in data.caseload]
    caseload_cells = suppress_table([[n] for n in caseload], row_totals=False) if caseload else []
    coach_ids = coaches or {}
    caseload_rows: list[tuple[str, list[str]]] = []
    for i, (coach, n) in enumerate(data.caseload):
        label = coach or _("No coach yet")
        text = str(caseload_cells[i][0]) if hide else str(n)
        cell = (
            {"nocoach": "1"}
            if not coach
            else ({"coach": coach_ids[coach]} if coach in coach_ids else None)
        )
        if cell is not None:
            text = linked(text, link, "active", people_label(text, label), **cell)
        caseload_rows.append((label, [text]))
    if caseload:
        total = str(caseload_cells[-1][0]) if hide else str(sum(caseload))
        total = linked(total, link, "active", people_label(total, _("Active caseload")))
        caseload_rows.append((_("Total"), [total]))
    engagement = [
        (
            month_label(month),
            [
                linked(
                    f"{ratio:g}",
                    link,
                    "engagement",
                    _("people reached in %(month)s: %(n)s contacts per person")
                    % {"month": month_label(month), "n": f"{ratio:g}"},
                    month=f"{month:%Y-%m}",
                )
            ],
        )
        for month, ratio in data.engagement
    ]

    def day_cells(figure: str, label: str, texts: list[str], **cell: str) -> list[str]:
        return [linked(t, link, figure, people_label(t, label), **cell) for t in texts]

    retention = [
        (
            _("Day %(n)s") % {"n": days},
            day_cells(
                "retention",
                _("still in contact at day %(n)s") % {"n": days},
                [share(rate, hide), count(rate.of, hide)],
                day=str(days),
            ),
        )
        for days, rate in data.retention.items()
    ]
    follow_up = [
        (
            _("Day %(n)s") % {"n": days},
            day_cells(
                "follow-up",
                _("reassessment at day %(n)s") % {"n": days},
                [share(rate, hide), count(rate.done, hide), count(rate.of, hide)],
                day=str(days),
            ),
        )
        for days, rate in data.follow_up.items()
    ]
    follow_up.append(
        (
            _("Day 180 ±30"),
            day_cells(
                "federal",
                _("BARC-10 follow-up at day 180"),
                [
                    share(data.federal, hide),
                    count(data.federal.done, hide),
                    count(data.federal.of, hide),
                ],
            ),
        )
    )
    paired = count(change.n, hide)
    capital = [
        (
            _("People with a baseline and a later total"),
            [
                linked(
                    paired,
                    link,
                    "recovery-capital",
                    people_label(paired, _("a baseline and a later BARC-10 total")),
                )
            ],
        ),
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
            "by-type",
            _("Contacts by type, per month"),
            months,
            type_labels,
            type_rows,
            hide,
            link=link,
            row_cells=[
                {"type": type_keys[label]} if label in type_keys else None for label in type_labels
            ],
        ),
        cross_table(
            "by-service",
            _("Contacts by service, per month"),
            months,
            service_keys,
            data.by_service[1],
            hide,
            link=link,
            row_cells=service_cells,
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
                "organization's schedule (±14 days by default); day 180 is a BARC-10 between "
                "day 150 and day 210."
            ),
        ),
        Table(
            "recovery-capital",
            _("Recovery capital (BARC-10): first and latest total"),
            [_("Value")],
            capital,
        ),
    ]
    suprt = None if data.suprt is None else suprt_table(data.suprt, hide, link)
    if suprt is not None:
        tables.append(suprt)
    return Report(hide, headlines, tables, charts=_charts(data, hide), suprt=suprt)


def suprt_table(rates: dict[str, Rate], hide: bool, link: Link | None = None) -> Table:
    """SUPRT's time points against SAMHSA's 80% target; where a share is hidden (small counts),
    so is whether it meets the target."""
    labels = {
        TimePoint.BASELINE: _("Baseline within 30 days of intake"),
        TimePoint.REASSESSMENT: _("6-month reassessment (day 150 to 210)"),
        TimePoint.ANNUAL: _("Annual assessment (±30 days)"),
        TimePoint.CLOSEOUT: _("Closeout within 30 days of the end of care"),
    }
    rows = []
    for point in suprt_figures.POINTS:
        rate = rates[point]
        shown = share(rate, hide)
        met = suprt_figures.meets_target(rate)
        target = (
            "—" if met is None or shown == HIDDEN else (_("Meets 80%") if met else _("Below 80%"))
        )
        texts = [shown, count(rate.done, hide), count(rate.of, hide)]
        cells = [
            linked(t, link, "suprt", people_label(t, str(labels[point])), point=str(point))
            for t in texts
        ]
        rows.append((str(labels[point]), [*cells, str(target)]))
    return Table(
        "suprt",
        _("SUPRT time points done within their window"),
        [_("Share"), _("Done"), _("Due"), _("Against the target")],
        rows,
        note=_(
            "Windows that closed in this range, each done by a SUPRT-A recorded for that time "
            "point inside it. SAMHSA's target for follow-up is 80%. A person whose care ended "
            "before or during a reassessment window needs no reassessment there."
        ),
    )


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
        summary=ngettext(
            "%(total)s contact in the range; the busiest month was %(month)s.",
            "%(total)s contacts in the range; the busiest month was %(month)s.",
            # PostgreSQL's sums arrive as Decimal; a plural form is chosen by an integer.
            int(sum(per_month)),
        )
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
