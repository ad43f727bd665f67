"""Limiting repeated failed logins, so passwords cannot be guessed at speed."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class LoginThrottle:
    """Counts failed logins per key (an e-mail, a client address) in a sliding window.

    After ``limit`` failures within ``window_s`` seconds the key is refused until the oldest
    failure leaves the window. Kept in memory: each server process counts its own.
    """

    def __init__(self, *, limit: int = 10, window_s: float = 900.0, now: Callable[[], float] = time.monotonic):
        self._limit = limit
        self._window = window_s
        self._now = now
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self._window:
            times.popleft()
        return times

    def retry_after(self, *keys: str) -> float:
        """Seconds until any of ``keys`` may try again; 0 when all may try now."""
        now = self._now()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self._limit:
                    wait = max(wait, self._window - (now - times[0]))
        return wait

    def failed(self, *keys: str) -> None:
        """Record one failed attempt for each key."""
        now = self._now()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        """Forget the failures of a key after a successful login."""
        with self._lock:
            self._failures.pop(key, None)
