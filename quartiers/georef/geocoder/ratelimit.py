"""A thread-safe token bucket: at most ``rate`` requests per second, ``burst`` at once."""

from __future__ import annotations

import threading
import time


class TokenBucket:
    """``acquire()`` blocks until a token is free. With ``burst=1`` (the default) requests are
    spaced by 1/rate seconds, so no one-second window ever holds more than ``rate`` + 1 of them:
    the public BAN service allows 50 requests/s per IP address."""

    def __init__(self, *, rate: float, burst: int = 1) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self._tokens = float(burst)
        self._updated = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping as long as needed; returns the time waited (seconds)."""
        waited = 0.0
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return waited
                delay = (1.0 - self._tokens) / self.rate
            time.sleep(delay)
            waited += delay
