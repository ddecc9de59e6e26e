from feedback.public import public_bp  # noqa: F401
