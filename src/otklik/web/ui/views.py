"""The agent UI: server-rendered pages (Jinja2) that HTMX swaps in part, no JS build.

Each route checks the session (and, for changes, the CSRF token), calls one use case of
``services`` and renders a page, a fragment or a redirect; full pages also read the choices
their controls offer (:func:`desk_choices`). Errors the services raise on purpose
(:class:`OtklikError`) are shown inline with their reason; they never become a 500.

Routes run as plain ``def`` so FastAPI runs them, and their database work, in its thread pool.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from otklik.bootstrap import Services
from otklik.domain.conversations import Status
from otklik.domain.replies import DeliveryState, post_by_hand_links
from otklik.errors import InputError, InvalidPayload, NotAuthenticated, NotFound, OtklikError
from otklik.services import actions, outbound, replies, reports, sla_warnings, triage
from otklik.services.access import Actor
from otklik.services.auth import authenticate
from otklik.services.followups import pending_followup
from otklik.services.guards import check_draft
from otklik.services.inbox import MAX_PAGE, InboxFilters, InboxPage, conversation_detail, list_inbox
from otklik.services.ui_queries import DeskChoices, desk_choices
from otklik.web.deps import CSRF_HEADER, SESSION_COOKIE, ServicesDep, session_actor
from otklik.web.params import KINDS, MAX_ID, parse_kind
from otklik.web.ui import present, present_channel, present_guards

router = APIRouter(include_in_schema=False)

#: Holds the random value the login form's CSRF token is bound to (there is no session yet).
LOGIN_COOKIE = "otklik_login"
PAGE_SIZE = 50
#: Seconds between the inbox list's refreshes.
POLL_SECONDS = 15

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # every template, whatever its name: customer and agent text is data
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(
    addressing_labels=present.ADDRESSING_LABELS,
    delivery_labels=present.DELIVERY_LABELS,
    status_labels=present.STATUS_LABELS,
    kinds=present.KINDS,
    sentiments=present.SENTIMENTS,
    sentiment_marks=present.SENTIMENT_MARKS,
    signal_labels=present.SIGNAL_LABELS,
    loud_signals=present.LOUD_SIGNALS,
    poll_seconds=POLL_SECONDS,
    page_size=PAGE_SIZE,
    DeliveryState=DeliveryState,
    rule_label=present_guards.rule_label,
    percent=present_guards.percent,
    sla_labels=present.SLA_LABELS,
)
_env.filters.update(
    wait=present.humanize_wait,
    sla_left=present.sla_left,
    wait_level=present.wait_level,
    when=present.format_time,
    safe_link=present.safe_link,
)
templates = Jinja2Templates(env=_env)

Field = Annotated[str, Form()]

# Defence in depth behind autoescaping: only our own script and styles run, and no other
# site may frame the desk (a framed "Resolve" button could be clicked by trickery).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# Where an HTMX form's error goes, by the form's id; anything else goes to the page's #flash.
_ERROR_SLOTS = {"reply-form": "#reply-error"}
# Each item's correction form has its own slot: "triage-form-<item id>" → "#triage-error-<item id>".
_TRIAGE_FORM = "triage-form-"


def _error_slot(trigger: str) -> str:
    """The element an HTMX form's error message goes into."""
    if trigger.startswith(_TRIAGE_FORM) and trigger.removeprefix(_TRIAGE_FORM).isdigit():
        return "#triage-error-" + trigger.removeprefix(_TRIAGE_FORM)
    return _ERROR_SLOTS.get(trigger, "#flash")


KIND_CHOICES = [("", "All kinds"), *((k, k) for k in KINDS)]
STATUS_CHOICES = [
    ("", "Open inbox (new + open)"),
    *((s.value, present.STATUS_LABELS[s.value]) for s in Status),
]
ASSIGNEE_CHOICES = [("", "Anyone"), ("me", "Me"), ("none", "Unassigned")]


@dataclass(frozen=True, slots=True)
class _Session:
    """A logged-in agent, their session value and the CSRF token bound to it."""

    actor: Actor
    cookie: str
    csrf: str


