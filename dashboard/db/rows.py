"""Column reads through the session's connection, for the statements a view runs on every
request.

``Session.execute`` hands a statement to the ORM, which sets up its loading machinery even
when the statement selects plain columns, and no entity comes back: a quarter of a
millisecond a statement, a good part of a progress view's thirteen. Built once per process
with bind parameters (``functools.cache``), and run here on the session's own connection,
a statement costs the driver's round trip and little more.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from psycopg.rows import namedtuple_row
from sqlalchemy import (
    BindParameter,
    Integer,
    Row,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

READ_ONLY = "read_only"  # in Session.info: a session of Database.read()


class ReadOnlySession(RuntimeError):
    """Something tried to write through ``Database.read()``."""


def _writable_connection(session: Session) -> Any:
    """The session's connection for a plain write. A read session refuses it here: on
    PostgreSQL it runs in autocommit, so the row would be stored at once, where the ORM's
    writes are refused at their flush (engine.py)."""
    if session.info.get(READ_ONLY):
        raise ReadOnlySession("a read session may not write: use Database.begin()")
    return session.connection()


def column_rows(session: Session, statement: Executable,
                params: Mapping[str, Any]) -> Sequence[Row[*tuple[Any, ...]]]:
    """The rows of a select of columns, as ``session.execute(...).all()`` gives them; what
    the session holds unflushed is flushed first, as the ORM's autoflush would."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, params).all()


def column_rows_together(session: Session,
                         statements: Sequence[tuple[Executable, Mapping[str, Any]]]
                         ) -> list[Sequence[Any]]:
    """Statements run one after the other in this transaction, each as ``column_rows``
    runs one, and the rows of each (none for a statement that returns none). On PostgreSQL
    they are sent together (psycopg's pipeline mode): one round trip where each took one.
    The server still runs them in the order given, each seeing what those before it did:
    at READ COMMITTED each statement takes its snapshot as it starts, so a lock taken by
    one is held when the next reads.

    The rows are named tuples of the values as the driver reads them, for columns and
    parameters of types it reads and writes as they are (dates, numbers, text, arrays of
    them); not for a TypeDecorator's, whose processing this leaves out. An error comes as
    the driver's exception, and the transaction is rolled back as on any other."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        # Each one's rows read before the next runs (SQLite steps a SELECT lazily: read
        # later, its rows could show a later statement's write).
        return [result.all() if result.returns_rows else []
                for result in (connection.execute(statement, params)
                               for statement, params in statements)]
    driver = connection.connection.driver_connection
    assert driver is not None
    cursors = []
    try:
        with driver.pipeline():
            for statement, params in statements:
                state = _compiled(statement, connection.dialect).construct_expanded_state(
                    params)
                # Rows with the columns' names, as SQLAlchemy's rows have them.
                cursor = driver.cursor(row_factory=namedtuple_row)
                cursors.append(cursor)
                cursor.execute(state.statement, state.parameters)
        return [cursor.fetchall() if cursor.description else [] for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


@functools.lru_cache(maxsize=256)
def _compiled(statement: Executable, dialect: Any) -> Any:
    """A statement's SQL for a dialect, compiled once per process: the statements passed to
    ``column_rows_together`` are built once per process (``functools.cache``) and reused;
    bounded, so that one built afresh on every call cannot fill the memory."""
    return statement.compile(dialect=dialect)  # type: ignore[attr-defined]


def episode_param() -> BindParameter[int]:
    """The episode as the parameter ``episode_id`` of a statement built once per process."""
    return bindparam("episode_id", type_=Integer)


def insert_rows(session: Session, rows: Mapping[Any, Sequence[Mapping[str, Any]]]) -> None:
    """Plain rows inserted into several tables (by model; rows of one table have the same
    keys), through the session's connection: for rows no one loads as objects in this
    transaction, without the unit of work's bookkeeping. On PostgreSQL, every table's rows
    in one statement (each table's columns as arrays, unnested; a data-modifying WITH runs
    each part to its end): one round trip where a statement per table, each executed once
    per row, took several. Elsewhere, one executemany per table."""
    present = {model.__table__: list(values) for model, values in rows.items() if values}
    if not present:
        return
    connection = _writable_connection(session)
    if connection.dialect.name != "postgresql":
        for table, values in present.items():
            connection.execute(insert(table), values)
        return
    shape = tuple((table, tuple(values[0])) for table, values in present.items())
    connection.execute(_unnest_insert(shape), {
        _column_param(table, column): [row[column] for row in present[table]]
        for table, columns in shape for column in columns})


def insert_with_children(session: Session, parent: Any, values: Mapping[str, Any],
                         children: Mapping[Any, Sequence[Mapping[str, Any]]], *,
                         foreign_key: str) -> int:
    """A row inserted into ``parent``'s table, and ``children``'s rows (by model) that point
    at it through their column ``foreign_key``, left out of their rows; returns the new
    row's id. On PostgreSQL in one statement (the children's inserts read the new id from
    the parent's, in a data-modifying WITH): one round trip where the unit of work's flush
    and ``insert_rows`` took two. Elsewhere an INSERT ... RETURNING, then ``insert_rows``.
    Plain SQL, as ``insert_rows``: what the ORM would do on flush (events, defaults) is the
    caller's to do."""
    present = {model.__table__: list(rows) for model, rows in children.items() if rows}
    table: Table = parent.__table__
    connection = _writable_connection(session)
    if connection.dialect.name != "postgresql":
        new_id = connection.execute(insert(table).values(dict(values))
                                    .returning(table.c.id)).scalar_one()
        insert_rows(session, {model: [{foreign_key: new_id, **row} for row in rows]
                              for model, rows in children.items()})
        return int(new_id)
    shape = tuple((child, tuple(rows[0])) for child, rows in present.items())
    statement = _insert_with_children(table, tuple(values), shape, foreign_key)
    return int(connection.execute(statement, {
        **{_column_param(table, column): value for column, value in values.items()},
        **{_column_param(child, column): [row[column] for row in present[child]]
           for child, columns in shape for column in columns}}).scalar_one())


