"""Database handle, declarative base and shared column helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, ClassVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, DateTime, Integer, MetaData, event, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column

# Named constraints make Alembic migrations deterministic on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Timezone-aware now, used as a callable column default."""
    return datetime.now(timezone.utc)


class TimestampMixin:
    """Creation and last-change times of a row."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class VersionMixin:
    """A counter of the row's changes (use with TimestampMixin), so an edit made from an
    outdated reading is refused instead of silently undoing someone else's save.

    Every UPDATE adds ``WHERE row_version = <the version read>`` and increments it; when another
    transaction changed the row in between, nothing matches and SQLAlchemy raises
    StaleDataError. A child row naming its parent in ``__version_parent__`` (a plan's goals)
    counts as part of the parent: adding, changing or removing it bumps the parent's version,
    and so does a change of one of the record's many-to-many lists (a KK's attendees).
    """

    __version_parent__: ClassVar[str | None] = None

    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.row_version}


def _touch(record: Any) -> None:
    # An UPDATE of the row is what increments its version; updated_at is the honest column
    # to write when only its children or its lists changed.
    record.updated_at = utcnow()


def _lists_changed(record: Any) -> bool:
    state = inspect(record)
    return any(state.attrs[rel.key].history.has_changes()
               for rel in state.mapper.relationships if rel.secondary is not None)


@event.listens_for(Session, "before_flush")
def _bump_parent_versions(session: Session, _flush_context, _instances) -> None:
    """Give a record a new version when only its child rows or many-to-many lists changed
    (those changes do not UPDATE the record's own row)."""
    new, dirty, deleted = session.new, session.dirty, session.deleted  # each a fresh set
    touched: set[int] = set()
    for obj in (*new, *dirty, *deleted):
        if not isinstance(obj, VersionMixin):
            continue
        if obj in dirty and id(obj) not in touched and _lists_changed(obj):
            touched.add(id(obj))
            _touch(obj)
        if obj.__version_parent__ is None:
            continue
        if obj in dirty and not session.is_modified(obj, include_collections=False):
            continue
        parent = getattr(obj, obj.__version_parent__)
        if (parent is not None and id(parent) not in touched
                and parent not in new and parent not in deleted):
            touched.add(id(parent))
            _touch(parent)


def check_in(name: str, column: str, codes: Iterable[str], nullable: bool = False):
    """A CHECK constraint limiting ``column`` to ``codes`` (the database keeps the vocabulary)."""
    listed = ", ".join(f"'{code}'" for code in codes)
    expr = f"{column} IN ({listed})"
    if nullable:
        expr = f"{column} IS NULL OR {expr}"
    return CheckConstraint(expr, name=name)


def check_order(name: str, first: str, last: str, strict: bool = False):
    """A CHECK constraint: ``last`` is not before ``first`` (either may be empty)."""
    op = ">" if strict else ">="
    return CheckConstraint(
        f"{first} IS NULL OR {last} IS NULL OR {last} {op} {first}", name=name
    )
