"""Where the apps above `reports` add figures to the dashboard, so `reports` never imports them.

Each app registers from its `AppConfig.ready()`: a builder of its headline figures and the
drill-down figures their numbers open. A builder is given the key the dashboard's own figures are
kept under (`kept_as`, None when they are not kept) and may keep its figures beside them
(`reports.cache.kept_part`) if its tables add to the change log (reports/migrations/0001).
"""

from collections.abc import Callable, Mapping
from typing import Any

# build(user=, organization=, filters=, deidentified=, link=, kept_as=) -> list of tables.Headline
HeadlineBuilder = Callable[..., list[Any]]

_headlines: dict[str, HeadlineBuilder] = {}
_rows: dict[str, Any] = {}


def register_figures(name: str, *, headlines: HeadlineBuilder, rows: Mapping[str, Any]) -> None:
    """`rows` maps a drill-down figure's name (in its URL) to its `drill.Figure`."""
    _headlines[name] = headlines
    _rows.update(rows)


def headlines(**context: Any) -> list[Any]:
    """Every registered app's headline figures, in the order the apps registered."""
    return [headline for build in _headlines.values() for headline in build(**context)]


def rows() -> Mapping[str, Any]:
    return _rows
