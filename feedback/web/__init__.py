"""Web: the blueprints by audience (survey for families, officer, public, api for the case system and
Notify's callbacks) and the template globals they share. Views parse the request, call a domain
function and render or redirect.

May import: domain packages, models and platform modules. Nothing below the web layer imports it.
"""
