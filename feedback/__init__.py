"""The family feedback platform: create_app() builds the Flask application."""

import secrets

from flask import Flask, g, render_template, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import BASE_DIR, database_url, get_config
from feedback.core.extensions import csrf, db, limiter, login_manager, migrate
from feedback.core.logging_setup import configure_logging


def create_app(config_name: str | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", static_url_path="/assets", template_folder=None)
    config = get_config(config_name)
    app.config.from_object(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(config.DEFAULT_DATABASE_URL)
    configure_logging()
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    (BASE_DIR / "instance").mkdir(exist_ok=True)

    _init_templates(app)
    _init_assets(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_security_headers(app)
    _register_cli(app)
    return app


def _init_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from feedback.web import templating

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    templating.register(app)


def _init_assets(app: Flask) -> None:
    from feedback.web.assets import init_assets

    init_assets(app)


def _init_extensions(app: Flask) -> None:
    from feedback import models  # noqa: F401 - every table registered before the app uses the metadata

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "officer.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The cookie alone is not enough: its session must still stand on the server (sign-out, a password
        # change, deactivation, idle and absolute limits all end it there).
        from feedback.web.officer.accounts.session_check import load_signed_in_user

        return load_signed_in_user(user_id)


def _register_blueprints(app: Flask) -> None:
    from feedback.web.access import init_access
    from feedback.web.api import api_bp, notify_bp
    from feedback.web.officer import officer_bp
    from feedback.web.public import public_bp
    from feedback.web.survey import survey_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(survey_bp, url_prefix="/s")
    app.register_blueprint(officer_bp, url_prefix="/officer")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(notify_bp, url_prefix="/notify")
    init_access(app)


def _register_error_handlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def wants_json() -> bool:
        return request.path.startswith(("/api/", "/notify/"))

    def page(template: str, status: int, reason: str):
        if wants_json():
            return {"status": status, "error": reason}, status
        return render_template(template), status

    @app.errorhandler(403)
    def forbidden(error):
        return page("errors/403.html", 403, "Forbidden")

    @app.errorhandler(404)
    def not_found(error):
        return page("errors/404.html", 404, "Not found")

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page("errors/404.html", 405, "Method not allowed")

    @app.errorhandler(413)
    def too_large(error):
        return page("errors/413.html", 413, "The request is too large")

    @app.errorhandler(429)
    def too_many(error):
        return page("errors/429.html", 429, "Too many requests: try again later")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page("errors/csrf.html", 400, "The form had expired")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return page("errors/500.html", 500, "Something went wrong on our side")


def _register_security_headers(app: Flask) -> None:
    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def headers(response):
        nonce = getattr(g, "csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure or app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith("/assets/") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


def _register_cli(app: Flask) -> None:
    from feedback import cli

    cli.register(app)
