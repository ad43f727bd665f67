"""``otklik``: serve the desk, fill a demo, import files, manage agents and sources."""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from otklik.config import Settings, load_settings
from otklik.domain.agents import Role
from otklik.errors import OtklikError

if TYPE_CHECKING:
    from otklik.triage import Triage
    from otklik.triage.evaluate import Gold, Item
    from otklik.triage.schema import Schema

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
    # Unwrapped, so a long path stays one piece to copy; escaped, so "[...]" in a name prints as is.
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
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
    _settle_for_serving()
    console.print(f"otklik serving on http://{settings.host}:{settings.port}/")
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
    )


def _settle_for_serving() -> None:
    """Tune the garbage collector for a long-running server, once the app is built.

    What start-up loaded (modules, the app, its schemas) lives as long as the process: frozen,
    it is no longer walked by every full collection. A webhook allocates many short-lived
    containers that reference counting frees; with a young generation of 10,000 objects
    instead of 700 they are gone before a collection looks at them. Collections took about
    5 % of the server's CPU under a load of single-item webhooks, and none ran after this.
    """
    gc.freeze()
    gc.set_threshold(10_000)


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
    from otklik.demo.loader import DEMO_GUARD_ADDRESS, DEMO_PASSWORD, fill_demo

    settings = load_settings(environment="demo", data_dir=data_dir, host=host, port=port, guard_address=DEMO_GUARD_ADDRESS)
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

        application = create_app(settings)
        _settle_for_serving()
        uvicorn.run(
            application,
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
    batch: Annotated[int, typer.Option(help="Items per transaction.", min=1)] = 20_000,
) -> None:
    """Import items; every rejected line is reported as file:line: reason."""
    from otklik.services.importer import FileReader, ImportFailed
    from otklik.services.importer import import_file as run_import

    if not file.is_file():
        _fail(f"{file}: no such file")
    if file_format not in (None, "jsonl", "csv"):
        _fail(f"--format must be jsonl or csv, not {file_format}")
    # The reader starts first: its interpreter loads while this one builds the services.
    reader = FileReader(file, source=source, file_format=file_format)
    try:
        from otklik.bootstrap import open_store

        services = open_store(_settings(data_dir, database_url))
    except BaseException:
        reader.close()
        raise

    def rejected(line: int, reason: str) -> None:
        err.print(f"{file}:{line}: {reason}", highlight=False, markup=False, soft_wrap=True)

    with file.open("rb") as counting:
        total_lines = sum(1 for _ in counting)
    try:
        with _progress() as progress:
            task = progress.add_task(f"importing {file.name}", total=total_lines)
            summary = run_import(
                file,
                source=source,
                uow_factory=services.uow,
                clock=services.clock,
                file_format=file_format,
                batch=batch,
                on_rejected=rejected,
                on_progress=lambda line: progress.update(task, completed=line),
                reader=reader,
            )
            progress.update(task, completed=total_lines)
    except ImportFailed as exc:
        _fail(f"{file}: {exc}")
    finally:
        services.close()
    console.print(f"{file}: {summary.stored} stored, {summary.duplicates} duplicates, {summary.rejected} rejected")
    if summary.rejected:
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


# --- triage and its measurement ---------------------------------------------------------

_Parsed = TypeVar("_Parsed")

#: The hook the response schema plugs into: it turns an item and its triage into a decision
#: (a JSON-ready value). Until a schema provides one, `otklik triage` prints "decision": null.
Decide = Callable[["Item", "Triage"], object]

JsonlInput = Annotated[Path, typer.Argument(help="A JSONL file, or - for standard input.")]


class Split(StrEnum):
    """Which lines `otklik eval` scores, by the hash split training uses."""

    TEST = "test"
    DEV = "dev"
    ALL = "all"


