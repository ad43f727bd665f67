"""Failed logins are limited per key in a sliding window."""

from __future__ import annotations

from otklik.services.throttle import LoginThrottle


def test_throttle_blocks_after_the_limit_and_forgets_old_failures() -> None:
    now = [1000.0]
    throttle = LoginThrottle(limit=3, window_s=60, now=lambda: now[0])
    for _ in range(3):
        assert throttle.retry_after("email:a", "client:1") == 0
        throttle.failed("email:a", "client:1")
        now[0] += 10
    assert throttle.retry_after("email:a") == 30  # the first failure leaves the window at 1060
    assert throttle.retry_after("client:1", "email:b") == 30  # the same address, another e-mail
    assert throttle.retry_after("email:b", "client:2") == 0
    now[0] += 30
    assert throttle.retry_after("email:a", "client:1") == 0
    throttle.failed("email:a")
    throttle.succeeded("email:a")
    assert throttle.retry_after("email:a") == 0
