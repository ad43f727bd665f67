"""One HTTP client for the tests' requests to the servers they start on 127.0.0.1.

``httpx.post()`` and its kin build a client for every call, and loading the CA bundle makes
that cost tens of milliseconds; the property tests post hundreds of bodies.
"""

from __future__ import annotations

import atexit

import httpx

local = httpx.Client(timeout=30)
atexit.register(local.close)
