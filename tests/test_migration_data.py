"""Migrations keep every row: a populated database survives every upgrade and round trip.

The database is filled at the first revision with a few rows in every table, then upgraded one
revision at a time to head. Each step must keep every row of every table (same count, same
values in the columns that exist before and after), and a downgrade to the previous revision
followed by the upgrade again must keep them too. The tables a step creates get rows of their
own before the next step, so each later migration runs over them.

Nothing here names a table or a revision: the rows are built from the reflected schema (its
foreign keys, CHECK and unique constraints) and the steps are read from the Alembic scripts,
so a new migration or a new table is covered without touching this file. Runs on SQLite
always and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import functools
import itertools
import operator
import os
import re
import shutil
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import NamedTuple

import pytest
from alembic import command
from alembic.script import Script, ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Engine,
    Enum,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from app import create_app
from models import db
from models.client_search import is_search_object

ROWS_PER_TABLE = 3
# Bound on insert attempts for one row: a schema whose constraints the builder cannot meet
# fails with a message instead of looping.
MAX_ATTEMPTS = 2000
BASE_DATE = date(2026, 1, 5)
LITERAL = re.compile(r"'((?:[^']|'')*)'")


# --- where the test database lives -------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database: an SQLite file, or a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL variant: TEST_DATABASE_URL is not set (the suite runs on SQLite)")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"migration_data_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def migrated_app(database_url):
    """An app on that database, inside its app context (nothing migrated yet)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # No fsync per commit: the test commits each attempted row on its own.
            event.listen(db.engine, "connect", _no_sync)
        yield app
        db.engine.dispose()


def _no_sync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def revision_chain() -> list[Script]:
    """Every migration from the first to head, in the order an upgrade applies them."""
    scripts = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    heads = scripts.get_heads()
    assert len(heads) == 1, f"the migrations have several heads {heads}: merge them"
    return list(reversed(list(scripts.walk_revisions("base", "heads"))))


# --- building rows from the schema -------------------------------------------------------

def _bare(sql: str) -> str:
    """The SQL of a constraint without its string literals (they may contain column names)."""
    return LITERAL.sub("''", sql)


def _mentions(table: Table, sql: str) -> list[str]:
    bare = _bare(sql)
    return [c.name for c in table.columns if re.search(rf"\b{re.escape(c.name)}\b", bare)]


@functools.cache
def _checks(table: Table) -> dict[str, tuple[list[str], list[str]]]:
    """Each CHECK of ``table`` by name: the columns it involves and its string literals."""
    found = {}
    for check in table.constraints:
        if isinstance(check, CheckConstraint):
            sql = str(check.sqltext)
            literals = [m.replace("''", "'") for m in LITERAL.findall(sql) if m]
            found[check.name] = (_mentions(table, sql), literals)
    return found


def _check_literals(table: Table, column: str) -> tuple[list[str], list[str]]:
    """String literals of the CHECKs on ``column``: those of checks on it alone (its allowed
    values, whatever the engine wrote them as) and those of checks shared with others."""
    own: list[str] = []
    shared: list[str] = []
    for mentioned, literals in _checks(table).values():
        if column in mentioned:
            (own if mentioned == [column] else shared).extend(literals)
    return own, shared


def _rotate(values: list, i: int) -> list:
    if not values:
        return []
    i %= len(values)
    return values[i:] + values[:i]


def _unique(values: Iterable) -> list:
    seen: list = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _candidates(conn, table: Table, column, i: int) -> list:
    """Values to try for ``column`` in the ``i``-th row, the likeliest first (NULL last)."""
    values: list = []
    ctype = column.type
    fk = next(iter(column.foreign_keys), None)
    if fk is not None:
        parent = fk.column
        values = _rotate(list(conn.execute(select(parent).order_by(parent)).scalars()), i)
    elif isinstance(ctype, Enum):
        values = _rotate(list(ctype.enums), i)
    elif isinstance(ctype, JSON):
        values = [{"row": i, "table": table.name}]
    elif isinstance(ctype, LargeBinary):
        values = [f"{table.name}-{i}".encode()]
    else:
        try:
            kind = ctype.python_type
        except NotImplementedError:
            kind = None
        if kind is str:
            length = getattr(ctype, "length", None) or 200
            own, shared = _check_literals(table, column.name)
            digits = (str(i + 1) + "1" * length)[:length]
            sample = f"r{i} {table.name}.{column.name}"[:length]
            values = [v for v in _rotate(_unique(own), i) + shared + [sample, digits]
                      if len(v) <= length]
        elif kind is bool:
            values = [i % 2 == 0, i % 2 == 1]
        elif kind is int:
            values = [i + 1, 1]
        elif kind in (float, Decimal):
            values = [kind(i + 1), kind(1)]
        elif kind is datetime:
            values = [datetime(2026, 1, 1, 9, 30, tzinfo=timezone.utc) + timedelta(days=i)]
        elif kind is date:
            values = [BASE_DATE + timedelta(days=i), BASE_DATE + timedelta(days=40 + i)]
        elif kind is time:
            values = [time(8, i), time(13, i)]
        elif kind is timedelta:
            values = [timedelta(minutes=i + 1)]
    if column.nullable:
        values.append(None)
    return _unique(values)


