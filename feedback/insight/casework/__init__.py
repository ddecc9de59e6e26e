"""Acting on what families say: storing each response's analysis (findings.py), follow-ups with owners,
assignees and due dates in working days (follow_ups.py, working_days.py), safeguarding alerts sent at once
(safeguarding.py) and the weekly digest to each owner (digest.py).
"""