def _session(request: Request, services: Services) -> _Session | None:
    actor = session_actor(request, services)
    if actor is None:
        return None
    cookie = request.cookies[SESSION_COOKIE]
    return _Session(actor=actor, cookie=cookie, csrf=services.signer.csrf_token(cookie))


def _is_htmx(request: Request) -> bool:
    """An HTMX request wanting a fragment (a history restore wants the whole page)."""
    return request.headers.get("hx-request") == "true" and "hx-history-restore-request" not in request.headers


def _safe_next(value: str | None) -> str:
    """A local path to go to after login; anything else (another host, //evil) is the inbox."""
    if not value or not value.startswith("/") or value.startswith(("//", "/login")):
        return "/inbox"
    # Browsers read a backslash as a slash and drop tabs and newlines: "/\\evil" is another host.
    if "\\" in value or not value.isprintable():
        return "/inbox"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/inbox"
    return value


def _login_redirect(request: Request) -> Response:
    """Send someone without a valid session to the login page, then back where they were."""
    if request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:  # a form post cannot be replayed by a GET; return to the page it came from
        here = urlsplit(request.headers.get("hx-current-url", "")).path or "/inbox"
    url = "/login?" + urlencode({"next": _safe_next(here)})
    if request.headers.get("hx-request") == "true":
        # A 303 would be followed inside the XHR and the login page swapped into a fragment.
        return Response(status_code=401, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _render(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    session: _Session | None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    base: dict[str, Any] = {
        "me": session.actor.agent if session else None,
        "csrf": session.csrf if session else "",
        "error": None,
    }
    return templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})}
    )


def _status_of(exc: OtklikError) -> int:
    return exc.status_code if isinstance(exc, InputError) else 503


def _problem(
    request: Request,
    services: Services,
    session: _Session,
    status_code: int,
    message: str,
    *,
    conversation_id: int | None = None,
    form: Mapping[str, str] | None = None,
) -> Response:
    """Show an error where the agent is: HTMX gets a fragment for the error slot, a plain post the page again."""
    if _is_htmx(request):
        slot = _error_slot(request.headers.get("hx-trigger", ""))
        return _render(
            request,
            "_flash.html",
            {"error": message},
            session=session,
            status_code=status_code,
            # Swap the message into its slot, not into the form's own target and selection.
            headers={"HX-Retarget": slot, "HX-Reswap": "innerHTML", "HX-Reselect": "unset"},
        )
    if conversation_id is not None:
        return _conversation_page(request, services, session, conversation_id, error=message, status_code=status_code, form=form or {})
    return _render(request, "error.html", {"error": message}, session=session, status_code=status_code)


# --- logging in and out ---------------------------------------------------------------------
def _login_page(
    request: Request,
    services: Services,
    *,
    error: str | None = None,
    email: str = "",
    next_url: str = "/inbox",
    status_code: int = 200,
) -> Response:
    """The login form, with a CSRF token bound to a random pre-session cookie."""
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    context = {
        "error": error,
        "email": email,
        "next_url": next_url,
        "login_csrf": services.signer.csrf_token("login:" + nonce),
    }
    response = _render(request, "login.html", context, session=None, status_code=status_code)
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        httponly=True,
        samesite="lax",
        secure=services.settings.cookie_secure,
        path="/login",
    )
    return response


@router.get("/")
def home() -> Response:
    """The desk starts at the inbox."""
    return RedirectResponse("/inbox", status_code=303)


