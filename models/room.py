"""Dormitories and group homes where clients live (pengasramaan)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import TimestampMixin, VersionMixin, check_in, db
from .choices import GROUP_HOME_MAX, ROOM_KINDS, ROOM_SEXES


class Room(VersionMixin, TimestampMixin, db.Model):
    """A dormitory room or a group home (rumah kelompok, at most five people)."""

    __tablename__ = "room"
    __table_args__ = (
        check_in("kind", "kind", ROOM_KINDS.codes),
        check_in("sex", "sex", ROOM_SEXES.codes),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            f"kind <> 'group_home' OR capacity <= {GROUP_HOME_MAX}", name="group_home_size"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="dormitory")
    sex: Mapped[str] = mapped_column(String(1), default="L")
    capacity: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(255))

    def __str__(self) -> str:
        return self.name
