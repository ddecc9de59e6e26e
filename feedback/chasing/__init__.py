"""Chasing: getting an answer from every family. The chase rules (`rules.decide`, pure), the runner and
its store, the Notify rate limiter, circuit breaker and single-run lock, opting out, delivery receipts
and received texts (they change who may be messaged and by which channel), and the call list.

May import: notify (to send), surveys, representation (the groups flagged this quarter, which the call list
puts first and the chase may remind once more), models and platform modules. Never the web layer or Flask's
request and session.
"""
