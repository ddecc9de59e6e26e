"""A fake GOV.UK Notify API on 127.0.0.1, for the real notifications-python-client to talk to.

Serves POST /v2/notifications/email and /sms, GET /v2/notifications?reference=... and
GET /v2/notifications/<id>. Checks the JWT as Notify does (HS256 signed with the key's secret, iss =
service id, iat within 30 seconds) and answers 403 AuthError otherwise; validates UK mobiles and email
addresses (400 ValidationError). It can be told to fail (500, 429, 400, 503) or to hang past the
client's timeout, for the next N calls or until told to stop, and to answer after a fixed latency.
It records every accepted notification, with our reference and the time it was received.

Use the `fake_notify` fixture (import it into a test module) and `fake_notify.configure(app)`.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from feedback.notify.templates import ALL_TEMPLATE_KEYS

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
TEST_API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
TEMPLATE_IDS = {key: str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-notify/{key}")) for key in ALL_TEMPLATE_KEYS}

_MOBILE = re.compile(r"^(?:\+?44|0)7\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _clean_number(raw: str) -> str:
    return re.sub(r"[\s\-().]", "", raw or "")


@dataclass
class Notification:
    id: str
    type: str  # email | sms
    to: str
    template_id: str
    personalisation: dict
    reference: str | None
    received_at: float  # time.monotonic() when the request arrived
    created_at: str
    status: str = "created"

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "reference": self.reference,
            "email_address": self.to if self.type == "email" else None,
            "phone_number": self.to if self.type == "sms" else None,
            "type": self.type,
            "status": self.status,
            "template": {"id": self.template_id, "version": 1, "uri": f"/v2/template/{self.template_id}"},
            "created_at": self.created_at,
            "sent_at": None,
            "completed_at": None,
        }


@dataclass
class _Failure:
    status: int  # HTTP status, or 0 for "hang"
    remaining: int | None  # None: until stopped
    methods: tuple[str, ...]
    hang_seconds: float = 0.0
    accept: bool = False  # hang only: keep the notification (Notify acted; the answer was lost)


@dataclass
class FakeNotify:
    service_id: str = SERVICE_ID
    secret: str = SECRET
    latency: float = 0.0
    notifications: list[Notification] = field(default_factory=list)
    requests: list[tuple[float, str, str, int]] = field(default_factory=list)  # (time, method, path, status)
    base_url: str = ""
    _failures: list[_Failure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def api_key(self) -> str:
        return f"test_key-{self.service_id}-{self.secret}"

    # ------------------------------------------------------------ control

    def fail(self, status: int, times: int | None = 1, methods: tuple[str, ...] = ("POST", "GET")) -> None:
        """Answer the next `times` calls (None: every call until stop_failing) with this HTTP status."""
        with self._lock:
            self._failures.append(_Failure(status, times, methods))

    def hang(self, seconds: float, times: int | None = 1, accept: bool = False, methods=("POST",)) -> None:
        """Hold the next calls for `seconds` before answering; with accept, keep the notification anyway."""
        with self._lock:
            self._failures.append(_Failure(0, times, methods, seconds, accept))

    def stop_failing(self) -> None:
        with self._lock:
            self._failures.clear()

    def configure(self, app, timeout: float = 2.0) -> None:
        """Point the app at this fake with a working key and every template id."""
        app.config.update(
            NOTIFY_API_KEY=self.api_key,
            NOTIFY_BASE_URL=self.base_url,
            NOTIFY_TEMPLATE_IDS=dict(TEMPLATE_IDS),
            NOTIFY_TIMEOUT=timeout,
        )

    # ------------------------------------------------------------ queries for tests

    def by_reference(self, reference: str) -> list[Notification]:
        with self._lock:
            return [n for n in self.notifications if n.reference == reference]

    def references(self) -> list[str | None]:
        with self._lock:
            return [n.reference for n in self.notifications]

    def receive_times(self) -> list[float]:
        with self._lock:
            return sorted(n.received_at for n in self.notifications)

    def calls(self, method: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if method is None or r[1] == method)

    # ------------------------------------------------------------ serving

    def _next_failure(self, method: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if method in failure.methods and (failure.remaining is None or failure.remaining > 0):
                    if failure.remaining is not None:
                        failure.remaining -= 1
                    return failure
        return None

    def start(self) -> FakeNotify:
        fake = self

        class Handler(_Handler):
            notify = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, name="fake-notify", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def max_in_window(times: list[float], window: float = 60.0) -> int:
    """The most events in any `window` seconds (times in seconds, any order)."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


