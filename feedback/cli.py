"""Foundation CLI commands: create-user and demo."""

import click
from flask import Flask


def register(app: Flask) -> None:
    pass
