"""Word-family patterns: how the word and phrase lists in config are written and matched.

A list entry is a word or a phrase, matched on whole words, case-insensitively:

- a word matches its regular forms: ``call`` matches call, calls, called, calling, call's;
  ``chase`` chased, chasing; ``therapy`` therapies; ``grab`` grabbed, grabbing. Irregular forms
  (told, held, left) are listed as words of their own;
- ``therap*`` matches any word starting "therap" (therapy, therapist, therapists');
- ``a|b|c`` is one word out of several: ``hit|punch|kick <child>``; ``(no one|nobody|never)`` one phrase
  out of several;
- ``<name>`` is one phrase out of a named group (``<child>``: him, her, my son, ...);
- ``...`` stands for up to four words in between, within one sentence: ``waited ... too long``;
- ``^`` at the start and ``$`` at the end: the phrase is a whole sentence (``^(nothing|no)$``).

Text is normalised first: lower case, curly quotes straightened, hyphens read as spaces
("self-harming" is "self harming"), and "n't" read as "not" (didn't, hasn't, can't, won't).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GAP_WORDS = 4  # "..." in a phrase: up to this many words in between
_WORD = r"[a-z0-9']"
_VOWELS = set("aeiou")
_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'(ve|re|ll|m|d)\b"), r" \1"),
)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[.!?;:]")


def normalise(text: str) -> str:
    """Lower case words separated by single spaces, with "." between sentences (see the module doc)."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"(?<=\w)[-\u2010-\u2014](?=\w)", " ", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    tokens = ["." if t in ".!?;:" else t for t in _TOKEN.findall(text)]
    return " ".join(tokens)


# Little words that have no other forms worth matching ("him" never means "hims").
FIXED_WORDS = frozenset(
    "a an the he she they him her them me us my our his their its i we you your it is was were be been "
    "am are to of in on at by for from with and or but not no".split()
)


def word_forms(word: str) -> set[str]:
    """The regular forms of a word: plural, possessive, past tense, -ing."""
    if word in FIXED_WORDS or word.isdigit():
        return {word}
    forms = {word, word + "s", word + "es", word + "'s", word + "s'", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word[:-1] + "ies'"}
    if len(word) >= 3 and word[-1] not in _VOWELS | set("wxy") and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # stop, stopped; grab, grabbing
    return forms


def _word_regex(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + _WORD + "*"
    forms = word_forms(word)
    if len(forms) == 1:
        return re.escape(word)
    stem = os.path.commonprefix(sorted(forms))
    endings = sorted({f[len(stem) :] for f in forms}, key=len, reverse=True)
    optional = "" in endings
    alternatives = "|".join(re.escape(e) for e in endings if e)
    return re.escape(stem) + "(?:" + alternatives + ")" + ("?" if optional else "")


class PatternError(ValueError):
    """A list entry that cannot be read (an unknown <group>, an empty phrase)."""


def _split(phrase: str, separator: str) -> list[str]:
    """Split at `separator` outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in phrase:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise PatternError(f"unbalanced ) in {phrase!r}")
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if depth:
        raise PatternError(f"unbalanced ( in {phrase!r}")
    return [*parts, current]


def _option_regex(option: str, groups: Mapping[str, Iterable[str]], depth: int) -> str:
    if depth > 4:
        raise PatternError(f"groups nested too deep at {option!r}")
    if option.startswith("(") and option.endswith(")"):
        inner = option[1:-1]
        return "(?:" + "|".join(_phrase_regex(p, groups, depth + 1) for p in _split(inner, "|")) + ")"
    if option.startswith("<") and option.endswith(">"):
        name = option[1:-1]
        if name not in groups:
            raise PatternError(f"unknown group <{name}>")
        return "(?:" + "|".join(_phrase_regex(p, groups, depth + 1) for p in groups[name]) + ")"
    if not option or not re.fullmatch(r"[a-z0-9']+\*?", option):
        raise PatternError(f"cannot read {option!r}")
    return _word_regex(option)


def _phrase_regex(phrase: str, groups: Mapping[str, Iterable[str]], depth: int = 0) -> str:
    phrase = phrase.strip()
    starts, ends = phrase.startswith("^"), phrase.endswith("$")
    body = _words_regex(phrase.removeprefix("^").removesuffix("$"), groups, depth)
    # ^ and $: the phrase is a whole sentence ("Nothing." as the answer to "What could we have done better?")
    return ("(?:^|(?<=\\. ))" if starts else "") + body + ("(?= \\.|$)" if ends else "")


def _words_regex(phrase: str, groups: Mapping[str, Iterable[str]], depth: int) -> str:
    regex, words = "", 0
    for token in _split(normalise_phrase(phrase), " "):
        if not token:
            continue
        if token == "...":
            if words:  # a gap only between words
                regex += f"(?: {_WORD}+){{0,{GAP_WORDS}}}"
            continue
        options = _split(token, "|")
        part = "(?:" + "|".join(_option_regex(o, groups, depth) for o in options) + ")"
        regex += (" " if words else "") + part
        words += 1
    if not words:
        raise PatternError(f"nothing to match in {phrase!r}")
    return regex


def normalise_phrase(phrase: str) -> str:
    """A list entry in the form the text is normalised to (keeping the pattern marks * | < > ...)."""
    phrase = phrase.lower().replace("\u2019", "'").replace("...", " ... ")
    phrase = re.sub(r"(?<=\w)-(?=\w)", " ", phrase)
    for pattern, replacement in _CONTRACTIONS:
        phrase = pattern.sub(replacement, phrase)
    return " ".join(phrase.split())


@dataclass(frozen=True)
class Matcher:
    """A compiled list of phrases: finds which of them occur in normalised text."""

    phrases: tuple[str, ...]
    regex: re.Pattern | None

    @classmethod
    def compile(cls, phrases: Iterable[str], groups: Mapping[str, Iterable[str]] | None = None) -> Matcher:
        phrases = tuple(p for p in phrases if p and p.strip())
        if not phrases:
            return cls((), None)
        groups = groups or {}
        alternatives = "|".join(f"(?P<p{i}>{_phrase_regex(p, groups)})" for i, p in enumerate(phrases))
        return cls(phrases, re.compile(rf"(?<!{_WORD})(?:{alternatives})(?!{_WORD})"))

    def find(self, normalised: str) -> list[str]:
        """The list entries found, in the order they first occur (each once)."""
        if self.regex is None:
            return []
        found: list[str] = []
        position = 0
        while True:
            match = self.regex.search(normalised, position)
            if match is None:
                return found
            phrase = self.phrases[int(match.lastgroup[1:])]
            if phrase not in found:
                found.append(phrase)
            position = match.start() + 1

    def blank(self, normalised: str) -> str:
        """The text with every match replaced by "_" words (so that other lists cannot match inside it)."""
        if self.regex is None:
            return normalised
        return self.regex.sub(lambda m: " ".join("_" for _ in m.group(0).split()), normalised)
