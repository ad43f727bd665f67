"""The unit of work: one transaction, rolled back unless ``commit()`` is called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from otklik.domain.sla import SlaConfig
from otklik.store.engine import is_sqlite
from otklik.store.repositories import (
    AgentRepository,
    ConversationRepository,
    EventRepository,
    ItemRepository,
    OutboxRepository,
    ReplyCheckRepository,
    ReplyRepository,
    SourceRepository,
    TeamRepository,
    TokenRepository,
)


class SqlUnitOfWork:
    """A transaction with the repositories bound to it.

    ``write=True`` takes SQLite's write lock at BEGIN (``BEGIN IMMEDIATE``), so a writer
    never fails half-way on a lock upgrade; reads use a plain deferred BEGIN.
    """

    def __init__(self, engine: Engine, *, write: bool = True, sla: SlaConfig | None = None):
        self._engine = engine
        self._write = write
        self.sla = sla or SlaConfig()  # the clocks conversations run on when saved
        self._connection: Connection | None = None
        self._committed = False

    def __enter__(self) -> SqlUnitOfWork:
        connection = self._engine.connect()
        if is_sqlite(self._engine):
            connection = connection.execution_options(sqlite_begin="IMMEDIATE" if self._write else "DEFERRED")
        connection.begin()
        self._connection = connection
        self._committed = False
        self.items = ItemRepository(connection)
        self.conversations = ConversationRepository(connection, self.sla)
        self.replies = ReplyRepository(connection)
        self.reply_checks = ReplyCheckRepository(connection)
        self.outbox = OutboxRepository(connection)
        self.events = EventRepository(connection)
        self.agents = AgentRepository(connection)
        self.teams = TeamRepository(connection)
        self.tokens = TokenRepository(connection)
        self.sources = SourceRepository(connection)
        return self

    @property
    def connection(self) -> Connection:
        """The connection of the open transaction (for read-side queries)."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        return self._connection

    def commit(self) -> None:
        """Make the transaction's changes durable."""
        self.connection.commit()
        self._committed = True

    def rollback(self) -> None:
        """Throw the transaction's changes away."""
        self.connection.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self._connection
        self._connection = None
        if connection is None:
            return
        try:
            if not self._committed:
                connection.rollback()
        finally:
            connection.close()
