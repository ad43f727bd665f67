"""Triage in the agent UI over real HTTP: badges, the ignored view, the "why", and corrections."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from otklik.domain.conversations import Status
from otklik.domain.items import Author
from otklik.services.access import Actor
from otklik.services.ingest import ingest_items
from otklik.services.triage import triage_pending
from otklik.store import tables as t
from tests.builders import T0, make_actor, make_draft
from tests.conftest import LiveServer
from tests.integration.test_ui import EVIL, HTMX, logged_in, status_of

INSULT = "вы все там дебилы 🤬"
COMPLAINT = f"третий день нет интернета {EVIL}, вы издеваетесь?"
COMPLIMENT = "dzięki, wszystko już działa 👍"
OUTAGE = "is the app down for anyone else? keeps crashing on login"
IGNORED_BY_SCHEMA = "insult with nothing to answer (response schema, rule insults)"


def ingest(server: LiveServer, text: str, *, lang: str, author: str, name: str, minutes: int) -> tuple[int, int]:
    """One item through the ingest service; returns (conversation id, item id)."""
    services = server.services  # type: ignore[attr-defined]
    draft = replace(
        make_draft(author_id=author, lang=lang, text=text, created_at=T0 + timedelta(minutes=minutes)),
        author=Author(external_id=author, name=name, handle=f"@{author}", followers=85),
    )
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    return outcome.conversation_id, outcome.item_id


def seed(server: LiveServer) -> dict[str, tuple[int, int]]:
    """Four customers in ru/pl/en, triaged as the worker would."""
    ids = {
        "insult": ingest(server, INSULT, lang="ru", author="tg-troll", name="Тролль Петрович", minutes=-90),
        "complaint": ingest(server, COMPLAINT, lang="ru", author="tg-irina", name="Ирина Ковалёва", minutes=-60),
        "compliment": ingest(server, COMPLIMENT, lang="pl", author="fb-ola", name="Ola Nowak", minutes=-30),
        "outage": ingest(server, OUTAGE, lang="en", author="x-mark", name="Mark Taylor", minutes=-10),
    }
    services = server.services  # type: ignore[attr-defined]
    triage_pending(uow_factory=services.uow, clock=services.clock, active=services.schema)
    return ids


def row_of(html: str, conversation_id: int) -> str:
    found = re.search(rf'<li class="row[^"]*" data-conversation="{conversation_id}">(.*?)</li>', html, re.S)
    assert found is not None, f"no row for conversation {conversation_id}"
    return found.group(1)


def item_block(html: str, item_id: int) -> str:
    found = re.search(rf'<article class="msg msg-in" id="item-{item_id}">(.*?)</article>', html, re.S)
    assert found is not None, f"no block for item {item_id}"
    return found.group(1)


@pytest.fixture
def agent(live_server: LiveServer) -> Actor:
    return make_actor(live_server.services)  # type: ignore[attr-defined]


def test_inbox_rows_carry_triage_badges_and_the_kind_filter(live_server: LiveServer, agent: Actor) -> None:
    ids = seed(live_server)
    with logged_in(live_server) as (client, _token):
        page = client.get("/inbox")
        assert page.status_code == 200
        html = page.text
        outage = row_of(html, ids["outage"][0])
        assert '<span class="badge signal signal-outage signal-loud">⚠ outage</span>' in outage
        assert '<span class="badge decision decision-escalate" title="decision: escalate">escalate</span>' in outage
        assert 'class="row row-prio-urgent row-loud"' in html
        complaint = row_of(html, ids["complaint"][0])
        assert '<span class="badge kind kind-complaint" title="kind: complaint">complaint</span>' in complaint
        assert 'class="senti senti-negative" role="img" title="sentiment: negative" aria-label="sentiment: negative">−</span>' in complaint
        assert '<span class="chip chip-lang">ru</span>' in complaint
        assert EVIL not in html
        compliment = row_of(html, ids["compliment"][0])
        assert "kind-compliment" in compliment
        assert "decision-thank" in compliment
        assert ">+</span>" in compliment
        # The insult is not in the open inbox: the schema set it aside.
        assert f'data-conversation="{ids["insult"][0]}"' not in html

        assert '<select name="kind">' in html
        assert '<option value="complaint">complaint</option>' in html
        complaints = client.get("/inbox?kind=compliment", headers={**HTMX, "hx-target": "inbox-list"}).text
        assert re.findall(r'data-conversation="(\d+)"', complaints) == [str(ids["compliment"][0])]
        chosen = client.get("/inbox?kind=compliment").text
        assert '<option value="compliment" selected>compliment</option>' in chosen
        bad = client.get("/inbox?kind=rant", headers={**HTMX, "hx-target": "inbox-list"})
        assert bad.status_code == 422
        assert "unknown kind &#39;rant&#39;; use one of: question, complaint, compliment, insult, comment, spam" in bad.text


def test_the_ignored_view_keeps_insults_visible_with_the_reason(live_server: LiveServer, agent: Actor) -> None:
    ids = seed(live_server)
    with logged_in(live_server) as (client, token):
        # An agent's own reason shows the same way.
        by_hand = client.post(f"/conversations/{ids['compliment'][0]}/ignore", data={"reason": "<b>bot</b> farm", "csrf_token": token})
        assert by_hand.status_code == 303
        ignored = client.get("/inbox?status=ignored").text
    insult = row_of(ignored, ids["insult"][0])
    assert INSULT in insult  # kept and readable, never deleted (P12)
    assert f'<p class="ignore-reason"><span class="ignore-reason-label">Ignored:</span> {IGNORED_BY_SCHEMA}</p>' in insult
    assert "kind-insult" in insult
    assert "decision-ignore" in insult
    assert "Ignored:</span> &lt;b&gt;bot&lt;/b&gt; farm</p>" in row_of(ignored, ids["compliment"][0])


def test_the_why_shows_the_rule_the_version_and_the_words_highlighted_and_escaped(live_server: LiveServer, agent: Actor) -> None:
    ids = seed(live_server)
    conversation, item = ids["complaint"]
    with logged_in(live_server) as (client, _token):
        page = client.get(f"/conversations/{conversation}")
    assert page.status_code == 200
    html = page.text
    assert EVIL not in html
    block = item_block(html, item)
    assert '<footer class="triage" id="triage-' in block
    assert 'data-kind="complaint" data-decision="respond"' in block
    assert "<summary>Why respond?</summary>" in block
    assert '<code class="rule-name">complaints</code> of schema version <span class="schema-version">1</span>' in block
    assert "<strong>respond</strong>, priority high, SLA standard." in block
    why = re.search(r'<blockquote class="why-text" lang="ru">(.*?)</blockquote>', block, re.S)
    assert why is not None
    # Escaped, whichever of its words are highlighted (a model may mark "script" too).
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in re.sub(r"</?mark[^>]*>", "", why.group(1))
    marked = re.findall(r"<mark [^>]*>([^<]*)</mark>", why.group(1))
    assert marked  # the words that made it a complaint
    assert all(w in COMPLAINT for w in marked)
    assert re.search(r'<li class="ev ev-kind">\s*<span class="ev-supports">kind: complaint</span>', block)
    assert '<q class="ev-text" lang="ru">' in block
    # The header and the timeline say it too.
    assert '<dd id="conversation-triage" class="chips">' in html
    assert "triaged as complaint: respond, priority" in html
    assert "(rule complaints, schema v1)" in html


def test_a_correction_round_trip_with_csrf_brings_an_insult_back(live_server: LiveServer, agent: Actor) -> None:
    ids = seed(live_server)
    conversation, item = ids["insult"]
    url = f"/conversations/{conversation}"
    action = f"{url}/items/{item}/triage"
    form = {**HTMX, "hx-trigger": f"triage-form-{item}"}
    services = live_server.services  # type: ignore[attr-defined]

    def labels() -> list[tuple[str, str]]:
        with services.uow(write=False) as uow:
            return [(r.kind, r.previous_kind) for r in uow.connection.execute(select(t.labels))]

    with logged_in(live_server) as (client, token):
        page = client.get(url).text
        assert f'<form id="triage-form-{item}" class="fix-form" method="post"' in page
        assert f'action="{action}"' in page
        assert f'hx-target="#item-{item}" hx-select="#item-{item}" hx-swap="outerHTML"' in page
        # The form swaps its item's block; the header, the actions and the last audit lines follow.
        assert 'hx-select-oob="#conversation-head,#conversation-actions,#timeline-tail"' in page
        for part in ("conversation-head", "conversation-actions", "timeline-tail"):
            assert page.count(f'id="{part}"') == 1, part
        assert f'<div id="triage-error-{item}" class="fix-error"' in page
        assert '<option value="insult" selected>insult</option>' in page
        assert f"Ignored on purpose: {IGNORED_BY_SCHEMA}" in page

        no_token = client.post(action, data={"kind": "complaint", "sentiment": "negative"})
        assert no_token.status_code == 403
        forged = client.post(action, data={"kind": "complaint", "sentiment": "negative", "csrf_token": "forged"}, headers=form)
        assert forged.status_code == 403
        assert forged.headers["hx-retarget"] == f"#triage-error-{item}"
        assert "CSRF check failed" in forged.text
        bad = client.post(action, data={"kind": "rant", "sentiment": "negative", "csrf_token": token}, headers=form)
        assert bad.status_code == 422
        assert bad.headers["hx-retarget"] == f"#triage-error-{item}"
        assert "unknown value" in bad.text
        elsewhere = client.post(f"/conversations/{ids['outage'][0]}/items/{item}/triage", data={"kind": "complaint", "csrf_token": token})
        assert elsewhere.status_code == 404
        assert f"no item {item} in conversation {ids['outage'][0]}" in elsewhere.text
        huge = client.post(f"{url}/items/{2**64}/triage", data={"kind": "complaint", "csrf_token": token}, headers=form)
        assert huge.status_code == 404  # past any id the database holds: not found, never a driver overflow
        assert client.get(f"/conversations/{2**64}").status_code == 404
        assert labels() == []
        assert status_of(live_server, conversation) is Status.IGNORED

        done = client.post(action, data={"kind": "complaint", "sentiment": "negative"}, headers={**form, "x-csrf-token": token})
        assert done.status_code == 303
        assert done.headers["location"] == url
        after = client.get(url).text

    assert labels() == [("complaint", "insult")]
    assert status_of(live_server, conversation) is Status.OPEN
    block = item_block(after, item)
    assert '<span class="badge kind kind-complaint" title="kind: complaint">complaint</span>' in block
    assert '<span class="badge decision decision-respond" title="decision: respond">respond</span>' in block
    assert '<span class="chip chip-corrected" title="triage said insult, negative">corrected</span>' in block
    assert "<summary>Why respond?</summary>" in block
    assert "Corrected by an agent; triage said insult, negative." in block
    assert '<option value="complaint" selected>complaint</option>' in block
    tail = after[after.index('<div id="timeline-tail"') :]
    assert "kind insult → complaint corrected; now respond (rule complaints)" in tail
    assert "reopened (was ignored)" in tail
    assert "Ignored on purpose" not in after
    assert ">Resolve</button>" in after
