"""Checks on reply drafts before they go out. Pure, plus an in-memory index."""
