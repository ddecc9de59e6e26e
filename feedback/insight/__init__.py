"""Insight: what families are telling us. Reporting periods (UK financial years and quarters), the
officer's figures (% agree, trends, change tests), sentiment, concern, themes, safeguarding alerts and
follow-ups.

May import: surveys, notify, cohort (ethnic groups only), models and platform modules. Never the web
layer, or Flask's request and session.
"""
