"""Gunicorn settings for serving Cairn; gunicorn reads this file from the working directory."""

import gc
import os
import shutil
from pathlib import Path
from typing import Any


def on_starting(server: Any) -> None:
    """With metrics on (CAIRN_METRICS_TOKEN), the workers count requests in one shared folder,
    emptied at each start, so /metrics adds up every worker rather than the one that answers."""
    if not os.environ.get("CAIRN_METRICS_TOKEN"):
        return
    folder = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "var/prometheus"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that ends leaves its live gauges behind unless told (prometheus_client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker: Any) -> None:
    """Once Django is loaded, hand its long-lived objects (modules, settings, URL patterns) to
    the permanent generation, so the collector stops walking them on every full collection,
    which would otherwise land inside a request often enough to set its 95th percentile.
    Figures: bench/results/2026-12-04-measured-design-choices.md.
    """
    gc.collect()
    gc.freeze()


# A worker's first requests load what Django makes lazily (templates, URL resolvers, API schemas,
# translations): 120,000 objects after one round of the benchmark's pages, which a full collection
# then walks in 64 ms (in-process at state scale, under load), against 3 ms once they are frozen
# too. So the worker freezes again after its first requests, with the answer already sent.
REFREEZE_AFTER = frozenset({25, 250})


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    if worker.nr in REFREEZE_AFTER:
        gc.collect()
        gc.freeze()
