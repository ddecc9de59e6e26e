from feedback.officer import officer_bp  # noqa: F401