@router.get("/login")
def login_form(request: Request, services: ServicesDep, next: str = "") -> Response:
    """The login page; an agent who is logged in already goes on to the inbox."""
    if session_actor(request, services) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, services, next_url=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    email: Field = "",
    password: Field = "",
    csrf_token: Field = "",
    next: Field = "",
) -> Response:
    """Check the credentials; on success set the session cookie and go on (303)."""
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    next_url = _safe_next(next)
    if not nonce or not services.signer.check_csrf("login:" + nonce, csrf_token):
        return _login_page(
            request,
            services,
            error="This login form has expired. Please enter your e-mail and password again.",
            email=email,
            next_url=next_url,
            status_code=403,
        )
    keys = ("email:" + email.strip().lower(), "client:" + (request.client.host if request.client else "?"))
    wait = services.login_throttle.retry_after(*keys)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        page = _login_page(
            request,
            services,
            error=f"Too many failed attempts. Please try again in {minutes} min.",
            email=email,
            next_url=next_url,
            status_code=429,
        )
        page.headers["retry-after"] = str(int(wait) + 1)
        return page
    try:
        agent = authenticate(email.strip().lower(), password, uow_factory=services.uow)
    except NotAuthenticated:
        services.login_throttle.failed(*keys)
        return _login_page(request, services, error="Wrong e-mail or password.", email=email, next_url=next_url, status_code=401)
    services.login_throttle.succeeded(keys[0])
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        services.signer.issue(agent.id),
        max_age=services.settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=services.settings.cookie_secure,
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, services: ServicesDep, csrf_token: Field = "") -> Response:
    """End the session (CSRF-checked, so another site cannot log an agent out)."""
    session = _session(request, services)
    if session is not None and not services.signer.check_csrf(session.cookie, request.headers.get(CSRF_HEADER) or csrf_token):
        return _problem(request, services, session, 403, "Log-out did not come from this page. Reload and try again.")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- the inbox ----------------------------------------------------------------------------------
def _parse_filters(params: Mapping[str, str], actor: Actor) -> tuple[InboxFilters, int]:
    """The inbox filters and page size from the query string; a bad value is InvalidPayload."""
    status = params.get("status", "")
    try:
        statuses = [Status(status)] if status else None
    except ValueError:
        raise InvalidPayload(f"unknown status {status!r}") from None
    assignee_raw = params.get("assignee", "")
    assignee: int | Literal["none"] | None
    if assignee_raw == "me":
        assignee = actor.agent.id
    elif assignee_raw == "none":
        assignee = "none"
    elif assignee_raw.isdigit() and int(assignee_raw) <= MAX_ID:
        assignee = int(assignee_raw)
    elif assignee_raw:
        raise InvalidPayload("assignee is 'me', 'none' or an agent id")
    else:
        assignee = None
    team_raw = params.get("team", "")
    if team_raw and not (team_raw.isdigit() and int(team_raw) <= MAX_ID):
        raise InvalidPayload("team must be a team id")
    limit_raw = params.get("limit", "")
    limit = min(max(int(limit_raw), 1), MAX_PAGE) if limit_raw.isdigit() else PAGE_SIZE
    filters = InboxFilters(
        status=statuses,
        assignee=assignee,
        team=int(team_raw) if team_raw else None,
        channel=params.get("channel") or None,
        language=params.get("language") or None,
        kind=parse_kind(params.get("kind")),
    )
    return filters, limit


_FILTER_KEYS = ("status", "kind", "assignee", "channel", "language", "team")


def _ignore_reasons(page: InboxPage) -> dict[int, str]:
    """Why each ignored conversation on the page is ignored (P12: the "ignored" view says why)."""
    return {row.id: row.ignore_reason or "" for row in page.rows if row.status == Status.IGNORED.value}


