"""The platform every package may use: Flask extensions, the clock, the audit log, logging, password
hashing, UK mobile numbers and token hashing.

May import: `feedback.models` (the audit log writes AuditEvent rows) and libraries. Never a domain
package or the web layer. `audit` alone reads the request context, to record who acted and from where.
"""
