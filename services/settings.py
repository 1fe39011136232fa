"""Settings an institution edits itself in *Pengaturan*: each known setting once, with its
label, its default and the check of a new value; a setting never saved reads its default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from models import Setting, db


@dataclass(frozen=True)
class Known:
    """A setting the console reads: its key, label, default, and ``check`` — the refusal of
    a value (None when the value is good)."""

    key: str
    label: Any
    default: str
    check: Callable[[str], str | None] = lambda _value: None


def known() -> dict[str, Known]:
    """Every known setting by key, in the order *Pengaturan* lists them."""
    # Each module owns its setting's words and default; imported here, not at the top, as
    # those modules read their settings through this one.
    from . import aftercare, contracts

    return {entry.key: entry for entry in (contracts.RIGHTS_SETTING, aftercare.OFFSETS_SETTING)}


def setting(key: str) -> str:
    """The stored value of ``key``, or its default when never saved."""
    stored = db.session.scalar(select(Setting.value).where(Setting.key == key))
    return stored if stored is not None else known()[key].default
