"""Signed session values and the CSRF tokens bound to them."""

from __future__ import annotations

import pytest

from otklik.errors import NotAuthenticated
from otklik.services.auth import SessionSigner


def test_session_round_trip_expiry_and_tampering() -> None:
    signer = SessionSigner("k" * 40, max_age_s=3600)
    value = signer.issue(42, now=1_000_000)
    assert signer.agent_id(value, now=1_000_100) == 42
    with pytest.raises(NotAuthenticated, match="expired"):
        signer.agent_id(value, now=1_000_000 + 3601)
    forged = "43" + value[2:]
    with pytest.raises(NotAuthenticated, match="invalid"):
        signer.agent_id(forged, now=1_000_100)
    with pytest.raises(NotAuthenticated):
        SessionSigner("other" * 10, max_age_s=3600).agent_id(value, now=1_000_100)


def test_csrf_token_belongs_to_one_session() -> None:
    signer = SessionSigner("k" * 40, max_age_s=3600)
    one, two = signer.issue(1), signer.issue(1)
    assert signer.check_csrf(one, signer.csrf_token(one)) is True
    assert signer.check_csrf(two, signer.csrf_token(one)) is False
    assert signer.check_csrf(one, None) is False
