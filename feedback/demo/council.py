"""Demo data: the synthetic council built in memory, as plain rows linked by list index.

Children, their parents, carers and young people, and every event of the last three financial
years, each invitation simulated by feedback.demo.timeline. Nothing here touches the database.
"""

from __future__ import annotations

import itertools
import random
import re
from datetime import date, datetime, timedelta

from feedback.core import clock
from feedback.core.phones import normalise_uk_mobile
from feedback.demo.population import (
    AGE_WEIGHTS,
    ETHNICITY_WEIGHTS,
    HERITAGE,
    LANGUAGES,
    LOCALITIES,
    NAMES,
    PHASES,
    PRIMARY_NEEDS,
    RESPONSE_FACTOR,
)
from feedback.demo.timeline import CLOSE_DAYS, civil_slot, rng_uuid, simulate
from feedback.surveys.invitations import link_identity

REF_PREFIX = "DEMO-"  # marks demo children, so a real database is never mistaken for the demo
LINK_SURVEYS = ("new_plan", "annual_review", "annual_review_young_person")
NEW_PLAN_SHARE = 0.52  # of children, a first plan issued inside the window; the rest are reviews only
SECOND_PARENT = 0.25
BOTH_PARENTS_INVITED = 0.25
YEAR = 365.25  # days


