from flask import Blueprint

public_bp = Blueprint("public", __name__)

from feedback.web.public import entries, results, site, views  # noqa: E402,F401
