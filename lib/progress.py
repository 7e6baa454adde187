"""A plain text progress bar on stderr for long commands."""

import sys
from typing import TextIO


class Progress:
    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, minimum: int = 2000
    ) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.enabled = total >= minimum

    def advance(self, count: int) -> None:
        self.done += count
        if self.enabled:
            width = 30
            filled = int(width * min(self.done, self.total) / max(self.total, 1))
            bar = "#" * filled + "-" * (width - filled)
            end = "\n" if self.done >= self.total else ""
            self.stream.write(f"\r{self.label} [{bar}] {self.done:,}/{self.total:,}{end}")
            self.stream.flush()
