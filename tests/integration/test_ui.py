"""The agent UI over real HTTP: login, escaping, CSRF, redirects, replies and inline errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import httpx
import pytest

from otklik.domain.conversations import Status
from otklik.domain.items import Author
from otklik.domain.replies import DeliveryState
from otklik.services.access import Actor
from otklik.services.ingest import ingest_items
from otklik.web.deps import SESSION_COOKIE
from otklik.web.ui.views import LOGIN_COOKIE
from tests.builders import make_actor, make_draft
from tests.conftest import LiveServer

PASSWORD = "correct horse battery"
EVIL = "<script>alert(1)</script>"
HTMX = {"hx-request": "true"}


def seed(
    server: LiveServer, *, text: str | None = None, lang: str = "ru", author_id: str = "u-1", name: str = "Анна Смирнова", minutes: int = 0
) -> int:
    """One customer item through the ingest service; returns its conversation id."""
    services = server.services  # type: ignore[attr-defined]
    draft = replace(
        make_draft(text=text, lang=lang, author_id=author_id, minutes=minutes),
        author=Author(external_id=author_id, name=name, handle=f"@{author_id}"),
    )
    [outcome] = ingest_items([draft], uow=services.uow(), clock=services.clock)
    return outcome.conversation_id


def login_token(client: httpx.Client) -> str:
    """GET /login and return the form's CSRF token (the client keeps the pre-session cookie)."""
    page = client.get("/login")
    assert page.status_code == 200
    return csrf_in(page.text)


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


@contextmanager
def logged_in(server: LiveServer, email: str = "kasia@volna.test") -> Iterator[tuple[httpx.Client, str]]:
    """A client with a session, and the CSRF token of its pages."""
    with httpx.Client(base_url=server.url) as client:
        token = login_token(client)
        answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 303
        yield client, csrf_in(client.get("/inbox").text)


def status_of(server: LiveServer, conversation_id: int) -> Status:
    with server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        conversation = uow.conversations.get(conversation_id)
    assert conversation is not None
    return conversation.status


@pytest.fixture
def agent(live_server: LiveServer) -> Actor:
    return make_actor(live_server.services)  # type: ignore[attr-defined]


