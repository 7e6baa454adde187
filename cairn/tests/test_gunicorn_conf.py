"""The served workers keep Django's long-lived objects out of the collector's full passes."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_freezes_what_was_loaded_before_serving() -> None:
    hooks = runpy.run_path(str(CONF))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_worker_freezes_again_after_its_first_requests_and_then_leaves_the_collector_be(
    monkeypatch,
) -> None:
    hooks = runpy.run_path(str(CONF))
    frozen_after: list[int] = []
    collected_after: list[int] = []

    class Worker:
        nr = 0

    worker = Worker()

    def collect(*args: object) -> int:
        collected_after.append(worker.nr)
        return 0

    monkeypatch.setattr(gc, "freeze", lambda: frozen_after.append(worker.nr))
    monkeypatch.setattr(gc, "collect", collect)
    for n in range(1, 1000):
        worker.nr = n
        hooks["post_request"](worker, None, None, None)
    # Collected first (nothing dead is frozen), then frozen: after the 25th and 250th only.
    assert frozen_after == collected_after == [25, 250]


def test_with_metrics_on_the_workers_share_one_emptied_folder(tmp_path, monkeypatch) -> None:
    hooks = runpy.run_path(str(CONF))
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_999.db").write_bytes(b"left from the last run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    monkeypatch.delenv("CAIRN_METRICS_TOKEN", raising=False)
    hooks["on_starting"](server=None)
    assert (folder / "counter_999.db").exists()  # metrics off: left alone

    monkeypatch.setenv("CAIRN_METRICS_TOKEN", "scraper-secret")
    hooks["on_starting"](server=None)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_worker_that_ends_is_marked_dead_for_the_metrics(tmp_path, monkeypatch) -> None:
    hooks = runpy.run_path(str(CONF))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "gauge_livesum_4242.db").write_bytes(b"")
    (tmp_path / "counter_4242.db").write_bytes(b"")

    class Worker:
        pid = 4242

    hooks["child_exit"](server=None, worker=Worker())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_4242.db"]
