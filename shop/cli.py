"""`flask --app shop <command>`: everything an operator runs."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the project's commands to the app's CLI group."""
