"""Use cases: the only package that combines the core with storage and channels."""
