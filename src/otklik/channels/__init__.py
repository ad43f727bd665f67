"""Channel adapters: one module per platform."""
