"""Cohort: who is owed a survey. Reading the case system's CSV, validating rows, importing children,
contacts and invitations (from files and the events API), and the DfE ethnicity codes.

May import: surveys (to create invitations), models and platform modules. Never the web layer or
Flask's request and session.
"""
