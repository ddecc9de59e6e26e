"""Machine-facing endpoints: the events API and GOV.UK Notify callbacks. Answers are always JSON."""

from flask import Blueprint

from feedback.core.extensions import csrf

api_bp = Blueprint("api", __name__)
notify_bp = Blueprint("notify", __name__)
csrf.exempt(api_bp)
csrf.exempt(notify_bp)

from feedback.web.api import views  # noqa: E402,F401
