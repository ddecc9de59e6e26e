"""The officer upload page /officer/import."""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import AuditEvent, Invitation, Role
from feedback.web.officer.imports import MAX_SHOWN
from tests.cohort.test_import import event, make_csv
from tests.factories import create_user, sign_in_as

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
URL = "/officer/import"


@pytest.fixture(autouse=True)
def frozen_clock(app):
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def sign_in(client, role: Role = Role.OFFICER):
    user = create_user(email=f"{role.value}@example.org", role=role)
    sign_in_as(client, user)
    return user


def upload(client, data: bytes, name: str = "cohort.csv", **kwargs):
    return client.post(URL, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data", **kwargs)


def text_of(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def invitations() -> int:
    return db.session.scalar(select(func.count(Invitation.id)))


def test_page_needs_sign_in(client):
    answer = client.get(URL)
    assert answer.status_code == 302 and "/officer/sign-in" in answer.headers["Location"]


def test_viewer_may_not_import(client):
    sign_in(client, Role.VIEWER)
    assert client.get(URL).status_code == 403
    assert upload(client, make_csv([event(1)])).status_code == 403
    assert invitations() == 0


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_upload_form(client, role):
    sign_in(client, role)
    answer = client.get(URL)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Import who to survey"]
    assert "<title>Import who to survey" in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and 'name="file"' in html


def test_bad_row_shows_error_summary_and_table_and_imports_nothing(client):
    sign_in(client)
    rows = [event(1), event(2), event(3, contact_email="parent3@example", event_date="2030-01-01")]
    answer = upload(client, make_csv(rows))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "<title>Error: Import who to survey" in html
    assert "There is a problem" in html and 'href="#file"' in html
    assert "The file has 2 problems in 1 row. Nothing has been imported" in text_of(html)
    table = text_of(html[html.index("<table") : html.index("</table>")])
    assert "Row Column Problem" in table
    assert "4 event_date '2030-01-01' is in the future" in table
    assert "4 contact_email 'parent3@example' is not a valid email address" in table
    assert invitations() == 0


def test_good_file_imports_then_shows_the_summary_and_again_adds_nothing(client):
    sign_in(client)
    rows = [event(n) for n in range(1, 6)] + [event(6, event_date="2026-01-05")]
    answer = upload(client, make_csv(rows))
    assert answer.status_code == 302 and answer.headers["Location"].endswith(URL)
    page = client.get(URL).get_data(as_text=True)
    assert '<h3 class="govuk-notification-banner__heading">File imported</h3>' in page
    summary = text_of(page)
    assert "Invitations: 6 new, 0 already imported" in summary
    assert "1 event more than 60 days old" in summary
    assert invitations() == 6
    assert "File imported" not in client.get(URL).get_data(as_text=True)  # shown once

    upload(client, make_csv(rows))
    assert "Invitations: 0 new, 6 already imported" in text_of(client.get(URL).get_data(as_text=True))
    assert invitations() == 6
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.import")).all()
    assert len(audit) == 2 and audit[0].user_id is not None and "source=upload" in audit[0].detail


def test_no_file_selected(client):
    sign_in(client)
    answer = client.post(URL, data={}, content_type="multipart/form-data")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "There is a problem" in html and "Select a CSV file to upload" in html


def test_missing_column_is_reported_on_row_1(client):
    sign_in(client)
    body = (
        b"child_ref,event,event_date,ethnicity,contact_role,contact_email\n"
        b"C1,new_plan,2026-11-02,WBRI,parent_carer,a@example.org\n"
    )
    table = text_of(upload(client, body).get_data(as_text=True))
    assert "1 contact_name The header row has no contact_name column" in table


def test_many_problems_are_capped_with_the_total(client):
    sign_in(client)
    rows = [event(n, contact_email="bad", contact_mobile="") for n in range(1, MAX_SHOWN + 51)]
    html = upload(client, make_csv(rows)).get_data(as_text=True)
    table = html[html.index("<table") : html.index("</table>")]
    assert table.count('<th scope="row"') == MAX_SHOWN
    assert f"The first {MAX_SHOWN} of 250 problems in the file" in text_of(html)
    assert "50 more problems are not shown" in text_of(html)


def test_file_that_is_too_large_is_refused(client, monkeypatch):
    from feedback.web.officer import imports

    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 100)
    sign_in(client)
    answer = upload(client, make_csv([event(1), event(2)]))
    assert answer.status_code == 413
    assert "must be smaller than 20 MB" in answer.get_data(as_text=True)
    assert invitations() == 0


def test_example_file_downloads_and_imports(client):
    sign_in(client)
    example = client.get("/officer/import/example.csv")
    assert example.status_code == 200 and example.mimetype == "text/csv"
    assert example.data.startswith(b"child_ref,event,event_date,ethnicity,")
    assert upload(client, example.data).status_code == 302
    assert invitations() == 2


def test_import_link_in_navigation_for_officers(client):
    sign_in(client)
    assert 'href="/officer/import"' in client.get("/officer/").get_data(as_text=True)
