from flask import Blueprint

survey_bp = Blueprint("survey", __name__)

from feedback.web.survey.blocks import cached_block, field_state  # noqa: E402

# Globals, not blueprint-only: officers enter answers on the same templates.
survey_bp.add_app_template_global(cached_block)
survey_bp.add_app_template_global(field_state)

from feedback.web.survey import views  # noqa: E402,F401
