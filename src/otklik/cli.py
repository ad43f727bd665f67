"""``otklik``: serve the desk, fill a demo, import files, manage agents and sources."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from otklik.config import Settings, load_settings
from otklik.domain.agents import Role
from otklik.domain.items import ItemDraft
from otklik.errors import OtklikError

app = typer.Typer(
    help="otklik — a social customer-care desk.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Manage agents.", no_args_is_help=True)
source_app = typer.Typer(help="Manage generic sources (webhook senders).", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(source_app, name="source")
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")

console = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: OTKLIK_DATA_DIR or ./var)."),
]
DbUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL (default: SQLite in the data dir)."),
]


def _settings(data_dir: Path | None, database_url: str | None, **extra: object) -> Settings:
    overrides: dict[str, object] = dict(extra)
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url is not None:
        overrides["database_url"] = database_url
    return load_settings(**overrides)


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


@app.command()
def serve(
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    host: Annotated[str | None, typer.Option(help="Listen address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (default 8000).")] = None,
) -> None:
    """Run the desk: API, webhooks, UI and the worker loop in one process."""
    import uvicorn

    from otklik.web.app import create_app

    extra: dict[str, object] = {}
    if host:
        extra["host"] = host
    if port:
        extra["port"] = port
    settings = _settings(data_dir, database_url, **extra)
    application = create_app(settings)
    console.print(f"otklik serving on http://{settings.host}:{settings.port}/")
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
    )


@app.command()
def worker(data_dir: DataDir = None, database_url: DbUrl = None) -> None:
    """Run only the worker loop (outbound delivery), beside `serve` processes run with OTKLIK_WORKER_ENABLED=false."""
    from otklik.bootstrap import build_services
    from otklik.worker.runner import Worker

    services = build_services(_settings(data_dir, database_url))
    loop = Worker(services)
    console.print("otklik worker running; Ctrl+C stops it")
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        loop.stop()
        services.close()


@app.command()
def demo(
    data_dir: Annotated[
        Path,
        typer.Option("--data-dir", help="Where the demo database goes (made fresh)."),
    ] = Path("var/demo"),
    host: Annotated[str, typer.Option(help="Listen address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Listen port.")] = 8000,
    serve_after: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help="Serve the desk after filling it."),
    ] = True,
) -> None:
    """Make a fresh demo database full of multilingual conversations, print a login, serve it."""
    from otklik.demo.loader import DEMO_PASSWORD, fill_demo

    settings = load_settings(environment="demo", data_dir=data_dir, host=host, port=port)
    db_file = data_dir / "otklik.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)
    summary = fill_demo(settings, progress=_progress())
    console.print(
        f"[green]demo ready[/green]: {summary.items} items in {summary.conversations} conversations, "
        f"{summary.replies} replies ({summary.resolved} resolved)"
    )
    console.print(f"log in at http://{host}:{port}/login as [bold]{summary.login}[/bold] / [bold]{DEMO_PASSWORD}[/bold]")
    if serve_after:
        import uvicorn

        from otklik.web.app import create_app

        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            access_log=False,
        )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


@app.command("import")
def import_file(
    file: Annotated[
        Path,
        typer.Argument(help="A .jsonl or .csv file in the generic format.", exists=False),
    ],
    source: Annotated[str, typer.Option("--source", help="Source name the items came from.")] = "import",
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="jsonl or csv (default: by extension)."),
    ] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
    batch: Annotated[int, typer.Option(help="Items per transaction.")] = 5000,
) -> None:
    """Import items; every rejected line is reported as file:line: reason."""
    from otklik.bootstrap import build_services
    from otklik.services.ingest import ingest_items

    if not file.is_file():
        _fail(f"{file}: no such file")
    if file_format not in (None, "jsonl", "csv"):
        _fail(f"--format must be jsonl or csv, not {file_format}")
    services = build_services(_settings(data_dir, database_url))
    stored = duplicates = rejected = 0
    pending: list[ItemDraft] = []

    def flush() -> None:
        nonlocal stored, duplicates
        if pending:
            outcomes = ingest_items(pending, uow=services.uow(), clock=services.clock)
            stored += sum(1 for o in outcomes if not o.duplicate)
            duplicates += sum(1 for o in outcomes if o.duplicate)
            pending.clear()

    from otklik.channels.files import read_items

    with file.open("rb") as counting:
        total_lines = sum(1 for _ in counting)
    try:
        with _progress() as progress:
            task = progress.add_task(f"importing {file.name}", total=total_lines)
            for line in read_items(file, source=source, file_format=file_format):
                if line.draft is None:
                    rejected += 1
                    err.print(
                        f"{file}:{line.line}: {line.error}",
                        highlight=False,
                        markup=False,
                        soft_wrap=True,
                    )
                else:
                    pending.append(line.draft)
                    if len(pending) >= batch:
                        flush()
                progress.update(task, completed=line.line)
            flush()
            progress.update(task, completed=total_lines)
    except UnicodeDecodeError as exc:
        _fail(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    finally:
        services.close()
    console.print(f"{file}: {stored} stored, {duplicates} duplicates, {rejected} rejected")
    if rejected:
        raise typer.Exit(1)


@user_app.command("add")
def user_add(
    email: str,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    role: Annotated[Role, typer.Option(help="agent or admin.")] = Role.AGENT,
    team: Annotated[str | None, typer.Option(help="Team name (created when new).")] = None,
    password: Annotated[str | None, typer.Option(help="Password (asked for when not given).")] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Add an agent."""
    from otklik.bootstrap import build_services
    from otklik.services.auth import add_agent

    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    services = build_services(_settings(data_dir, database_url))
    try:
        agent = add_agent(
            email,
            name,
            password,
            role=role,
            team=team,
            uow_factory=services.uow,
            clock=services.clock,
        )
    finally:
        services.close()
    console.print(f"added {agent.role.value} {agent.email} (id {agent.id})")