def _culprit(table: Table, error: IntegrityError) -> tuple[str, list[str]]:
    """The constraint a refused insert broke and the columns it involves."""
    orig = error.orig
    diag = getattr(orig, "diag", None)  # PostgreSQL names the constraint or the column
    if diag is not None and diag.constraint_name:
        name = diag.constraint_name
        for constraint in list(table.constraints) + list(table.indexes):
            if constraint.name == name:
                if isinstance(constraint, CheckConstraint):
                    return name, _checks(table)[name][0]
                return name, [c.name for c in constraint.columns]
    if diag is not None and diag.column_name:
        return f"not null {diag.column_name}", [diag.column_name]
    message = str(orig)
    if match := re.search(r"CHECK constraint failed: (\w+)", message):
        name = match.group(1)
        if name in _checks(table):
            return name, _checks(table)[name][0]
    if match := re.search(r"(UNIQUE|NOT NULL) constraint failed: ([\w., ]+)", message):
        columns = [part.strip().split(".")[-1] for part in match.group(2).split(",")]
        return match.group(0), columns
    if "FOREIGN KEY" in message.upper():
        return "foreign key", [c.name for c in table.columns if c.foreign_keys]
    raise AssertionError(f"{table.name}: cannot tell which constraint refused a row: {message}")


def _try_insert(engine: Engine, table: Table, row: dict) -> IntegrityError | None:
    try:
        with engine.begin() as conn:
            conn.execute(insert(table).values(row))
    except IntegrityError as exc:
        return exc
    return None


def _generated_key(table: Table, column) -> bool:
    """The table's own integer id, left to the database."""
    return (column.primary_key and len(table.primary_key.columns) == 1
            and isinstance(column.type, Integer) and not column.foreign_keys)


def insert_row(engine: Engine, table: Table, i: int) -> None:
    """Insert one row that every constraint of ``table`` accepts, most columns filled.

    Starts from each column's first candidate; when the database refuses the row, it tries
    the other candidates of the columns of the broken constraint until one is accepted.
    """
    with engine.connect() as conn:
        candidates = {c.name: _candidates(conn, table, c, i) for c in table.columns
                      if not _generated_key(table, c)}
    empty = [name for name, values in candidates.items() if not values]
    assert not empty, f"{table.name}: no sample value for {empty} (teach _candidates the type)"
    row = {name: values[0] for name, values in candidates.items()}
    tried = {repr(row)}
    error = _try_insert(engine, table, row)
    while error is not None:
        broken, columns = _culprit(table, error)
        columns = [c for c in columns if c in candidates]
        assert columns, f"{table.name}: {broken} refuses the row and names no column to vary"
        current = tuple(row[c] for c in columns)
        # Fewest changed columns first: the row keeps as much of what passed as it can.
        combos = sorted(itertools.product(*(candidates[c] for c in columns)),
                        key=lambda combo: sum(map(operator.ne, combo, current)))
        for combo in combos:
            trial = {**row, **dict(zip(columns, combo, strict=True))}
            if repr(trial) in tried:
                continue
            tried.add(repr(trial))
            assert len(tried) <= MAX_ATTEMPTS, f"{table.name}: no row satisfies its constraints"
            found = _try_insert(engine, table, trial)
            if found is None:
                return
            if _culprit(table, found)[0] != broken:
                row, error = trial, found  # this constraint holds now: mend the next one
                break
        else:
            raise AssertionError(
                f"{table.name}: no candidate values of {columns} satisfy {broken}: {error.orig}"
            )


def fill(engine: Engine, tables: Iterable[str]) -> None:
    """A few more rows in each of ``tables``, parents before children."""
    wanted = set(tables)
    metadata = MetaData()
    metadata.reflect(bind=engine, only=list(wanted))  # and the tables they refer to
    # A new row may need a new parent (a unique reference, such as a client's register
    # number): the tables referred to get rows too, parents of parents included.
    for table in reversed(metadata.sorted_tables):
        if table.name in wanted:
            wanted |= {fk.column.table.name for fk in table.foreign_keys}
    for table in metadata.sorted_tables:
        if table.name in wanted:
            with engine.connect() as conn:
                present = conn.execute(select(func.count()).select_from(table)).scalar_one()
            # Numbered after the rows already there, so unique values stay unique.
            for i in range(present, present + ROWS_PER_TABLE):
                insert_row(engine, table, i)


# --- comparing ---------------------------------------------------------------------------

class TableRows(NamedTuple):
    """A table's rows as stored, its column names and its primary key."""

    pk: list[str]
    columns: list[str]
    rows: list[tuple]


def snapshot(engine: Engine) -> dict[str, TableRows]:
    """Every row of every table but Alembic's own and client search's text index (derived
    from the clients; tests/test_client_search.py checks it after the migrations)."""
    result = {}
    with engine.connect() as conn:
        inspector = inspect(conn)
        quote = conn.dialect.identifier_preparer.quote
        for name in inspector.get_table_names():
            if name == "alembic_version" or is_search_object(name):
                continue
            pk = inspector.get_pk_constraint(name)["constrained_columns"]
            found = conn.exec_driver_sql(f"SELECT * FROM {quote(name)}")
            result[name] = TableRows(pk, list(found.keys()), [tuple(r) for r in found])
    return result


