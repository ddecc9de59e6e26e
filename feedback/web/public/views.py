"""Public pages: start, accessibility statement, privacy notice, cookies. ("You said, we did" is in entries.py,
the results in results.py, the sitemap and robots.txt in site.py.)"""

from flask import render_template

from feedback.web.public import public_bp
from feedback.web.public.caching import cached, release_time


@public_bp.get("/")
def start():
    return cached("static", release_time(), lambda: render_template("public/start.html"))


@public_bp.get("/accessibility")
def accessibility():
    return cached("static", release_time(), lambda: render_template("public/accessibility.html"))


@public_bp.get("/privacy")
def privacy():
    return cached("static", release_time(), lambda: render_template("public/privacy.html"))


@public_bp.get("/cookies")
def cookies():
    return cached("static", release_time(), lambda: render_template("public/cookies.html"))