class _Lines:
    """The lines of one input, parsed; a bad line is reported as file:line: reason and counted."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.name = "<stdin>" if str(file) == "-" else str(file)
        self.bad = 0

    def parsed(self, parse: Callable[[dict[str, object]], _Parsed], progress: Callable[[int], None]) -> Iterator[_Parsed]:
        from otklik.triage.evaluate import LineError, read_lines

        for number, record, unreadable in read_lines(self._raw()):
            progress(number)
            reason = unreadable
            if record is not None:
                try:
                    yield parse(record)
                    continue
                except LineError as exc:
                    reason = str(exc)
            self.bad += 1
            err.print(f"{self.name}:{number}: {reason}", highlight=False, markup=False, soft_wrap=True)

    def _raw(self) -> Iterator[bytes]:
        if self.name == "<stdin>":
            stream = getattr(sys.stdin, "buffer", None)
            yield from stream if stream is not None else (line.encode("utf-8") for line in sys.stdin)
            return
        with self.file.open("rb") as handle:
            yield from handle


def _check_inputs(files: Iterable[Path]) -> None:
    for file in files:
        if str(file) != "-" and not file.is_file():
            _fail(f"{file}: no such file")


def _bar(files: list[Path], label: str) -> tuple[Progress | None, Callable[[Path], Callable[[int], None]]]:
    """A progress bar on stderr, only for files read by a person at a terminal."""
    if not err.is_terminal or any(str(f) == "-" for f in files):
        return None, lambda _file: lambda _line: None
    # stdout carries the results: the bar must not redirect it onto the terminal
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        redirect_stdout=False,
        redirect_stderr=False,
    )

    def track(file: Path) -> Callable[[int], None]:
        with file.open("rb") as counting:
            task = progress.add_task(f"{label} {file.name}", total=sum(1 for _ in counting))
        return lambda line: progress.update(task, completed=line)

    return progress, track


def _analyse(item: Item, *, detect: bool = False) -> Triage:
    from otklik.triage import LANGUAGES, analyse

    # a sender's language code ("en-GB" too) is taken when triage knows it; else detected
    code = (item.lang or "").lower().replace("_", "-").split("-")[0]
    language = code if code in LANGUAGES and not detect else None
    return analyse(item.text, language=language, addressing=item.addressing, followers=item.author_followers)


def _triage_record(item: Item, result: Triage, decide: Decide | None) -> dict[str, object]:
    data = result.as_dict()
    record: dict[str, object] = {"id": item.id}
    for key in ("lang", "kind", "sentiment", "sentiment_score", "urgent", "outage", "abusive"):
        record[key] = data[key]
    record["decision"] = decide(item, result) if decide is not None else None
    record["evidence"] = data["evidence"]
    return record


def triage_items(file: Path, *, decide: Decide | None = None) -> int:
    """Write one JSON line per item of ``file`` to stdout; the number of bad lines is returned."""
    from otklik.triage.evaluate import parse_item

    lines = _Lines(file)
    progress, track = _bar([file], "triage")
    with progress or nullcontext():
        advance = track(file)
        for item in lines.parsed(parse_item, advance):
            record = _triage_record(item, _analyse(item), decide)
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return lines.bad


SchemaOption = Annotated[
    Path | None,
    typer.Option("--schema", help="Response schema file (default: OTKLIK_SCHEMA_FILE, else the shipped one)."),
]


def _schema_decide(schema_file: Path | None) -> Decide:
    """The response schema's decision for an item, as ``otklik triage`` prints it."""
    from otklik.triage.schema import SchemaError, load_schema

    path = schema_file or load_settings().schema_file
    try:
        schema = load_schema(path)
    except SchemaError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits

    def decide(item: Item, result: Triage) -> object:
        facts = schema.facts(result, addressing=item.addressing or "direct", channel=item.channel or "", text=item.text)
        return schema.decide(facts).as_dict()

    return decide


@app.command("triage")
def triage_file(file: JsonlInput, schema: SchemaOption = None) -> None:
    """Triage items (id, text; optional lang, addressing, channel, author_followers): one JSON line each on stdout."""
    _check_inputs([file])
    if triage_items(file, decide=_schema_decide(schema)):
        raise typer.Exit(1)


