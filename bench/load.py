"""A small load generator of our own: threads, http.client and a signed-in session, loopback only.

Every run is bounded twice, in requests and in seconds, and stops by itself."""

import http.client
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    form: dict[str, str] | None = None
    expect: int = 200


class Session:
    """One browser: cookies kept between requests, a fresh connection when the server closes."""

    def __init__(self, port: int, *, bearer: str = "") -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.bearer = bearer  # an API client: its token in every request instead of a session

    def _headers_and_body(self, request: Request) -> tuple[dict[str, str], str | None]:
        headers = {"Host": f"{LOOPBACK}:{self.port}", "Connection": "keep-alive"}
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if request.form is None:
            return headers, None
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{LOOPBACK}:{self.port}{request.path}"
        return headers, urlencode(dict(request.form))

    def send(self, request: Request) -> tuple[int, str, dict[str, str]]:
        headers, body = self._headers_and_body(request)
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
            try:
                self.conn.request(request.method, request.path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException):
                # A kept-alive connection the server had already closed: reconnect once.
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close and self.conn is not None:
            self.conn.close()
            self.conn = None
        return response.status, text, dict(response.getheaders())

    def sign_in(self, username: str, password: str) -> None:
        """Post the sign-in form the way a browser does, CSRF token included."""
        status, page, _ = self.send(Request("GET", "/accounts/login/"))
        match = TOKEN.search(page)
        if status != 200 or match is None:
            raise RuntimeError(f"sign-in page answered {status} without a CSRF token")
        form = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
        status, _, _ = self.send(Request("POST", "/accounts/login/", form=form))
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {username} failed ({status})")

    def form_token(self, path: str) -> str:
        status, page, _ = self.send(Request("GET", path))
        match = TOKEN.search(page)
        if status != 200 or match is None:
            raise RuntimeError(f"{path} answered {status} without a form token")
        return match.group(1)


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return 0.0
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        cuts = statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
        return cuts[round(share * 100) - 1]


def drive(
    sessions: list[Session],
    next_request: Callable[[int], Request],
    *,
    max_requests: int,
    max_seconds: float,
) -> LoadResult:
    """Send up to `max_requests` requests from one thread per session, for at most `max_seconds`.

    `next_request(n)` gives the n-th request (n counts across all threads)."""
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.perf_counter() + max_seconds

    def user(session: Session) -> None:
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            request = next_request(n)
            started = time.perf_counter()
            try:
                status, text, _ = session.send(request)
            except (OSError, http.client.HTTPException) as error:
                status, text = 0, repr(error)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == request.expect:
                    result.latencies_ms.append(elapsed)
                else:
                    result.errors += 1
                    result.first_error = result.first_error or (
                        f"{request.method} {request.path}: {status} {text[:300]}"
                    )

    threads = [threading.Thread(target=user, args=(s,), daemon=True) for s in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 60)
    result.seconds = time.perf_counter() - started
    return result
