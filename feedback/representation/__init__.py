"""Representation: whose voice is it? The families who answered compared with the whole cohort (every
survey event of a period, whatever became of its invitations) by ethnic group and by other attributes
(primary need, school phase, locality, contact language): counts, shares, response rates, representation
ratios, Wilson intervals, the under-represented flag and a chi-square test; the dashboard's % agree
post-stratified by ethnic group; the minority-ethnic trend; the groups flagged this quarter, for the
call list and the chase; and those counts kept for a few minutes per process (remembered).

May import: insight (reporting periods and figure counting helpers), cohort (DfE ethnicity codes), surveys
(definitions and scoring), models and platform modules. Never chasing (chasing imports this package), the
web layer, or Flask's request and session.
"""
