"""A generated financial year at scale, on PostgreSQL: about 1,000,000 invitations and 300,000 responses.

`ensure_big_year(database_url)` builds it once (in about a minute or two, with `INSERT … SELECT
generate_series` inside the database) and reuses it on later runs; it rebuilds when the schema or this
generator changes. The benchmarks (bench/bench_insight.py, and the representativeness benchmark) time
the officer's pages against it.

What is in it (synthetic people only: example.org addresses, 07700 900xxx mobiles), for events in
financial year 2025/26 (April 2025 to March 2026):

- children with DfE ethnicity codes in the proportions of the demo council (about a third from ethnic
  minorities, with refused, not obtained and blank), primary need, school phase, locality;
- a contact per child (parent or carer; some young people) and a second contact for one child in four,
  with preferred languages other than English for some families;
- invitations: every contact for each event, some children with two events in the year; new plans,
  annual reviews and young people's reviews; a few recorded too late to survey (expired), a few opted out;
- messages: the invitation and up to two reminders, delivered, failed or still sent; call-list entries and
  calls;
- responses at rates that differ by ethnic group (about 30% overall), by channel (online, phone, paper,
  in person), four statement answers each ("Does not apply" included), free text for about 45%, with
  sentiment, concern, themes (rows in response_theme), follow-ups in each state, and a few safeguarding
  alerts.

The database must be empty or hold this data set: anything else is refused, so that a wrong URL never
loses data.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GENERATOR_VERSION = 2  # bump when the data below changes: the next run rebuilds
YEAR_START = date(2025, 4, 1)  # financial year 2025/26
YEAR_LABEL = "2025/26"
BENCH_NOW = datetime(2026, 5, 15, 10, 0, tzinfo=UTC)  # after every invitation of the year has closed
CHILDREN = 761_900  # with second contacts (1 in 4) and second events (1 in 16): about 1,000,000 invitations
MARKER_TABLE = "bench_big_year"
BENCH_USER_EMAIL = "bench-officer@example.org"

# DfE code -> weight (as the demo council), None = blank; and how likely a family answers, relative.
ETHNICITY = {
    "WBRI": (61.0, 1.0), "WIRI": (0.6, 0.95), "WIRT": (0.4, 0.45), "WROM": (0.8, 0.5), "WOTH": (6.0, 0.8),
    "MWBC": (2.0, 0.85), "MWBA": (0.9, 0.85), "MWAS": (1.6, 0.9), "MOTH": (2.2, 0.9), "AIND": (2.3, 0.95),
    "APKN": (4.5, 0.7), "ABAN": (1.6, 0.65), "AOTH": (1.6, 0.8), "BCRB": (1.0, 0.75), "BAFR": (4.0, 0.6),
    "BOTH": (0.8, 0.7), "CHNE": (0.4, 0.85), "OOTH": (2.1, 0.7), "REFU": (0.6, 0.55), "NOBT": (0.6, 0.6),
    None: (1.8, 0.6),
}  # fmt: skip
PRIMARY_NEEDS = {"ASD": 32, "SEMH": 15, "SLCN": 16, "MLD": 8, "SLD": 6, "PMLD": 1.5, "SPLD": 4, "HI": 2, "VI": 1,
                 "MSI": 0.3, "PD": 4, "OTH": 3}  # fmt: skip
LOCALITIES = {"Calderwick": 24, "Brackenholm": 24, "Easterfold": 18, "Harrowmere": 14, "Wyvern Cross": 12,
              "Lowmarsh": 8}  # fmt: skip
LANGUAGES = ("Urdu", "Punjabi", "Bengali", "Somali", "Arabic", "Polish", "Romanian", "Cantonese")
THEMES = ("communication", "timeliness", "health_therapies", "social_care", "school_setting", "transport",
          "caseworker", "review_meeting", "plan_quality")  # fmt: skip
DELIVERED = 0.955  # share of messages Notify delivers (the rest fail or are still "sent")
RESPONSE_RATE = 0.345  # for White British families; others by the factor above: about 30% overall


def _sql_text(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _weighted_case(column: str, weights: dict) -> str:
    """CASE on a uniform random `column` picking a key with probability proportional to its weight."""
    total = sum(w[0] if isinstance(w, tuple) else w for w in weights.values())
    parts, running = [], 0.0
    for key, weight in weights.items():
        running += (weight[0] if isinstance(weight, tuple) else weight) / total
        parts.append(f"WHEN {column} < {running:.6f} THEN {_sql_text(key)}")
    return "CASE " + " ".join(parts[:-1]) + f" ELSE {_sql_text(list(weights)[-1])} END"


def _factor_case() -> str:
    parts = [f"WHEN {_sql_text(code)} THEN {factor}" for code, (_, factor) in ETHNICITY.items() if code]
    return f"COALESCE(CASE ethnicity {' '.join(parts)} END, {ETHNICITY[None][1]})"


def _statements_values() -> str:
    from feedback.surveys.definitions import SURVEYS

    rows = [
        f"('{survey.key}', '{statement.key}', {int(survey.easy_read)})"
        for survey in SURVEYS.values()
        for statement in survey.statements
    ]
    return "VALUES " + ", ".join(rows)


def _sent(sequence: int) -> str:
    """SQL: the plan row's message `sequence` was sent (the invitation, then reminders until an answer)."""
    if sequence == 1:
        return "(first_sent_at IS NOT NULL)"
    return (
        f"(first_sent_at IS NOT NULL AND NOT undeliverable AND NOT opted_out AND (responded_at IS NULL "
        f"OR responded_at > first_sent_at + {sequence - 1} * interval '7 days'))"
    )