@router.get("/inbox")
def inbox(request: Request, services: ServicesDep) -> Response:
    """The open inbox by urgency, with filters; HTMX asks for the list or more rows only."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    params = dict(request.query_params)
    selected = {k: params.get(k, "") for k in _FILTER_KEYS}
    query = urlencode({k: v for k, v in selected.items() if v})
    shown = int(params["shown"]) if params.get("shown", "").isdigit() else 0
    error: str | None = None
    status_code = 200
    page = InboxPage(rows=[], next_cursor=None)
    reasons: dict[int, str] = {}
    try:
        filters, limit = _parse_filters(params, session.actor)
        page = list_inbox(filters, uow_factory=services.uow, limit=limit, cursor=params.get("cursor") or None, now=services.clock.now())
        reasons = _ignore_reasons(page)
    except OtklikError as exc:
        error, status_code = str(exc), _status_of(exc)
    context: dict[str, Any] = {
        "page": page,
        "ignore_reasons": reasons,
        "now": services.clock.now(),
        "query": query,
        "selected": selected,
        "error": error,
        # The refresh reloads as many rows as are shown, so "load more" survives it.
        "shown": min(shown + len(page.rows), MAX_PAGE),
    }
    target = request.headers.get("hx-target", "") if _is_htmx(request) else ""
    if target == "load-more":
        return _render(request, "_inbox_rows.html", {**context, "more": True}, session=session, status_code=status_code)
    if target == "inbox-list":
        return _render(request, "_inbox_list.html", context, session=session, status_code=status_code)
    choices = desk_choices(uow_factory=services.uow)
    return _render(
        request,
        "inbox.html",
        {
            **context,
            "choices": choices,
            "status_choices": STATUS_CHOICES,
            "kind_choices": KIND_CHOICES,
            "assignee_choices": ASSIGNEE_CHOICES,
        },
        session=session,
        status_code=status_code,
    )


# --- a conversation -----------------------------------------------------------------------------
def _ids_fit(request: Request) -> bool:
    """True when every id in the path fits the database; a larger one names nothing (404)."""
    return all(not isinstance(v, int) or v <= MAX_ID for v in request.path_params.values())


def _conversation_page(
    request: Request,
    services: Services,
    session: _Session,
    conversation_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
    form: Mapping[str, str] | None = None,
) -> Response:
    try:
        if conversation_id > MAX_ID:
            raise NotFound(f"conversation {conversation_id} does not exist")
        view = conversation_detail(conversation_id, actor=session.actor, uow_factory=services.uow, now=services.clock.now())
    except OtklikError as exc:
        return _render(request, "error.html", {"error": str(exc)}, session=session, status_code=_status_of(exc))
    choices: DeskChoices = desk_choices(uow_factory=services.uow)
    draft = (form or {}).get("text", "")
    channel = outbound.channel_view(
        view.conversation.source,
        last_customer_at=max((i.created_at for i in view.items), default=None),
        uow_factory=services.uow,
        now=services.clock.now(),
    )
    context = {
        "panel": _panel(
            services, session.actor, conversation_id, draft, (form or {}).get("gesture", ""), (form or {}).get("compensation", "")
        ),
        "late": services.guards.is_late(view.conversation, services.clock.now()),
        # The brand's gestures, labelled in the customer's language (P19), and a due follow-up (P18).
        "gestures": services.compensation.choices(view.conversation.language or "en"),
        "followup": pending_followup(conversation_id, uow_factory=services.uow),
        "acknowledge_line": present_guards.acknowledgement_line,
        "view": view,
        "c": view.conversation,
        "timeline": present.build_timeline(view),
        "triage": present.explain_items(view),
        "describe": present.describe_event,
        "timeline_tail": present.tail_start,
        "actor_label": present.actor_label,
        "agents": choices.agents,
        "now": services.clock.now(),
        "error": error,
        "form": form or {},
        # What the channel can do (like, pin, length, reply window) decides what is offered.
        "channel": channel,
        "outbox": present_channel.action_states(view.events),
        # Replies the channel cannot post: where the agent posts them by hand.
        "post_by_hand": post_by_hand_links(view.replies, view.items, view.events),
        "counter": (len(draft), channel.capabilities.max_length) if channel.capabilities.max_length else None,
    }
    return _render(request, "conversation.html", context, session=session, status_code=status_code)


@router.get("/conversations/{conversation_id:int}")
def conversation(request: Request, conversation_id: int, services: ServicesDep) -> Response:
    """A conversation: who, where, its state, the merged timeline, the reply box and actions."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    return _conversation_page(request, services, session, conversation_id)


