"""CLI commands (filled in by a later step)."""

from flask import Flask


def register(app: Flask) -> None:
    pass