@app.command("eval")
def eval_file(
    files: Annotated[list[Path], typer.Argument(help="Labelled JSONL files (docs/concepts/triage.md), or - for standard input.")],
    split: Annotated[
        Split,
        typer.Option(help="test: the held-out 30 % by hash of id; dev: the other 70 % (what training sees); all: every line."),
    ] = Split.ALL,
    detect_language: Annotated[
        bool,
        typer.Option("--detect-language", help="Ignore each line's lang and detect it; its accuracy is reported too."),
    ] = False,
    errors: Annotated[int, typer.Option(help="Also list up to this many lines whose kind was wrong.")] = 0,
) -> None:
    """Score triage against labelled lines: precision, recall, F1 and confusion, per language and overall."""
    from otklik.triage.evaluate import Scoreboard, parse_gold, split_of

    _check_inputs(files)
    board = Scoreboard(score_language=detect_language)
    wrong: list[str] = []
    scored = outside = bad = 0
    started = time.perf_counter()
    progress, track = _bar(files, "eval")
    with progress or nullcontext():
        for file in files:
            lines = _Lines(file)
            for gold in lines.parsed(parse_gold, track(file)):
                if split is not Split.ALL and (split_of(str(gold.item.id)) == "test") != (split is Split.TEST):
                    outside += 1
                    continue
                result = _analyse(gold.item, detect=detect_language)
                board.add(
                    gold,
                    lang=result.language,
                    kind=result.kind.value,
                    sentiment=result.sentiment.value,
                    urgent=result.urgent,
                    outage=result.outage,
                )
                scored += 1
                if gold.kind is not None and gold.kind != result.kind.value and len(wrong) < errors:
                    wrong.append(_wrong_line(gold, result))
            bad += lines.bad
    elapsed = time.perf_counter() - started
    rate = f", {scored / elapsed:,.0f} items/s" if elapsed > 0 and scored else ""
    language = "detected" if detect_language else "given by each line's lang when it has one"
    typer.echo(f"{scored} lines scored (split {split.value}; {outside} outside it; {bad} bad), language {language}; {elapsed:.1f} s{rate}")
    typer.echo("")
    typer.echo(board.render() if scored else "nothing to score")
    if wrong:
        typer.echo("\nkind mistakes (gold → predicted):")
        typer.echo("\n".join(wrong))
    if bad:
        raise typer.Exit(1)


def _wrong_line(gold: Gold, result: Triage) -> str:
    text = " ".join(gold.item.text.split())
    return f"  {gold.item.id}\t{gold.kind} → {result.kind.value}\t{text[:120]}"


