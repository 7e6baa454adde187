"""python -m bench.sqlite_coaches: how many coaches one small server on SQLite serves.

A fresh SQLite demo (a small program: 8 coaches, 300 participants) is served by gunicorn as
`make run` serves it, on a loopback port. Each simulated coach signs in and then works as a
busy coach does: Today, the caseload, a participant's overview and timeline, and every sixth
request a brief check-in note (a write, audited), with a pause between clicks (2 s on average).
The number of coaches doubles step by step until the 95th percentile of response times passes
200 ms or a request fails; every step is bounded in time and requests and stops by itself.
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import setup_django
from bench.load import LoadResult, Request, Session

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 200.0
WRITE_EVERY = 6


def prepare(path: Path) -> str:
    """A fresh demo database at `path`; returns its URL."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url, "CAIRN_DEMO": "1", "CAIRN_HTTPS": "0"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [*manage, "seed_demo", "--participants", "300", "--coaches", "8", "--seed", "3"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return url


def coaches_and_people(url: str) -> dict[str, list[str]]:
    """Each coach's username and the ids of a few people on their caseload."""
    setup_django(url)
    from organizations.models import Membership, Role
    from participants.models import Participant

    found: dict[str, list[str]] = {}
    coaches = Membership.objects.filter(
        organization__slug="harbor", role=Role.COACH, is_active=True
    ).select_related("user")
    for membership in coaches.order_by("user__username"):
        people = Participant.objects.filter(coach=membership.user).order_by("id")[:10]
        ids = [str(p.id) for p in people]
        if ids:
            found[membership.user.username] = ids
    return found


def sign_in_more(port: int, sessions: list[Session], names: list[str], wanted: int) -> None:
    """Sign in coaches until there are `wanted` sessions (one after another, not timed)."""
    from cairn.demo import DEMO_PASSWORD

    while len(sessions) < wanted:
        session = Session(port)
        session.sign_in(names[len(sessions) % len(names)], DEMO_PASSWORD)
        sessions.append(session)


def step(
    sessions: list[Session], caseloads: dict[str, list[str]], seconds: float, think: float
) -> LoadResult:
    """Signed-in coaches working at once for `seconds`; returns every response's time."""
    from bench.pages import check_in_form

    result = LoadResult()
    lock = threading.Lock()
    names = sorted(caseloads)
    deadline = time.perf_counter() + seconds

    def coach(index: int, session: Session) -> None:
        rng = random.Random(index)
        people = caseloads[names[index % len(names)]]
        n = 0
        while time.perf_counter() < deadline:
            time.sleep(rng.uniform(0, 2 * think))
            person = people[n % len(people)]
            n += 1
            if n % WRITE_EVERY == 0:
                request = Request(
                    "POST", f"/contacts/new/{person}/", form=check_in_form(person), expect=302
                )
            else:
                path = rng.choice(
                    ["/today/", "/participants/", f"/participants/{person}/",
                     f"/contacts/timeline/{person}/"]
                )  # fmt: skip
                request = Request("GET", path)
            started = time.perf_counter()
            try:
                status, _, _ = session.send(request)
            except OSError:
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == request.expect:
                    result.latencies_ms.append(elapsed)
                else:
                    result.errors += 1
                    result.first_error = result.first_error or f"{request.path}: {status}"

    threads = [
        threading.Thread(target=coach, args=(i, session), daemon=True)
        for i, session in enumerate(sessions)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    result.seconds = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sqlite_coaches", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each step")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between clicks (s)")
    parser.add_argument("--max-coaches", type=int, default=640)
    args = parser.parse_args()
    path = ROOT / "var" / "bench-sqlite-coaches.sqlite3"
    path.parent.mkdir(exist_ok=True)
    print("Seeding a small program on SQLite...", file=sys.stderr)
    url = prepare(path)
    caseloads = coaches_and_people(url)
    from bench.server import Server

    print("| coaches at once | requests | p50 ms | p95 ms | errors | req/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    served = 0
    coaches = 5
    # As `make run` serves the demo: two workers of four threads each.
    with Server(url, workers=2, threads=4) as server:
        sessions: list[Session] = []
        names = sorted(caseloads)
        while coaches <= args.max_coaches:
            sign_in_more(server.port, sessions, names, coaches)
            result = step(sessions, caseloads, args.seconds, args.think)
            p95 = result.percentile(0.95)
            print(
                f"| {coaches} | {result.requests} | {result.percentile(0.5):.0f} | {p95:.0f} "
                f"| {result.errors} | {result.throughput:.1f} |",
                flush=True,
            )
            if result.errors or not result.latencies_ms or p95 >= TARGET_P95_MS:
                if result.first_error:
                    print(f"first error: {result.first_error}", file=sys.stderr)
                break
            served = coaches
            coaches *= 2
    print(
        f"\nWithin p95 < {TARGET_P95_MS:.0f} ms: {served} coaches at once "
        f"(pause between clicks {args.think:.0f} s on average, one write in {WRITE_EVERY})."
    )


if __name__ == "__main__":
    main()
