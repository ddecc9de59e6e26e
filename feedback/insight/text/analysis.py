"""What one response's free text and answers say: sentiment, themes, concern and safeguarding signals.

Pure functions over strings and plain answers (no Flask, no database). The word lists come from config
(`TextRules.from_config`) and are compiled once per distinct set of lists.

- **Sentiment**: TextBlob's polarity (-1 to +1) and subjectivity (0 to 1) of all the free text. TextBlob
  works offline from the lexicon in its wheel; nothing here needs NLTK's corpora.
- **Themes**: a theme is tagged when any of its words or phrases occurs (`THEME_WORDS`).
- **Concern**: TextBlob misses much of how parents complain ("No one listened to us" scores 0.0), so a
  concern is any one of: a complaint phrase (`CONCERN_PHRASES`); a bare negation or complaint cue
  (`CONCERN_CUES`: "not", "never", "still"...) in a text that is not clearly positive; a text whose
  polarity is at or below `CONCERN_POLARITY`; most answered statements disagreed with (or "No"); or a
  safeguarding signal.
- **Safeguarding**: the kinds of harm (`SAFEGUARDING_PHRASES`) the text suggests. Tuned for recall: when in
  doubt it alerts; only figures of speech that are safe to ignore are left out (`SAFEGUARDING_EXCLUDE`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from feedback.insight.text.patterns import Matcher, normalise

NEGATIVE_CHOICES = frozenset({"disagree", "strongly_disagree", "no"})  # a statement disagreed with
MOST_NEGATIVE_CHOICES = frozenset({"strongly_disagree", "no"})  # the scale's most negative answer

# Why a response is a concern, as stored in follow-up reasons and shown to officers.
CONCERN_BY_PHRASE = "complaint_phrase"
CONCERN_BY_CUE = "complaint_cue"
CONCERN_BY_SENTIMENT = "negative_sentiment"
CONCERN_BY_ANSWERS = "negative_answers"
CONCERN_BY_SAFEGUARDING = "safeguarding"
CONCERN_LABELS = {
    CONCERN_BY_PHRASE: "a phrase common in complaints",
    CONCERN_BY_CUE: "a negation (not, never, nothing) in text that is not clearly positive",
    CONCERN_BY_SENTIMENT: "negative sentiment",
    CONCERN_BY_ANSWERS: "disagreed with at least half of the statements",
    CONCERN_BY_SAFEGUARDING: "a sign that a child may be at risk",
}

CONFIG_KEYS = (
    "TEXT_WORD_GROUPS",
    "THEME_WORDS",
    "THEME_EXCLUDE",
    "CONCERN_PHRASES",
    "CONCERN_CUES",
    "CONCERN_EXCLUDE",
    "SAFEGUARDING_PHRASES",
    "SAFEGUARDING_EXCLUDE",
    "CONCERN_POLARITY",
    "CONCERN_CUE_POLARITY",
    "CONCERN_NEGATIVE_SHARE",
)


@dataclass(frozen=True)
class TextRules:
    """The word lists, compiled."""

    themes: dict[str, Matcher]
    theme_exclude: Matcher
    concern: Matcher
    cues: Matcher
    concern_exclude: Matcher
    safeguarding: dict[str, Matcher]
    safeguarding_exclude: Matcher
    concern_polarity: float = -0.3
    cue_polarity: float = 0.3
    negative_share: float = 0.5
    # Readings of texts seen before (the same short answers recur: "Good", "Fine, thank you").
    readings: dict[str, TextReading] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_config(cls, config: Mapping) -> TextRules:
        """Rules from the app's config (or any mapping with the same keys), compiled once per set of lists."""
        return _compiled(json.dumps({key: config[key] for key in CONFIG_KEYS}, sort_keys=True))

    @classmethod
    def compile(cls, lists: Mapping) -> TextRules:
        groups = lists["TEXT_WORD_GROUPS"]
        return cls(
            themes={theme: Matcher.compile(words, groups) for theme, words in lists["THEME_WORDS"].items()},
            theme_exclude=Matcher.compile(lists["THEME_EXCLUDE"], groups),
            concern=Matcher.compile(lists["CONCERN_PHRASES"], groups),
            cues=Matcher.compile(lists["CONCERN_CUES"], groups),
            concern_exclude=Matcher.compile(lists["CONCERN_EXCLUDE"], groups),
            safeguarding={kind: Matcher.compile(p, groups) for kind, p in lists["SAFEGUARDING_PHRASES"].items()},
            safeguarding_exclude=Matcher.compile(lists["SAFEGUARDING_EXCLUDE"], groups),
            concern_polarity=float(lists["CONCERN_POLARITY"]),
            cue_polarity=float(lists["CONCERN_CUE_POLARITY"]),
            negative_share=float(lists["CONCERN_NEGATIVE_SHARE"]),
        )


