"""check_reply: every guard at once, rated by the brand's configuration."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import otklik.guards
from otklik.guards import Draft, Guard, GuardConfig, ReplyContext, ReplyIndex, Severity, Verdict, check_reply
from tests.unit.guards.support import NOW, make_context, stub_detect

CUSTOMER = "Заказ 55120 должен был приехать вчера в Казань, курьер так и не появился. Где мой диван?"
GOOD = "Ольга, простите за ожидание! Диван по заказу 55120 застрял на складе в Казани из-за поломки машины. Курьер привезёт его завтра с 10 до 14."
TEMPLATE = (
    "Здравствуйте, {name}! Приносим извинения за неудобства. Пожалуйста, напишите нам в личные сообщения номер заказа, и мы всё проверим."
)


def _index() -> ReplyIndex:
    index = ReplyIndex()
    for i, name in enumerate(["Анна", "Игорь", "Мария"]):
        index.add(i, TEMPLATE.format(name=name), NOW - timedelta(days=i + 1))
    return index


def test_a_good_reply_is_clean() -> None:
    report = check_reply(Draft(GOOD), make_context(CUSTOMER), index=_index(), config=GuardConfig(), detect=stub_detect)
    assert report.verdict is Verdict.CLEAN
    assert report.flags == ()
    assert report.ran == tuple(Guard)
    assert report.personal is not None and report.personal.personal is True


def test_a_template_needs_acknowledgement_and_says_why() -> None:
    report = check_reply(
        Draft(TEMPLATE.format(name="Ольга")), make_context(CUSTOMER), index=_index(), config=GuardConfig(), detect=stub_detect
    )
    assert report.verdict is Verdict.ACKNOWLEDGE
    assert report.codes() == {"scripted.near_duplicate", "personal.not_personal"}
    assert {f.severity for f in report.flags} == {Severity.WARN}
    document = report.as_dict()
    json.dumps(document)  # JSON-ready
    assert document["verdict"] == "acknowledge"
    assert document["recent_near_identical"] == {7: 3, 30: 3}
    assert [c["reply_id"] for c in document["closest_past_replies"]][:1] == [0]


def test_severity_is_configuration() -> None:
    draft = Draft("Ольга, вы сами виноваты, надо было читать условия доставки в Казань. Диван по заказу 55120 привезём завтра.")
    context = make_context(CUSTOMER)
    default = check_reply(draft, context, index=None, config=GuardConfig(), detect=stub_detect)
    assert default.verdict is Verdict.ACKNOWLEDGE
    assert default.codes() == {"tone.blame", "empathy.no_acknowledgement"}
    strict = GuardConfig(severities={"tone": Severity.BLOCK, "empathy": Severity.HINT})
    report = check_reply(draft, context, index=None, config=strict, detect=stub_detect)
    assert report.verdict is Verdict.BLOCKED
    assert [(f.finding.key, f.severity) for f in report.flags] == [
        ("tone.blame", Severity.BLOCK),
        ("empathy.no_acknowledgement", Severity.HINT),
    ]
    relaxed = GuardConfig(severities={"tone.blame": Severity.HINT, "empathy": Severity.HINT})
    assert check_reply(draft, context, index=None, config=relaxed, detect=stub_detect).verdict is Verdict.CLEAN


def test_too_long_for_the_channel_blocks_and_hints_do_not() -> None:
    context = make_context(CUSTOMER, channel="x", length_limit=120)
    report = check_reply(Draft(GOOD), context, index=None, config=GuardConfig(), detect=stub_detect)
    assert report.verdict is Verdict.BLOCKED
    assert [f.finding.key for f in report.flags] == ["length.too_long"]
    hint_only = check_reply(
        Draft("Ольга, простите! Диван привезём завтра до 14:00."),
        make_context(CUSTOMER),
        index=None,
        config=GuardConfig(),
        detect=stub_detect,
    )
    assert [(f.finding.key, f.severity) for f in hint_only.flags] == [("personal.ignored_specifics", Severity.HINT)]
    assert hint_only.verdict is Verdict.CLEAN


def test_disabled_guards_do_not_run() -> None:
    config = GuardConfig(disabled=frozenset({"scripted", "personal", "language"}))
    report = check_reply(Draft(TEMPLATE.format(name="Ольга")), make_context(CUSTOMER), index=_index(), config=config, detect=stub_detect)
    assert Guard.SCRIPTED not in report.ran
    assert (report.scripted, report.personal) == (None, None)
    assert report.flags == ()


def test_a_late_english_reply_in_full() -> None:
    context = make_context(
        "@SkyHopAir my bag didn't arrive in Dublin, tag SH340022. Wedding tomorrow!",
        language="en",
        channel="x",
        address=None,
        late=True,
        gesture="€50 voucher",
        brand_names=("SkyHopAir",),
    )
    report = check_reply(
        Draft("Bag SH340022 is on tonight's flight to Dublin."), context, index=None, config=GuardConfig(), detect=stub_detect
    )
    assert report.codes() == {"empathy.no_acknowledgement", "late.no_apology", "late.no_gesture"}
    fixed = check_reply(
        Draft("So sorry for the wait! Bag SH340022 is on tonight's flight to Dublin, and here's a €50 voucher for the trouble."),
        context,
        index=None,
        config=GuardConfig(),
        detect=stub_detect,
    )
    assert fixed.verdict is Verdict.CLEAN


def test_context_rules() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_context(now=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="not a choice"):
        make_context(language="pl", address="vy")
    assert make_context(customer_name="Ольга", customer_handle="@olga").names == ("Ольга", "@olga")
    assert isinstance(make_context(), ReplyContext)


def test_public_surface_is_pinned() -> None:
    assert sorted(otklik.guards.__all__) == [
        "ADDRESS_CHOICES",
        "DEFAULT_SEVERITIES",
        "Draft",
        "Finding",
        "Flag",
        "Guard",
        "GuardConfig",
        "GuardReport",
        "Match",
        "PastReply",
        "QueryResult",
        "RULES",
        "ReplyContext",
        "ReplyIndex",
        "Severity",
        "Span",
        "Verdict",
        "check_reply",
        "parse_severities",
    ]
    for name in otklik.guards.__all__:
        assert getattr(otklik.guards, name) is not None
