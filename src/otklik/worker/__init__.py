"""Background work: outbound delivery and, later, SLA warnings and follow-ups."""
