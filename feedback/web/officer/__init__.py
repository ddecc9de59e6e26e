from flask import Blueprint

officer_bp = Blueprint("officer", __name__)

from feedback.web.officer import views  # noqa: E402,F401
