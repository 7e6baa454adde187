"""python -m bench.profile [page ...]: CPU ms and the top cProfile entries of pages, in-process.

Runs against the small benchmark database (or BENCH_DATABASE_URL) through Django's test client,
so nothing is served and no dependency is needed beyond the standard library.
"""

import cProfile
import io
import os
import pstats
import sys
from typing import Any
from unittest import mock

from bench import setup_django


def decryptions(client: Any, path: str) -> int:
    """How many stored values one request decrypts (steady, unlike time on a busy machine)."""
    from lib import crypto

    calls = 0
    real = crypto.decrypt

    def counting(stored: str) -> str:
        nonlocal calls
        calls += 1
        return real(stored)

    with mock.patch.object(crypto, "decrypt", counting):
        client.get(path)
    return calls


def main(names: list[str]) -> None:
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://cairn:cairn@127.0.0.1:5432/cairn_bench_small"
    )
    setup_django(url)
    from bench.inprocess import cpu_ms, page_client
    from bench.pages import choose_subjects, pages

    top = int(os.environ.get("BENCH_PROFILE_TOP", "25"))
    for page in pages(choose_subjects()):
        if names and page.name not in names:
            continue
        client = page_client(page)
        client.get(page.path)
        spent = cpu_ms(client, page.path)
        decrypted = decryptions(client, page.path)
        print(f"== {page.name}: {spent} CPU ms, {decrypted} decryptions")
        if os.environ.get("BENCH_PROFILE_QUIET"):
            continue
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(3):
            client.get(page.path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        print(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1:])
