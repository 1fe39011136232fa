"""Settings an institution edits itself (texts printed on its documents)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import TimestampMixin, VersionMixin, db


class Setting(VersionMixin, TimestampMixin, db.Model):
    """One named setting; the known names and their defaults are in services/settings.py."""

    __tablename__ = "setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    value: Mapped[str] = mapped_column(Text)

    def __str__(self) -> str:
        return self.key
