"""Debian's Chromium driven by Playwright: one page, with its script errors collected."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import skip_or_fail
from tests.support.debian import ensure_debian_package

CHROMIUM = Path("/usr/bin/chromium")
# No background traffic: this machine has no network, and Chromium would keep trying.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium_page(*, locale: str, height: int = 900, console_errors: bool = False) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page in headless Chromium, and the list its problems are collected into.

    Script errors and Content-Security-Policy refusals always count as problems (they mean
    a broken page); with ``console_errors`` every console error does too. As root, Chromium is
    installed from Debian's packages when missing; otherwise the test says what is missing.
    """
    reason = ensure_debian_package(str(CHROMIUM), "chromium")
    if reason is not None:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": height}, locale=locale)
            page.set_default_timeout(10_000)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))

            def on_console(message: Any) -> None:
                if "Content Security Policy" in message.text or (console_errors and message.type == "error"):
                    problems.append(message.text)

            page.on("console", on_console)
            yield page, problems
        finally:
            browser.close()
