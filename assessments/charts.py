"""Chart geometry for server-rendered SVG: totals over time and per-item change since baseline.

Only numbers and words are computed here; the templates draw them, with a title, a description,
a one-sentence summary and a data table, so the chart is never the only way to read the data.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 640
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 20, 44
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: int
    day: date
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    dots: list[Dot]
    points: str  # the polyline's "x,y x,y ..." attribute
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    reference_y: float | None
    reference_label: str
    summary: str


def _day(day: date, with_year: bool) -> str:
    return dateformat.format(day, "j M Y" if with_year else "j M")


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"-{abs(number)}" if number < 0 else "0"


def total_summary(series: Sequence[tuple[date, int]]) -> str:
    """One sentence, e.g. "From 31 at the start to 38 on 2 Oct, a change of +7"."""
    if not series:
        return _("No complete assessment with a total yet.")
    with_year = series[0][0].year != series[-1][0].year
    if len(series) == 1:
        day, value = series[0]
        return _("One total so far: %(value)s on %(day)s.") % {
            "value": value,
            "day": _day(day, True),
        }
    first, last = series[0][1], series[-1][1]
    return _("From %(first)s at the start to %(last)s on %(day)s, a change of %(change)s.") % {
        "first": first,
        "last": last,
        "day": _day(series[-1][0], with_year),
        "change": _signed(last - first),
    }


def line_chart(
    series: Sequence[tuple[date, int]],
    *,
    minimum: int,
    maximum: int,
    reference: int | None = None,
    reference_label: str = "",
) -> LineChart:
    """Totals over time on a date axis (spacing follows the calendar), scale fixed to the range."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = max(maximum - minimum, 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (maximum - value) / span, 1)

    first_day = series[0][0] if series else timezone.localdate()
    days = max((series[-1][0] - first_day).days, 1) if series else 1
    with_year = bool(series) and series[0][0].year != series[-1][0].year

    def x_of(day: date) -> float:
        if len(series) == 1:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * (day - first_day).days / days, 1)

    dots = [
        Dot(x_of(day), y_of(value), value, day, f"{_day(day, True)}: {value}")
        for day, value in series
    ]
    step = 10 if span >= 30 else 5 if span >= 10 else 1
    y_ticks = [
        Tick(y_of(v), str(v)) for v in range(minimum, maximum + 1) if (v - minimum) % step == 0
    ]
    if y_ticks and y_ticks[-1].label != str(maximum):
        y_ticks.append(Tick(y_of(maximum), str(maximum)))
    every = max(1, -(-len(dots) // MAX_X_LABELS))
    x_ticks = [Tick(d.x, _day(d.day, with_year)) for i, d in enumerate(dots) if i % every == 0]
    if dots and x_ticks[-1].position != dots[-1].x:
        x_ticks[-1] = Tick(dots[-1].x, _day(dots[-1].day, with_year))
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        dots=dots,
        points=" ".join(f"{d.x},{d.y}" for d in dots),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        reference_y=y_of(reference) if reference is not None else None,
        reference_label=reference_label,
        summary=total_summary(series),
    )


# --- change per item since baseline ---------------------------------------------------------

ROW = 30
LABEL_END = 292  # item labels end here (text-anchor: end)
ZERO = 460  # the x of "no change"
UNIT = 28  # pixels per point of change (±5 fits either side)


@dataclass(frozen=True)
class Bar:
    label: str
    baseline: int
    latest: int
    change: int
    y: float
    text_y: float
    x: float
    width: float
    value_x: float
    direction: str  # "up", "down" or "same" (a CSS class; never a colour of alarm)
    change_text: str


@dataclass(frozen=True)
class ChangeChart:
    width: int
    height: int
    zero: int
    top: int
    bottom: int
    bars: list[Bar]
    summary: str


def change_summary(bars: Sequence[Bar], baseline_day: date, latest_day: date) -> str:
    up = sum(1 for b in bars if b.change > 0)
    down = sum(1 for b in bars if b.change < 0)
    same = len(bars) - up - down
    return _(
        "From the first assessment on %(start)s to the latest on %(end)s: "
        "%(up)s, %(same)s, %(down)s."
    ) % {
        "start": _day(baseline_day, True),
        "end": _day(latest_day, True),
        "up": ngettext("%(n)s statement went up", "%(n)s statements went up", up) % {"n": up},
        "same": ngettext("%(n)s stayed the same", "%(n)s stayed the same", same) % {"n": same},
        "down": ngettext("%(n)s went down", "%(n)s went down", down) % {"n": down},
    }


def change_chart(
    rows: Sequence[tuple[str, int, int]], *, baseline_day: date, latest_day: date
) -> ChangeChart:
    """One horizontal bar per item: right of the middle line for a gain, left for a drop."""
    bars: list[Bar] = []
    top = 28
    for index, (label, baseline, latest) in enumerate(rows):
        change = latest - baseline
        y = top + index * ROW
        width = abs(change) * UNIT
        x = ZERO if change >= 0 else ZERO - width
        bars.append(
            Bar(
                label=label,
                baseline=baseline,
                latest=latest,
                change=change,
                y=y + 6,
                text_y=y + 19,
                x=x,
                width=max(width, 2),
                value_x=ZERO + width + 6 if change >= 0 else ZERO - width - 6,
                direction="up" if change > 0 else "down" if change < 0 else "same",
                change_text=_signed(change),
            )
        )
    height = top + len(rows) * ROW + 12
    return ChangeChart(
        width=WIDTH,
        height=height,
        zero=ZERO,
        top=top - 6,
        bottom=height - 8,
        bars=bars,
        summary=change_summary(bars, baseline_day, latest_day),
    )