def _act(
    request: Request,
    services: Services,
    conversation_id: int,
    csrf_token: str,
    call: Callable[[Actor], object],
    *,
    form: Mapping[str, str] | None = None,
) -> Response:
    """Run one change for a logged-in agent with a valid CSRF token, then show the conversation.

    Success answers 303 to the conversation (post/redirect/get; HTMX follows it and swaps
    the ``#conversation`` panel); an error is shown inline with its reason and status.
    """
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    if not services.signer.check_csrf(session.cookie, request.headers.get(CSRF_HEADER) or csrf_token):
        return _problem(
            request,
            services,
            session,
            403,
            "This form has expired or did not come from otklik (CSRF check failed). Reload the page and try again.",
            conversation_id=conversation_id,
            form=form,
        )
    try:
        if not _ids_fit(request):
            raise NotFound("nothing has that id")
        call(session.actor)
    except OtklikError as exc:
        return _problem(request, services, session, _status_of(exc), str(exc), conversation_id=conversation_id, form=form)
    return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)


@router.post("/conversations/{conversation_id:int}/reply")
def send_reply(
    request: Request,
    conversation_id: int,
    services: ServicesDep,
    text: Field = "",
    gesture: Field = "",
    compensation: Field = "",
    compensation_note: Field = "",
    acknowledge: Field = "",
    csrf_token: Field = "",
) -> Response:
    """Answer the customer, if the guards let it go; the text stays in the box when it cannot be sent.

    ``acknowledge`` is the "send anyway" box: the agent sends over the warnings shown, and
    that is recorded with the reply.
    """
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: replies.send_reply(
            conversation_id,
            text,
            actor=actor,
            uow_factory=services.uow,
            clock=services.clock,
            guards=services.guards,
            acknowledge=bool(acknowledge),
            gesture=gesture or None,
            compensation=compensation or None,
            compensation_note=compensation_note or None,
            policy=services.compensation,
        ),
        form={"text": text, "gesture": gesture, "compensation": compensation, "compensation_note": compensation_note},
    )


def _panel(
    services: Services, actor: Actor, conversation_id: int, text: str, gesture: str, compensation: str = ""
) -> present_guards.GuardPanel:
    """The guards' panel for a draft (idle while it is empty; the reason when it cannot be checked)."""
    if not text.strip():
        return present_guards.idle_panel()
    try:
        report = check_draft(
            conversation_id,
            text,
            actor=actor,
            uow_factory=services.uow,
            clock=services.clock,
            guards=services.guards,
            gesture=gesture or None,
            compensation=compensation or None,
            policy=services.compensation,
        )
    except OtklikError as exc:
        return present_guards.error_panel(str(exc))
    return present_guards.guard_panel(text, report)


