"""Web entrypoint: FastAPI app, webhooks, API, agent UI."""
