from feedback.api import api_bp


@api_bp.get("/health")
def health():
    return {"status": "ok"}


from feedback.api import notify_views  # noqa
from feedback.api import events  # noqa
