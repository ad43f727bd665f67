"""Text analysis of items (language, kind, sentiment, signals). Pure functions, offline."""
