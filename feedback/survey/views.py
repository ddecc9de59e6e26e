from feedback.survey import survey_bp  # noqa: F401
