from flask import Blueprint

survey_bp = Blueprint("survey", __name__)

from feedback.web.survey import views  # noqa: E402,F401