# --- the response schema ------------------------------------------------------------------
schema_app = typer.Typer(help="The response schema: check, load and list its versions.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


def _read_schema(file: Path) -> Schema:
    from otklik.triage import analyse
    from otklik.triage.schema import SchemaError, load_schema

    try:
        schema = load_schema(file)
    except SchemaError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits
    problems = schema.check_examples(analyse)
    if problems:
        for line, message in problems:
            err.print(f"{file}:{line}: {message}", highlight=False, markup=False, soft_wrap=True)
        _fail(f"{file}: {len(problems)} example(s) are not decided by their rule")
    return schema


@schema_app.command("check")
def schema_check(file: Annotated[Path, typer.Argument(help="The schema file (YAML).")]) -> None:
    """Check a schema file: every problem with its line, then every rule's examples."""
    schema = _read_schema(file)
    examples = sum(len(rule.examples) for rule in schema.rules)
    console.print(f"{file}: {len(schema.rules)} rules, {examples} examples decided by their rule; digest {schema.digest[:12]}")


@schema_app.command("load")
def schema_load(
    file: Annotated[Path, typer.Argument(help="The schema file (YAML).")],
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Check a schema and record it as the next version (a running desk takes it at its next start)."""
    from otklik.bootstrap import build_services
    from otklik.services.triage import activate_schema

    schema = _read_schema(file)
    services = build_services(_settings(data_dir, database_url))
    try:
        active = activate_schema(schema, uow_factory=services.uow, clock=services.clock, by="cli")
    finally:
        services.close()
    console.print(f"schema {schema.name!r} is version {active.version}")


@schema_app.command("versions")
def schema_versions_list(data_dir: DataDir = None, database_url: DbUrl = None) -> None:
    """List the schema versions recorded, newest first."""
    from otklik.bootstrap import build_services
    from otklik.services.triage import schema_versions

    services = build_services(_settings(data_dir, database_url))
    try:
        for row in schema_versions(uow_factory=services.uow):
            console.print(
                f"{row['version']:>4}  {row['name']}  {row['digest'][:12]}  {row['loaded_at']:%Y-%m-%d %H:%M} UTC  by {row['loaded_by']}"
            )
    finally:
        services.close()


# --- the SLA configuration ------------------------------------------------------------------
sla_app = typer.Typer(help="The SLA file: response targets, team hours, holidays, care windows.", no_args_is_help=True)
app.add_typer(sla_app, name="sla")


@sla_app.command("check")
def sla_check(file: Annotated[Path, typer.Argument(help="The SLA file (YAML).")]) -> None:
    """Check an SLA file: every problem with its line, then a summary of each team."""
    from otklik.services.sla_config import SlaConfigError, load_sla_config

    try:
        config = load_sla_config(file)
    except SlaConfigError as exc:
        _fail(str(exc))
        return
    targets = ", ".join(f"{p.value} {t}" for p, t in config.policy.first_response.items())
    console.print(f"{file}: first response {targets}; acceptable {config.policy.acceptable}", highlight=False)
    for name, hours in config.teams.items():
        calendar = hours.calendar
        shape = "24/7" if calendar.always_open else f"{calendar.timezone}, {len(calendar.holidays)} holidays"
        windows = ", care windows" if hours.care_windows is not None else ""
        default = " (default)" if name == config.default_team else ""
        console.print(f"  team {name}{default}: {shape}{windows}", highlight=False)


@sla_app.command("import-holidays")
def sla_import_holidays(
    team: Annotated[str, typer.Argument(help="The team the holidays are for.")],
    ics: Annotated[Path, typer.Argument(help="An iCalendar (.ics) file whose events are closed days.")],
    config: Annotated[Path | None, typer.Option("--config", help="The SLA file, to check the team and skip known dates.")] = None,
) -> None:
    """Read the closed days of an .ics file and print them as the team's `holidays:` list."""
    from otklik.services.sla_config import SlaConfigError, load_sla_config, parse_ical_holidays

    try:
        days = parse_ical_holidays(ics.read_text(encoding="utf-8"), source=str(ics))
        known: frozenset[object] = frozenset()
        if config is not None:
            sla = load_sla_config(config)
            if team not in sla.teams:
                _fail(f"{config}: no team {team!r} (teams: {', '.join(sla.teams)})")
            known = frozenset(sla.teams[team].calendar.holidays)
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{ics}: cannot read the file: {exc}")
        return
    except SlaConfigError as exc:
        _fail(str(exc))
        return
    new = sorted(d for d in days if d not in known)
    err.print(f"{ics}: {len(days)} closed day(s), {len(new)} not yet in team {team!r}", highlight=False)
    sys.stdout.write(f"teams:\n  {team}:\n    holidays: [{', '.join(d.isoformat() for d in new)}]\n")


@app.command("export-labels")
def export_labels_command(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Write agents' triage corrections as labelled JSONL (the labelled-set format)."""
    from otklik.bootstrap import build_services
    from otklik.services.triage import export_labels

    services = build_services(_settings(data_dir, database_url))
    count = 0
    try:
        with output.open("w", encoding="utf-8") if output else nullcontext(sys.stdout) as handle:
            for record in export_labels(uow_factory=services.uow):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    finally:
        services.close()
    err.print(f"{count} labelled item(s)", highlight=False)


# --- platform channels ------------------------------------------------------------------

channel_app = typer.Typer(help="Connect platforms: Telegram bots, by webhook or by polling.", no_args_is_help=True)
app.add_typer(channel_app, name="channel")


class Platform(StrEnum):
    """The platforms `otklik channel add` connects."""

    TELEGRAM = "telegram"
    MASTODON = "mastodon"
    VK = "vk"
    META = "meta"
    X = "x"
    GOOGLE_REVIEWS = "google_reviews"
    EMAIL = "email"


class ChannelMode(StrEnum):
    """How a channel's messages reach the desk."""

    WEBHOOK = "webhook"
    POLLING = "polling"
    STREAMING = "streaming"
    CALLBACK = "callback"
    LONGPOLL = "longpoll"
    IDLE = "idle"


@channel_app.command("add")
def channel_add(
    platform: Annotated[Platform, typer.Argument(help="The platform.")],
    name: Annotated[str, typer.Option("--name", help="The source's name: lower-case letters, digits, '_', '.', '-'.")],
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Telegram: the bot token from @BotFather; Mastodon: the account's access token; VK: the community token "
            "(asked for, hidden, when not given).",
        ),
    ] = None,
    secret_token: Annotated[
        str | None,
        typer.Option(
            "--secret-token", help="The webhook's X-Telegram-Bot-Api-Secret-Token: 1-256 of A-Z a-z 0-9 _ - (generated when not given)."
        ),
    ] = None,
    mode: Annotated[
        ChannelMode | None,
        typer.Option(
            help="Telegram: webhook (default) or polling; Mastodon: polling (default) or streaming; VK: callback (default, "
            "VK POSTs to /hooks/vk/NAME) or longpoll; e-mail: polling (default) or idle."
        ),
    ] = None,
    webhook_url: Annotated[
        str | None,
        typer.Option("--webhook-url", help="The desk's public https base URL; sets the bot's webhook to <URL>/hooks/telegram/NAME."),
    ] = None,
    brand_keyword: Annotated[
        list[str] | None,
        typer.Option(
            "--brand-keyword", help="A word that files group posts naming it as brand mentions (repeatable; matched at word starts)."
        ),
    ] = None,
    api_base: Annotated[
        str | None, typer.Option("--api-base", help="The Bot API base URL (default https://api.telegram.org; e.g. a local Bot API server).")
    ] = None,
    instance: Annotated[str | None, typer.Option("--instance", help="Mastodon: the instance's URL, like https://mastodon.social.")] = None,
    hashtag: Annotated[
        list[str] | None, typer.Option("--hashtag", help="Mastodon: a hashtag to listen to, without # (repeatable).")
    ] = None,
    streaming_url: Annotated[
        str | None, typer.Option("--streaming-url", help="Mastodon: the streaming host, when it is not the instance's own.")
    ] = None,
    group_id: Annotated[int | None, typer.Option("--group-id", help="VK: the community's id (the number in club123456).")] = None,
    confirmation: Annotated[
        str | None, typer.Option("--confirmation", help="VK: the Callback API confirmation string (Manage → API usage).")
    ] = None,
    secret: Annotated[
        str | None, typer.Option("--secret", help="VK: the Callback API secret key, 1-50 letters and digits (generated when not given).")
    ] = None,
    user_token: Annotated[
        str | None, typer.Option("--user-token", help="VK: a community admin's user token, only needed to pin posts and like.")
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--setting",
            help="Meta, X, Google reviews, e-mail: a setting as KEY=VALUE (repeatable; see docs/howto/connect-*.md); secrets not given are asked for, hidden.",
        ),
    ] = None,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Connect a platform account after a connection test; secrets are never shown back."""
    import httpx

    from otklik.bootstrap import build_services
    from otklik.services.sources import add_telegram_channel

    if platform is Platform.EMAIL:
        _add_email_channel(name, setting or [], mode=mode.value if mode else None, data_dir=data_dir, database_url=database_url)
        return
    if platform in (Platform.META, Platform.X, Platform.GOOGLE_REVIEWS):
        _add_platform_channel(
            platform.value,
            name,
            setting or [],
            mode=mode.value if mode else None,
            brand_keywords=brand_keyword or [],
            api_base=api_base,
            data_dir=data_dir,
            database_url=database_url,
        )
        return

    if token is None:
        token = typer.prompt(
            {"telegram": "bot token", "mastodon": "access token", "vk": "community token"}[platform.value], hide_input=True
        )
    if platform is not Platform.TELEGRAM:
        _add_pulled_or_callback_channel(
            platform,
            name,
            token=token,
            mode=mode.value if mode else None,
            instance=instance,
            hashtags=hashtag or [],
            streaming_url=streaming_url,
            group_id=group_id,
            confirmation=confirmation,
            secret=secret,
            user_token=user_token,
            brand_keywords=brand_keyword or [],
            api_base=api_base,
            data_dir=data_dir,
            database_url=database_url,
        )
        return
    mode = mode or ChannelMode.WEBHOOK
    settings = _settings(data_dir, database_url)
    services = build_services(settings)
    try:
        with httpx.Client(follow_redirects=False) as client:
            info, the_secret = add_telegram_channel(
                name,
                token=token,
                client=client,
                uow_factory=services.uow,
                clock=services.clock,
                secret_token=secret_token,
                mode=mode.value,
                webhook_url=webhook_url,
                brand_keywords=brand_keyword or (),
                api_base=api_base,
                timeout=settings.delivery_timeout_s,
            )
    finally:
        services.close()
    console.print(
        f"{platform.value} channel {info.name}: bot @{info.settings['bot_username']} (id {info.settings['bot_id']}), {mode.value}",
        highlight=False,
    )
    if mode is ChannelMode.POLLING:
        console.print("the worker (otklik serve, otklik worker or otklik poll) reads its updates", highlight=False)
        return
    if webhook_url:
        console.print(f"webhook set to {webhook_url.rstrip('/')}/hooks/telegram/{info.name}", highlight=False)
    else:
        console.print(f"set the bot's webhook to <your https URL>/hooks/telegram/{info.name} with this secret token", highlight=False)
    console.print(f"secret token (shown once): {the_secret}", highlight=False)


def _add_pulled_or_callback_channel(
    platform: Platform,
    name: str,
    *,
    token: str,
    mode: str | None,
    instance: str | None,
    hashtags: list[str],
    streaming_url: str | None,
    group_id: int | None,
    confirmation: str | None,
    secret: str | None,
    user_token: str | None,
    brand_keywords: list[str],
    api_base: str | None,
    data_dir: Path | None,
    database_url: str | None,
) -> None:
    """``otklik channel add mastodon|vk``: the test, the source, and what to do on the platform's side."""
    import httpx

    from otklik.bootstrap import build_services
    from otklik.services.sources import add_mastodon_channel, add_vk_channel

    settings = _settings(data_dir, database_url)
    if platform is Platform.MASTODON and not instance:
        _fail("a Mastodon channel needs --instance, like https://mastodon.social")
    if platform is Platform.VK and group_id is None:
        _fail("a VK channel needs --group-id, the number in club123456")
    services = build_services(settings)
    the_secret = ""
    try:
        with httpx.Client(follow_redirects=False) as client:
            if platform is Platform.MASTODON:
                info = add_mastodon_channel(
                    name,
                    instance=instance or "",
                    token=token,
                    client=client,
                    uow_factory=services.uow,
                    clock=services.clock,
                    mode=mode or "polling",
                    hashtags=hashtags,
                    brand_keywords=brand_keywords,
                    streaming_base=streaming_url,
                    timeout=settings.delivery_timeout_s,
                )
            else:
                info, the_secret = add_vk_channel(
                    name,
                    group_id=group_id or 0,
                    token=token,
                    client=client,
                    uow_factory=services.uow,
                    clock=services.clock,
                    mode=mode or "callback",
                    confirmation=confirmation,
                    secret=secret,
                    user_token=user_token,
                    brand_keywords=brand_keywords,
                    api_base=api_base,
                    timeout=settings.delivery_timeout_s,
                )
    finally:
        services.close()
    extra = info.settings
    if platform is Platform.MASTODON:
        tags = ", ".join(f"#{t}" for t in extra.get("hashtags") or []) or "no hashtags"
        console.print(
            f"mastodon channel {info.name}: @{extra['acct']} (id {extra['account_id']}), {extra['mode']}, {tags}", highlight=False
        )
        console.print("the worker (otklik serve, otklik worker or otklik poll) reads its mentions", highlight=False)
        return
    console.print(f"vk channel {info.name}: «{extra['group_name']}» (club{extra['group_id']}), {extra['mode']}", highlight=False)
    if extra["mode"] == "longpoll":
        console.print("the worker (otklik serve, otklik worker or otklik poll) reads its Bots Long Poll events", highlight=False)
        return
    console.print(f"set the community's Callback API server to <your https URL>/hooks/vk/{info.name} with this secret key", highlight=False)
    console.print(f"secret key (shown once): {the_secret}", highlight=False)


def _add_email_channel(name: str, pairs: list[str], *, mode: str | None, data_dir: Path | None, database_url: str | None) -> None:
    """``otklik channel add email``: log into IMAP and SMTP, then store the mailbox as a source."""
    from otklik.bootstrap import build_services
    from otklik.services.email_channel import add_email_channel

    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _fail(f"--setting {pair!r}: expected KEY=VALUE")
        values[key.strip()] = value.strip()
    if mode:
        values["mode"] = mode
    if "imap_password" not in values:
        values["imap_password"] = typer.prompt("IMAP password", hide_input=True)
    settings = _settings(data_dir, database_url)
    services = build_services(settings)
    try:
        info, line = add_email_channel(name, values, uow_factory=services.uow, clock=services.clock, timeout=settings.delivery_timeout_s)
    finally:
        services.close()
    console.print(f"email channel {info.name}: {line}", highlight=False)
    console.print("the worker (otklik serve, otklik worker or otklik poll) reads its mailbox", highlight=False)


@channel_app.command("list")
def channel_list(data_dir: DataDir = None, database_url: DbUrl = None) -> None:
    """List the platform channels, with their secrets masked."""
    from otklik.bootstrap import build_services
    from otklik.services.sources import list_sources

    services = build_services(_settings(data_dir, database_url))
    try:
        for info in list_sources(uow_factory=services.uow):
            if info.kind == "generic":
                continue
            extra = info.settings
            keywords = ", ".join(extra.get("brand_keywords") or []) or "-"
            who = (
                f"@{extra['acct']}"
                if "acct" in extra
                else f"club{extra['group_id']}"
                if "group_id" in extra
                else f"@{extra.get('bot_username')}"
            )
            console.print(
                f"{info.name}\t{info.kind}\t{extra.get('mode')}\t{who}\ttoken {extra.get('token')}\tkeywords: {keywords}",
                highlight=False,
            )
    finally:
        services.close()


@channel_app.command("check")
def channel_check(
    name: Annotated[str, typer.Argument(help="The channel's source name.")],
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Test a channel's connection again (Telegram getMe)."""
    from otklik.bootstrap import build_services
    from otklik.services.channel_admin import check_channel

    settings = _settings(data_dir, database_url)
    services = build_services(settings)
    try:
        line = check_channel(name, uow_factory=services.uow, timeout=settings.delivery_timeout_s)
    finally:
        services.close()
    console.print(f"{name}: {line}", highlight=False)


@app.command()
def poll(
    source: Annotated[str | None, typer.Option("--source", help="Poll only this channel.")] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll each channel once, without waiting, print what came and exit.")] = False,
    data_dir: DataDir = None,
    database_url: DbUrl = None,
) -> None:
    """Read pulled channels (Telegram getUpdates, Mastodon, VK Long Poll) in the foreground; Ctrl+C stops it."""
    import httpx

    from otklik.bootstrap import build_services
    from otklik.services.pollers import build_poller, close_poller
    from otklik.services.sources import polling_sources
    from otklik.worker.polling import Pollers

    settings = _settings(data_dir, database_url)
    services = build_services(settings)
    try:
        configs = [s for s in polling_sources(uow_factory=services.uow) if source in (None, s.name)]
        names = [s.name for s in configs]
        if not names:
            _fail(f"no polling channel named {source}" if source else "no channel is in polling mode")
        if once:
            with httpx.Client(follow_redirects=False) as client:
                for config in configs:
                    name = config.name
                    poller = build_poller(
                        name,
                        config.kind,
                        uow_factory=services.uow,
                        clock=services.clock,
                        client=client,
                        timeout=settings.delivery_timeout_s,
                        brand_keywords=services.brand_keywords,
                    )
                    done = poller.poll_once(wait=0)
                    poller.acknowledge()
                    close_poller(poller)
                    console.print(
                        f"{name}: {done.updates} updates, {done.stored} stored, {done.duplicates} duplicates, "
                        f"{done.ignored} ignored, {done.malformed} malformed",
                        highlight=False,
                    )
            return
        pollers = Pollers(services, only=source)
        pollers.start()
        console.print(f"polling {', '.join(names)}; Ctrl+C stops it", highlight=False)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            pollers.stop()
    finally:
        services.close()


def main() -> None:
    """Entry point: map the error tree to a clear message and exit code 2."""
    try:
        app()
    except OtklikError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(2)


#: What ``channel add meta|x|google_reviews`` asks for, hidden, when not given with ``--setting``.
_PLATFORM_SECRETS = {
    "meta": ("page_token", "app_secret"),
    "x": ("user_token",),
    "google_reviews": ("refresh_token", "client_secret"),
}


def _add_platform_channel(
    kind: str,
    name: str,
    pairs: list[str],
    *,
    mode: str | None,
    brand_keywords: list[str],
    api_base: str | None,
    data_dir: Path | None,
    database_url: str | None,
) -> None:
    """``otklik channel add meta|x|google_reviews``: the connection test, the source, the next step."""
    from typing import Any

    import httpx

    from otklik.bootstrap import build_services
    from otklik.services.platform_channels import add_google_reviews_channel, add_meta_channel, add_x_channel

    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _fail(f"--setting {pair!r}: expected KEY=VALUE")
        values[key.strip()] = value.strip()
    for key in _PLATFORM_SECRETS[kind]:
        if key not in values and not (kind == "google_reviews" and "access_token" in values):
            values[key] = typer.prompt(key.replace("_", " "), hide_input=True)
    flag = {"true": True, "false": False}
    settings = _settings(data_dir, database_url)
    services = build_services(settings)
    try:
        with httpx.Client(follow_redirects=False) as client:
            common: dict[str, Any] = {
                "client": client,
                "uow_factory": services.uow,
                "clock": services.clock,
                "timeout": settings.delivery_timeout_s,
            }
            if kind == "meta":
                info, verify, line = add_meta_channel(
                    name,
                    page_id=values.get("page_id", ""),
                    page_token=values["page_token"],
                    app_secret=values["app_secret"],
                    verify_token=values.get("verify_token"),
                    ig_user_id=values.get("ig_user_id"),
                    ig_username=values.get("ig_username"),
                    human_agent=flag.get(values.get("human_agent", "false").lower(), False),
                    graph_version=values.get("graph_version"),
                    api_base=api_base or values.get("api_base"),
                    **common,
                )
                console.print(f"meta channel {info.name}: {line}", highlight=False)
                console.print(
                    f"callback URL: <your https URL>/hooks/meta/{info.name}; verify token (shown once): {verify}", highlight=False
                )
                return
            if kind == "x":
                info, line = add_x_channel(
                    name,
                    user_token=values["user_token"],
                    bearer_token=values.get("bearer_token"),
                    consumer_secret=values.get("consumer_secret"),
                    mode=values.get("mode") or mode or "polling",
                    brand_keywords=brand_keywords,
                    unrestricted_replies=flag.get(values.get("unrestricted_replies", "false").lower(), False),
                    api_base=api_base or values.get("api_base"),
                    **common,
                )
                console.print(f"x channel {info.name}: {line}", highlight=False)
                if info.settings.get("mode") == "webhook":
                    console.print(
                        f"register <your https URL>/hooks/x/{info.name} as the webhook (the desk answers the CRC)", highlight=False
                    )
                return
            info, line = add_google_reviews_channel(
                name,
                account_id=values.get("account_id", ""),
                location_id=values.get("location_id", ""),
                access_token=values.get("access_token"),
                refresh_token=values.get("refresh_token"),
                client_id=values.get("client_id"),
                client_secret=values.get("client_secret"),
                token_url=values.get("token_url"),
                api_base=api_base or values.get("api_base"),
                location_name=values.get("location_name"),
                **common,
            )
            console.print(f"google_reviews channel {info.name}: {line}; the worker reads new reviews", highlight=False)
    finally:
        services.close()
