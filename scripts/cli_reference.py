"""Write the `otklik --help` of every command into docs/reference/cli.md (`make docs`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from otklik.cli import app

MARKER = "<!-- generated below -->"
DOC = Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.md"


def _commands(group: Any, prefix: list[str]) -> list[list[str]]:
    found = [prefix]
    for name in sorted(group.commands):
        command = group.commands[name]
        if hasattr(command, "commands"):  # a group of subcommands
            found.extend(_commands(command, [*prefix, name]))
        else:
            found.append([*prefix, name])
    return found


def render() -> str:
    """The generated part of the page."""
    root = typer.main.get_command(app)
    runner = CliRunner()
    parts = []
    for path in _commands(root, []):
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}, prog_name="otklik")
        title = " ".join(["otklik", *path])
        text = "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")
        parts.append(f"## `{title}`\n\n```text\n{text}\n```\n")
    return "\n".join(parts)


def updated(page: str) -> str:
    """The page with its generated part replaced."""
    head = page.split(MARKER, 1)[0].rstrip()
    return f"{head}\n\n{MARKER}\n\n{render()}"


def main() -> int:
    """Rewrite the page; with --check, fail when it is out of date instead."""
    page = DOC.read_text(encoding="utf-8")
    new = updated(page)
    if "--check" in sys.argv:
        if new != page:
            print(f"{DOC} is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
