"""The weighted % agree on the dashboard, against hand computation, on SQLite and PostgreSQL.

new_plan, 2026/27 Q3, "assessment_positive": White British, 3 events (cohort share 3/4), 2 answered: agree and
disagree, 50%; Asian, 1 event (1/4), answered: agree, 100%. Raw: 2/3 = 67%.
Weighted: 0.75 × 50 + 0.25 × 100 = 62.5%, shown as 63% (half up).
Design effect: N Σ W²/n / (Σ W)² = 3 × (0.5625/2 + 0.0625/1) / 1 = 1.03125, shown as 1.03.
annual_review: one Black family's event, nobody answered: no weighted figure, and the group is named as left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from feedback.core import clock
from feedback.insight.periods import Period
from feedback.representation.weighted import weighted_figures
from tests.factories import create_child, create_contact, create_invitation, create_response, sign_in

DAY = date(2026, 10, 5)
NOW = datetime(2026, 12, 21, 11, 0, tzinfo=UTC)


def test_weighted_percent_agree_on_the_dashboard(client):
    with clock.frozen(NOW):
        create_response("new_plan", DAY, {"assessment_positive": "agree"}, ethnicity="WBRI")
        create_response("new_plan", DAY, {"assessment_positive": "disagree"}, ethnicity="WBRI")
        asian = create_response("new_plan", DAY, {"assessment_positive": "strongly_agree"}, ethnicity="APKN")
        assert {a.ethnicity for a in asian.answers} == {"APKN"}  # copied when saved: the weighting reads it
        create_invitation("new_plan", DAY, contact=create_contact(create_child(ethnicity="WBRI")))
        create_invitation("annual_review", DAY, contact=create_contact(create_child(ethnicity="BAFR")))
        figures = weighted_figures(Period(2026, 3), ["new_plan", "annual_review"])
        weighted = figures[("new_plan", "assessment_positive")]
        assert weighted.percent == pytest.approx(62.5) and weighted.design_effect == pytest.approx(1.03125)
        assert weighted.text() == "63%" and weighted.design_effect_text() == "1.03" and weighted.left_out == ()
        nobody = figures[("annual_review", "engaged")]  # a cohort (Black) but no answers: left out, no figure
        assert nobody.percent is None and nobody.left_out == ("Black, Black British, Caribbean or African",)
        sign_in(client, "viewer")
        html = client.get("/officer/?year=2026/27&quarter=3").get_data(as_text=True)
    assert "Weighted by ethnic group" in html and ">63%</span>" in html and "design effect 1.03" in html
    assert "Left out of the weighting, with no answers in 2026/27 Q3: Black, Black British" in html
