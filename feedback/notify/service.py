"""GOV.UK Notify: the client wrapper, our error type, the canonical template wording and the outbox.

With NOTIFY_API_KEY set, NotifyService sends through notifications-python-client. Without it the
service is an outbox: nothing leaves the machine and the caller stores the rendered text (the same
wording the README gives for pasting into Notify). The client is not thread-safe (it holds one
requests.Session), so the service keeps one client per thread.
"""

from __future__ import annotations

import enum
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from feedback.clock import long_date
from feedback.surveys.invitations import stop_link, survey_link

log = logging.getLogger(__name__)

PURPOSES = ("invite", "reminder", "update")
CHANNELS = ("email", "sms")
TEMPLATE_KEYS = tuple(f"{purpose}_{channel}" for purpose in PURPOSES for channel in CHANNELS)
SMS_FRAGMENT = 160  # one text; longer ones cost a fragment more each (153 characters)
TOKEN_LENGTH = 43  # a survey token: 32 bytes, URL-safe base64 without padding


@dataclass(frozen=True)
class TemplateText:
    subject: str | None  # emails only
    body: str


# The canonical wording. ((placeholders)) are Notify's personalisation fields; {council} is the
# council's name (COUNCIL_NAME), typed into the template when it is pasted into Notify. Texts
# carry no names (they show on lock screens) and only the survey link, so that they fit one text.
_SIGN_OFF = "{council} SEND team"
_SMS_STOP = "Reply STOP to opt out"  # our /notify/inbound callback acts on it: Notify does not
_STOP = "If you do not want any more messages from us, use this link:\n((stop_link))"
TEMPLATES: dict[str, TemplateText] = {
    "invite_email": TemplateText(
        subject="((survey_name)): please tell us what you think",
        body=(
            "Dear ((name)),\n\n"
            "We would like to hear what you think about ((survey_name)).\n\n"
            "The survey takes about 2 minutes and you do not need an account. "
            "Please answer by ((closes_on)).\n\n"
            "Start the survey:\n((survey_link))\n\n"
            "Your answers help us improve support for children and young people with special "
            "educational needs and disabilities. At the end you can ask someone from the SEND team "
            "to contact you.\n\n"
            f"{_STOP}\n\n{_SIGN_OFF}"
        ),
    ),
    "reminder_email": TemplateText(
        subject="Reminder: tell us what you think about ((survey_name))",
        body=(
            "Dear ((name)),\n\n"
            "We recently asked what you think about ((survey_name)). If you have not had time yet, "
            "the survey takes about 2 minutes:\n((survey_link))\n\n"
            "The survey closes on ((closes_on)).\n\n"
            f"{_STOP}\n\n{_SIGN_OFF}"
        ),
    ),
    "update_email": TemplateText(
        subject="What we changed after families told us what they think",
        body=(
            "Dear ((name)),\n\n"
            "Thank you for telling us what you thought about ((survey_name)). You asked to hear "
            "what we do with families' feedback.\n\n"
            "Read what you said and what we did:\n((survey_link))\n\n"
            f"{_STOP}\n\n{_SIGN_OFF}"
        ),
    ),
    "invite_sms": TemplateText(None, "{council}: 2-minute survey about your EHC plan ((survey_link)) " + _SMS_STOP),
    "reminder_sms": TemplateText(None, "{council} reminder: survey about your EHC plan ((survey_link)) " + _SMS_STOP),
    "update_sms": TemplateText(None, "{council}: what we changed after your feedback ((survey_link)) " + _SMS_STOP),
}
_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")
# Texts must stay in the GSM 7-bit basic set: one curly quote turns a 160-character text into three.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def template_text(key: str, council: str) -> TemplateText:
    """The wording of one template with the council's name filled in (placeholders left as they are)."""
    text = TEMPLATES[key]
    subject = text.subject.replace("{council}", council) if text.subject else None
    return TemplateText(subject, text.body.replace("{council}", council))


