"""Gunicorn settings for serving Cairn; gunicorn reads this file from the working directory."""

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once Django is loaded, hand its long-lived objects (modules, settings, URL patterns, about
    100,000 of them) to the permanent generation, so the collector stops walking them.

    Measured on the state data set (28 November 2026): a full collection took 66 ms with them
    and 21 ms without, and a full collection lands inside one request in twenty or so, which is
    exactly where a page's 95th percentile sits.
    """
    gc.collect()
    gc.freeze()
