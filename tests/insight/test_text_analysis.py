"""The text analysis as pure functions over strings: no Flask, no database."""

from __future__ import annotations

import pytest

import config
from feedback.insight.text.analysis import (
    CONCERN_BY_ANSWERS,
    CONCERN_BY_CUE,
    CONCERN_BY_PHRASE,
    CONCERN_BY_SENTIMENT,
    CONFIG_KEYS,
    TextRules,
    analyse,
    negative_share,
    read_text,
)
from feedback.insight.text.patterns import Matcher, PatternError, normalise, word_forms

RULES = TextRules.from_config({key: getattr(config.Config, key) for key in CONFIG_KEYS})


def _finds(phrases, text, groups=None) -> list[str]:
    return Matcher.compile(phrases, groups).find(normalise(text))


# ---------------------------------------------------------------- the pattern language


def test_normalise_reads_contractions_hyphens_and_curly_quotes():
    assert normalise("He hasn’t had a self-harm plan; can't, won't, didn't!") == (
        "he has not had a self harm plan . can not will not did not ."
    )


def test_a_word_matches_its_regular_forms_and_not_longer_words():
    assert {"call", "calls", "called", "calling", "call's"} <= word_forms("call")
    assert {"chased", "chasing", "chases"} <= word_forms("chase")
    assert {"therapies", "bullied", "bullies"} <= word_forms("therapy") | word_forms("bully")
    assert {"grabbed", "stopping"} <= word_forms("grab") | word_forms("stop")
    assert word_forms("him") == {"him"}  # little words have no forms
    assert _finds(["call"], "She called twice") == ["call"]
    assert _finds(["call"], "The recall was fine") == []
    assert _finds(["therap*"], "The occupational therapist's report") == ["therap*"]


def test_alternatives_groups_and_gaps():
    groups = {"victim": ["him|her", "my son|daughter"]}
    assert _finds(["hit|punch <victim>"], "Another pupil punches my son", groups)
    assert not _finds(["hit|punch <victim>"], "The review hit all the points", groups)
    assert _finds(["(no one|nobody) ... told"], "No one ever told us")
    assert _finds(["waited ... too long"], "We waited far too long")
    assert not _finds(["waited ... too long"], "We waited. It was too long")  # a gap stays in its sentence
    assert not _finds(["waited ... too long"], "We waited for the plan and then the school said it was too long")


def test_anchors_match_a_whole_sentence():
    assert _finds(["^(no|nothing)$"], "Nothing.") and _finds(["^(no|nothing)$"], "Lovely. Nothing!")
    assert not _finds(["^(no|nothing)$"], "Nothing has changed")
    assert not _finds(["^(no|nothing)$"], "There was no")


@pytest.mark.parametrize("phrase", ["<nobody> listened", "(no one|nobody", "a)", "...", "bad!word"])
def test_unreadable_entries_are_refused(phrase):
    with pytest.raises(PatternError):
        Matcher.compile([phrase], {})


def test_blank_stops_other_lists_matching_inside_an_excluded_phrase():
    exclude = Matcher.compile(["dead end"])
    assert not _finds(["dead"], exclude.blank(normalise("We hit a dead end")))


# ---------------------------------------------------------------- the analysis


def test_the_must_show_sentence():
    analysis = analyse(["The coordinator never returned my calls and the plan arrived months late"], {}, RULES)
    assert analysis.polarity < 0
    assert {"communication", "timeliness", "caseworker"} <= set(analysis.themes)
    assert analysis.concern and CONCERN_BY_PHRASE in analysis.concern_reasons
    assert not analysis.safeguarding


@pytest.mark.parametrize(
    "text",
    [
        "No one listened to us at the review meeting",  # TextBlob: 0.0
        "We waited far too long and nobody told us what was happening",  # TextBlob: +0.03
        "Speech and language therapy is in the plan but he has not had a single session since September",
        "Transport has still not been sorted",
        "I had to chase every week",
    ],
)
def test_concern_catches_what_textblob_misses(text):
    reading = read_text(text, RULES)
    assert reading.sentiment.polarity > -0.1
    assert analyse([text], {}, RULES).concern