def _quota(weights: dict, count: int, rng: random.Random) -> list:
    """Counts exactly in proportion (largest remainder), shuffled: the shares do not drift with the seed."""
    total = sum(weights.values())
    exact = {key: count * weight / total for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: count - sum(counts.values())]:
        counts[key] += 1
    values = [key for key, n in counts.items() for _ in range(n)]
    rng.shuffle(values)
    return values


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Council:
    """Builds every row in memory (plain dicts, linked by list index) before one bulk insert."""

    def __init__(self, rng: random.Random, now: datetime, secret_key: str, officer_id: int):
        self.rng, self.now, self.secret_key, self.officer_id = rng, now, secret_key, officer_id
        self.today = clock.london(now).date()
        this_year = _financial_year_start(self.today)
        self.window_start = this_year.replace(year=this_year.year - 2)  # three financial years, this one included
        self.children: list[dict] = []
        self.contacts: list[dict] = []
        self.invitations: list[dict] = []
        self.messages: list[dict] = []
        self.responses: list[dict] = []
        self.answers: list[dict] = []
        self.calls: list[dict] = []
        pool = list(range(1000))
        rng.shuffle(pool)
        self._mobiles = itertools.cycle(pool)  # spread the 1,000 drama numbers evenly
        self._email_numbers = itertools.count(rng.randint(10, 60))

    def build(self, count: int) -> None:
        """Make `count` children with everything that happened to them, and one open link per survey."""
        for index, code in enumerate(_quota(ETHNICITY_WEIGHTS, count, self.rng)):
            self._child(index, code)
        for key in LINK_SURVEYS:
            if not any(i["survey_key"] == key and i["status"] == "open" for i in self.invitations):
                self._showcase(key)

    def _showcase(self, survey_key: str) -> None:
        """An invitation sent yesterday and not yet answered, so that every printed link works."""
        role = "young_person" if survey_key == "annual_review_young_person" else "parent_carer"
        event_date = self.today - timedelta(days=3)
        taken = {(i["_contact"], i["event_date"]) for i in self.invitations if i["survey_key"] == survey_key}
        for contact in reversed(self.contacts):
            usable = (contact["email"] and not contact["email_failed_at"]) or (
                contact["mobile"] and not contact["mobile_failed_at"]
            )
            if contact["role"] == role and usable and not contact["opted_out_at"]:
                if (contact["_index"], event_date) not in taken:
                    break
        else:
            return  # no contact of that kind: the demo prints the links it has
        invitation = self._new_invitation(contact["_child"], contact, survey_key, event_date)
        sent = min(civil_slot(self.today - timedelta(days=1), self.rng), self.now - timedelta(hours=1))
        channel = "email" if contact["email"] and not contact["email_failed_at"] else "sms"
        invitation.update(
            status="open", first_sent_at=sent, closes_at=sent + timedelta(days=CLOSE_DAYS), created_at=sent
        )
        self.messages.append(
            {
                "_inv": invitation["_index"],
                "sequence": 1,
                "channel": channel,
                "purpose": "invite",
                "reference": rng_uuid(self.rng),
                "notify_id": rng_uuid(self.rng),
                "status": "delivered",
                "error": None,
                "attempts": 1,
                "sent_at": sent,
                "status_at": sent + timedelta(seconds=30),
                "created_at": sent,
            }
        )

    def _child(self, index: int, code: str | None) -> None:
        rng = self.rng
        born, events = self._history()
        age = _age(born, self.today)
        given_bank, family_bank = HERITAGE.get(code) or (rng.choice(("british", "british", "european", "other")),) * 2
        family = rng.choice(NAMES[family_bank][1])
        first_name = rng.choice(NAMES[given_bank][0])
        minority = code is not None and code not in ("WBRI", "REFU", "NOBT")
        places, place_weights = zip(*((p, w[1] if minority else w[0]) for p, w in LOCALITIES.items()), strict=True)
        self.children.append(
            {
                "ref": f"{REF_PREFIX}{index + 1:05d}",
                "first_name": first_name if age >= 16 or rng.random() > 0.1 else None,
                "ethnicity": code,
                "date_of_birth": born,
                "primary_need": self._need(age) if rng.random() > 0.01 else None,
                "school_phase": next(phase for limit, phase in PHASES if age < limit),
                "locality": rng.choices(places, place_weights)[0] if rng.random() > 0.02 else None,
            }
        )
        parents = [self._contact(index, "parent_carer", self._given(given_bank, family_bank), family, code)]
        if rng.random() < SECOND_PARENT:
            other = self._given(given_bank, family_bank, not_=parents[0]["name"].split()[0])
            parents.append(self._contact(index, "parent_carer", other, family, code))
        young_person = None
        for event_date, survey_key in events:
            invited = parents[:2] if len(parents) == 2 and rng.random() < BOTH_PARENTS_INVITED else parents[:1]
            for parent in invited:
                self._invite(index, parent, survey_key, event_date)
            if survey_key == "annual_review" and _age(born, event_date) >= 16:
                young_person = young_person or self._contact(index, "young_person", first_name, family, None)
                self._invite(index, young_person, "annual_review_young_person", event_date)

    def _history(self) -> tuple[date, list[tuple[date, str]]]:
        """Date of birth and the child's events (new plan, annual reviews) inside the window."""
        rng, today, start = self.rng, self.today, self.window_start
        while True:
            age = rng.choices(range(len(AGE_WEIGHTS)), AGE_WEIGHTS)[0]
            born = today - timedelta(days=int((age + rng.random()) * YEAR))
            if rng.random() < NEW_PLAN_SHARE:  # more plans each year: weight towards recent dates
                issued = start + timedelta(days=int((today - start).days * rng.random() ** 0.85))
            else:
                issued = start - timedelta(days=rng.randint(1, 4 * 365))
            if issued < born + timedelta(days=300):
                continue
            events = [(issued, "new_plan")] if issued >= start else []
            for years in itertools.count(1):
                review = _add_years(issued, years) + timedelta(days=rng.randint(-25, 5))
                if review >= today or _age(born, review) >= 25 or rng.random() < 0.05:
                    break  # not yet, too old, or the plan ceased
                if review >= start:
                    events.append((review, "annual_review"))
            if events:
                return born, events

    def _need(self, age: int) -> str:
        weights = dict(PRIMARY_NEEDS)
        if age < 5:  # speech and language needs are identified early; SEMH and SpLD later
            weights.update(SLCN=weights["SLCN"] * 2.5, SEMH=weights["SEMH"] * 0.3, SPLD=weights["SPLD"] * 0.1)
        elif 11 <= age < 19:
            weights["SEMH"] *= 1.5
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _given(self, given_bank: str, family_bank: str, not_: str | None = None) -> str:
        while True:
            name = self.rng.choice(NAMES[self.rng.choice((given_bank, family_bank))][0])
            if name != not_:
                return name

    def _contact(self, child: int, role: str, given: str, family: str, code: str | None) -> dict:
        rng = self.rng
        weights = (20, 30, 50) if role == "young_person" else (18, 70, 12)
        kind = rng.choices(("email", "both", "mobile"), weights)[0]
        share, languages = LANGUAGES.get(code or "", (0.0, ()))
        name = f"{given} {family}"
        row = {
            "_index": len(self.contacts),
            "_child": child,
            "role": role,
            "name": name,
            "name_key": " ".join(name.lower().split()),
            "email": self._email(given, family) if kind != "mobile" else None,
            "mobile": normalise_uk_mobile(f"07700 900{next(self._mobiles):03d}") if kind != "email" else None,
            "language": rng.choice(languages) if languages and rng.random() < share else None,
            "opted_out_at": None,
            "email_failed_at": None,
            "mobile_failed_at": None,
        }
        self.contacts.append(row)
        return row

    def _email(self, given: str, family: str) -> str:
        first, last = (re.sub(r"[^a-z]", "", part.lower()) for part in (given, family))
        number = next(self._email_numbers)
        local = self.rng.choice((f"{first}.{last}{number}", f"{first}{last}{number}", f"{first[0]}{last}{number}"))
        return f"{local}@example.org"

    def _new_invitation(self, child: int, contact: dict, survey_key: str, event_date: date) -> dict:
        invitation = {
            "_index": len(self.invitations),
            "_child": child,
            "_contact": contact["_index"],
            "survey_key": survey_key,
            "event_date": event_date,
            **link_identity(self.secret_key, rng_uuid(self.rng)),
            "status": "pending",
            "first_sent_at": None,
            "closes_at": None,
            "responded_at": None,
            "closed_at": None,
            "call_list_at": None,
            "call_reason": None,
            "call_done_at": None,
            "created_at": None,
        }
        self.invitations.append(invitation)
        return invitation

    def _invite(self, child: int, contact: dict, survey_key: str, event_date: date) -> None:
        invitation = self._new_invitation(child, contact, survey_key, event_date)
        code = self.children[child]["ethnicity"]
        context = {
            "now": self.now,
            "officer_id": self.officer_id,
            "ethnicity": code,
            "primary_need": self.children[child]["primary_need"],
            "response_factor": RESPONSE_FACTOR[code],
            "year_index": (_financial_year_start(event_date).year - self.window_start.year),
        }
        outcome = simulate(invitation, contact, context, self.rng)
        self.messages.extend(outcome.messages)
        self.calls.extend(outcome.calls)
        if outcome.response is not None:
            for answer in outcome.answers:
                answer["_resp"] = len(self.responses)
            self.responses.append(outcome.response)
            self.answers.extend(outcome.answers)
