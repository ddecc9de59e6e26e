"""Officer pages for acting on what families say: follow-ups, safeguarding alerts and the parts of a
response page that show them (a sub-package, so that web/officer stays within ten modules)."""
