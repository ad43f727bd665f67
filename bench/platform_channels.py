"""Webhook parse throughput for Meta and X, and the Google reviews page parse, on one core.

Each body is a documented wire payload from ``tests/fixtures/channels`` (Cyrillic, Polish,
emoji, comments, DMs, mentions), signed as the platform signs it; a pass is the signature
check, JSON decoding and parsing into items, as ``/hooks/<kind>/{source}`` does before the
ingest writer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import orjson

from bench.report import BenchResult
from otklik.channels import meta, x
from otklik.channels.base import ChannelContext, SourceConfig
from otklik.channels.google_reviews import GoogleReviewsChannel

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "channels"
SECRET = "bench-app-secret-0123456789abcdef"  # noqa: S105 - made up for the benchmark


def _bodies(platform: str, skip: tuple[str, ...]) -> list[bytes]:
    return [p.read_bytes() for p in sorted((FIXTURES / platform).glob("*.json")) if not p.stem.startswith(skip)]


def _best(rounds: int, fn: Callable[[], int]) -> float:
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        done = fn()
        best = max(best, done / (time.perf_counter() - started))
    return best


def add_figures(result: BenchResult, *, quick: bool) -> None:
    """Add the Meta, X and Google parse figures to ``result``."""
    count = 20_000 if quick else 100_000
    skip = ("malformed", "forged")
    metas = _bodies("meta", skip)
    xs = _bodies("x", skip)
    meta_channel = meta.MetaChannel(
        SourceConfig(
            "volna_meta",
            "meta",
            SECRET,
            settings={"page_id": "1029384756", "page_token": "EAAGbenchToken0123", "verify_token": "v", "ig_user_id": "17841400000000001"},
        ),
        ChannelContext(),
    )
    x_channel = x.XChannel(
        SourceConfig(
            "volna_x", "x", SECRET, settings={"user_id": "1500000000000000001", "username": "volna_care", "user_token": "xUserToken0123"}
        ),
        ChannelContext(),
    )
    meta_work = [(metas[i % len(metas)], {"x-hub-signature-256": meta.sign(metas[i % len(metas)], SECRET)}) for i in range(count)]
    x_work = [(xs[i % len(xs)], {"x-twitter-webhooks-signature": x.sign(xs[i % len(xs)], SECRET)}) for i in range(count)]

    def meta_pass() -> int:
        for body, headers in meta_work:
            meta_channel.verify(headers, body)
            meta_channel.parse(body)
        return count

    def x_pass() -> int:
        for body, headers in x_work:
            x_channel.verify(headers, body)
            x_channel.parse(body)
        return count

    google = GoogleReviewsChannel(
        SourceConfig("volna_google", "google_reviews", "", settings={"account_id": "1", "location_id": "2", "access_token": "t"}),
        ChannelContext(),
    )
    reviews = orjson.dumps(
        {
            "reviews": [
                {
                    "reviewId": f"AbFv{i}",
                    "reviewer": {"displayName": "Ola Nowak"},
                    "starRating": "FOUR",
                    "comment": "Szybka dostawa, ale pudełko było zgniecione. Zażółć gęślą jaźń 📦",
                    "createTime": "2026-11-19T18:00:00Z",
                    "updateTime": "2026-11-19T18:00:00Z",
                }
                for i in range(50)
            ]
        }
    )

    def google_pass() -> int:
        for _ in range(count // 50):
            for review in orjson.loads(reviews)["reviews"]:
                google.parse_review(review)
        return count // 50 * 50

    table = result.section("Meta, X and Google parsing on one core (best of 3)", ["bodies", "per_s", "us_each"])
    for label, fn, key in (
        ("Meta webhook: X-Hub-Signature-256 + decode + parse", meta_pass, "meta_webhook_bodies_per_s"),
        ("X webhook: signature + decode + parse", x_pass, "x_webhook_bodies_per_s"),
        ("Google reviews: decode a page of 50 + parse each", google_pass, "google_reviews_per_s"),
    ):
        rate = _best(3, fn)
        table.add(label, bodies=count, per_s=round(rate), us_each=round(1e6 / rate, 1))
        result.figures[key] = round(rate)
    table.notes.append(f"{len(metas)} Meta and {len(xs)} X fixture bodies in rotation (documented wire payloads)")