def build_statements() -> list[str]:
    """The SQL that fills the tables, in order (one transaction, seeded, so every build is the same)."""
    start = f"DATE '{YEAR_START.isoformat()}'"
    now = f"TIMESTAMPTZ '{BENCH_NOW.isoformat()}'"
    themes = "ARRAY[" + ", ".join(f"'{t}'" for t in THEMES) + "]"
    languages = "ARRAY[" + ", ".join(f"'{x}'" for x in LANGUAGES) + "]"
    return [
        "SELECT setseed(0.2026)",
        f"""INSERT INTO app_user (email, name, password_hash, role, failed_sign_ins, active, created_at, updated_at)
            VALUES ('{BENCH_USER_EMAIL}', 'Bench officer', '!', 'officer', 0, true, {now}, {now})""",
        # Children: ethnicity, date of birth, need, phase, locality.
        f"""INSERT INTO child (id, ref, ethnicity, date_of_birth, primary_need, school_phase, locality,
                               created_at, updated_at)
            SELECT n, 'BIG' || lpad(n::text, 7, '0'), {_weighted_case("r1", ETHNICITY)}, dob,
                   {_weighted_case("r2", PRIMARY_NEEDS)},
                   CASE WHEN dob > DATE '2020-09-01' THEN 'Early years' WHEN dob > DATE '2014-09-01' THEN 'Primary'
                        WHEN dob > DATE '2009-09-01' THEN 'Secondary' WHEN dob > DATE '2006-09-01' THEN 'Post-16'
                        ELSE 'Post-19' END,
                   {_weighted_case("r3", LOCALITIES)}, {now}, {now}
            FROM (SELECT n, random() r1, random() r2, random() r3,
                         DATE '2001-01-01' + floor(random() * 8400)::int AS dob
                  FROM generate_series(1, {CHILDREN}) n) s""",
        # One contact per child (a young person for 8%), a second (parent or carer) for one child in four.
        f"""INSERT INTO contact (id, child_id, role, name, name_key, email, mobile, language, created_at, updated_at)
            SELECT id, child_id, role, name, lower(name), email, mobile, language, {now}, {now} FROM (
              SELECT c.id, c.id AS child_id,
                     CASE WHEN c.date_of_birth < DATE '2009-09-01' AND random() < 0.35 THEN 'young_person'
                          ELSE 'parent_carer' END AS role,
                     'Parent Example ' || c.id AS name,
                     CASE WHEN random() < 0.88 THEN 'family' || c.id || '@example.org' END AS email,
                     '+447700900' || lpad((c.id % 1000)::text, 3, '0') AS mobile,
                     CASE WHEN c.ethnicity NOT IN ('WBRI', 'WIRI') AND random() < 0.2
                          THEN ({languages})[1 + floor(random() * {len(LANGUAGES)})::int] END AS language
              FROM child c
              UNION ALL
              SELECT {CHILDREN} + c.id / 4, c.id, 'parent_carer', 'Carer Example ' || c.id,
                     'carer' || c.id || '@example.org', NULL, NULL
              FROM child c WHERE c.id % 4 = 0) s""",
        """CREATE TEMP TABLE plan (
              id serial PRIMARY KEY, child_id int, contact_id int, ethnicity text, survey_key text,
              event_date date, expired bool, opted_out bool, undeliverable bool, responds bool, how text,
              first_sent_at timestamptz, responded_at timestamptz, r_call float8, r_msg float8,
              m1 float8, m2 float8, m3 float8
            ) ON COMMIT DROP""",
        # Each child's first event (for its first contact) and, for one child in sixteen, a second event.
        f"""INSERT INTO plan (child_id, contact_id, ethnicity, survey_key, event_date)
            SELECT c.id, c.id, c.ethnicity,
                   CASE WHEN ct.role = 'young_person' THEN 'annual_review_young_person'
                        WHEN random() < 0.27 THEN 'new_plan' ELSE 'annual_review' END,
                   {start} + floor(random() * 365)::int
            FROM child c JOIN contact ct ON ct.id = c.id""",
        f"""INSERT INTO plan (child_id, contact_id, ethnicity, survey_key, event_date)
            SELECT child_id, contact_id, ethnicity,
                   CASE WHEN survey_key = 'new_plan' THEN 'annual_review'
                        WHEN survey_key = 'annual_review' THEN 'new_plan' ELSE survey_key END,
                   {start} + ((event_date - {start} + 120) % 365)
            FROM plan WHERE child_id % 16 = 3""",
        # The second contact is invited for the same events (a parent is asked about a young person's review).
        f"""INSERT INTO plan (child_id, contact_id, ethnicity, survey_key, event_date)
            SELECT p.child_id, {CHILDREN} + p.child_id / 4, p.ethnicity,
                   CASE WHEN p.survey_key = 'annual_review_young_person' THEN 'annual_review' ELSE p.survey_key END,
                   p.event_date
            FROM plan p WHERE p.child_id % 4 = 0 AND p.contact_id = p.child_id""",
        # What happened to each invitation.
        f"""UPDATE plan SET expired = r.a < 0.03, opted_out = r.a >= 0.03 AND r.a < 0.04,
                   undeliverable = r.b < 0.02,
                   responds = r.a >= 0.04 AND r.c < {RESPONSE_RATE} * {_factor_case()},
                   how = CASE WHEN r.d < 0.86 THEN 'online' WHEN r.d < 0.94 THEN 'phone'
                              WHEN r.d < 0.98 THEN 'paper' ELSE 'in_person' END,
                   first_sent_at = CASE WHEN r.a >= 0.03
                       THEN (event_date + 2)::timestamp AT TIME ZONE 'Europe/London'
                            + interval '9 hours' + r.e * interval '9 hours' END,
                   r_call = r.f, r_msg = r.g, m1 = r.h, m2 = r.i, m3 = r.j
            FROM (SELECT id, random() a, random() b, random() c, random() d, random() e, random() f, random() g,
                         random() h, random() i, random() j
                  FROM plan) r
            WHERE r.id = plan.id""",
        """UPDATE plan SET responded_at = CASE
                   WHEN how = 'phone' THEN first_sent_at + interval '22 days' + r_msg * interval '18 days'
                   ELSE first_sent_at + interval '1 hour' + (r_msg * r_msg) * interval '38 days' END
            WHERE responds""",
        f"""INSERT INTO invitation (id, child_id, contact_id, survey_key, event_date, public_id, token_hash, status,
                                    first_sent_at, closes_at, responded_at, closed_at, call_list_at, call_reason,
                                    call_done_at, delivered_at, reminded_at, called_at, created_at, updated_at)
            SELECT id, child_id, contact_id, survey_key, event_date,
                   md5('big-public-' || id)::uuid::text, md5('big-a-' || id) || md5('big-b-' || id),
                   CASE WHEN expired THEN 'expired' WHEN responds THEN 'responded' WHEN opted_out THEN 'opted_out'
                        WHEN first_sent_at + interval '42 days' <= {now} THEN 'closed' ELSE 'open' END,
                   first_sent_at, first_sent_at + interval '42 days', responded_at,
                   CASE WHEN NOT expired AND NOT responds THEN first_sent_at + interval '42 days' END,
                   call_list_at, call_reason,
                   CASE WHEN call_list_at IS NOT NULL THEN COALESCE(responded_at, first_sent_at + interval '42 days')
                   END,
                   CASE WHEN {_sent(1)} AND NOT undeliverable AND m1 < {DELIVERED}
                             THEN first_sent_at + interval '5 minutes'
                        WHEN {_sent(2)} AND m2 < {DELIVERED} THEN first_sent_at + interval '7 days 5 minutes'
                        WHEN {_sent(3)} AND m3 < {DELIVERED} THEN first_sent_at + interval '14 days 5 minutes' END,
                   CASE WHEN {_sent(2)} THEN first_sent_at + interval '7 days' END,
                   CASE WHEN call_list_at IS NULL THEN NULL WHEN how = 'phone' AND responds THEN responded_at
                        WHEN r_call < 0.5 THEN call_list_at + interval '2 days' END,
                   (event_date + 1)::timestamp + interval '17 hours', {now}
            FROM (SELECT *,
                    CASE WHEN expired THEN NULL
                         WHEN undeliverable THEN first_sent_at + interval '1 hour'
                         WHEN responded_at IS NULL OR responded_at > first_sent_at + interval '21 days'
                              THEN first_sent_at + interval '21 days' END AS call_list_at,
                    CASE WHEN expired THEN NULL WHEN undeliverable THEN 'undeliverable'
                         WHEN responded_at IS NULL OR responded_at > first_sent_at + interval '21 days'
                              THEN 'no_response' END AS call_reason
                  FROM plan) p""",
        # The invitation and up to two reminders, until the family answered.
        f"""INSERT INTO message (invitation_id, sequence, channel, purpose, reference, notify_id, status, error,
                                attempts, sent_at, status_at, created_at, updated_at)
            SELECT p.id, s.seq, CASE WHEN (p.id + s.seq) % 3 = 0 THEN 'sms' ELSE 'email' END,
                   CASE WHEN s.seq = 1 THEN 'invite' ELSE 'reminder' END,
                   md5('big-ref-' || p.id || '-' || s.seq)::uuid::text,
                   md5('big-notify-' || p.id || '-' || s.seq)::uuid::text,
                   CASE WHEN p.undeliverable THEN 'permanent-failure'
                        WHEN x.r < {DELIVERED} THEN 'delivered' WHEN x.r < 0.97 THEN 'temporary-failure'
                        WHEN x.r < 0.975 THEN 'technical-failure' ELSE 'sent' END,
                   CASE WHEN p.undeliverable THEN 'email-address-does-not-exist' END,
                   1, p.first_sent_at + (s.seq - 1) * interval '7 days',
                   p.first_sent_at + (s.seq - 1) * interval '7 days' + interval '5 minutes',
                   p.first_sent_at + (s.seq - 1) * interval '7 days',
                   p.first_sent_at + (s.seq - 1) * interval '7 days'
            FROM plan p
            CROSS JOIN generate_series(1, 3) AS s(seq)
            CROSS JOIN LATERAL (SELECT CASE s.seq WHEN 1 THEN p.m1 WHEN 2 THEN p.m2 ELSE p.m3 END AS r) x
            WHERE p.first_sent_at IS NOT NULL
              AND (s.seq = 1 OR (NOT p.undeliverable AND NOT p.opted_out
                   AND (p.responded_at IS NULL
                        OR p.responded_at > p.first_sent_at + (s.seq - 1) * interval '7 days')))""",
        # Calls: every phone answer, and half of the others on the call list.
        """INSERT INTO call_record (invitation_id, outcome, note, user_id, created_at)
            SELECT i.id,
                   CASE WHEN p.how = 'phone' AND p.responds THEN 'answered'
                        WHEN i.call_reason = 'undeliverable' THEN 'wrong_number'
                        WHEN p.r_call < 0.28 THEN 'no_answer' WHEN p.r_call < 0.44 THEN 'declined'
                        ELSE 'wrong_number' END,
                   NULL, u.id,
                   CASE WHEN p.how = 'phone' AND p.responds THEN p.responded_at
                        ELSE i.call_list_at + interval '2 days' END
            FROM invitation i JOIN plan p ON p.id = i.id
            CROSS JOIN (SELECT id FROM app_user WHERE email = 'bench-officer@example.org') u
            WHERE i.call_list_at IS NOT NULL AND ((p.how = 'phone' AND p.responds) OR p.r_call < 0.5)""",
        # Responses: channel, who entered it, the ethnicity snapshot, sentiment and flags.
        """CREATE TEMP TABLE rplan ON COMMIT DROP AS
            SELECT p.id AS invitation_id, p.survey_key, p.event_date, p.how, p.ethnicity, p.responded_at,
                   random() AS mood, random() AS r_text, random() AS r_flag, random() AS r_theme
            FROM plan p WHERE p.responds""",
        f"""INSERT INTO response (invitation_id, survey_key, survey_version, event_date, channel, entered_by_id,
                                  ethnicity, consent_contact, consent_quote, sentiment_polarity,
                                  sentiment_subjectivity, concern, safeguarding, analysed_at, submitted_at,
                                  created_at, updated_at)
            SELECT r.invitation_id, r.survey_key, 1, r.event_date, r.how,
                   CASE WHEN r.how <> 'online' THEN u.id END, r.ethnicity,
                   r.r_flag < CASE WHEN r.mood < 0.3 THEN 0.45 ELSE 0.08 END,
                   r.r_flag > 0.6,
                   CASE WHEN r.r_text < 0.45 THEN round(((r.mood - 0.45) * 1.6)::numeric, 3)::float8 END,
                   CASE WHEN r.r_text < 0.45 THEN round((0.3 + r.r_flag * 0.6)::numeric, 3)::float8 END,
                   r.r_text < 0.45 AND (r.mood < 0.25 OR r.r_flag < 0.05),
                   r.r_text < 0.45 AND r.r_flag > 0.9967,
                   CASE WHEN r.r_text < 0.45 THEN r.responded_at END,
                   r.responded_at, r.responded_at, {now}
            FROM rplan r CROSS JOIN (SELECT id FROM app_user WHERE email = 'bench-officer@example.org') u""",
        # Four statement answers per response; agreement follows the family's mood; some "Does not apply".
        f"""INSERT INTO answer (response_id, survey_key, event_date, ethnicity, question_key, choice, text)
            SELECT resp.id, resp.survey_key, resp.event_date, resp.ethnicity, st.question_key,
                   CASE WHEN st.easy_read = 1 THEN
                          CASE WHEN sc.v > 0.45 THEN 'yes' WHEN sc.v > 0.3 THEN 'not_sure' ELSE 'no' END
                        WHEN sc.n < 0.03 THEN 'not_applicable'
                        WHEN sc.v > 0.72 THEN 'strongly_agree' WHEN sc.v > 0.42 THEN 'agree'
                        WHEN sc.v > 0.32 THEN 'neither' WHEN sc.v > 0.16 THEN 'disagree'
                        ELSE 'strongly_disagree' END,
                   NULL
            FROM response resp
            JOIN rplan r ON r.invitation_id = resp.invitation_id
            JOIN ({_statements_values()}) AS st(survey_key, question_key, easy_read) ON st.survey_key = resp.survey_key
            CROSS JOIN LATERAL (SELECT (r.mood * 0.6 + random() * 0.4 + length(st.question_key) * 0) AS v,
                                       random() + length(st.question_key) * 0 AS n) sc""",
        """INSERT INTO answer (response_id, survey_key, event_date, ethnicity, question_key, choice, text)
            SELECT resp.id, resp.survey_key, resp.event_date, resp.ethnicity, q.key, NULL,
                   CASE WHEN q.key = 'went_well' THEN 'Our caseworker listened and the plan arrived on time.'
                        ELSE 'Nobody returned my calls and the review meeting was cancelled twice.' END
            FROM response resp
            JOIN rplan r ON r.invitation_id = resp.invitation_id
            CROSS JOIN (VALUES ('went_well'), ('do_better')) AS q(key)
            WHERE r.r_text < 0.45
              AND ((q.key = 'went_well' AND r.mood > 0.35) OR (q.key = 'do_better' AND r.mood < 0.6))""",
        # Themes found in the free text: one or two each.
        f"""INSERT INTO response_theme (response_id, theme)
            SELECT DISTINCT resp.id, ({themes})[1 + ((floor(r.r_theme * 9)::int + k.k * (1 + (resp.id % 8))) % 9)]
            FROM response resp
            JOIN rplan r ON r.invitation_id = resp.invitation_id
            CROSS JOIN (VALUES (0), (1)) AS k(k)
            WHERE r.r_text < 0.45 AND (k.k = 0 OR r.r_flag < 0.4)""",
        # Follow-ups: when the family asked to be contacted or the concern signal fired.
        """INSERT INTO follow_up (response_id, reasons, theme, owner, status, due_on, contacted_at, resolved_at,
                                  created_at, updated_at)
            SELECT resp.id,
                   CASE WHEN resp.consent_contact AND resp.concern THEN '["asked_for_contact", "concern"]'::json
                        WHEN resp.consent_contact THEN '["asked_for_contact"]'::json ELSE '["concern"]'::json END,
                   NULL,
                   (ARRAY['education', 'health', 'social_care'])[1 + resp.id % 3],
                   CASE WHEN resp.id % 10 < 2 THEN 'open' WHEN resp.id % 10 < 4 THEN 'contacted' ELSE 'resolved' END,
                   (resp.submitted_at AT TIME ZONE 'Europe/London')::date + 7,
                   CASE WHEN resp.id % 10 >= 2 THEN resp.submitted_at + interval '3 days' END,
                   CASE WHEN resp.id % 10 >= 4 THEN resp.submitted_at + interval '9 days' END,
                   resp.submitted_at, resp.submitted_at
            FROM response resp WHERE resp.consent_contact OR resp.concern""",
        """INSERT INTO safeguarding_alert (response_id, raised_at, signals, handled_at, action_taken)
            SELECT id, submitted_at, '["harm"]'::json,
                   CASE WHEN id % 20 <> 0 THEN submitted_at + interval '2 hours' END,
                   CASE WHEN id % 20 <> 0 THEN 'Referred to children''s services' END
            FROM response WHERE safeguarding""",
        *(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            for table in ("child", "contact", "invitation")
        ),
    ]


