"""Database handle, declarative base and shared column helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
