"""Surveys: the survey definitions and % agree scoring, invitations and their link tokens, saving responses.

May import: models and the platform modules (clock, extensions, audit, tokens). Never the web layer,
another domain package, or Flask's request and session.
"""
