"""The tables of DESIGN section 4 as SQLAlchemy 2.0 typed models, one module per domain.

Everything is re-exported here: import models from `feedback.models`, not from the modules.

May import: the platform (`feedback.core`: the clock and the database extension) and SQLAlchemy. The
modules name each other only in type hints; relationships resolve by class name.
"""

from feedback.models.accounts import AccountInvitation, ApiToken, AuditEvent, RecoveryCode, Role, User, UserSession
from feedback.models.chasing import CallOutcome, CallRecord, Channel, InboundSms, Message, MessageStatus
from feedback.models.cohort import Child, Contact, ContactRole
from feedback.models.insight import FollowUp, FollowUpNote, FollowUpStatus, SafeguardingAlert
from feedback.models.notify import StaffMessage
from feedback.models.publishing import (
    Action,
    ActionNotice,
    ActionProgress,
    ActionQuote,
    ActionStatus,
    ActionVersion,
    action_response,
)
from feedback.models.surveys import Answer, Invitation, InvitationStatus, Response, ResponseChannel, ResponseTheme
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime

__all__ = [
    "AccountInvitation",
    "RecoveryCode",
    "UserSession",
    "Action",
    "ActionNotice",
    "ActionProgress",
    "ActionQuote",
    "ActionStatus",
    "ActionVersion",
    "Answer",
    "ApiToken",
    "AuditEvent",
    "CallOutcome",
    "CallRecord",
    "Channel",
    "Child",
    "Contact",
    "ContactRole",
    "FollowUp",
    "FollowUpNote",
    "FollowUpStatus",
    "InboundSms",
    "Invitation",
    "InvitationStatus",
    "Message",
    "MessageStatus",
    "Response",
    "ResponseChannel",
    "ResponseTheme",
    "Role",
    "SafeguardingAlert",
    "StaffMessage",
    "StrEnumType",
    "TimestampMixin",
    "UTCDateTime",
    "User",
    "action_response",
]