@router.post("/conversations/{conversation_id:int}/guards")
def check_reply_draft(
    request: Request,
    conversation_id: int,
    services: ServicesDep,
    text: Field = "",
    gesture: Field = "",
    compensation: Field = "",
    csrf_token: Field = "",
) -> Response:
    """The composer's guard panel for the draft as it stands (the reply box asks as the agent types)."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    if not services.signer.check_csrf(session.cookie, request.headers.get(CSRF_HEADER) or csrf_token):
        panel = present_guards.error_panel("This page has expired (CSRF check failed). Reload it to check the reply.")
        return _render(request, "_guards.html", {"panel": panel}, session=session, status_code=403)
    if conversation_id > MAX_ID:
        panel = present_guards.error_panel(f"conversation {conversation_id} does not exist")
    else:
        panel = _panel(services, session.actor, conversation_id, text, gesture, compensation)
    limit = outbound.max_length_of(conversation_id, uow_factory=services.uow) if conversation_id <= MAX_ID else None
    return _render(request, "_guards.html", {"panel": panel, "counter": (len(text.strip()), limit) if limit else None}, session=session)


def _agent_choice(value: str, actor: Actor) -> int | None:
    """The agent picked in the assign form: ``me``, an id, or empty to unassign."""
    if value == "me":
        return actor.agent.id
    if value == "":
        return None
    if value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    raise NotFound(f"no agent {value!r}")


@router.post("/conversations/{conversation_id:int}/assign")
def assign(request: Request, conversation_id: int, services: ServicesDep, agent_id: Field = "", csrf_token: Field = "") -> Response:
    """Give the conversation to an agent (``me`` for oneself), or unassign it."""
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: actions.assign_conversation(
            conversation_id,
            _agent_choice(agent_id, actor),
            actor=actor,
            uow_factory=services.uow,
            clock=services.clock,
        ),
    )


@router.post("/conversations/{conversation_id:int}/resolve")
def resolve(request: Request, conversation_id: int, services: ServicesDep, csrf_token: Field = "") -> Response:
    """Mark the conversation resolved; it leaves the open inbox."""
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: actions.resolve_conversation(
            conversation_id, actor=actor, uow_factory=services.uow, clock=services.clock, followup_days=services.settings.followup_days
        ),
    )


@router.post("/conversations/{conversation_id:int}/reopen")
def reopen(request: Request, conversation_id: int, services: ServicesDep, csrf_token: Field = "") -> Response:
    """Bring a resolved or ignored conversation back to the open inbox."""
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: actions.reopen_conversation(conversation_id, actor=actor, uow_factory=services.uow, clock=services.clock),
    )


@router.post("/conversations/{conversation_id:int}/ignore")
def ignore(request: Request, conversation_id: int, services: ServicesDep, reason: Field = "", csrf_token: Field = "") -> Response:
    """Leave the conversation unanswered on purpose; the reason is required and kept."""
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: actions.ignore_conversation(conversation_id, reason, actor=actor, uow_factory=services.uow, clock=services.clock),
        form={"reason": reason},
    )


@router.post("/conversations/{conversation_id:int}/replies/{reply_id:int}/posted")
def mark_posted(request: Request, conversation_id: int, reply_id: int, services: ServicesDep, csrf_token: Field = "") -> Response:
    """Confirm a manual (or failed) reply was posted on the platform by hand."""
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: replies.mark_posted_by_hand(
            reply_id, actor=actor, uow_factory=services.uow, clock=services.clock, conversation_id=conversation_id
        ),
    )


@router.post("/conversations/{conversation_id:int}/replies/{reply_id:int}/retry")
def retry(
    request: Request, conversation_id: int, reply_id: int, services: ServicesDep, confirm: Field = "", csrf_token: Field = ""
) -> Response:
    """Queue a failed reply for delivery again (after an unknown outcome, only with ``confirm``)."""
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: replies.retry_delivery(
            reply_id,
            actor=actor,
            uow_factory=services.uow,
            clock=services.clock,
            conversation_id=conversation_id,
            confirmed=confirm == "yes",
        ),
    )


@router.post("/conversations/{conversation_id:int}/items/{item_id:int}/like")
def like(request: Request, conversation_id: int, item_id: int, services: ServicesDep, csrf_token: Field = "") -> Response:
    """Thank the customer with a like (P8), through the outbox."""
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: outbound.queue_action(
            conversation_id, "like", item_id=item_id, actor=actor, uow_factory=services.uow, clock=services.clock
        ),
    )


@router.post("/conversations/{conversation_id:int}/replies/{reply_id:int}/pin")
def pin(request: Request, conversation_id: int, reply_id: int, services: ServicesDep, csrf_token: Field = "") -> Response:
    """Pin a sent reply (P14: one public acknowledgement), through the outbox."""
    return _pin(request, services, conversation_id, reply_id, "pin", csrf_token)


@router.post("/conversations/{conversation_id:int}/replies/{reply_id:int}/unpin")
def unpin(request: Request, conversation_id: int, reply_id: int, services: ServicesDep, csrf_token: Field = "") -> Response:
    """Unpin a pinned reply, through the outbox."""
    return _pin(request, services, conversation_id, reply_id, "unpin", csrf_token)


def _pin(request: Request, services: Services, conversation_id: int, reply_id: int, action: str, csrf_token: str) -> Response:
    return _act(
        request,
        services,
        conversation_id,
        csrf_token,
        lambda actor: outbound.queue_action(
            conversation_id, action, reply_id=reply_id, actor=actor, uow_factory=services.uow, clock=services.clock
        ),
    )


def _item_in(conversation_id: int, item_id: int, services: Services) -> None:
    """Refuse an item acted on from another conversation's page (the page would not show the change)."""
    with services.uow(write=False) as uow:
        item = uow.items.get(item_id)
    if item is None or item.conversation_id != conversation_id:
        raise NotFound(f"no item {item_id} in conversation {conversation_id}")


