"""The agent UI: server-rendered Jinja2 pages with HTMX."""
