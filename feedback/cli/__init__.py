"""CLI: the `flask` commands, one module per domain, registered in one place.

May import: domain packages, models and platform modules; never the web layer.
"""

from flask import Flask


def register(app: Flask) -> None:
    """Add every command to `app.cli`."""
    from feedback.cli import accounts, casework, chasing, cohort, demo, insight, publishing, representation

    for module in (accounts, cohort, chasing, demo, casework, insight, publishing, representation):
        module.register(app)
