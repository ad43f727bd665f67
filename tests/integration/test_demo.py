"""`otklik demo` fills a living desk through the real use cases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from otklik.bootstrap import build_services
from otklik.config import Settings
from otklik.demo.loader import DEMO_PASSWORD, fill_demo
from otklik.services.auth import authenticate
from otklik.services.inbox import InboxFilters, list_inbox
from otklik.store import tables as t


def test_demo_fills_a_desk_a_person_can_log_into(tmp_path: Path) -> None:
    settings = Settings(environment="demo", data_dir=tmp_path)
    summary = fill_demo(settings)
    assert summary.items >= 300
    assert summary.replies >= 60
    assert summary.resolved >= 30
    services = build_services(settings)
    try:
        agent = authenticate(summary.login, DEMO_PASSWORD, uow_factory=services.uow)
        assert agent.is_admin
        with services.uow(write=False) as uow:
            statuses = dict(uow.connection.execute(select(t.conversations.c.status, func.count()).group_by(t.conversations.c.status)).all())
            languages = dict(uow.connection.execute(select(t.items.c.language, func.count()).group_by(t.items.c.language)).all())
            manual = uow.connection.execute(
                select(func.count()).select_from(t.replies).where(t.replies.c.delivery_state != "posted_by_hand")
            ).scalar_one()
        assert set(statuses) >= {"new", "open", "waiting", "resolved"}
        assert min(languages["ru"], languages["pl"], languages["en"]) >= 90
        assert manual == 0  # the demo's replies were all posted
        inbox = list_inbox(InboxFilters(), uow_factory=services.uow, limit=50)
        assert len(inbox.rows) == 50
        assert [r.due_at for r in inbox.rows if r.priority == "normal"] == sorted(r.due_at for r in inbox.rows if r.priority == "normal")
    finally:
        services.close()


def test_demo_routes_conversations_to_teams_by_language(tmp_path: Path) -> None:
    settings = Settings(environment="demo", data_dir=tmp_path)
    fill_demo(settings)
    services = build_services(settings)
    try:
        with services.uow(write=False) as uow:
            rows = uow.connection.execute(
                select(t.teams.c.name, t.conversations.c.language, func.count())
                .join(t.teams, t.teams.c.id == t.conversations.c.team_id)
                .group_by(t.teams.c.name, t.conversations.c.language)
            ).all()
            unrouted = uow.connection.execute(
                select(func.count()).select_from(t.conversations).where(t.conversations.c.team_id.is_(None))
            ).scalar_one()
    finally:
        services.close()
    assert unrouted == 0
    assert {(team, lang) for team, lang, _ in rows} <= {("Care RU", "ru"), ("Care RU", "uk"), ("Care PL", "pl"), ("Care EN", "en")}
