"""A fake receiver for webhook tests: records each request and answers from a list of statuses."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from lib.tests.servers import serve_http


@dataclass
class Receiver:
    url: str = ""
    statuses: list[int] = field(default_factory=list)  # answered in turn; 200 once used up
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@contextmanager
def receiver(*statuses: int, location: str = "") -> Iterator[Receiver]:
    """A loopback HTTP receiver for the length of the block (a few seconds at most)."""
    state = Receiver(statuses=list(statuses))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            answer = b"receiver says no" if status >= 300 else b"ok"
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            return

    with serve_http(Handler, lifetime=30) as base:
        state.url = base + "/hooks/cairn"
        yield state
