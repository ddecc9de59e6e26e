"""The analysis measured on labelled examples: precision and recall are printed (pytest -s shows them).

- feedback-texts.csv: the shared labelled set (a copy of ../shared/feedback-texts.csv);
- held_out_texts.csv: sentences of our own, written before the rules were tuned on anything but the shared
  set, kept as a check that the rules generalise;
- LABELLED_TEXTS=path[:path...] adds sets of the same kind (text, concern, safeguarding, themes) to check.

Thresholds (issue 7): concern recall >= 0.85 with precision >= 0.8, safeguarding recall 1.0, and theme F1
>= 0.8, micro-averaged over the (text, theme) labels. safeguarding_probes.csv adds recall 1.0 on more ways
of saying a child is at risk and no alert on figures of speech and ordinary complaints.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

import config
from feedback.insight.text.analysis import CONFIG_KEYS, TextRules, analyse

DATA = Path(__file__).parent / "data"
RULES = TextRules.from_config({key: getattr(config.Config, key) for key in CONFIG_KEYS})
SETS = [DATA / "feedback-texts.csv", DATA / "held_out_texts.csv"] + [
    Path(p) for p in os.environ.get("LABELLED_TEXTS", "").split(os.pathsep) if p
]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "yes", "true", "y"}


def measure(path: Path) -> tuple[Counts, Counts, Counts, list[str]]:
    concern, safeguarding, themes = Counts(), Counts(), Counts()
    misses = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            analysis = analyse([row["text"]], {}, RULES)
            concern.add(analysis.concern, _flag(row["concern"]))
            safeguarding.add(bool(analysis.safeguarding), _flag(row["safeguarding"]))
            gold = {t.strip() for t in (row.get("themes") or "").split(";") if t.strip()}
            found = set(analysis.themes)
            themes.tp += len(gold & found)
            themes.fp += len(found - gold)
            themes.fn += len(gold - found)
            if _flag(row["safeguarding"]) and not analysis.safeguarding:
                misses.append(row["text"])
    return concern, safeguarding, themes, misses


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_labelled_examples_meet_the_thresholds(path):
    concern, safeguarding, themes, missed = measure(path)
    print(
        f"\n{path.name}: concern precision {concern.precision:.2f} recall {concern.recall:.2f} "
        f"(tp {concern.tp}, fp {concern.fp}, fn {concern.fn}); safeguarding precision {safeguarding.precision:.2f} "
        f"recall {safeguarding.recall:.2f} (tp {safeguarding.tp}, fp {safeguarding.fp}, fn {safeguarding.fn}); "
        f"themes precision {themes.precision:.2f} recall {themes.recall:.2f} F1 {themes.f1:.2f}"
    )
    assert concern.recall >= 0.85 and concern.precision >= 0.8
    assert safeguarding.recall == 1.0, f"missed: {missed}"
    assert themes.f1 >= 0.8


def test_safeguarding_probes():
    alerts, missed, false_alarms = Counts(), [], []
    with (DATA / "safeguarding_probes.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            found = bool(analyse([row["text"]], {}, RULES).safeguarding)
            alerts.add(found, _flag(row["safeguarding"]))
            if found != _flag(row["safeguarding"]):
                (false_alarms if found else missed).append(row["text"])
    print(f"\nsafeguarding_probes.csv: precision {alerts.precision:.2f} recall {alerts.recall:.2f}")
    assert not missed and not false_alarms, (missed, false_alarms)


def test_the_measure_can_fail(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("text,concern,safeguarding,themes\nLovely staff,1,1,transport\nHe was hit,0,0,\n")
    concern, safeguarding, themes, missed = measure(wrong)
    assert concern.recall == 0.0 and safeguarding.recall == 0.0 and missed == ["Lovely staff"]
    assert themes.f1 == 0.0
