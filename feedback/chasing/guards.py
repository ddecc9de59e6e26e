"""What keeps a chase run within its limits: the Notify rate limiter, a circuit breaker and the SQLite
single-run lock."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from feedback.notify.service import ErrorKind

log = logging.getLogger(__name__)


class TokenBucket:
    """Thread-safe rate limiter: `rate_per_minute` on average, at most `burst` at once.

    In any window of T seconds it grants at most burst + rate * T / 60, so with 2,950 a minute and a
    burst of 10 no 60 seconds ever see more than 2,960 calls: under Notify's 3,000.
    """

    def __init__(
        self,
        rate_per_minute: float,
        burst: int = 10,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        self.rate = rate_per_minute / 60.0
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(self.burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Block until a call may be made."""
        while True:
            with self._lock:
                moment = self._clock()
                self._tokens = min(self.burst, self._tokens + (moment - self._updated) * self.rate)
                self._updated = moment
                # The tolerance stops float rounding (0.9999...) from asking for waits too small to pass.
                if self._tokens >= 1 - 1e-9:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                wait = (1 - self._tokens) / self.rate
            self._sleep(wait)


_limiters: dict[tuple[str, float], TokenBucket] = {}
_limiters_lock = threading.Lock()


def shared_limiter(api_key: str, rate_per_minute: float) -> TokenBucket:
    """One limiter per key in this process, shared by concurrent runs (Notify counts per key)."""
    key = (hashlib.sha256(api_key.encode()).hexdigest(), float(rate_per_minute))
    with _limiters_lock:
        if key not in _limiters:
            _limiters[key] = TokenBucket(rate_per_minute)
        return _limiters[key]


class Breaker:
    """Stops a run's sending after `threshold` retry-later failures in a row, or at once on an auth error:
    hammering a failing Notify only makes more messages whose outcome is unknown."""

    def __init__(self, threshold: int = 5):
        self.threshold = max(1, threshold)
        self.reason: str | None = None
        self._failures = 0
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        return self.reason is not None

    def failure(self, kind: ErrorKind) -> None:
        with self._lock:
            if kind == ErrorKind.AUTH:
                self.reason = "Notify refused our API key (403): check NOTIFY_API_KEY"
            elif kind == ErrorKind.RETRY_LATER:
                self._failures += 1
                if self._failures >= self.threshold and self.reason is None:
                    self.reason = f"Notify failed {self._failures} calls in a row: the rest wait for the next run"
            else:
                self._failures = 0

    def success(self) -> None:
        with self._lock:
            self._failures = 0


# ---------------------------------------------------------------- one run at a time on SQLite

_memory_lock = threading.Lock()


@contextmanager
def run_lock(engine, dry_run: bool = False) -> Iterator[bool]:
    """Yields False when another chase run holds the lock for this SQLite database.

    SQLite has no row locks, so SKIP LOCKED cannot share the work: one run at a time. An OS file lock
    beside the database file (flock) is held for the run; the OS frees it when a process dies, so a
    crashed run never blocks the next one, and no table or schema change is needed. BEGIN IMMEDIATE
    would also serialise runs but would block every web request that writes for the whole run.
    PostgreSQL needs no lock here. A dry run changes nothing and takes no lock.
    """
    if dry_run or engine.dialect.name != "sqlite":
        yield True
        return
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        acquired = _memory_lock.acquire(blocking=False)  # an in-memory database lives in this process
        try:
            yield acquired
        finally:
            if acquired:
                _memory_lock.release()
        return
    with open(f"{os.path.abspath(database)}.chase-lock", "a+b") as handle:
        acquired = _try_lock(handle)
        try:
            yield acquired
        finally:
            if acquired:
                _unlock(handle)


def _try_lock(handle) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(handle) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
