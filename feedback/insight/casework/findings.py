"""Storing what a response says (sentiment, themes, concern, safeguarding) and acting on it: the follow-up
and the safeguarding alert. Used when a response is taken in (`learn_from`), by `flask analyse` after a
word list changes (`reanalyse`), and by the demo."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from feedback.core.audit import record_audit
from feedback.core.clock import as_utc, now
from feedback.core.extensions import db
from feedback.insight.casework.follow_ups import Assignees, follow_up_reasons, new_follow_up, open_follow_up
from feedback.insight.casework.safeguarding import new_alert, raise_alert, send_alert_email
from feedback.insight.text.analysis import Analysis, TextRules, analyse
from feedback.models import FollowUp, Response, ResponseTheme, SafeguardingAlert

log = logging.getLogger(__name__)


def text_rules() -> TextRules:
    return TextRules.from_config(current_app.config)


def analyse_response(response: Response, rules: TextRules | None = None) -> Analysis:
    """The analysis of a stored response's free text and answers (pure once the answers are loaded)."""
    texts = [a.text for a in sorted(response.answers, key=lambda a: a.question_key) if a.text]
    choices = {a.question_key: a.choice for a in response.answers if a.choice is not None}
    return analyse(texts, choices, rules or text_rules())


def store_analysis(response: Response, analysis: Analysis, moment: datetime) -> bool:
    """Write the analysis on the response and its theme rows; True when anything changed."""
    changed = (
        response.sentiment_polarity != analysis.polarity
        or response.sentiment_subjectivity != analysis.subjectivity
        or bool(response.concern) != analysis.concern
        or bool(response.safeguarding) != bool(analysis.safeguarding)
        or set(response.themes) != set(analysis.themes)
    )
    response.sentiment_polarity = analysis.polarity
    response.sentiment_subjectivity = analysis.subjectivity
    response.concern = analysis.concern
    response.safeguarding = bool(analysis.safeguarding)
    response.analysed_at = moment
    wanted = set(analysis.themes)
    for tag in list(response.theme_tags):
        if tag.theme not in wanted:
            response.theme_tags.remove(tag)
    for theme in analysis.themes:
        if theme not in response.themes:
            response.theme_tags.append(ResponseTheme(theme=theme))
    return changed


def reasons_for(response: Response, analysis: Analysis) -> list[str]:
    statement = current_app.config["FOLLOW_UP_OVERALL_STATEMENTS"].get(response.survey_key)
    overall = next((a.choice for a in response.answers if a.question_key == statement), None)
    return follow_up_reasons(
        consent_contact=response.consent_contact,
        overall_choice=overall,
        concern=analysis.concern,
        safeguarding=bool(analysis.safeguarding),
    )


@dataclass
class Learned:
    analysis: Analysis
    follow_up: FollowUp | None
    alert: SafeguardingAlert | None


def learn_from(response: Response) -> Learned:
    """Analyse a response that has just been saved, open its follow-up and raise its safeguarding alert
    (committed together), then email the alert: all before the family's thank-you page is served."""
    moment = now()
    analysis = analyse_response(response)
    store_analysis(response, analysis, moment)
    db.session.flush()
    follow_up = open_follow_up(response, reasons_for(response, analysis), opened_at=moment)
    alert = raise_alert(response, analysis.safeguarding) if analysis.safeguarding else None
    db.session.commit()
    if alert is not None:
        send_alert_email(alert)
        log.info("safeguarding alert %s raised for response %s", alert.id, response.id)
    return Learned(analysis, follow_up, alert)


@dataclass
class Reanalysis:
    analysed: int = 0
    changed: int = 0
    concerns: int = 0
    safeguarding: int = 0
    follow_ups_opened: int = 0
    follow_ups_too_old: int = 0  # would need one, but older than FOLLOW_UP_BACKFILL_DAYS
    alerts_raised: int = 0
    alerts_emailed: int = 0
    new_alerts: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Responses analysed: {self.analysed:,} ({self.changed:,} changed)",
            f"Concerns: {self.concerns:,}; safeguarding: {self.safeguarding:,}",
            f"Follow-ups opened: {self.follow_ups_opened:,}"
            + (f" ({self.follow_ups_too_old:,} older responses left without one)" if self.follow_ups_too_old else ""),
            f"Safeguarding alerts raised: {self.alerts_raised:,} (emailed: {self.alerts_emailed:,})",
        ]