@lru_cache(maxsize=8)
def _compiled(lists_json: str) -> TextRules:
    return TextRules.compile(json.loads(lists_json))


@dataclass(frozen=True)
class Sentiment:
    polarity: float
    subjectivity: float


def sentiment(text: str) -> Sentiment:
    """TextBlob's polarity and subjectivity (its pattern lexicon: offline, no corpora)."""
    # Imported here: TextBlob imports NLTK, which imports SciPy (1.5 s, 100 MB), and most processes that
    # load the app (the 15-minute chase, the CLI) never analyse anything.
    from textblob import TextBlob

    result = TextBlob(text).sentiment
    return Sentiment(round(result.polarity, 4), round(result.subjectivity, 4))


@dataclass(frozen=True)
class TextReading:
    """What one piece of free text says."""

    sentiment: Sentiment
    themes: tuple[str, ...]
    complaint_phrases: tuple[str, ...]
    cues: tuple[str, ...]
    safeguarding: tuple[str, ...]  # kinds of harm suggested, e.g. "self_harm"

    def concern_reasons(self, rules: TextRules) -> list[str]:
        reasons = []
        if self.complaint_phrases:
            reasons.append(CONCERN_BY_PHRASE)
        if self.cues and self.sentiment.polarity < rules.cue_polarity:
            reasons.append(CONCERN_BY_CUE)
        if self.sentiment.polarity <= rules.concern_polarity:
            reasons.append(CONCERN_BY_SENTIMENT)
        if self.safeguarding:
            reasons.append(CONCERN_BY_SAFEGUARDING)
        return reasons


def themes_in(normalised: str, rules: TextRules) -> tuple[str, ...]:
    text = rules.theme_exclude.blank(normalised)
    return tuple(theme for theme, matcher in rules.themes.items() if matcher.find(text))


def safeguarding_in(normalised: str, rules: TextRules) -> tuple[str, ...]:
    text = rules.safeguarding_exclude.blank(normalised)
    return tuple(kind for kind, matcher in rules.safeguarding.items() if matcher.find(text))


READINGS_KEPT = 5000  # texts whose reading is remembered per set of rules


def read_text(text: str, rules: TextRules) -> TextReading:
    """Sentiment, themes, complaint phrases and cues, and safeguarding kinds in one piece of text."""
    reading = rules.readings.get(text)
    if reading is None:
        if len(rules.readings) >= READINGS_KEPT:
            rules.readings.clear()
        reading = rules.readings[text] = _read(text, rules)
    return reading


def _read(text: str, rules: TextRules) -> TextReading:
    normalised = normalise(text)
    for_concern = rules.concern_exclude.blank(normalised)
    return TextReading(
        sentiment=sentiment(text),
        themes=themes_in(normalised, rules),
        complaint_phrases=tuple(rules.concern.find(for_concern)),
        cues=tuple(rules.cues.find(for_concern)),
        safeguarding=safeguarding_in(normalised, rules),
    )


def negative_share(choices: Mapping[str, str | None]) -> float | None:
    """Share of answered statements disagreed with (or "No"); None when none was answered."""
    answered = [c for c in choices.values() if c and c != "not_applicable"]
    if not answered:
        return None
    return sum(c in NEGATIVE_CHOICES for c in answered) / len(answered)


@dataclass(frozen=True)
class Analysis:
    """Everything stored on a response."""

    polarity: float | None
    subjectivity: float | None
    themes: tuple[str, ...]
    concern_reasons: tuple[str, ...]
    safeguarding: tuple[str, ...]
    readings: tuple[TextReading, ...] = field(default=(), compare=False)

    @property
    def concern(self) -> bool:
        return bool(self.concern_reasons)


def analyse(texts: Iterable[str | None], choices: Mapping[str, str | None], rules: TextRules) -> Analysis:
    """Analyse a response: its free-text answers (each read on its own, then together) and its choices."""
    texts = [t.strip() for t in texts if t and t.strip()]
    readings = tuple(read_text(t, rules) for t in texts)
    reasons: list[str] = []
    for reading in readings:
        reasons += [r for r in reading.concern_reasons(rules) if r not in reasons]
    share = negative_share(choices)
    if share is not None and share >= rules.negative_share:
        reasons.append(CONCERN_BY_ANSWERS)
    themes = {t for r in readings for t in r.themes}
    kinds = {k for r in readings for k in r.safeguarding}
    whole = readings[0].sentiment if len(readings) == 1 else sentiment("\n".join(texts)) if texts else None
    return Analysis(
        polarity=whole.polarity if whole else None,
        subjectivity=whole.subjectivity if whole else None,
        themes=tuple(t for t in rules.themes if t in themes),
        concern_reasons=tuple(reasons),
        safeguarding=tuple(k for k in rules.safeguarding if k in kinds),
        readings=readings,
    )
