"""`flask --app shop <command>`: everything an operator runs."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the project's commands to the app's CLI group."""
    from shop.dev.demo import seed_demo_command
    from shop.dev.server import dev_command
    from shop.operator.commands import create_operator_command
    from shop.shops.restore import after_restore_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(dev_command)
    app.cli.add_command(create_operator_command)
    app.cli.add_command(after_restore_command)
