"""For search engines: /sitemap.xml (every public page and published entry, with when it last changed) and
/robots.txt (staff pages and survey links are not for indexing)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import current_app, url_for

from feedback.publishing.entries import entry_url
from feedback.publishing.listing import all_published, entries_version
from feedback.publishing.results import results_changed_at
from feedback.web.public import public_bp
from feedback.web.public.caching import cached, release_time

PAGES = ("public.start", "public.you_said_we_did", "public.results", "public.accessibility", "public.privacy",
         "public.cookies")  # fmt: skip


def _lastmod(moment) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sitemap_xml() -> str:
    base = current_app.config["PUBLIC_BASE_URL"]
    released = release_time()
    entries_changed = entries_version()[0]
    changed = {
        "public.you_said_we_did": max(filter(None, [released, entries_changed])),
        "public.results": max(filter(None, [released, results_changed_at()])),
    }
    urls = [(f"{base}{url_for(endpoint)}", changed.get(endpoint, released)) for endpoint in PAGES]
    for action in all_published():
        urls.append((entry_url(action.slug), action.revised_at or action.published_at))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in urls:
        lines.append(f"  <url><loc>{escape(loc)}</loc><lastmod>{_lastmod(lastmod)}</lastmod></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


@public_bp.get("/sitemap.xml")
def sitemap():
    version = entries_version()
    changed = version[0]
    results_changed = results_changed_at()
    return cached((version, results_changed), max(filter(None, [changed, results_changed, release_time()])),
                  sitemap_xml, mimetype="application/xml")  # fmt: skip


@public_bp.get("/robots.txt")
def robots_txt():
    base = current_app.config["PUBLIC_BASE_URL"]
    body = f"User-agent: *\nDisallow: /officer/\nDisallow: /s/\nDisallow: /api/\n\nSitemap: {base}/sitemap.xml\n"
    return cached("robots", release_time(), lambda: body, mimetype="text/plain")


@public_bp.get("/.well-known/security.txt")
def security_txt():
    """RFC 9116: where a security researcher reports a vulnerability (the council's contact, from config)."""
    config = current_app.config
    lines = [f"Contact: {config['SECURITY_CONTACT']}", f"Expires: {config['SECURITY_TXT_EXPIRES']}"]
    if config.get("SECURITY_POLICY_URL"):
        lines.append(f"Policy: {config['SECURITY_POLICY_URL']}")
    lines += ["Preferred-Languages: en", f"Canonical: {config['PUBLIC_BASE_URL']}/.well-known/security.txt"]
    body = "\n".join(lines) + "\n"
    return cached("security.txt", release_time(), lambda: body, mimetype="text/plain")
