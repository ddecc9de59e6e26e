"""GOV.UK Notify: the client wrapper, our error type and the outbox.

With NOTIFY_API_KEY set, NotifyService sends through notifications-python-client. Without it the
service is an outbox: nothing leaves the machine and the caller stores the rendered text (the same
wording the README gives for pasting into Notify). The client is not thread-safe (it holds one
requests.Session), so the service keeps one client per thread.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from feedback.notify.templates import ALL_TEMPLATE_KEYS, PURPOSES, STAFF_TEMPLATE_KEYS, outbox_body

log = logging.getLogger(__name__)

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
            missing = [key for key in ALL_TEMPLATE_KEYS if not self.template_ids.get(key)]
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

    def send_staff_email(
        self, *, to: str, template_key: str, personalisation: Mapping[str, str], reference: str
    ) -> SendResult:
        """Send (or keep in the outbox) one email to council staff. Raises NotifyError."""
        if template_key not in STAFF_TEMPLATE_KEYS:
            raise ValueError(f"unknown staff template {template_key!r}")
        if self.outbox:
            return SendResult(None, outbox_body(template_key, personalisation, self.council_name))
        answer = self._call(
            "send_email_notification",
            email_address=to,
            template_id=self.template_ids[template_key],
            personalisation=dict(personalisation),
            reference=reference,
        )
        if not isinstance(answer, dict) or not answer.get("id"):
            raise NotifyError(ErrorKind.RETRY_LATER, None, "InvalidResponse", "no id in Notify's answer")
        return SendResult(str(answer["id"]))

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