def _schema_fingerprint(metadata) -> str:
    """Changes when a table, column or index of the models changes: the data is then rebuilt."""
    parts = []
    for table in sorted(metadata.sorted_tables, key=lambda t: t.name):
        parts.append(table.name + ":" + ",".join(sorted(c.name for c in table.columns)))
        parts.append(",".join(sorted(str(i.name) for i in table.indexes)))
    return hashlib.sha256(f"{GENERATOR_VERSION}|{'|'.join(parts)}".encode()).hexdigest()[:16]


def _marker(engine) -> dict | None:
    from sqlalchemy import inspect, text

    if MARKER_TABLE not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        row = conn.execute(text(f"SELECT fingerprint, summary FROM {MARKER_TABLE}")).first()
    return None if row is None else {"fingerprint": row[0], "summary": json.loads(row[1])}


def _is_empty(engine, metadata) -> bool:
    from sqlalchemy import inspect, text

    existing = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in existing and conn.execute(text(f"SELECT 1 FROM {table.name} LIMIT 1")).first():
                return False
    return True


def _drop_indexes(conn) -> list[str]:
    """Drop every index and every unique and foreign-key constraint but the primary keys, and return the
    statements that put them back: loading into bare tables, then building each index in one sort, is
    several times faster than keeping random-valued unique indexes (tokens, references) up to date."""
    from sqlalchemy import text

    constraints = conn.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace AND contype IN ('u', 'f')"
        )
    ).all()
    indexes = conn.execute(
        text(
            "SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ci.relnamespace "
            "WHERE n.nspname = 'public' AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype <> 'f')"
        )
    ).all()
    for table, name, _, _kind in sorted(constraints, key=lambda c: c[3]):  # foreign keys ('f') first
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    restore = [definition for _, definition in indexes]
    restore += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "u"]
    restore += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "f"]
    return restore


