"""The officer's figures, every one counted by the database: a period's invitations, responses and channels,
% agree for each statement with its change over time and whether that change is more than chance, the
trend over quarters and years, and the chase funnel. The dashboard and `flask report` both read them here.

May import: surveys, models and platform modules (through insight). Never the web layer.
"""