@functools.cache
def _insert_with_children(table: Table, columns: tuple[str, ...],
                          shape: tuple[tuple[Table, tuple[str, ...]], ...],
                          foreign_key: str) -> Executable:
    """``insert_with_children``'s statement on PostgreSQL, built once per process."""
    new_row = (insert(table).values({c: bindparam(_column_param(table, c), type_=table.c[c].type)
                                     for c in columns})
               .returning(table.c.id).cte("new_row"))
    inserts = []
    for n, (child, child_columns) in enumerate(shape):
        arrays = [bindparam(_column_param(child, c), type_=_array_of(child.c[c]))
                  for c in child_columns]
        rows = func.unnest(*arrays).table_valued(*child_columns).render_derived("child_rows")
        inserts.append(insert(child).from_select(
            [foreign_key, *child_columns],
            select(new_row.c.id, *(rows.c[c] for c in child_columns))
            .select_from(new_row).join(rows, true())).cte(f"insert_{n}"))
    return select(new_row.c.id).add_cte(*inserts)


def _array_of(column: Any) -> ARRAY[Any]:
    """An array of a column's type for a parameter, without a string's length: PostgreSQL
    cuts a string cast to VARCHAR(n) to n characters without a word, where the column
    itself refuses it."""
    item = column.type
    return ARRAY(String() if isinstance(item, String) and item.length else item)


def _column_param(table: Table, column: str) -> str:
    return f"{table.name}__{column}"


@functools.cache
def _unnest_insert(shape: tuple[tuple[Table, tuple[str, ...]], ...]) -> Executable:
    """``insert_rows``'s statement for these tables and columns, built once per process."""
    inserts = [insert(table).from_select(list(columns), select(text("*")).select_from(
        func.unnest(*(bindparam(_column_param(table, c), type_=_array_of(table.c[c]))
                      for c in columns))))
               for table, columns in shape]
    *first, last = inserts
    return last.add_cte(*(statement.cte(f"insert_{n}") for n, statement in enumerate(first)))
