"""Publishing: "You said, we did" entries (editing with versions, quotes from families who agreed to be quoted,
names and references flagged before anything goes public, scheduling and withdrawal), the public results with
small numbers suppressed, and the one "update" message to each family who asked to hear back.

May import: insight (reporting periods), chasing (civil hours and the at-most-once sender), notify (template
personalisation, the Notify service), surveys (definitions), models and platform modules. Never the web layer,
or Flask's request and session.
"""