@pytest.mark.parametrize(
    "text",
    [
        "My caseworker was brilliant and kept us informed at every step",
        "I could not fault the team, thank you",
        "Nobody could have been kinder than the review chair",
        "I never expected the review to go so well",
        "The plan was finished within the 20 weeks, which I did not expect",
        "Everyone had read the reports beforehand, so no time was wasted",
        "There's no harm in asking families what they think, so thank you",
        "Nothing.",  # the answer to "What could we have done better?"
        "No",
        "N/A",
        "I don't have anything to add",
        "Not bad at all",
        "Can't wait for the next review",
    ],
)
def test_praise_written_with_a_negation_is_not_a_concern(text):
    assert not analyse([text], {}, RULES).concern, read_text(text, RULES)


def test_negative_sentiment_alone_is_a_concern():
    analysis = analyse(["Absolutely useless"], {}, RULES)
    assert CONCERN_BY_SENTIMENT in analysis.concern_reasons


def test_a_bare_negation_counts_only_when_the_text_is_not_clearly_positive():
    assert CONCERN_BY_CUE in analyse(["People talked about me, not to me."], {}, RULES).concern_reasons
    assert not analyse(["Not only kind but really helpful, a great meeting"], {}, RULES).concern


def test_answers_make_a_concern_when_at_least_half_disagree():
    agree = {"a": "agree", "b": "strongly_agree", "c": "neither", "d": "not_applicable"}
    assert negative_share(agree) == 0.0
    assert negative_share({"a": "disagree", "b": "agree", "c": "not_applicable"}) == 0.5
    assert negative_share({"a": "not_applicable"}) is None
    assert not analyse([], agree, RULES).concern
    assert analyse([], {"listened": "no", "good": "no", "future": "yes", "about_me": "yes"}, RULES).concern
    assert CONCERN_BY_ANSWERS in analyse([], {"a": "strongly_disagree", "b": "disagree"}, RULES).concern_reasons


def test_several_texts_are_read_one_by_one_and_together():
    analysis = analyse(["Lovely staff", "The plan arrived months late"], {}, RULES)
    assert analysis.concern and {"school_or_setting", "timeliness"} <= set(analysis.themes)
    assert analysis.polarity is not None
    empty = analyse(["", "  ", None], {}, RULES)
    assert (empty.polarity, empty.themes, empty.concern, empty.safeguarding) == (None, (), False, ())


@pytest.mark.parametrize(
    "text, kind",
    [
        ("He came home with bruises on his arms", "physical_harm"),
        ("She has started self-harming", "self_harm"),
        ("He keeps saying he wishes he was dead", "self_harm"),
        ("They put him in a seclusion room on his own for hours", "restraint"),
        ("I don't feel he is safe at that school", "unsafe"),
        ("The taxi driver leaves her alone on the pavement", "neglect"),
        ("An adult at the club kissed her and said it was their secret", "sexual_harm"),
    ],
)
def test_safeguarding_kinds(text, kind):
    analysis = analyse([text], {}, RULES)
    assert kind in analysis.safeguarding
    assert analysis.concern  # a child at risk is always a concern too


@pytest.mark.parametrize(
    "text",
    [
        "I feel safe leaving him at his new school now",
        "The review hit all the important points and was over in an hour",
        "The wait is killing me",
        "We hit a dead end with the council",
        "I felt hurt by how we were spoken to",
        "Health advice was missing from the draft plan",
        "We had to start again from scratch",
        "He is scared of loud noises",
    ],
)
def test_figures_of_speech_and_ordinary_complaints_do_not_alert(text):
    assert not analyse([text], {}, RULES).safeguarding


def test_rules_are_compiled_once_per_set_of_lists():
    lists = {key: getattr(config.Config, key) for key in CONFIG_KEYS}
    assert TextRules.from_config(lists) is RULES
    changed = dict(lists, THEME_WORDS={**lists["THEME_WORDS"], "transport": ["hovercraft"]})
    other = TextRules.from_config(changed)
    assert other is not RULES and analyse(["The hovercraft was late"], {}, other).themes == ("timeliness", "transport")
