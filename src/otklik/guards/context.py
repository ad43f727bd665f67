"""What the guards read: the draft, the conversation around it, and the brand's settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from otklik.guards.findings import Guard, Severity

#: The formal-address choices a brand makes per language: Вы or ты; Pan/Pani or ty.
ADDRESS_CHOICES: Mapping[str, frozenset[str]] = {"ru": frozenset({"vy", "ty"}), "pl": frozenset({"pan", "ty"})}


@dataclass(frozen=True, slots=True)
class Draft:
    """A reply as the agent would send it."""

    text: str
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """The conversation a draft answers.

    ``messages`` are the customer's messages, oldest first; ``kind`` is the triage kind of
    the item answered (``question``, ``complaint``, ``compliment``, ``insult``, ``comment``,
    ``spam``); ``channel`` is the conversation's source and ``channel_kind`` its platform
    (``x``, ``mastodon``…; empty when unknown); ``length_limit`` is the channel's reply limit
    in characters (None: none);
    ``late`` says the conversation is past its acceptable answer time, and ``gesture`` is the
    compensation the policy offers then (e.g. "промокод на 500 ₽"); ``address`` is the
    brand's formal-address choice for ``language`` (ru: ``vy``/``ty``, pl: ``pan``/``ty``);
    ``brand_names`` are the brand's own names and handles (never a customer's specific).
    """

    messages: tuple[str, ...]
    language: str
    kind: str
    channel: str
    now: datetime
    length_limit: int | None = None
    customer_name: str = ""
    customer_handle: str = ""
    late: bool = False
    gesture: str | None = None
    address: str | None = None
    brand_names: tuple[str, ...] = ()
    channel_kind: str = ""

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if self.address is not None and self.address not in ADDRESS_CHOICES.get(self.language, frozenset()):
            choices = sorted(ADDRESS_CHOICES.get(self.language, frozenset()))
            raise ValueError(f"address {self.address!r} is not a choice for {self.language!r} (choose from {choices or 'none'})")

    @property
    def names(self) -> tuple[str, ...]:
        """The customer's name and handle, as given."""
        return tuple(n for n in (self.customer_name, self.customer_handle) if n)


#: Severities unless the brand says otherwise: per guard, and per ``guard.code`` where one
#: rule of a guard is milder than the rest.
DEFAULT_SEVERITIES: Mapping[str, Severity] = {
    Guard.SCRIPTED: Severity.WARN,
    Guard.PERSONAL: Severity.WARN,
    Guard.TONE: Severity.WARN,
    Guard.EMPATHY: Severity.WARN,
    Guard.LANGUAGE: Severity.WARN,
    Guard.LENGTH: Severity.BLOCK,  # the platform would refuse it
    Guard.LATE: Severity.WARN,
    "personal.ignored_specifics": Severity.HINT,
    "personal.no_name": Severity.HINT,
    "language.mixed_language": Severity.HINT,
}

#: Every rule each guard reports, as ``guard.code`` names it in severities and reports.
RULES: Mapping[Guard, tuple[str, ...]] = {
    Guard.SCRIPTED: ("near_duplicate",),
    Guard.PERSONAL: ("not_personal", "ignored_specifics", "no_name"),
    Guard.TONE: ("blame", "argue", "sarcasm", "personal", "shouting", "address"),
    Guard.EMPATHY: ("no_acknowledgement", "no_thanks"),
    Guard.LANGUAGE: ("wrong_language", "mixed_language"),
    Guard.LENGTH: ("too_long",),
    Guard.LATE: ("no_apology", "no_gesture"),
}


def parse_severities(overrides: Mapping[str, str]) -> dict[str, Severity]:
    """:data:`DEFAULT_SEVERITIES` with a brand's ``overrides`` (``{"tone": "block", "personal.no_name": "warn"}``).

    Raises ``ValueError`` naming every key that is not a guard or one of its rules and every
    value that is not a severity, so a typo fails at start instead of being ignored.
    """
    rules = {f"{guard.value}.{code}" for guard, codes in RULES.items() for code in codes}
    names = {guard.value for guard in Guard}
    levels = {s.value for s in Severity}
    problems = [f"unknown guard or rule {key!r}" for key in overrides if key not in names and key not in rules]
    problems += [
        f"{key!r}: severity {value!r} is not one of {', '.join(sorted(levels))}" for key, value in overrides.items() if value not in levels
    ]
    if problems:
        raise ValueError("; ".join(problems) + f" (guards: {', '.join(sorted(names))}; rules: guard.code, e.g. tone.blame)")
    return {**DEFAULT_SEVERITIES, **{key: Severity(value) for key, value in overrides.items()}}


#: Channels where addressing the person by name is the custom (on X and Mastodon the reply
#: already starts with their @handle).
NAME_CHANNELS = frozenset({"telegram", "vk", "facebook", "instagram", "email", "google_reviews", "whatsapp", "review"})


@dataclass(frozen=True, slots=True)
class GuardConfig:
    """A brand's guard settings.

    ``severities`` maps a guard (``tone``) or one of its rules (``tone.shouting``) to a
    :class:`Severity`; the rule wins over the guard. ``disabled`` guards are not run.

    Scripted: a draft is a near-duplicate when the Jaccard similarity of its masked
    character 5-grams with a past reply reaches ``scripted_threshold``; drafts shorter than
    ``min_informative_chars`` masked characters or ``min_informative_words`` words are not
    judged (see :mod:`otklik.guards.scripted` for why).

    Personal: the reply must cover specifics worth ``personal_min_weight`` (a number or a
    name the customer gave counts 2, another content word 1; the default 1 asks for any),
    or all of them when the customer gave less.
    """

    severities: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SEVERITIES))
    disabled: frozenset[str] = frozenset()
    scripted_threshold: float = 0.6
    min_informative_chars: int = 40
    min_informative_words: int = 6
    windows_days: tuple[int, int] = (7, 30)
    personal_min_weight: int = 1
    name_channels: frozenset[str] = NAME_CHANNELS
    shouting_min_words: int = 2

    def severity(self, guard: Guard, code: str) -> Severity:
        """The severity of rule ``code`` of ``guard``."""
        return self.severities.get(f"{guard.value}.{code}") or self.severities.get(guard.value) or DEFAULT_SEVERITIES[guard]

    def enabled(self, guard: Guard) -> bool:
        """Whether ``guard`` runs."""
        return guard.value not in self.disabled