def test_login_refuses_wrong_credentials_and_lets_the_agent_in_with_the_right_ones(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server, minutes=-132)  # 05:48; the fixed clock says 09:00
    with httpx.Client(base_url=live_server.url) as client:
        token = login_token(client)
        assert client.cookies.get(LOGIN_COOKIE) is not None

        wrong = client.post("/login", data={"email": "kasia@volna.test", "password": "wrong password", "csrf_token": token})
        assert wrong.status_code == 401
        assert "Wrong e-mail or password." in wrong.text
        assert 'value="kasia@volna.test"' in wrong.text  # the e-mail stays filled in
        assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
        unknown = client.post("/login", data={"email": "nobody@volna.test", "password": PASSWORD, "csrf_token": token})
        assert unknown.status_code == 401
        assert client.cookies.get(SESSION_COOKIE) is None

        right = client.post("/login", data={"email": " Kasia@Volna.test ", "password": PASSWORD, "csrf_token": token})
        assert right.status_code == 303
        assert right.headers["location"] == "/inbox"
        session_header = next(h for h in right.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
        assert "HttpOnly" in session_header
        assert "SameSite=lax" in session_header
        assert "Max-Age=43200" in session_header
        assert "Secure" not in session_header  # cookie_secure is off in tests
        assert live_server.services.signer.agent_id(client.cookies[SESSION_COOKIE]) == agent.agent.id  # type: ignore[attr-defined]

        inbox = client.get("/inbox")
        assert inbox.status_code == 200
        assert "Анна Смирнова" in inbox.text
        assert "@u-1" in inbox.text
        assert "Где мой заказ #4471?? уже неделю жду 😡" in inbox.text
        assert f'href="/conversations/{conversation_id}"' in inbox.text
        assert "3 h 12 min" in inbox.text  # how long the customer has waited
        assert "Kasia" in inbox.text  # who is logged in

        # Logged in already: the login page sends the agent on.
        again = client.get("/login")
        assert again.status_code == 303
        assert again.headers["location"] == "/inbox"


def test_login_needs_its_csrf_token_and_only_goes_on_to_local_pages(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server)
    with httpx.Client(base_url=live_server.url) as client:
        login_token(client)
        missing = client.post("/login", data={"email": "kasia@volna.test", "password": PASSWORD})
        assert missing.status_code == 403
        assert "expired" in missing.text
        forged = client.post("/login", data={"email": "kasia@volna.test", "password": PASSWORD, "csrf_token": "forged"})
        assert forged.status_code == 403
        assert client.cookies.get(SESSION_COOKIE) is None
    # A token is bound to its own pre-session cookie: another browser's token does not fit.
    with httpx.Client(base_url=live_server.url) as one, httpx.Client(base_url=live_server.url) as other:
        stolen = login_token(one)
        login_token(other)
        assert other.post("/login", data={"email": "kasia@volna.test", "password": PASSWORD, "csrf_token": stolen}).status_code == 403

    with httpx.Client(base_url=live_server.url) as client:
        token = login_token(client)
        back = client.post(
            "/login",
            data={"email": "kasia@volna.test", "password": PASSWORD, "csrf_token": token, "next": f"/conversations/{conversation_id}"},
        )
        assert back.headers["location"] == f"/conversations/{conversation_id}"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/login?next=//evil.example"):
        with httpx.Client(base_url=live_server.url) as client:
            token = login_token(client)
            answer = client.post("/login", data={"email": "kasia@volna.test", "password": PASSWORD, "csrf_token": token, "next": evil})
            assert answer.status_code == 303
            assert answer.headers["location"] == "/inbox"


def test_unauthenticated_requests_go_to_the_login_page(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server)
    with httpx.Client(base_url=live_server.url) as client:
        home = client.get("/")
        assert home.status_code == 303
        assert home.headers["location"] == "/inbox"
        inbox = client.get("/inbox?language=pl")
        assert inbox.status_code == 303
        assert inbox.headers["location"] == "/login?next=%2Finbox%3Flanguage%3Dpl"
        page = client.get(f"/conversations/{conversation_id}")
        assert page.status_code == 303
        assert page.headers["location"] == f"/login?next=%2Fconversations%2F{conversation_id}"
        change = client.post(f"/conversations/{conversation_id}/resolve", data={"csrf_token": "x"})
        assert change.status_code == 303
        assert change.headers["location"].startswith("/login")
        # HTMX would follow a 303 inside its request; it is told to load the login page instead.
        poll = client.get("/inbox", headers={**HTMX, "hx-target": "inbox-list"})
        assert poll.status_code == 401
        assert poll.headers["hx-redirect"] == "/login?next=%2Finbox"
        # A forged or expired session cookie counts as none.
        client.cookies.set(SESSION_COOKIE, "1.1.nonce.badmac")
        assert client.get("/inbox").status_code == 303
    assert status_of(live_server, conversation_id) is Status.NEW

    with logged_in(live_server) as (client, token):
        assert client.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
        assert client.get("/inbox").status_code == 200
        out = client.post("/logout", data={"csrf_token": token})
        assert out.status_code == 303
        assert out.headers["location"] == "/login"
        assert client.cookies.get(SESSION_COOKIE) is None
        assert client.get("/inbox").status_code == 303


def test_customer_and_agent_text_is_always_escaped(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server, text=f"{EVIL} где заказ?", name='<img src=x onerror="alert(2)">')
    with logged_in(live_server) as (client, token):
        pages = {
            "inbox": client.get("/inbox").text,
            "inbox list": client.get("/inbox", headers={**HTMX, "hx-target": "inbox-list"}).text,
        }
        reply = client.post(f"/conversations/{conversation_id}/reply", data={"text": f"Ответ {EVIL}", "csrf_token": token})
        assert reply.status_code == 303
        pages["conversation"] = client.get(f"/conversations/{conversation_id}").text
    for name, html in pages.items():
        assert EVIL not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
        assert "<img src=x" not in html, name
        assert "&lt;img src=x onerror=" in html, name
    assert "Ответ &lt;script&gt;alert(1)&lt;/script&gt;" in pages["conversation"]


def test_pages_load_only_our_own_assets_under_a_strict_policy(live_server: LiveServer, agent: Actor) -> None:
    with logged_in(live_server) as (client, _token):
        inbox = client.get("/inbox")
        htmx = client.get("/static/htmx.min.js")
        css = client.get("/static/otklik.css")
    policy = inbox.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert inbox.headers["x-frame-options"] == "DENY"
    assert re.findall(r'<script[^>]*src="([^"]+)"', inbox.text) == ["/static/htmx.min.js"]
    assert "https://" not in inbox.text  # no CDN
    assert htmx.status_code == 200
    assert htmx.text.startswith("/*! htmx.org 2.0.11 ")
    assert "Zero-Clause BSD" in htmx.text.splitlines()[0]
    assert css.status_code == 200
    # The CSRF token rides on every HTMX request through hx-headers on <body>.
    body = re.search(r"""<body hx-headers='\{"x-csrf-token": "([\w-]+)"\}'>""", inbox.text)
    assert body is not None
    assert body.group(1) == csrf_in(inbox.text)


def test_changes_without_a_valid_csrf_token_are_refused_and_change_nothing(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server)
    with logged_in(live_server) as (client, token):
        url = f"/conversations/{conversation_id}"
        no_token = client.post(f"{url}/resolve")
        assert no_token.status_code == 403
        assert "CSRF check failed" in no_token.text
        wrong = client.post(f"{url}/resolve", data={"csrf_token": "not-the-token"}, headers=HTMX)
        assert wrong.status_code == 403
        assert wrong.headers["hx-retarget"] == "#flash"
        assert "CSRF check failed" in wrong.text
        no_reply = client.post(f"{url}/reply", data={"text": "Здравствуйте, Анна!"})
        assert no_reply.status_code == 403
        assert status_of(live_server, conversation_id) is Status.NEW
        with live_server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
            assert uow.replies.for_conversation(conversation_id) == []

        # The same change with the token (as HTMX sends it, in the header) goes through.
        done = client.post(f"{url}/resolve", headers={**HTMX, "x-csrf-token": token})
        assert done.status_code == 303
        assert done.headers["location"] == url
        assert status_of(live_server, conversation_id) is Status.RESOLVED
        page = client.get(url).text
        assert 'id="conversation-status" class="badge status-resolved">resolved<' in page
        assert ">Reopen</button>" in page


def test_a_reply_sent_with_the_form_is_stored_and_shown_with_its_delivery_state(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server, lang="pl", text="Paczka 88213 nie dotarła do paczkomatu w Krakowie")
    url = f"/conversations/{conversation_id}"
    with logged_in(live_server) as (client, token):
        empty = client.post(f"{url}/reply", data={"text": "   ", "csrf_token": token}, headers={**HTMX, "hx-trigger": "reply-form"})
        assert empty.status_code == 422
        assert empty.headers["hx-retarget"] == "#reply-error"
        assert "a reply needs some text" in empty.text

        text = "Dzień dobry! Sprawdziłam paczkę 88213 — paczkomat w Krakowie dostanie ją jutro do 10:00."
        sent = client.post(f"{url}/reply", data={"text": text, "csrf_token": token})
        assert sent.status_code == 303
        assert sent.headers["location"] == url
        with live_server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
            [stored] = uow.replies.for_conversation(conversation_id)
        assert stored.text == text
        assert stored.agent_id == agent.agent.id
        # The source has no callback URL: the agent posts it by hand and confirms.
        assert stored.delivery_state is DeliveryState.MANUAL
        assert status_of(live_server, conversation_id) is Status.WAITING

        page = client.get(url).text
        assert text in page
        assert "to post by hand" in page
        assert f'action="{url}/replies/{stored.id}/posted"' in page
        assert "reply to post by hand" in page  # the audit line
        assert "status new → waiting" in page
        assert '<textarea id="reply-text" name="text" rows="5" lang="pl"' in page

        posted = client.post(f"{url}/replies/{stored.id}/posted", data={"csrf_token": token})
        assert posted.status_code == 303
        retry = client.post(f"{url}/replies/{stored.id}/retry", data={"csrf_token": token})
        assert retry.status_code == 409
        assert "only a failed reply can be retried" in retry.text
        assert text in retry.text  # the conversation page again, with the reason on it
    with live_server.services.uow(write=False) as uow:  # type: ignore[attr-defined]
        reply = uow.replies.get(stored.id)
    assert reply is not None
    assert reply.delivery_state is DeliveryState.POSTED_BY_HAND


def test_ignore_without_a_reason_is_an_inline_error_and_changes_nothing(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server)
    url = f"/conversations/{conversation_id}"
    with logged_in(live_server) as (client, token):
        fragment = client.post(f"{url}/ignore", data={"reason": "  ", "csrf_token": token}, headers={**HTMX, "hx-trigger": "ignore-form"})
        assert fragment.status_code == 422
        assert fragment.headers["hx-retarget"] == "#flash"
        assert fragment.headers["hx-reswap"] == "innerHTML"
        assert "ignoring a conversation needs a reason" in fragment.text
        whole = client.post(f"{url}/ignore", data={"reason": "", "csrf_token": token})
        assert whole.status_code == 422
        assert "ignoring a conversation needs a reason" in whole.text
        assert 'class="badge status-new">new<' in whole.text  # the page, status unchanged
        assert status_of(live_server, conversation_id) is Status.NEW

        ignored = client.post(f"{url}/ignore", data={"reason": "spam: a link to a casino", "csrf_token": token})
        assert ignored.status_code == 303
        assert status_of(live_server, conversation_id) is Status.IGNORED
        page = client.get(url).text
        assert "Ignored on purpose: spam: a link to a casino" in page
        assert ">Reopen</button>" in page
        assert ">Resolve</button>" not in page


def test_a_transition_the_conversation_does_not_allow_is_a_409_with_its_reason(live_server: LiveServer, agent: Actor) -> None:
    conversation_id = seed(live_server)
    url = f"/conversations/{conversation_id}"
    with logged_in(live_server) as (client, token):
        reopen = client.post(f"{url}/reopen", data={"csrf_token": token}, headers=HTMX)
        assert reopen.status_code == 409
        assert "a conversation that is new cannot become open" in reopen.text
        missing = client.get("/conversations/999999")
        assert missing.status_code == 404
        assert "conversation 999999 does not exist" in missing.text
        nobody = client.post(f"{url}/assign", data={"agent_id": "424242", "csrf_token": token})
        assert nobody.status_code == 404
        assert "agent 424242 does not exist" in nobody.text
    assert status_of(live_server, conversation_id) is Status.NEW


def test_assign_filters_and_load_more(live_server: LiveServer, agent: Actor) -> None:
    seed(live_server, lang="ru", author_id="u-ru", name="Анна Смирнова", minutes=-30)
    pl = seed(live_server, lang="pl", author_id="u-pl", name="Zofia Wiśniewska", minutes=-20)
    seed(live_server, lang="en", author_id="u-en", name="Mark Taylor", minutes=-10)
    with logged_in(live_server) as (client, token):
        assigned = client.post(f"/conversations/{pl}/assign", data={"agent_id": "me", "csrf_token": token})
        assert assigned.status_code == 303
        page = client.get(f"/conversations/{pl}").text
        assert "<dt>Assignee</dt><dd>Kasia</dd>" in page
        assert "assigned to Kasia" in page

        def names(params: str) -> list[str]:
            html = client.get(f"/inbox?{params}", headers={**HTMX, "hx-target": "inbox-list"}).text
            return re.findall(r'<span class="author">([^<]+)</span>', html)

        # The longest-waiting customer first.
        assert names("") == ["Анна Смирнова", "Zofia Wiśniewska", "Mark Taylor"]
        assert names("language=pl") == ["Zofia Wiśniewska"]
        assert names("assignee=me") == ["Zofia Wiśniewska"]
        assert names("assignee=none") == ["Анна Смирнова", "Mark Taylor"]
        assert names("channel=generic&language=en") == ["Mark Taylor"]
        assert names("status=resolved") == []

        full = client.get("/inbox")
        for control in ('name="status"', 'name="assignee"', 'name="channel"', 'name="language"', 'name="team"'):
            assert control in full.text
        assert '<option value="pl">pl</option>' in full.text
        assert "Care PL" in full.text
        assert 'hx-trigger="every 15s"' in full.text

        bad = client.get("/inbox?status=gone", headers={**HTMX, "hx-target": "inbox-list"})
        assert bad.status_code == 422
        assert "unknown status &#39;gone&#39;" in bad.text
        bad_cursor = client.get("/inbox?cursor=not-a-cursor")
        assert bad_cursor.status_code == 400
        assert "invalid cursor" in bad_cursor.text

        first = client.get("/inbox?limit=1").text
        cursor = re.search(r'hx-get="/inbox\?cursor=([^&"]+)&(?:amp;)?shown=1"', first)
        assert cursor is not None
        more = client.get(f"/inbox?cursor={cursor.group(1)}&shown=1", headers={**HTMX, "hx-target": "load-more"})
        assert more.status_code == 200
        assert re.findall(r'<span class="author">([^<]+)</span>', more.text) == ["Zofia Wiśniewska", "Mark Taylor"]
        assert 'hx-swap-oob="true"' in more.text  # the refresh now reloads every row shown


def test_new_items_show_up_on_the_next_refresh(live_server: LiveServer, agent: Actor) -> None:
    seed(live_server, author_id="u-old", name="Анна Смирнова")
    with logged_in(live_server) as (client, _token):
        before = client.get("/inbox", headers={**HTMX, "hx-target": "inbox-list"}).text
        assert "Łukasz Żółć" not in before
        live_server.services.clock.advance(minutes=5)  # type: ignore[attr-defined]
        seed(live_server, lang="pl", author_id="u-new", name="Łukasz Żółć", minutes=64)
        after = client.get("/inbox", headers={**HTMX, "hx-target": "inbox-list"})
    assert after.status_code == 200
    assert after.text.startswith('<section id="inbox-list"')
    assert "Łukasz Żółć" in after.text
    assert "<html" not in after.text


def test_repeated_wrong_passwords_are_throttled(live_server: LiveServer) -> None:
    services = live_server.services  # type: ignore[attr-defined]
    make_actor(services, email="ola@volna.test")
    with httpx.Client(base_url=live_server.url) as client:
        answers = []
        for _ in range(11):
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token is not None
            answers.append(
                client.post("/login", data={"email": "ola@volna.test", "password": "zgaduję", "csrf_token": token.group(1)}).status_code
            )
        assert answers == [401] * 10 + [429]
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        blocked = client.post("/login", data={"email": "ola@volna.test", "password": "correct horse battery", "csrf_token": token.group(1)})
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0
