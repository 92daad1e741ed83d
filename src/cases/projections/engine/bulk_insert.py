"""Inserting a batch's rows fast, each value converted as SQLAlchemy would convert it: through the driver's
executemany on SQLite, and through COPY on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from psycopg.sql import SQL, Identifier
from sqlalchemy import Connection, Date, Table, insert


class _BulkInsert:
    """Many rows at once, each value converted by its column type's own bind processor: what SQLAlchemy does for
    each row, without its per-row statement machinery (a third of a rebuild's time went there on SQLite). On
    PostgreSQL, COPY: an INSERT per row made the batch wait on the server for each (two fifths of a rebuild)."""

    def __init__(self, table: Table, dialect: Any) -> None:
        columns = {c.key: c for c in table.columns}
        if dialect.name == "sqlite":
            compiled = insert(table).compile(dialect=dialect)
            self.sql: Any = str(compiled)
            names = [compiled.binds[name].key for name in compiled.positiontup]  # type: ignore[union-attr]
        else:
            names = list(columns)
            self.sql = SQL("COPY {} ({}) FROM STDIN").format(Identifier(table.name), SQL(", ").join(map(Identifier, names)))
        self.getter = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        processors = [_bind_processor(columns[name].type, dialect) for name in names]
        self.converted = [(i, p) for i, p in enumerate(processors) if p is not None]

    def values(self, row: dict[str, Any]) -> Sequence[Any]:
        values = self.getter(row)
        if not self.converted:
            return values
        values = list(values)
        for i, convert in self.converted:
            values[i] = convert(values[i])
        return tuple(values)

    def write(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(self.sql, [self.values(row) for row in rows])
            return
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(self.sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(self.values(row))


def _bind_processor(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column type's bind processor; for a date on SQLite, `date.isoformat` first, which writes the same text
    (YYYY-MM-DD) as SQLAlchemy's own DATE processor at a fraction of its cost (anything but a plain date, a
    datetime say, still goes to SQLAlchemy's)."""
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if type(column_type) is not Date or dialect.name != "sqlite" or processor is None:
        return processor

    def date_text(value: Any) -> Any:
        return value.isoformat() if type(value) is date else processor(value)

    return date_text


_BULK_INSERTS: dict[Table, _BulkInsert] = {}


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that name every column (else, and on a driver other than pysqlite and psycopg, through
    SQLAlchemy's own executemany, which fills in defaults)."""
    if conn.dialect.driver not in ("pysqlite", "psycopg") or any(len(row) != len(table.columns) for row in rows):
        conn.execute(insert(table), rows)
        return
    bulk = _BULK_INSERTS.get(table)
    if bulk is None:
        bulk = _BULK_INSERTS[table] = _BulkInsert(table, conn.dialect)
    bulk.write(conn, rows)
