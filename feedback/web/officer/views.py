"""Officer pages. Each feature lives in its own module, imported at the bottom; the import order is the
order of the menu."""

from feedback.web.officer import auth

__all__ = ["auth"]
# isort: off
from feedback.web.officer import dashboard  # noqa: E402,F401
from feedback.web.officer import representation  # noqa: E402,F401
from feedback.web.officer import responses  # noqa: E402,F401
from feedback.web.officer import answer_entry  # noqa: E402,F401
from feedback.web.officer import calls  # noqa: E402,F401
from feedback.web.officer.casework import follow_ups  # noqa: E402,F401
from feedback.web.officer.casework import safeguarding  # noqa: E402,F401
from feedback.web.officer.publishing import editor  # noqa: E402,F401
from feedback.web.officer import outbox  # noqa: E402,F401
from feedback.web.officer import imports  # noqa: E402,F401
from feedback.web.officer.accounts import session_check  # noqa: E402,F401
from feedback.web.officer.accounts import two_factor_setup  # noqa: E402,F401
from feedback.web.officer.accounts import own_account  # noqa: E402,F401
from feedback.web.officer.accounts import users  # noqa: E402,F401
from feedback.web.officer.accounts import audit  # noqa: E402,F401
# isort: on