def reanalyse(
    *,
    batch_size: int = 500,
    send_alerts: bool = True,
    backfill_days: int | None,
    opened_at: Callable[[Response], datetime] | None = None,
    only_unanalysed: bool = False,
    source: str = "flask analyse",
) -> Reanalysis:
    """Analyse every stored response again, in batches of `batch_size` (one commit each). Idempotent:
    a second run changes nothing. Opens missing follow-ups for responses at most `backfill_days` old (any
    age when None) and raises alerts for responses that have none yet (emailed when `send_alerts`); a response
    alerted before is never alerted again. `opened_at(response)` dates new follow-ups and alerts (default: now);
    `source` says in the audit log what found new alerts."""
    rules = text_rules()
    report = Reanalysis()
    moment = now()
    oldest = None if backfill_days is None else moment - timedelta(days=backfill_days)
    last_id = 0
    while True:
        query = (
            select(Response)
            .where(Response.id > last_id, Response.text_removed_at.is_(None))  # no text left to analyse again
            .options(selectinload(Response.answers), selectinload(Response.theme_tags))
            .order_by(Response.id)
            .limit(batch_size)
        )
        if only_unanalysed:
            query = query.where(Response.analysed_at.is_(None))
        batch = db.session.scalars(query).all()
        if not batch:
            break
        last_id = batch[-1].id
        alerts = _reanalyse_batch(batch, rules, report, moment, oldest, opened_at, source)
        db.session.commit()
        report.new_alerts += [a.id for a in alerts]
        if send_alerts:
            for alert in alerts:
                report.alerts_emailed += send_alert_email(alert) is not None
        # Memory stays flat over a large table: the session holds committed rows weakly, and `batch` is replaced.
    return report


def _reanalyse_batch(batch, rules, report, moment, oldest, opened_at, source) -> list[SafeguardingAlert]:
    ids = [r.id for r in batch]
    with_follow_up = set(db.session.scalars(select(FollowUp.response_id).where(FollowUp.response_id.in_(ids))))
    alerted = set(
        db.session.scalars(select(SafeguardingAlert.response_id).where(SafeguardingAlert.response_id.in_(ids)))
    )
    assignees = Assignees()
    follow_ups: list[tuple[Response, list[str], FollowUp]] = []
    alerts: list[tuple[Response, tuple[str, ...], SafeguardingAlert]] = []
    for response in batch:
        analysis = analyse_response(response, rules)
        report.analysed += 1
        report.changed += store_analysis(response, analysis, moment)
        report.concerns += analysis.concern
        report.safeguarding += bool(analysis.safeguarding)
        reasons = reasons_for(response, analysis)
        when = opened_at(response) if opened_at else moment
        if reasons and response.id not in with_follow_up:
            if oldest is None or as_utc(response.submitted_at) >= oldest:
                follow_ups.append(
                    (response, reasons, new_follow_up(response, reasons, opened_at=when, assignees=assignees))
                )
            else:
                report.follow_ups_too_old += 1
        if analysis.safeguarding and response.id not in alerted:
            alerts.append((response, analysis.safeguarding, new_alert(response, analysis.safeguarding, when)))
    db.session.flush()
    try:
        with db.session.begin_nested():  # all at once; a race with a response taken in meanwhile: one by one
            db.session.add_all([f for _, _, f in follow_ups] + [a for _, _, a in alerts])
    except IntegrityError:
        raised = []
        for response, reasons, follow_up in follow_ups:
            report.follow_ups_opened += open_follow_up(response, reasons, opened_at=follow_up.created_at) is not None
        for response, kinds, _ in alerts:
            alert = raise_alert(response, kinds, detail=f"found by {source}")
            if alert is not None:
                raised.append(alert)
        report.alerts_raised += len(raised)
        return raised
    for _, reasons, follow_up in follow_ups:
        record_audit("follow_up_opened", "follow_up", follow_up.id, detail=",".join(reasons), user_id=None)
    for _, _, alert in alerts:
        record_audit(
            "safeguarding_alert_raised", "safeguarding_alert", alert.id, detail=f"found by {source}", user_id=None
        )
    report.follow_ups_opened += len(follow_ups)
    report.alerts_raised += len(alerts)
    return [a for _, _, a in alerts]