@source_app.command("add")
def source_add(
    name: str,
    callback_url: Annotated[
        str | None,
        typer.Option(help="Where replies are POSTed (signed); none: post by hand."),
    ] = None,
    secret: Annotated[str | None, typer.Option(help="Signing secret (generated when not given).")] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Configure a generic source; prints its webhook URL and secret once."""
    from otklik.bootstrap import build_services
    from otklik.services.sources import add_source

    services = build_services(_settings(data_dir, database_url))
    try:
        info, the_secret = add_source(
            name,
            uow_factory=services.uow,
            clock=services.clock,
            secret=secret,
            callback_url=callback_url,
        )
    finally:
        services.close()
    console.print(f"source {info.name}: POST /hooks/generic/{info.name}")
    console.print(f"secret (shown once): {the_secret}", highlight=False)


@source_app.command("list")
def source_list(data_dir: DataDir = None, database_url: DbUrl = None) -> None:
    """List sources (secrets are never shown)."""
    from otklik.bootstrap import build_services
    from otklik.services.sources import list_sources

    services = build_services(_settings(data_dir, database_url))
    try:
        for info in list_sources(uow_factory=services.uow):
            console.print(
                f"{info.name}\t{info.kind}\t{info.callback_url or '(post by hand)'}",
                highlight=False,
            )
    finally:
        services.close()


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Argument(help="The agent the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Create an API token; printed once."""
    from otklik.bootstrap import build_services
    from otklik.services.auth import create_token

    services = build_services(_settings(data_dir, database_url))
    try:
        with services.uow(write=False) as uow:
            found = uow.agents.by_email(email)
        if found is None:
            _fail(f"no agent with e-mail {email}")
            return
        token = create_token(found[0].id, name, uow_factory=services.uow, clock=services.clock)
    finally:
        services.close()
    console.print(token, highlight=False)


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None, database_url: DbUrl = None) -> None:
    """Apply database migrations."""
    from otklik.store.migrate import upgrade_database

    settings = _settings(data_dir, database_url)
    upgrade_database(settings.effective_database_url)
    console.print("database is up to date")


@db_app.command("check")
def db_check(data_dir: DataDir = None, database_url: DbUrl = None) -> None:
    """Fail when the code's tables and the migrations disagree."""
    from otklik.store.migrate import check_database, upgrade_database

    settings = _settings(data_dir, database_url)
    upgrade_database(settings.effective_database_url)
    check_database(settings.effective_database_url)
    console.print("migrations match the tables")


def main() -> None:
    """Entry point: map the error tree to a clear message and exit code 2."""
    try:
        app()
    except OtklikError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(2)