def _counts(conn) -> dict[str, int]:
    from sqlalchemy import text

    tables = ("child", "contact", "invitation", "message", "call_record", "response", "answer", "response_theme",
              "follow_up", "safeguarding_alert")  # fmt: skip
    return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def ensure_big_year(database_url: str) -> dict:
    """Build the big year in `database_url` (PostgreSQL) unless it is already there; returns its summary:
    the year, row counts, when it was built and how long building took (0 when reused)."""
    os.environ["DATABASE_URL"] = database_url
    from sqlalchemy import text

    from feedback import create_app
    from feedback.core.extensions import db

    app = create_app("test")
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            raise RuntimeError("the big year needs PostgreSQL (COPY-speed inserts, the production database)")
        fingerprint = _schema_fingerprint(db.metadata)
        marker = _marker(engine)
        if marker and marker["fingerprint"] == fingerprint:
            return {**marker["summary"], "reused": True, "build_seconds": 0.0}
        if marker is None and not _is_empty(engine, db.metadata):
            raise RuntimeError(f"{engine.url.database} holds other data: give the big year an empty database")
        started = time.perf_counter()
        db.session.remove()
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {MARKER_TABLE}"))
        db.drop_all()
        db.create_all()
        with engine.begin() as conn:
            restore = _drop_indexes(conn)
            for statement in [*build_statements(), "SET LOCAL maintenance_work_mem = '256MB'", *restore]:
                step = time.perf_counter()
                conn.execute(text(statement))
                if os.environ.get("BIG_YEAR_VERBOSE"):
                    print(f"{time.perf_counter() - step:6.1f} s  {' '.join(statement.split())[:70]}", flush=True)
            summary = {"year": YEAR_LABEL, "now": BENCH_NOW.isoformat(), **_counts(conn)}
            conn.execute(text(f"CREATE TABLE {MARKER_TABLE} (fingerprint text, summary text)"))
            conn.execute(
                text(f"INSERT INTO {MARKER_TABLE} VALUES (:f, :s)"), {"f": fingerprint, "s": json.dumps(summary)}
            )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # statistics for the planner, visibility for index-only scans
        engine.dispose()
        return {**summary, "reused": False, "build_seconds": round(time.perf_counter() - started, 1)}


if __name__ == "__main__":
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        print("Set BENCH_DATABASE_URL to an empty PostgreSQL database, e.g. postgresql+psycopg://…/bench")
        raise SystemExit(0)
    print(json.dumps(ensure_big_year(url), indent=2))
