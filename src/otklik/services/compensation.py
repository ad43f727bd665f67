"""The brand's compensation policy: read once from YAML, offered in the composer of late answers.

``OTKLIK_COMPENSATION_FILE`` names the file; ``default_compensation.yaml`` beside this module
ships as the default and documents the format.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from otklik.domain.compensation import CompensationPolicy, clean_note, parse_policy
from otklik.errors import ConfigError, InvalidPayload


def load_compensation_policy(path: Path | None) -> CompensationPolicy:
    """The policy in ``path`` (the shipped default when None); :class:`ConfigError` names what is wrong."""
    where = str(path) if path is not None else "default_compensation.yaml"
    try:
        if path is None:
            text = resources.files("otklik.services").joinpath("default_compensation.yaml").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return parse_policy(yaml.safe_load(text))
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read the compensation policy: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def choose_gesture(
    policy: CompensationPolicy, code: str | None, note: str | None, *, language: str
) -> tuple[str | None, str | None, str | None]:
    """What an agent chose: ``(code, note, label in the customer's language)``; InvalidPayload for an unknown code.

    The label is what the late guard looks for in the reply, so the gesture is really offered.
    """
    try:
        cleaned = clean_note(note)
    except ValueError as exc:
        raise InvalidPayload(str(exc)) from None
    if code is None or not code.strip():
        if cleaned is not None:
            raise InvalidPayload("a compensation note needs a compensation (one of the policy's codes)")
        return None, None, None
    gesture = policy.get(code.strip())
    if gesture is None:
        codes = ", ".join(g.code for g in policy.gestures) or "none"
        raise InvalidPayload(f"unknown compensation {code.strip()!r}; the policy offers: {codes}")
    return gesture.code, cleaned, gesture.label(language)