class _Handler(BaseHTTPRequestHandler):
    notify: FakeNotify
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests read the records instead
        pass

    def _answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a hang past its timeout)

    def _error(self, status: int, name: str, message: str) -> None:
        self._answer(status, {"status_code": status, "errors": [{"error": name, "message": message}]})

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            self._error(401, "AuthError", "Unauthorized: authentication token must be provided")
            return False
        token = header[len("Bearer ") :]
        try:
            claims = jwt.decode(token, key=self.notify.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            self._error(403, "AuthError", "Invalid token: signature, api token not found")
            return False
        if claims.get("iss") != self.notify.service_id:
            self._error(403, "AuthError", "Invalid token: service not found")
            return False
        if abs(time.time() - float(claims.get("iat", 0))) > 30:
            self._error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
            return False
        return True

    def _handle(self, method: str) -> None:
        received = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status = self._dispatch(method, raw, received)
        with self.notify._lock:
            self.notify.requests.append((received, method, self.path, status))

    def _dispatch(self, method: str, raw: bytes, received: float) -> int:
        if not self._authorised():
            return 403
        failure = self.notify._next_failure(method)
        if self.notify.latency:
            time.sleep(self.notify.latency)
        if failure is not None and failure.status:
            names = {400: "BadRequestError", 429: "RateLimitError", 500: "Exception", 503: "ServiceUnavailable"}
            self._error(failure.status, names.get(failure.status, "Error"), "Told to fail")
            return failure.status
        path = urlsplit(self.path)
        if method == "POST" and path.path in ("/v2/notifications/email", "/v2/notifications/sms"):
            kind = path.path.rsplit("/", 1)[1]
            accepted = self._accept(kind, raw, received)
            if failure is not None:  # a hang: Notify may have acted, but the answer comes too late
                if accepted is not None and not failure.accept:
                    with self.notify._lock:
                        self.notify.notifications.remove(accepted)
                time.sleep(failure.hang_seconds)
            return self._answer_created(accepted) if accepted else 400
        if failure is not None:
            time.sleep(failure.hang_seconds)
        if method == "GET" and path.path == "/v2/notifications":
            reference = parse_qs(path.query).get("reference", [None])[0]
            with self.notify._lock:
                found = [n for n in self.notify.notifications if reference is None or n.reference == reference]
            found.reverse()  # newest first, as Notify lists them
            self._answer(200, {"notifications": [n.as_json() for n in found[:250]], "links": {"current": self.path}})
            return 200
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", path.path)
        if method == "GET" and match:
            with self.notify._lock:
                found = next((n for n in self.notify.notifications if n.id == match.group(1)), None)
            if found is None:
                self._error(404, "NoResultFound", "No result found")
                return 404
            self._answer(200, found.as_json())
            return 200
        self._error(404, "NotFound", "Not found")
        return 404

    def _accept(self, kind: str, raw: bytes, received: float) -> Notification | None:
        """Validate a send; record and return it, or answer 400 and return None."""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._error(400, "BadRequestError", "Invalid JSON")
            return None
        field_name = "email_address" if kind == "email" else "phone_number"
        to = body.get(field_name) or ""
        template_id = body.get("template_id") or ""
        if template_id not in TEMPLATE_IDS.values():
            self._error(400, "BadRequestError", "Template not found")
            return None
        if kind == "sms" and not _MOBILE.match(_clean_number(to)):
            self._error(400, "ValidationError", "phone_number Not a UK mobile number")
            return None
        if kind == "email" and not _EMAIL.match(to):
            self._error(400, "ValidationError", "email_address Not a valid email address")
            return None
        notification = Notification(
            id=str(uuid.uuid4()),
            type=kind,
            to=to,
            template_id=template_id,
            personalisation=body.get("personalisation") or {},
            reference=body.get("reference"),
            received_at=received,
            created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        )
        with self.notify._lock:
            self.notify.notifications.append(notification)
        return notification

    def _answer_created(self, n: Notification) -> int:
        content = {"body": "(rendered by Notify)", "from_number": "Council"}
        if n.type == "email":
            content = {"body": "(rendered by Notify)", "subject": "(subject)", "from_email": "send@example.org"}
        self._answer(
            201,
            {
                "id": n.id,
                "reference": n.reference,
                "uri": f"/v2/notifications/{n.id}",
                "template": {"id": n.template_id, "version": 1, "uri": f"/v2/template/{n.template_id}"},
                "content": content,
            },
        )
        return 201

    def do_POST(self):  # noqa: N802 - http.server's naming
        self._handle("POST")

    def do_GET(self):  # noqa: N802
        self._handle("GET")


@pytest.fixture
def fake_notify():
    """A running fake Notify; stopped after the test."""
    fake = FakeNotify().start()
    yield fake
    fake.stop()
