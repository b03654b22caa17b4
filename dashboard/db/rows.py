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

from sqlalchemy import BindParameter, Integer, Row, Table, bindparam, func, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


def column_rows(session: Session, statement: Executable,
                params: Mapping[str, Any]) -> Sequence[Row[*tuple[Any, ...]]]:
    """The rows of a select of columns, as ``session.execute(...).all()`` gives them; what
    the session holds unflushed is flushed first, as the ORM's autoflush would."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, params).all()


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
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for table, values in present.items():
            connection.execute(insert(table), values)
        return
    shape = tuple((table, tuple(values[0])) for table, values in present.items())
    connection.execute(_unnest_insert(shape), {
        _array_param(table, column): [row[column] for row in present[table]]
        for table, columns in shape for column in columns})


def _array_param(table: Table, column: str) -> str:
    return f"{table.name}__{column}"


@functools.cache
def _unnest_insert(shape: tuple[tuple[Table, tuple[str, ...]], ...]) -> Executable:
    """``insert_rows``'s statement for these tables and columns, built once per process."""
    inserts = [insert(table).from_select(list(columns), select(text("*")).select_from(
        func.unnest(*(bindparam(_array_param(table, c), type_=ARRAY(table.c[c].type))
                      for c in columns))))
               for table, columns in shape]
    *first, last = inserts
    return last.add_cte(*(statement.cte(f"insert_{n}") for n, statement in enumerate(first)))
