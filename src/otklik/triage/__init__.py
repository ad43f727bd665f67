"""Text analysis of items (language, kind, sentiment, signals). Pure functions, offline."""

from otklik.triage.classify import analyse
from otklik.triage.language import detect_language
from otklik.triage.result import LANGUAGES, Evidence, Kind, Sentiment, Span, Triage

__all__ = ["LANGUAGES", "Evidence", "Kind", "Sentiment", "Span", "Triage", "analyse", "detect_language"]