def render(key: str, personalisation: Mapping[str, str], council: str) -> TemplateText:
    """The text a family would receive: the template with every placeholder replaced."""
    text = template_text(key, council)

    def fill(source: str) -> str:
        return _PLACEHOLDER.sub(lambda m: str(personalisation[m.group(1)]), source)

    return TemplateText(fill(text.subject) if text.subject else None, fill(text.body))


def outbox_body(key: str, personalisation: Mapping[str, str], council: str) -> str:
    """What the outbox stores: for an email the subject line, a blank line and the body."""
    text = render(key, personalisation, council)
    return f"Subject: {text.subject}\n\n{text.body}" if text.subject else text.body


def longest_sms(council: str, public_base_url: str) -> int:
    """Length of the longest text message with a real-length survey link."""
    link = f"{public_base_url.rstrip('/')}/s/{'x' * TOKEN_LENGTH}"
    sample = dict.fromkeys(("name", "child_name", "survey_name", "stop_link", "closes_on"), "")
    sample["survey_link"] = link
    return max(len(render(f"{p}_sms", sample, council).body) for p in PURPOSES)


# ---------------------------------------------------------------- personalisation


def possessive(name: str) -> str:
    """'Sam' -> "Sam's", 'James' -> "James's" (GOV.UK style), 'your child' -> "your child's"."""
    return f"{name}'s"


def survey_name(survey_key: str, child_name: str) -> str:
    """How the messages name what the survey is about, e.g. "Sam's new EHC plan"."""
    if survey_key == "new_plan":
        return f"{possessive(child_name)} new EHC plan"
    if survey_key == "annual_review":
        return f"{possessive(child_name)} EHC plan annual review"
    if survey_key == "annual_review_young_person":
        return "your EHC plan review"
    return "our SEND services"


def personalisation_for(invitation, *, closes_at: datetime, link: str | None = None) -> dict[str, str]:
    """The six fields every template gets. `link` replaces the survey link (an update's page)."""
    first_name = (invitation.child.first_name or "").strip()
    child_name = first_name or "your child"
    return {
        "name": invitation.contact.name,
        "child_name": child_name,
        "survey_name": survey_name(invitation.survey_key, child_name),
        "survey_link": link or survey_link(invitation),
        "stop_link": stop_link(invitation),
        "closes_on": long_date(closes_at),
    }


# ---------------------------------------------------------------- errors


class ErrorKind(enum.StrEnum):
    REJECTED = "rejected"  # 400: bad address or number, trial mode, bad template: do not retry on this channel
    AUTH = "auth"  # 403 (and any other refusal that is ours to fix): stop sending
    RETRY_LATER = "retry_later"  # 429, 5xx, timeout, refused connection: the outcome is unknown


class NotifyError(Exception):
    """Our one Notify error: kind says what to do; status_code and error_name say why (no personal data)."""

    def __init__(self, kind: ErrorKind, status_code: int | None, error_name: str | None, detail: str = ""):
        super().__init__(f"{status_code} {error_name or ''} {detail}".strip())
        self.kind = kind
        self.status_code = status_code
        self.error_name = error_name
        self.detail = detail

    @classmethod
    def from_api_error(cls, error: APIError) -> NotifyError:
        status = error.status_code
        name, detail = None, ""
        message = error.message
        if isinstance(message, list) and message and isinstance(message[0], dict):
            name, detail = message[0].get("error"), str(message[0].get("message") or "")
        elif isinstance(message, str):
            detail = message
        if status == 400:
            kind = ErrorKind.REJECTED
        elif status == 429 or status >= 500:
            kind = ErrorKind.RETRY_LATER
        else:
            kind = ErrorKind.AUTH
        return cls(kind, status, name, detail[:300])

    @property
    def summary(self) -> str:
        """Short text for Message.error and logs."""
        return f"{self.kind.value}: {self.status_code} {self.error_name or ''} {self.detail}".strip()[:500]


class NotifyConfigError(RuntimeError):
    """NOTIFY_API_KEY is set but the key or the template ids are unusable."""


# ---------------------------------------------------------------- the service


@dataclass(frozen=True)
class SendResult:
    notify_id: str | None  # None in the outbox
    body: str | None = None  # the rendered text, outbox only


