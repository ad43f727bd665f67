"""Checks on the shape of the project: documented settings, pinned public surface."""

from __future__ import annotations

from pathlib import Path

import otklik.domain
from otklik.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "reference" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"OTKLIK_{name.upper()}" not in doc]
    assert missing == []


def test_every_setting_has_a_description() -> None:
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_domain_public_surface_is_pinned() -> None:
    assert sorted(otklik.domain.__all__) == [
        "ACTIVE_STATUSES",
        "Addressing",
        "Agent",
        "Author",
        "Conversation",
        "DeliveryState",
        "Event",
        "EventKind",
        "Item",
        "ItemDraft",
        "Priority",
        "Reply",
        "Role",
        "Status",
        "Team",
        "TransitionNotAllowed",
    ]
    for name in otklik.domain.__all__:
        assert getattr(otklik.domain, name) is not None


def test_no_code_path_deletes_customer_items() -> None:
    """P11: nothing in the product deletes what a customer wrote."""
    offenders = []
    for path in (ROOT / "src" / "otklik").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        needles = ("delete(t.items", "delete(t.conversations", "delete(items", "DELETE FROM items", "DELETE FROM conversations")
        offenders.extend(f"{path.relative_to(ROOT)}: {needle}" for needle in needles if needle in text)
    assert offenders == []


def test_cli_reference_is_current() -> None:
    from scripts.cli_reference import DOC, updated

    page = DOC.read_text(encoding="utf-8")
    assert page == updated(page), "docs/reference/cli.md is out of date: run `make docs`"


def test_relative_links_in_docs_resolve() -> None:
    import re

    broken = []
    for page in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]:
        targets = re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8"))
        broken.extend(f"{page.relative_to(ROOT)} → {t}" for t in targets if not (page.parent / t).resolve().exists())
    assert broken == []
