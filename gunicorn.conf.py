"""Gunicorn settings for serving Cairn; gunicorn reads this file from the working directory."""

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once Django is loaded, hand its long-lived objects (modules, settings, URL patterns) to
    the permanent generation, so the collector stops walking them on every full collection,
    which would otherwise land inside a request often enough to set its 95th percentile.
    Figures: bench/results/2026-12-04-measured-design-choices.md.
    """
    gc.collect()
    gc.freeze()
