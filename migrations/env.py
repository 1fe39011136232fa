"""Alembic environment: runs against the app's own database (Flask-Migrate passes it in)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the app's own loggers: by default fileConfig disables every logger it does not name,
# so after a migration run inside the app's process (the backup restore, the tests) a
# defect in a view would no longer be logged.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url",
    db.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)


def run_migrations_offline():
    """Emit SQL to stdout instead of running it (``flask db upgrade --sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def keep_in_comparison(obj, name, type_, reflected, compare_to):
    """Autogenerate leaves out client search's text index (models/client_search.py): an FTS
    table and its shadow tables on SQLite, trigram indexes on PostgreSQL, which the models
    create with DDL rather than describe."""
    return not (name or "").startswith("client_search")


def run_migrations_online():
    """Run the migrations on a live connection."""

    def skip_empty(context, revision, directives):
        # `flask db migrate` with no change should not write an empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty)
    conf_args.setdefault("include_object", keep_in_comparison)

    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_on_sqlite(connection, conf_args)
        else:
            # An index on millions of rows may take longer than the app's statement timeout
            # (app.py); a migration runs to its end.
            connection.exec_driver_sql("SET statement_timeout = 0")
            connection.commit()
            context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()


def _run_on_sqlite(connection, conf_args):
    """Run the migrations in one transaction with foreign keys off, then check them.

    Alembic changes an SQLite table by copying it into a new one and dropping the old one.
    With foreign keys on (the app turns them on for every connection) that drop deletes the
    old table's rows first, and so every row of a child table declared ON DELETE CASCADE
    (SQLite's own procedure for such changes turns them off, see "Making Other Kinds Of Table
    Schema Changes" in its ALTER TABLE page). ``PRAGMA foreign_keys`` is ignored inside a
    transaction, so it is set before ours begins; the check at the end refuses a migration
    that leaves a row pointing at nothing, and the rollback then undoes all of it.
    """
    # The driver opens transactions only before INSERT/UPDATE/DELETE and so would run the
    # DDL outside any; take over (the pool restores the driver's mode when the connection
    # goes back).
    connection.execution_options(isolation_level="AUTOCOMMIT")
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError("SQLite tidak mematikan foreign key untuk migrasi.")
        connection.exec_driver_sql("BEGIN")
        # Configured inside our transaction, Alembic leaves committing to us.
        context.configure(connection=connection, target_metadata=db.metadata,
                          transactional_ddl=True, **conf_args)
        try:
            migration = context.get_context()
            start = migration.get_current_heads()
            context.run_migrations()
            # Checked when a step ran (not on every `flask init-db` at head): the check reads
            # every child table.
            ran = migration.get_current_heads() != start
            broken = ran and connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                # Operators read this at the command line, in the console's language.
                raise RuntimeError(
                    "Migrasi dibatalkan, tidak ada yang diubah: baris merujuk ke baris yang "
                    "tidak ada (tabel, rowid, tabel rujukan): "
                    f"{[tuple(row[:3]) for row in broken[:10]]}"
                )
        except BaseException:
            if connection.connection.driver_connection.in_transaction:
                connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