@router.post("/conversations/{conversation_id:int}/items/{item_id:int}/triage")
def correct_triage(
    request: Request,
    conversation_id: int,
    item_id: int,
    services: ServicesDep,
    kind: Field = "",
    sentiment: Field = "",
    csrf_token: Field = "",
) -> Response:
    """Correct an item's kind or sentiment; it is decided again and the page shows the new decision.

    The form swaps only that item's block, and out of band what a new decision may change:
    the header and the actions (an insult corrected to a complaint leaves "ignored") and the
    audit lines at the end of the timeline.
    """

    def call(actor: Actor) -> object:
        _item_in(conversation_id, item_id, services)
        return triage.correct_triage(
            item_id,
            kind=kind or None,
            sentiment=sentiment or None,
            actor=actor,
            uow_factory=services.uow,
            clock=services.clock,
            active=services.schema,
        )

    return _act(request, services, conversation_id, csrf_token, call)


# --- reports ------------------------------------------------------------------------------------
def _day(value: str, name: str) -> date | None:
    """A ``YYYY-MM-DD`` query parameter (None when empty); anything else is InvalidPayload."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidPayload(f"{name} must be a date like 2026-11-20, not {value!r}") from None


@router.get("/reports/guards")
def guards_report(request: Request, services: ServicesDep) -> Response:
    """Scriptedness per week (desk, agents, teams) and the guards' hit counts over a period."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    params = request.query_params
    error: str | None = None
    status_code = 200
    report = None
    try:
        end = _day(params.get("to", ""), "to")
        first, last = reports.default_period(end or services.clock.now().date())
        start = _day(params.get("from", ""), "from") or first
        report = reports.guards_report(start, last, uow_factory=services.uow)
    except OtklikError as exc:
        error, status_code = str(exc), _status_of(exc)
        start, last = reports.default_period(services.clock.now().date())
    context = {
        "report": report,
        "chart": present_guards.weekly_chart(report.desk) if report else None,
        "hit_width": present_guards.hit_width,
        "week_cell": present_guards.week_cell,
        "start": params.get("from", "") or start.isoformat(),
        "end": params.get("to", "") or last.isoformat(),
        "error": error,
    }
    return _render(request, "reports_guards.html", context, session=session, status_code=status_code)


# --- SLA warnings -------------------------------------------------------------------------------
@router.get("/sla-warnings")
def sla_warnings_panel(request: Request, services: ServicesDep) -> Response:
    """The SLA warnings that concern the agent; the top bar polls this fragment."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    warnings = sla_warnings.open_warnings(actor=session.actor, uow_factory=services.uow)
    return _render(request, "_sla_warnings.html", {"warnings": warnings, "now": services.clock.now()}, session=session)


@router.post("/sla-warnings/{warning_id:int}/dismiss")
def dismiss_sla_warning(request: Request, warning_id: int, services: ServicesDep, csrf_token: Field = "") -> Response:
    """Take a warning off the agent's list (it was seen)."""
    session = _session(request, services)
    if session is None:
        return _login_redirect(request)
    if not services.signer.check_csrf(session.cookie, request.headers.get(CSRF_HEADER) or csrf_token):
        return _problem(request, services, session, 403, "The form did not come from this page. Reload and try again.")
    try:
        sla_warnings.dismiss_warning(warning_id, actor=session.actor, uow_factory=services.uow, clock=services.clock)
    except OtklikError as exc:
        return _problem(request, services, session, _status_of(exc), str(exc))
    return sla_warnings_panel(request, services)
