"""Command-line tasks: schema, demo data, accounts (``flask --help`` lists them)."""

from __future__ import annotations

from flask import Flask

from .backup_commands import backup_command, restore_command
from .commands import create_user, generate_sessions_command, init_db, seed_demo


def register_commands(app: Flask) -> None:
    """Attach the console's commands to ``app``."""
    for command in (init_db, seed_demo, generate_sessions_command, create_user, backup_command,
                    restore_command):
        app.cli.add_command(command)