def _projected(table: TableRows, columns: list[str]) -> list[tuple]:
    at = [table.columns.index(c) for c in columns]
    return sorted((tuple(row[i] for i in at) for row in table.rows), key=repr)


def assert_rows_kept(before: dict[str, TableRows], after: dict[str, TableRows], step: str,
                     through: dict[str, TableRows] | None = None,
                     rewritten: dict[str, list[str]] | None = None) -> None:
    """Every table of ``before`` is in ``after`` with as many rows, holding the same values
    in the columns both have (and ``through`` has, when the rows went through it), but for
    the ``rewritten`` columns of each table."""
    rewritten = rewritten or {}
    for name, old in before.items():
        if through is not None and name not in through:
            continue  # a table the step itself creates: going back before it drops it
        assert name in after, f"{step}: table {name} with {len(old.rows)} rows is gone"
        new = after[name]
        assert len(new.rows) == len(old.rows), (
            f"{step}: {name} had {len(old.rows)} rows, now {len(new.rows)}"
        )
        shared = [c for c in old.columns if c in new.columns
                  and (through is None or c in through[name].columns)
                  and c not in rewritten.get(name, ())]
        changed = [
            {c: (a, b) for c, a, b in zip(shared, o, n, strict=True) if a != b}
            for o, n in zip(_projected(old, shared), _projected(new, shared), strict=True)
            if o != n
        ]
        assert not changed, f"{step}: values of {name} changed (before, after): {changed[:3]}"


def _grown(before: dict[str, TableRows], after: dict[str, TableRows]) -> set[str]:
    """Tables ``after`` has that ``before`` had not, or has with more columns."""
    return {name for name, table in after.items()
            if name not in before or set(table.columns) - set(before[name].columns)}


# --- the tests ---------------------------------------------------------------------------

@pytest.mark.cpu_budget(20)  # 17 migrations, each up, down and up again over a filled database
def test_every_migration_keeps_every_row(migrated_app):
    engine = db.engine
    chain = revision_chain()
    upgrade(revision=chain[0].revision)
    fill(engine, snapshot(engine))
    for previous, script in itertools.pairwise(chain):
        revision = script.revision
        before = snapshot(engine)
        upgrade(revision=revision)
        after = snapshot(engine)
        # A migration that converts values on purpose names them (see docs/migrations.md).
        rewritten = getattr(script.module, "REWRITTEN_COLUMNS", None)
        assert_rows_kept(before, after, f"upgrade {previous.revision} -> {revision}",
                         rewritten=rewritten)

        downgrade(revision="-1")
        assert_rows_kept(before, snapshot(engine), f"downgrade {revision} -> {previous.revision}")
        upgrade(revision=revision)
        again = snapshot(engine)
        assert_rows_kept(after, again, f"downgrade and upgrade again to {revision}",
                         through=before)

        # New tables get rows, and so do tables with new columns (with those filled in), so
        # that the next migrations run over them too.
        fill(engine, _grown(before, again))

    final = snapshot(engine)
    empty = [name for name, table in final.items() if len(table.rows) < ROWS_PER_TABLE]
    assert not empty, f"tables the test left (nearly) empty: {empty}"
    if engine.dialect.name == "sqlite":  # client search's index holds every client as stored
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO client_search(client_search, rank) VALUES ('integrity-check', 1)")


DANGLING = '''"""a step that leaves a row pointing at nothing"""
from alembic import op
import sqlalchemy as sa

revision = "zz_dangling"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("probe", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO conference_client (conference_id, client_id) VALUES (999, 999)")


def downgrade():
    op.drop_table("probe")
'''


def test_sqlite_refuses_a_migration_that_leaves_a_dangling_reference(tmp_path):
    """Foreign keys are off while migrating on SQLite, so the check at the end is what stops
    a step that breaks them; it undoes the whole step and leaves every connection with
    foreign keys on."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dangling.db'}"})
    with app.app_context():
        upgrade()
        head = revision_chain()[-1].revision
        scripts = tmp_path / "migrations"
        shutil.copytree(current_app.extensions["migrate"].directory, scripts,
                        ignore=shutil.ignore_patterns("__pycache__"))
        (scripts / "versions" / "zz_dangling.py").write_text(DANGLING.format(head=head))
        config = current_app.extensions["migrate"].migrate.get_config(str(scripts))

        with pytest.raises(RuntimeError, match=r"Migrasi dibatalkan.*'conference_client'"):
            command.upgrade(config, "head")

        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
            assert "probe" not in inspect(conn).get_table_names()
            assert conn.execute(text("SELECT count(*) FROM conference_client")).scalar() == 0
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            # ... and back in the driver's own transaction mode, not in autocommit.
            assert conn.connection.driver_connection.isolation_level is not None
        db.engine.dispose()
