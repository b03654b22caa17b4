"""Column reads through the session's connection, for the statements a view runs on every
request.

``Session.execute`` hands a statement to the ORM, which sets up its loading machinery even
when the statement selects plain columns, and no entity comes back: a quarter of a
millisecond a statement, a good part of a progress view's thirteen. Built once per process
with bind parameters (``functools.cache``), and run here on the session's own connection,
a statement costs the driver's round trip and little more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import BindParameter, Integer, Row, bindparam
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
