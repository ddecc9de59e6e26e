from feedback.web.api import api_bp


@api_bp.get("/health")
def health():
    return {"status": "ok"}


from feedback.web.api import notify_callbacks  # noqa
from feedback.web.api import events  # noqa
