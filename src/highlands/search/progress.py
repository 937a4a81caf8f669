"""A one-line progress bar for long commands (no dependency)."""

from __future__ import annotations

import sys
import time
from typing import Any


class ProgressBar:
    """A one-line progress bar on stderr (no dependency, quiet when not a terminal)."""

    def __init__(self, stream: Any = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        total = max(total, 1)
        filled = int(self.width * done / total)
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed else 0.0
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} records  {rate:,.0f}/s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