@dataclass(frozen=True)
class FoundNotification:
    notify_id: str
    status: str  # Notify's status name: created, sending, delivered, permanent-failure...
    count: int = 1  # how many notifications carry the reference (more than one: a message went twice)


class NotifyService:
    """Sends our messages through GOV.UK Notify, or to the outbox when there is no API key."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str,
        template_ids: Mapping[str, str],
        council_name: str,
        timeout: float = 10.0,
    ):
        self.api_key = api_key or None
        self.base_url = base_url
        self.template_ids = dict(template_ids)
        self.council_name = council_name
        self.timeout = timeout
        self._local = threading.local()
        if self.api_key:
            if len(self.api_key) < 74:
                raise NotifyConfigError("NOTIFY_API_KEY is not a Notify API key (name-<service id>-<secret>)")
            missing = [key for key in TEMPLATE_KEYS if not self.template_ids.get(key)]
            if missing:
                raise NotifyConfigError(f"NOTIFY_TEMPLATE_IDS has no template id for {', '.join(missing)}")

    @classmethod
    def from_config(cls, config: Mapping) -> NotifyService:
        """A service set up from the Flask config."""
        return cls(
            api_key=config.get("NOTIFY_API_KEY"),
            base_url=config["NOTIFY_BASE_URL"],
            template_ids=config.get("NOTIFY_TEMPLATE_IDS") or {},
            council_name=config["COUNCIL_NAME"],
            timeout=float(config.get("NOTIFY_TIMEOUT", 10)),
        )

    @property
    def outbox(self) -> bool:
        """True when nothing is sent: the caller keeps the rendered text instead."""
        return self.api_key is None

    def _client(self) -> NotificationsAPIClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=self.timeout)
            self._local.client = client
        return client

    def _call(self, method: str, *args, **kwargs):
        try:
            return getattr(self._client(), method)(*args, **kwargs)
        except APIError as error:
            raise NotifyError.from_api_error(error) from error
        except Exception as error:  # anything else mid-request: we cannot know whether Notify acted
            raise NotifyError(ErrorKind.RETRY_LATER, None, type(error).__name__, "") from error

    def _send(self, channel: str, purpose: str, to: str, personalisation: Mapping[str, str], reference: str):
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        key = f"{purpose}_{channel}"
        if self.outbox:
            return SendResult(None, outbox_body(key, personalisation, self.council_name))
        common = {"template_id": self.template_ids[key], "personalisation": dict(personalisation)}
        if channel == "email":
            answer = self._call("send_email_notification", email_address=to, reference=reference, **common)
        else:
            answer = self._call("send_sms_notification", phone_number=to, reference=reference, **common)
        if not isinstance(answer, dict) or not answer.get("id"):
            raise NotifyError(ErrorKind.RETRY_LATER, None, "InvalidResponse", "no id in Notify's answer")
        return SendResult(str(answer["id"]))

    def send_email(self, *, to: str, purpose: str, personalisation: Mapping[str, str], reference: str) -> SendResult:
        """Send (or keep in the outbox) one email from the template for `purpose`. Raises NotifyError."""
        return self._send("email", purpose, to, personalisation, reference)

    def send_sms(self, *, to: str, purpose: str, personalisation: Mapping[str, str], reference: str) -> SendResult:
        """Send (or keep in the outbox) one text message from the template for `purpose`. Raises NotifyError."""
        return self._send("sms", purpose, to, personalisation, reference)

    def find_by_reference(self, reference: str) -> FoundNotification | None:
        """The notification Notify holds under our reference, or None. Raises NotifyError."""
        if self.outbox:
            return None
        answer = self._call("get_all_notifications", reference=reference)
        found = [n for n in (answer or {}).get("notifications", []) if n.get("reference") == reference]
        if not found:
            return None
        if len(found) > 1:
            log.warning("Notify holds %s notifications for reference %s", len(found), reference)
        first = found[-1]  # Notify lists newest first: the oldest is the one we meant
        return FoundNotification(str(first["id"]), str(first.get("status") or "created"), len(found))
