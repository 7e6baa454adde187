"""Bar-chart geometry for the dashboard, on the same canvas and ticks as `assessments.charts`.

As there, only numbers and words are computed here; `{% report_chart %}` draws them with a
title, a description and a one-sentence summary, and every chart sits beside its data table.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from assessments.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Tick


@dataclass(frozen=True)
class Column:
    label: str
    value: float | None  # None: hidden by small-number protection (no bar is drawn)
    text: str  # the value as shown ("42", "80%", "<11")
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class BarChart:
    key: str  # unique on the page: the ids of the title and description
    title: str
    summary: str
    columns: list[Column]
    y_ticks: list[Tick]
    # The plot area, the same as the assessment charts'.
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _nice_top(value: float) -> float:
    """A round top for the scale (1, 2 or 5 times a power of ten) at or above `value`."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def bar_chart(
    bars: Sequence[tuple[str, float | None, str]],
    *,
    key: str,
    title: str,
    summary: str,
    maximum: float | None = None,
) -> BarChart:
    """One vertical bar per (label, value, shown text); `maximum` fixes the scale (e.g. 100%)."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    top_value = maximum or _nice_top(max((v or 0 for _, v, _ in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    bar_w = round(min(slot * 0.7, 60), 1)
    columns = []
    for index, (label, value, text) in enumerate(bars):
        height = 0.0 if value is None else round(plot_h * min(value, top_value) / top_value, 1)
        centre = LEFT + slot * index + slot / 2
        columns.append(
            Column(
                label=label,
                value=value,
                text=text,
                x=round(centre - bar_w / 2, 1),
                y=round(TOP + plot_h - height, 1),
                width=bar_w,
                height=height,
                label_x=round(centre, 1),
            )
        )
    y_ticks = [
        Tick(round(TOP + plot_h * (1 - share), 1), _tick(top_value * share))
        for share in (0, 0.25, 0.5, 0.75, 1)
    ]
    return BarChart(
        key=key,
        title=title,
        summary=summary,
        columns=columns,
        y_ticks=y_ticks,
    )


def _tick(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
