"""Template globals and filters shared by every blueprint."""

from datetime import date, datetime

from flask import Flask, current_app, g

from feedback.core.clock import london, long_date


def register(app: Flask) -> None:
    @app.context_processor
    def globals_():
        return {
            "council_name": current_app.config["COUNCIL_NAME"],
            "service_name": current_app.config["SERVICE_NAME"],
            "send_team_email": current_app.config["SEND_TEAM_EMAIL"],
            "send_team_phone": current_app.config["SEND_TEAM_PHONE"],
            "childrens_services_phone": current_app.config["CHILDRENS_SERVICES_PHONE"],
            "childrens_services_out_of_hours_phone": current_app.config["CHILDRENS_SERVICES_OUT_OF_HOURS_PHONE"],
            "csp_nonce": getattr(g, "csp_nonce", ""),
        }

    @app.template_filter("long_date")
    def long_date_filter(value: date | datetime | None) -> str:
        return long_date(value) if value else ""

    @app.template_filter("london_time")
    def london_time(value: datetime | None) -> str:
        """'2 November 2026 at 9:05am', Europe/London."""
        if not value:
            return ""
        local = london(value)
        hour = local.hour % 12 or 12
        return f"{long_date(local.date())} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"

    @app.template_filter("thousands")
    def thousands(value: int | None) -> str:
        return "" if value is None else f"{value:,}"
